import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { TEST_DB_KIND } from '../support/database.js';
import { ChannelTypes, Faults } from '../support/fake-discord/index.js';
import { buttonIds, buttonLabels, embedText } from '../support/harness.js';
import { useHarness } from '../support/use-harness.js';

const EPHEMERAL = 64;

describe(`/daily, /leaderboard and /stats through discord.js and a fake Discord, on ${TEST_DB_KIND}`, () => {
  const ctx = useHarness('2026-03-10T12:00:00Z');
  const daily = (sub: string, options: Record<string, string> = {}, user = ctx.h.admin) =>
    ctx.h.fake.command({ user, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'daily', subcommand: sub, options });
  const setup = (over: Record<string, string> = {}, user = ctx.h.admin) =>
    daily('setup', { channel: ctx.h.channel.id, time: '18:00', timezone: 'Europe/Berlin', deck: 'alpha', ...over }, user);
  /** The public challenge posts in the study channel, oldest first. */
  const posts = () => ctx.h.fake.messages(ctx.h.channel.id).filter((m) => !m.ephemeralFor && m.embeds?.[0]?.footer?.text.startsWith('daily #'));
  const settingsRows = async () => (await ctx.database.rows<{ n: number }>(sql`select count(*)::int as n from daily_settings`))[0]?.n;

  test('GIVEN the /daily command THEN it is declared for Manage Server only', () => {
    const daily = ctx.h.fake.commands().find((c) => c.name === 'daily');
    expect(daily?.default_member_permissions).toBe(String(1n << 5n));
  });

  test('GIVEN a member without Manage Server THEN /daily setup is refused ephemerally and nothing is saved', async () => {
    const r = await setup({}, ctx.h.alice);
    expect(r.data?.flags).toBe(EPHEMERAL);
    expect(r.data?.content).toMatch(/Only members with the Manage Server permission/);
    expect(await settingsRows()).toBe(0);
  });

  test.each([
    [{ time: '6pm' }, /"6pm" is not a time on a 24-hour clock\. Use HH:MM/],
    [{ time: '24:00' }, /not a time on a 24-hour clock/],
    [{ timezone: 'Europe/Berln' }, /not an IANA timezone\. Did you mean `Europe\/Berlin`/],
    [{ deck: 'nope' }, /no deck called "nope"/],
  ])('GIVEN /daily setup with %o THEN an ephemeral message says what is wrong and nothing is saved', async (over, message) => {
    const r = await setup(over);
    expect(r.data?.flags).toBe(EPHEMERAL);
    expect(r.data?.content).toMatch(message);
    expect(await settingsRows()).toBe(0);
  });

  test.each([
    ['a voice channel of this server', () => ctx.h.fake.addChannel(ctx.h.guild.id, { name: 'voice', type: ChannelTypes.GuildVoice })],
    ['a category of this server', () => ctx.h.fake.addChannel(ctx.h.guild.id, { name: 'study', type: ChannelTypes.GuildCategory })],
    ['a text channel of another server', () => ctx.h.fake.addChannel(ctx.h.fake.addGuild({ name: 'Elsewhere' }).id, { name: 'general' })],
  ])('GIVEN a forged /daily setup naming %s THEN it is refused and nothing is saved', async (_what, make) => {
    const channel = make();
    await new Promise((r) => setTimeout(r, 50)); // CHANNEL_CREATE reaches the bot's cache
    const r = await setup({ channel: channel.id });
    expect(r.data?.flags).toBe(EPHEMERAL);
    expect(r.data?.content).toMatch(/is not a text or announcement channel of this server|I cannot see/);
    expect(await settingsRows()).toBe(0);
  });

  test('GIVEN /daily now meets a temporary Discord error THEN the reply says nothing was posted and it is not retried, with the next scheduled post; no promise of an automatic retry', async () => {
    await setup();
    const fault = ctx.h.fake.inject({ method: 'POST', path: `/channels/${ctx.h.channel.id}/messages`, times: Infinity }, Faults.serverError(500));
    try {
      const r = await daily('now');
      expect(r.data?.content).toMatch(/^Could not post the challenge: temporary Discord error/);
      expect(r.data?.content).toMatch(/Nothing was posted and this is not retried: run \/daily now again in a minute, or wait for the scheduled post <t:\d+:R>\./);
      expect(r.data?.content).not.toMatch(/retried automatically/);
    } finally {
      fault.remove();
    }
    expect(posts()).toHaveLength(0);
  });

  test('GIVEN a channel where the bot cannot send messages THEN setup is refused naming the missing permission', async () => {
    const locked = ctx.h.fake.addChannel(ctx.h.guild.id, {
      name: 'announcements',
      permissionOverwrites: [{ id: ctx.h.fake.botUser.id, type: 'member', deny: ['SendMessages', 'EmbedLinks'] }],
    });
    await new Promise((r) => setTimeout(r, 50)); // CHANNEL_CREATE reaches the bot's cache
    const r = await setup({ channel: locked.id });
    expect(r.data?.content).toMatch(new RegExp(`I cannot post in <#${locked.id}>: I am missing Send Messages, Embed Links there`));
    expect(await settingsRows()).toBe(0);
  });

  test('GIVEN setup, /daily now and answers THEN verdicts are private, a second press is refused, and the next post closes the first', async () => {
    const set = await setup();
    expect(set.data?.flags).toBe(EPHEMERAL);
    expect(set.data?.content).toMatch(/Daily challenge set: <#\d+> at 18:00 \(Europe\/Berlin\)/);
    const now = await daily('now');
    expect(now.data?.content).toMatch(/Posted today's challenge/);
    const post = posts().at(-1)!;
    expect(buttonLabels(post)).toEqual(['A', 'B', 'C', 'D']);
    expect(post.allowed_mentions).toEqual({ parse: [] });
    const [challenge] = await ctx.database.rows<{ id: number; correct_index: number }>(sql`select id::int, correct_index from daily_challenges`);
    const ids = buttonIds(post);
    const right = await ctx.h.fake.press({ user: ctx.h.alice, message: post.id, customId: ids[challenge!.correct_index]! });
    expect(right.data?.flags).toBe(EPHEMERAL);
    expect(embedText(right.data as never)).toMatch(/\*\*Right!\*\* \+10 points/);
    expect(embedText(right.data as never)).toMatch(/Daily streak: 1 \(best 1\)/);
    const again = await ctx.h.fake.press({ user: ctx.h.alice, message: post.id, customId: ids[(challenge!.correct_index + 1) % 4]! });
    expect(again.data?.content).toMatch(new RegExp(`^You already answered: ${'ABCD'[challenge!.correct_index]} — `));
    const wrong = await ctx.h.fake.press({ user: ctx.h.bob, message: post.id, customId: ids[(challenge!.correct_index + 1) % 4]! });
    expect(embedText(wrong.data as never)).toMatch(/Not this time/);
    // The public count is refreshed (throttled; 50 ms in this harness).
    await new Promise((r) => setTimeout(r, 200));
    expect(embedText(ctx.h.fake.message(post.id))).toMatch(/Answers: 2 answered so far/);

    ctx.h.clock.set('2026-03-11T12:00:00Z');
    await daily('now');
    const closed = ctx.h.fake.message(post.id)!;
    expect(embedText(closed)).toMatch(/Result: 2 answered · 50% right/);
    expect(embedText(closed)).toMatch(new RegExp(`First right: 1\\. <@${ctx.h.alice.id}>`));
    expect((closed.components![0] as { components: { disabled?: boolean }[] }).components.every((b) => b.disabled)).toBe(true);
    const late = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'stats' });
    expect(late.message!.embeds![0]!.fields!.find((f) => f.name === 'Points')?.value).toBe('10');
  });

  test('GIVEN points THEN /leaderboard lists members in rank order as mentions that never ping', async () => {
    await setup();
    await daily('now');
    const post = posts().at(-1)!;
    const [challenge] = await ctx.database.rows<{ correct_index: number }>(sql`select correct_index from daily_challenges`);
    await ctx.h.fake.press({ user: ctx.h.bob, message: post.id, customId: buttonIds(post)[challenge!.correct_index]! });
    ctx.h.clock.advance(60_000);
    await ctx.h.fake.press({ user: ctx.h.alice, message: post.id, customId: buttonIds(post)[challenge!.correct_index]! });
    const board = await ctx.h.fake.command({ user: ctx.h.admin, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'leaderboard', options: { period: 'week' } });
    expect(board.data?.allowed_mentions).toEqual({ parse: [] });
    const text = embedText(board.message);
    const mentions = [...text.matchAll(/<@(\d+)>/g)].map((m) => m[1]);
    expect(mentions).toEqual([ctx.h.bob.id, ctx.h.alice.id]);
    expect(text).toMatch(/🥇 <@\d+> — 10 pts\n🥈 <@\d+> — 10 pts/);
  });

  test('GIVEN an empty board THEN a friendly line says how to get on it', async () => {
    const board = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'leaderboard' });
    expect(embedText(board.message)).toMatch(/Nobody has points here yet\. Run `\/quiz`/);
  });

  test('GIVEN /daily status THEN it shows the channel as a mention, the time, the zone, the deck and the next post', async () => {
    await setup();
    const status = await daily('status');
    const text = embedText(status.message);
    expect(text).toMatch(new RegExp(`Channel: <#${ctx.h.channel.id}>`));
    expect(text).toMatch(/Time: 18:00/);
    expect(text).toMatch(/Timezone: Europe\/Berlin/);
    expect(text).toMatch(/Deck: alpha/);
    expect(text).toMatch(/Next post: <t:\d+:F> · 2026-03-10 18:00 \(Europe\/Berlin\)/);
    expect(text).toMatch(/Last error: None/);
  });

  test('GIVEN the scheduler ticks at the local time THEN the challenge is posted once', async () => {
    await setup();
    const before = posts().length;
    ctx.h.clock.set('2026-03-10T16:59:00Z');
    await ctx.h.apps[0]!.tick();
    expect(posts()).toHaveLength(before);
    ctx.h.clock.set('2026-03-10T17:00:00Z'); // 18:00 in Berlin
    await ctx.h.apps[0]!.tick();
    await ctx.h.apps[0]!.tick();
    expect(posts()).toHaveLength(before + 1);
  });
});
