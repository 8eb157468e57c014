import { Client, Events, GatewayIntentBits, Routes, type Interaction } from 'discord.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.js';
import { testDatabase } from './support/database.js';
import { FakeDiscord, snowflakeOnShard, type FakeGuild, type FakeMember } from './support/fake-discord/index.js';

/** An in-process discord.js client on some shards that answers every command with its own name. */
async function shardClient(fake: FakeDiscord, name: string, shards: number[], shardCount: number): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, shards, shardCount });
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (interaction.isChatInputCommand()) void interaction.reply(`${name} on shard ${interaction.guild?.shardId ?? 'dm'}`);
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
  return client;
}

describe('FakeDiscord with shards', () => {
  let fake: FakeDiscord;
  const guilds: FakeGuild[] = [];
  const owners: FakeMember[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start({ shardCount: 4 });
    for (let shard = 0; shard < 4; shard++) {
      const guild = fake.addGuild({ id: snowflakeOnShard(shard, 4), name: `shard ${shard}` });
      fake.addChannel(guild.id, { name: 'study' });
      guilds.push(guild);
      owners.push(fake.addMember(guild.id, { username: `member${shard}` }));
    }
    clients.push(await shardClient(fake, 'A', [0, 1], 4), await shardClient(fake, 'B', [2, 3], 4));
  });
  afterAll(async () => {
    for (const client of clients) await client.destroy();
    await fake.stop();
  });

  test('GIVEN shardCount 4 THEN /gateway/bot recommends 4 shards', async () => {
    const answer = (await clients[0]!.rest.get(Routes.gatewayBot())) as { shards: number };
    expect(answer.shards).toBe(4);
  });

  test('GIVEN two clients on shards 0-1 and 2-3 THEN IDENTIFY carried each [id, count] and each got only its guilds', () => {
    expect(fake.connections().map((c) => c.shard).sort()).toEqual([[0, 4], [1, 4], [2, 4], [3, 4]]);
    expect([...clients[0]!.guilds.cache.keys()].sort()).toEqual([guilds[0]!.id, guilds[1]!.id].sort());
    expect([...clients[1]!.guilds.cache.keys()].sort()).toEqual([guilds[2]!.id, guilds[3]!.id].sort());
  });

  test.each([0, 1, 2, 3])('GIVEN a command in the guild on shard %i THEN only the client holding that shard answers', async (shard) => {
    const guild = guilds[shard]!;
    const channelId = fake.channels(guild.id)[0]!.id;
    const result = await fake.command({ user: owners[shard]!, guildId: guild.id, channelId, name: 'ping' });
    expect(result.data?.content).toBe(`${shard < 2 ? 'A' : 'B'} on shard ${shard}`);
  });

  test('GIVEN a command in a DM THEN the client holding shard 0 answers', async () => {
    const result = await fake.command({ user: owners[3]!, name: 'ping' });
    expect(result.data?.content).toBe('A on shard dm');
  });

  test('GIVEN a guild added later THEN only the client holding its shard learns of it', async () => {
    const guild = fake.addGuild({ id: snowflakeOnShard(3, 4, 7), name: 'late' });
    await expect.poll(() => clients[1]!.guilds.cache.has(guild.id)).toBe(true);
    expect(clients[0]!.guilds.cache.has(guild.id)).toBe(false);
  });
});

describe('the app with SHARD_COUNT and SHARD_IDS', () => {
  test('GIVEN SHARD_COUNT=4 and SHARD_IDS=0-1 THEN the app opens only shards 0 and 1', async () => {
    const fake = await FakeDiscord.start({ shardCount: 4 });
    const app = createApp({
      config: { discordApiUrl: fake.apiUrl, devGuildId: undefined, shards: { count: 4, ids: [0, 1], managed: false } },
      database: await testDatabase(),
      decks: [],
      logger: pino({ level: 'silent' }),
      scheduler: false,
    });
    try {
      await app.start(fake.token);
      expect(fake.connections().map((c) => c.shard)).toEqual([[0, 4], [1, 4]]);
      expect(app.shards()).toEqual({ count: 4, ids: [0, 1] });
    } finally {
      await app.stop(500);
      await fake.stop();
    }
  });

  test('GIVEN no shard settings THEN the app opens every shard /gateway/bot recommends', async () => {
    const fake = await FakeDiscord.start({ shardCount: 2 });
    const app = createApp({ config: { discordApiUrl: fake.apiUrl, devGuildId: undefined }, database: await testDatabase(), decks: [], logger: pino({ level: 'silent' }), scheduler: false });
    try {
      await app.start(fake.token);
      expect(fake.connections().map((c) => c.shard)).toEqual([[0, 2], [1, 2]]);
    } finally {
      await app.stop(500);
      await fake.stop();
    }
  });
});
