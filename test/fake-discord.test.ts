import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  HTTPError,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import type { Interaction, TextChannel } from 'discord.js';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, Faults, PermissionFlags } from './support/fake-discord/index.js';
import type { FakeChannel, FakeGuild, FakeMember, FakeUser } from './support/fake-discord/index.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function discordCode(error: unknown): unknown {
  return error instanceof DiscordAPIError ? error.code : error;
}

/** A small bot exercising every kind of response discord.js can give. */
async function handle(interaction: Interaction): Promise<void> {
  if (interaction.isAutocomplete()) {
    const typed = String(interaction.options.getFocused());
    const topics = ['attention', 'backprop', 'batchnorm', 'dropout'];
    await interaction.respond(topics.filter((t) => t.startsWith(typed)).map((t) => ({ name: t, value: t })));
    return;
  }
  if (interaction.isButton()) {
    if (interaction.customId === 'card:reveal') {
      await interaction.update({ embeds: [new EmbedBuilder().setTitle('Answer').setDescription('42')] });
    }
    return;
  }
  if (!interaction.isChatInputCommand()) return;
  switch (interaction.commandName) {
    case 'card':
      await interaction.reply({
        embeds: [new EmbedBuilder().setTitle('Question').setDescription('What is 6 × 7?')],
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId('card:reveal').setLabel('Reveal').setStyle(ButtonStyle.Primary),
          ),
        ],
      });
      return;
    case 'secret':
      await interaction.reply({ content: 'only you can see this', flags: MessageFlags.Ephemeral });
      return;
    case 'slow':
      await interaction.deferReply();
      await new Promise((r) => setTimeout(r, 20));
      await interaction.editReply({ content: 'done after defer' });
      return;
    case 'multi':
      await interaction.reply('first');
      await interaction.followUp({ content: 'second', flags: MessageFlags.Ephemeral });
      return;
    case 'announce': {
      const target = interaction.options.getChannel('channel', true, [ChannelType.GuildText]);
      await target.send({ content: `announcement by <@${interaction.user.id}>`, allowedMentions: { parse: [] } });
      await interaction.reply({ content: `sent to ${target.name}`, flags: MessageFlags.Ephemeral });
      return;
    }
    case 'whoami': {
      const where = interaction.inGuild() ? 'guild' : 'dm';
      const canManage = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
      await interaction.reply(`${where}:${interaction.user.username}:${canManage}:${interaction.options.getString('topic') ?? '-'}`);
      return;
    }
    case 'dm-me':
      try {
        await interaction.user.send('hello by DM');
        await interaction.reply({ content: 'check your DMs', flags: MessageFlags.Ephemeral });
      } catch (error) {
        await interaction.reply({ content: `dm failed: ${String(discordCode(error))}`, flags: MessageFlags.Ephemeral });
      }
      return;
    case 'double':
      await interaction.reply('once');
      return;
    case 'too-long':
      // Discord rejects content over 2000 characters; the interaction stays unacknowledged.
      await interaction.reply('x'.repeat(2001)).catch(() => undefined);
      return;
    default:
      // 'ignored' and anything else: no answer at all.
      return;
  }
}

function connectClient(fake: FakeDiscord, onInteraction = handle): Client {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  client.on(Events.InteractionCreate, (interaction) => {
    onInteraction(interaction).catch((error: unknown) => console.error('test bot handler failed:', error));
  });
  return client;
}

async function login(client: Client, token: string): Promise<void> {
  const ready = once(client, Events.ClientReady);
  await client.login(token);
  await ready;
}

describe('FakeDiscord with an in-process discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;
  let guild: FakeGuild;
  let general: FakeChannel;
  let locked: FakeChannel;
  let alice: FakeMember;
  let bob: FakeMember;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ botUsername: 'deepcards-test' });
    guild = fake.addGuild({ name: 'Deep Learning Study' });
    general = fake.addChannel(guild.id, { name: 'general' });
    locked = fake.addChannel(guild.id, {
      name: 'announcements',
      permissionOverwrites: [{ id: fake.botUser.id, type: 'member', deny: ['SendMessages'] }],
    });
    alice = fake.addMember(guild.id, { username: 'alice' });
    bob = fake.addMember(guild.id, { username: 'bob', permissions: ['ManageGuild'] });
    client = connectClient(fake);
    await login(client, fake.token);
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  beforeEach(() => {
    fake.clearRequests();
    fake.clearFaults();
  });

  it('GIVEN the fake permission bits THEN they equal discord.js PermissionFlagsBits', () => {
    expect({ ...PermissionFlags }).toEqual({ ...PermissionFlagsBits });
  });

  it('GIVEN a bot connected THEN GUILD_CREATE populated its caches and permissionsFor reflects a Send Messages deny', async () => {
    const info = await fake.waitForReady();
    expect(info.identified).toBe(true);
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Deep Learning Study');
    expect(cached?.ownerId).toBe(guild.ownerId);
    expect(cached?.channels.cache.map((c) => c.name).sort()).toEqual(['announcements', 'general']);
    expect(cached?.roles.everyone.id).toBe(guild.id);
    expect(cached?.members.me?.id).toBe(fake.botUser.id);
    const me = client.user;
    if (!me) throw new Error('client.user missing after ready');
    const generalPerms = (client.channels.cache.get(general.id) as TextChannel).permissionsFor(me);
    const lockedPerms = (client.channels.cache.get(locked.id) as TextChannel).permissionsFor(me);
    expect(generalPerms?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(generalPerms?.has(PermissionFlagsBits.EmbedLinks)).toBe(true);
    expect(lockedPerms?.has(PermissionFlagsBits.ViewChannel)).toBe(true);
    expect(lockedPerms?.has(PermissionFlagsBits.SendMessages)).toBe(false);
    expect(fake.botPermissions(locked.id) & PermissionFlags.SendMessages).toBe(0n);
  });

  it('GIVEN a bot registering commands THEN global and guild commands are stored with ids', async () => {
    const app = client.application;
    if (!app) throw new Error('client.application missing');
    const global = await app.commands.set([
      { name: 'card', description: 'Show a flashcard' },
      { name: 'whoami', description: 'Who am I', options: [{ type: 3, name: 'topic', description: 'Topic', autocomplete: true }] },
    ]);
    expect(global.size).toBe(2);
    await client.guilds.cache.get(guild.id)?.commands.set([{ name: 'announce', description: 'Announce' }]);
    expect(fake.commands().map((c) => c.name).sort()).toEqual(['card', 'whoami']);
    expect(fake.commands(guild.id).map((c) => c.name)).toEqual(['announce']);
    const card = fake.commands().find((c) => c.name === 'card');
    expect(card?.id).toMatch(/^\d{17,20}$/);
    expect([...global.keys()]).toContain(card?.id);
    expect(fake.requestsMatching('PUT', /^\/applications\/\d+\/commands$/)).toHaveLength(1);
    expect(fake.requestsMatching('PUT', /^\/applications\/\d+\/guilds\/\d+\/commands$/)).toHaveLength(1);
  });

  it('GIVEN an invalid command definition THEN registration fails with 50035 like Discord', async () => {
    const error = await client.application?.commands.set([{ name: 'Bad Name', description: 'x' }]).catch((e: unknown) => e);
    expect(discordCode(error)).toBe(50035);
  });

  it('GIVEN a bot connected THEN a slash command reaches it and its reply (embed + button) is recorded', async () => {
    const result = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'card' });
    expect(result.callbackType).toBe(4);
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(result.latencyMs).toBeLessThan(3000);
    expect(result.data?.embeds?.[0]?.title).toBe('Question');
    const message = result.message;
    expect(message?.channel_id).toBe(general.id);
    expect(message?.guild_id).toBe(guild.id);
    expect(message?.author.id).toBe(fake.botUser.id);
    expect(message?.interactionId).toBe(result.interactionId);
    expect(message?.components[0]?.components?.[0]?.custom_id).toBe('card:reveal');
    expect(fake.lastMessage(general.id)?.id).toBe(message?.id);
    const payload = result.interaction().payload;
    expect(payload).toMatchObject({ guild_id: guild.id, channel_id: general.id, version: 1, context: 0 });
    expect(payload.authorizing_integration_owners).toEqual({ '0': guild.id });
    expect(BigInt(payload.app_permissions as string) & PermissionFlags.SendMessages).toBe(PermissionFlags.SendMessages);
    const callback = fake.requestsMatching('POST', /^\/interactions\/\d+\/[^/]+\/callback$/);
    expect(callback).toHaveLength(1);
    expect(callback[0]?.status).toBe(204);
  });

  it('GIVEN a reply with a button WHEN it is pressed THEN update() replaces the embed of that same message', async () => {
    const reply = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'card' });
    if (!reply.message) throw new Error('no reply message');
    const press = await fake.press({ user: alice, message: reply.message, customId: 'card:reveal' });
    expect(press.callbackType).toBe(7);
    expect(press.message?.id).toBe(reply.message.id);
    const updated = fake.message(reply.message.id);
    expect(updated?.embeds[0]?.title).toBe('Answer');
    expect(updated?.editCount).toBe(1);
    expect(press.current()?.embeds[0]?.description).toBe('42');
    await expect(fake.press({ user: alice, message: reply.message, customId: 'nope' })).rejects.toThrow(/card:reveal/);
  });

  it('GIVEN an ephemeral reply THEN it is stored with flag 64 and ephemeralFor the invoking user', async () => {
    const result = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'secret' });
    expect(result.message?.flags).toBe(MessageFlags.Ephemeral);
    expect(result.message?.ephemeralFor).toBe(alice.id);
    expect(result.message?.content).toBe('only you can see this');
  });

  it('GIVEN deferReply then editReply THEN the loading message is filled in', async () => {
    const result = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'slow' });
    expect(result.callbackType).toBe(5);
    expect(result.message?.flags).toBe(MessageFlags.Loading);
    const edited = await result.waitForEdit();
    expect(edited.content).toBe('done after defer');
    expect(edited.flags).toBe(0);
    expect(result.current()?.id).toBe(result.message?.id);
    const patch = fake.requestsMatching('PATCH', /\/messages\/@original$/);
    expect(patch).toHaveLength(1);
    expect(patch[0]?.rawPath).toContain('%40original');
  });

  it('GIVEN reply then followUp THEN both messages are recorded and the follow-up is ephemeral', async () => {
    const result = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'multi' });
    const followUp = await result.waitForFollowUp();
    await result.settled();
    expect(result.message?.content).toBe('first');
    expect(followUp.content).toBe('second');
    expect(followUp.ephemeralFor).toBe(alice.id);
    expect(result.followUps()).toHaveLength(1);
  });

  it('GIVEN a channel option THEN it is resolved and the bot can send to that channel', async () => {
    const result = await fake.command({
      user: alice,
      guildId: guild.id,
      channelId: general.id,
      name: 'announce',
      options: [{ name: 'channel', type: 7, value: general.id }],
    });
    expect(result.data?.content).toBe('sent to general');
    const resolved = (result.interaction().payload.data as { resolved?: { channels?: Record<string, unknown> } }).resolved;
    expect(resolved?.channels?.[general.id]).toMatchObject({ id: general.id, name: 'general', type: 0 });
    const sent = fake.requestsMatching('POST', `/channels/${general.id}/messages`);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({ content: `announcement by <@${alice.id}>`, allowed_mentions: { parse: [] } });
    const stored = fake.messages(general.id).find((m) => m.content.startsWith('announcement'));
    expect(stored?.mentions).toEqual([]);
  });

  it('GIVEN options as a record and a member with Manage Guild THEN the bot sees the typed value and member permissions', async () => {
    const result = await fake.command({
      user: bob,
      guildId: guild.id,
      channelId: general.id,
      name: 'whoami',
      options: { topic: 'attention' },
    });
    expect(result.data?.content).toBe('guild:bob:true:attention');
  });

  it('GIVEN an acknowledged interaction WHEN a second callback arrives THEN Discord error 40060 is returned', async () => {
    const result = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'double' });
    const response = await fetch(`${fake.apiUrl}/v10/interactions/${result.interactionId}/${result.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 4, data: { content: 'twice' } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 40060, message: 'Interaction has already been acknowledged.' });
  });

  it('GIVEN an autocomplete interaction THEN the choices are recorded', async () => {
    const result = await fake.autocomplete({
      user: alice,
      guildId: guild.id,
      channelId: general.id,
      name: 'whoami',
      focused: { name: 'topic', value: 'ba' },
    });
    expect(result.callbackType).toBe(8);
    expect(result.data?.choices?.map((c) => c.value)).toEqual(['backprop', 'batchnorm']);
  });

  it('GIVEN a command in a DM THEN the interaction carries user and a DM channel, and the reply lands there', async () => {
    const carol: FakeUser = fake.addUser({ username: 'carol' });
    const result = await fake.command({ user: carol, name: 'whoami' });
    expect(result.data?.content).toBe('dm:carol:false:-');
    const payload = result.interaction().payload;
    expect(payload.context).toBe(1);
    expect(payload.member).toBeUndefined();
    expect(payload.user).toMatchObject({ id: carol.id, username: 'carol' });
    expect(result.message?.channel_id).toBe(fake.dmChannel(carol.id)?.id);
  });

  it('GIVEN a bot that DMs the user THEN the DM channel is created and the message stored; disabled DMs fail with 50007', async () => {
    const ok = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'dm-me' });
    expect(ok.data?.content).toBe('check your DMs');
    const dm = fake.dmChannel(alice.id);
    expect(dm?.recipientId).toBe(alice.id);
    expect(fake.messages(dm?.id ?? '').map((m) => m.content)).toContain('hello by DM');
    expect(fake.requestsMatching('POST', '/users/@me/channels')).toHaveLength(1);

    const dave = fake.addMember(guild.id, { username: 'dave', dmsDisabled: true });
    const refused = await fake.command({ user: dave, guildId: guild.id, channelId: general.id, name: 'dm-me' });
    expect(refused.data?.content).toBe('dm failed: 50007');
  });

  it('GIVEN an injected 50013 THEN discord.js surfaces a DiscordAPIError with code 50013', async () => {
    const channel = client.channels.cache.get(general.id) as TextChannel;
    const fault = fake.inject({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, Faults.discordError(50013));
    const error = await channel.send('will fail').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50013);
    expect((error as DiscordAPIError).status).toBe(403);
    expect(fault.hits).toBe(1);
    const recorded = fake.requestsMatching('POST', `/channels/${general.id}/messages`);
    expect(recorded.map((r) => [r.status, r.injected])).toEqual([[403, true]]);
  });

  it('GIVEN the bot lacks Send Messages in a channel THEN posting there fails with 50013 without any injection', async () => {
    const channel = client.channels.cache.get(locked.id) as TextChannel;
    const error = await channel.send('not allowed').catch((e: unknown) => e);
    expect(discordCode(error)).toBe(50013);
    expect(fake.messages(locked.id)).toEqual([]);
  });

  it('GIVEN an injected 500 once THEN discord.js retries and the send succeeds; a persistent 500 surfaces as HTTPError', async () => {
    const channel = client.channels.cache.get(general.id) as TextChannel;
    fake.inject({ method: 'POST', path: `/channels/${general.id}/messages` }, Faults.serverError(500));
    const message = await channel.send('after one 500');
    expect(fake.message(message.id)?.content).toBe('after one 500');
    expect(fake.requestsMatching('POST', `/channels/${general.id}/messages`).map((r) => r.status)).toEqual([500, 200]);

    fake.clearRequests();
    fake.inject({ method: 'POST', path: `/channels/${general.id}/messages`, times: Infinity }, Faults.serverError(502));
    const error = await channel.send('never').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).status).toBe(502);
    expect(fake.requestsMatching('POST', `/channels/${general.id}/messages`)).toHaveLength(4);
  });

  it('GIVEN an injected 429 THEN discord.js waits retry_after and retries', async () => {
    const channel = client.channels.cache.get(general.id) as TextChannel;
    fake.inject({ method: 'POST', path: /\/messages$/ }, Faults.rateLimited(0.1));
    const started = Date.now();
    await channel.send('after a 429');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    const recorded = fake.requestsMatching('POST', `/channels/${general.id}/messages`);
    expect(recorded.map((r) => r.status)).toEqual([429, 200]);
    expect(recorded[0]?.responseBody).toMatchObject({ retry_after: 0.1, global: false });
  });

  it('GIVEN unknown routes and ids THEN the answers are Discord-shaped 404s with rate-limit headers', async () => {
    const headers = { authorization: `Bot ${fake.token}` };
    const unknownRoute = await fetch(`${fake.apiUrl}/v10/definitely/not/a/route`, { headers });
    expect(unknownRoute.status).toBe(404);
    expect(await unknownRoute.json()).toEqual({ code: 0, message: '404: Not Found' });
    expect(unknownRoute.headers.get('x-ratelimit-bucket')).toBeTruthy();
    const unknownChannel = await fetch(`${fake.apiUrl}/v10/channels/1/messages`, { headers });
    expect(await unknownChannel.json()).toMatchObject({ code: 10003 });
    const unknownMessage = await fetch(`${fake.apiUrl}/v10/channels/${general.id}/messages/1`, { headers });
    expect(await unknownMessage.json()).toMatchObject({ code: 10008 });
    const noAuth = await fetch(`${fake.apiUrl}/v10/users/@me`);
    expect(noAuth.status).toBe(401);
  });

  it('GIVEN the bot ignores an interaction THEN command() rejects with a clear message', async () => {
    await expect(
      fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'ignored', timeoutMs: 300 }),
    ).rejects.toThrow(/did not acknowledge \/ignored .* within 300 ms; it made no request for it/);
  });

  it('GIVEN a reply Discord would reject THEN command() rejects and shows the 50035 error the bot got', async () => {
    await expect(
      fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'too-long', timeoutMs: 500 }),
    ).rejects.toThrow(/callback -> 400 .*"code":50035.*"data":\{"content"/);
  });

  it('GIVEN a channel is deleted WHEN the bot is connected THEN CHANNEL_DELETE removes it from the cache', async () => {
    const doomed = fake.addChannel(guild.id, { name: 'doomed' });
    await expect.poll(() => client.channels.cache.has(doomed.id), { timeout: 2000 }).toBe(true);
    const deleted = once(client, Events.ChannelDelete);
    fake.removeChannel(doomed.id);
    await deleted;
    expect(client.channels.cache.has(doomed.id)).toBe(false);
    const error = await client.channels.fetch(doomed.id).catch((e: unknown) => e);
    expect(discordCode(error)).toBe(10003);
  });

  it('GIVEN op 7 RECONNECT THEN discord.js resumes its session and keeps answering', async () => {
    const before = (await fake.waitForReady()).sessionId;
    const resumed = fake.nextReady(5000);
    expect(fake.requestReconnect()).toBe(true);
    const info = await resumed;
    expect(info.resumed).toBe(true);
    expect(info.sessionId).toBe(before);
    const result = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'card' });
    expect(result.callbackType).toBe(4);
  });

  it('GIVEN a second bot process connects THEN the newest connection receives interactions until it leaves', async () => {
    const second = connectClient(fake, async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply('from the second client');
    });
    try {
      await login(second, fake.token);
      const toSecond = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'whoami' });
      expect(toSecond.data?.content).toBe('from the second client');
    } finally {
      const closed = fake.waitForClose();
      await second.destroy();
      expect((await closed).closeCode).toBe(1000);
    }
    const toFirst = await fake.command({ user: alice, guildId: guild.id, channelId: general.id, name: 'whoami' });
    expect(toFirst.data?.content).toBe('guild:alice:false:-');
  });
});

describe('FakeDiscord authentication', () => {
  it('GIVEN a wrong token THEN IDENTIFY is closed with 4004 and discord.js login rejects', async () => {
    const fake = await FakeDiscord.start({ requireRestAuth: false });
    try {
      const ws = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
      const [hello] = (await once(ws, 'message')) as [Buffer];
      expect(JSON.parse(hello.toString())).toMatchObject({ op: 10, d: { heartbeat_interval: 41250 } });
      ws.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 1, properties: {} } }));
      const [code] = (await once(ws, 'close')) as [number];
      expect(code).toBe(4004);

      const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
      const closed = fake.waitForClose();
      await expect(client.login('not-the-token')).rejects.toThrow(/Authentication failed/);
      expect((await closed).closeCode).toBe(4004);
      await client.destroy();
    } finally {
      await fake.stop();
    }
  });

  it('GIVEN a wrong token and REST auth on THEN discord.js fails at GET /gateway/bot with TokenInvalid', async () => {
    const fake = await FakeDiscord.start();
    try {
      const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
      await expect(client.login('not-the-token')).rejects.toThrow(/invalid token/i);
      expect(fake.requestsMatching('GET', '/gateway/bot')[0]?.status).toBe(401);
      await client.destroy();
    } finally {
      await fake.stop();
    }
  });
});

describe('bench/floor-bot.ts', () => {
  let fake: FakeDiscord;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await fake.stop();
  });

  it('GIVEN the floor bot in a child process THEN it answers a command with an embed and button, and a press with update', async () => {
    const guild = fake.addGuild({ name: 'Bench' });
    const channel = fake.addChannel(guild.id, { name: 'bench' });
    const user = fake.addMember(guild.id, { username: 'bencher' });
    child = spawn(process.execPath, ['--import', 'tsx', 'bench/floor-bot.ts'], {
      cwd: repoRoot,
      env: { ...process.env, DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await fake.waitForReady(15_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nfloor-bot output:\n${output}`);
    });

    const command = await fake.command({ user, guildId: guild.id, channelId: channel.id, name: 'anything', timeoutMs: 10_000 });
    expect(command.callbackType).toBe(4);
    expect(command.message?.embeds).toHaveLength(1);
    expect(command.message?.components[0]?.components?.[0]).toMatchObject({ type: 2, custom_id: 'floor:reveal' });
    if (!command.message) throw new Error('no message');
    const press = await fake.press({ user, message: command.message, customId: 'floor:reveal' });
    expect(press.callbackType).toBe(7);
    expect(press.message?.embeds[0]?.description).toBe('A probability distribution over the classes.');
    expect(output).toContain('floor-bot ready');
  }, 30_000);
});
