import { sql } from 'drizzle-orm';
import { firstDailyDate, zonedInstant } from '../../src/domain/daily-schedule.js';
import { addDays } from '../../src/domain/time.js';
import pino from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { DailyRepository } from '../../src/db/repositories/daily-repository.js';
import { LeaderboardRepository } from '../../src/db/repositories/leaderboard-repository.js';
import { StatsRepository } from '../../src/db/repositories/stats-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import type { Deck } from '../../src/domain/types.js';
import { UserError } from '../../src/errors.js';
import { DailyService, PublishError } from '../../src/services/daily-service.js';
import { LeaderboardService } from '../../src/services/leaderboard-service.js';
import { StatsService } from '../../src/services/stats-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks, seededRandom } from '../support/fixtures.js';
import { MemoryPublisher } from '../support/memory-publisher.js';

const GUILD_A = '110000000000000001';
const GUILD_B = '110000000000000002';
const CHANNEL_A = '210000000000000001';
const CHANNEL_B = '210000000000000002';
const ADMIN = '310000000000000000';
const member = (n: number) => `3200000000000000${String(n).padStart(2, '0')}`;
const logger = pino({ level: 'silent' });

describe(`daily challenge on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let decks: Deck[];
  let publisher: MemoryPublisher;
  let daily: DailyService;
  const services: DailyService[] = [];

  const makeDaily = (pub = publisher, countRefreshMs = 60_000) => {
    const library = new DeckLibrary(decks);
    const service = new DailyService(library, new DailyRepository(database), pub, seededRandom(services.length + 1), logger, { countRefreshMs });
    services.push(service);
    return service;
  };
  const setup = (guildId = GUILD_A, channelId = CHANNEL_A, now = '2026-01-15T12:00:00Z', over: Partial<{ time: string; timeZone: string; deck: string | null }> = {}) =>
    daily.setup({ guildId, channelId, time: '18:00', timeZone: 'Europe/Berlin', deck: 'alpha', userId: ADMIN, now: new Date(now), ...over });
  const postNow = async (guildId = GUILD_A, now = '2026-01-15T12:00:00Z') => {
    const result = await daily.postNow(guildId, new Date(now));
    if (result.kind !== 'posted') throw new Error(`expected a post, got ${JSON.stringify(result)}`);
    return result.challenge;
  };
  const statsOf = (userId: string, now = '2026-01-20T12:00:00Z') =>
    new StatsService(new DeckLibrary(decks), new StatsRepository(database), new LeaderboardRepository(database)).memberRecord(GUILD_A, userId, new Date(now));

  beforeAll(async () => {
    database = await testDatabase();
    decks = await fixtureDecks();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    publisher = new MemoryPublisher();
    daily = makeDaily();
  });
  afterEach(() => services.splice(0).forEach((s) => s.stop()));

  describe('setup', () => {
    test.each([
      [{ time: '25:00' }, /not a time on a 24-hour clock.*HH:MM/],
      [{ time: '6pm' }, /not a time on a 24-hour clock/],
      [{ timeZone: 'Europe/Berln' }, /not an IANA timezone\. Did you mean `Europe\/Berlin`/],
      [{ timeZone: 'CET' }, /not an IANA timezone/],
      [{ deck: 'nope' }, /no deck called "nope".*`all`/],
    ])('GIVEN %o THEN it is refused with what to type and nothing is saved', async (over, message) => {
      await expect(setup(GUILD_A, CHANNEL_A, '2026-01-15T12:00:00Z', over)).rejects.toThrow(UserError);
      await expect(setup(GUILD_A, CHANNEL_A, '2026-01-15T12:00:00Z', over)).rejects.toThrow(message);
      expect((await daily.status(GUILD_A, new Date())).settings).toBeUndefined();
    });

    test('GIVEN setup after today\'s time THEN the first challenge is tomorrow at the time', async () => {
      const status = await setup(GUILD_A, CHANNEL_A, '2026-01-15T17:30:00Z');
      expect(status.nextPost).toEqual({ date: '2026-01-16', at: new Date('2026-01-16T17:00:00Z') });
      expect(await daily.tick(new Date('2026-01-15T17:31:00Z'))).toMatchObject({ posted: 0 });
      expect(await daily.tick(new Date('2026-01-16T17:00:00Z'))).toMatchObject({ posted: 1 });
    });

    test('GIVEN a timezone typed in lower case THEN it is stored under its IANA name', async () => {
      const status = await setup(GUILD_A, CHANNEL_A, '2026-01-15T12:00:00Z', { timeZone: 'america/new york', deck: 'all' });
      expect(status.settings).toMatchObject({ timeZone: 'America/New_York', deckId: null, time: '18:00' });
    });
  });

  describe('scheduler', () => {
    test('GIVEN two schedulers racing on one database THEN each guild gets exactly one post per local day', async () => {
      await setup(GUILD_A, CHANNEL_A);
      await setup(GUILD_B, CHANNEL_B);
      const other = makeDaily(publisher);
      const at = new Date('2026-01-15T17:00:00Z');
      await Promise.all([daily.tick(at), other.tick(at), daily.tick(at), other.tick(at)]);
      await Promise.all([daily.tick(new Date('2026-01-15T17:01:00Z')), other.tick(new Date('2026-01-15T22:59:00Z'))]);
      expect(publisher.postsIn(CHANNEL_A)).toHaveLength(1);
      expect(publisher.postsIn(CHANNEL_B)).toHaveLength(1);
      const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from daily_challenges`);
      expect(row?.n).toBe(2);
    });

    test("GIVEN one guild already posted today THEN another guild still gets its own scheduled challenge", async () => {
      await setup(GUILD_A, CHANNEL_A, '2026-01-15T10:00:00Z');
      await setup(GUILD_B, CHANNEL_B, '2026-01-15T10:00:00Z');
      await postNow(GUILD_A, '2026-01-15T10:00:00Z');
      expect(await daily.tick(new Date('2026-01-15T17:01:00Z'))).toMatchObject({ due: 1, posted: 1 });
      expect(publisher.postsIn(CHANNEL_B)).toHaveLength(1);
      expect(publisher.postsIn(CHANNEL_A)).toHaveLength(1);
    });

    test('GIVEN guilds in many timezones ticked through both DST changes THEN each gets exactly one challenge per local day', async () => {
      const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Auckland', 'UTC'];
      const times = ['00:00', '02:30', '09:15', '23:50'];
      const guilds: { id: string; zone: string; time: string }[] = [];
      const setupAt = new Date('2026-03-27T00:00:00Z');
      for (const [z, zone] of zones.entries()) {
        for (const [t, time] of times.entries()) {
          const id = `1300000000000${String(z * 10 + t).padStart(5, '0')}`;
          guilds.push({ id, zone, time });
          await setup(id, `2300000000000${String(z * 10 + t).padStart(5, '0')}`, setupAt.toISOString(), { time, timeZone: zone });
        }
      }
      // Europe springs forward on 2026-03-29; Sydney and Auckland fall back on 2026-04-05.
      // Ticks every 10 minutes (the bot ticks every minute): every listed time is reached on a tick.
      const first = Date.parse('2026-03-28T00:00:00Z');
      const last = Date.parse('2026-04-06T00:00:00Z');
      for (let t = first; t <= last; t += 10 * 60_000) await daily.tick(new Date(t));
      const rows = await database.rows<{ guild_id: string; local_date: string; n: number }>(
        sql`select guild_id, local_date::text, count(*)::int as n from daily_challenges group by 1, 2`,
      );
      expect(rows.every((r) => r.n === 1)).toBe(true);
      for (const g of guilds) {
        // Due: every local day from the first one after setup whose time came by the last tick and which
        // had not ended before the first tick (a day already running then is caught up at once).
        const startsOn = firstDailyDate(g.time, g.zone, setupAt);
        const expected: string[] = [];
        for (let d = '2026-03-26'; d <= '2026-04-07'; d = addDays(d, 1)) {
          if (d < startsOn) continue;
          if (zonedInstant(d, g.time, g.zone).getTime() > last) continue;
          if (zonedInstant(addDays(d, 1), '00:00', g.zone).getTime() <= first) continue;
          expected.push(d);
        }
        expect({ guild: g, dates: rows.filter((r) => r.guild_id === g.id).map((r) => r.local_date).sort() }).toEqual({ guild: g, dates: expected });
      }
    }, 120_000);

    test('GIVEN the bot was down at the time THEN the missed challenge is posted when it returns that local day', async () => {
      await setup();
      expect(await daily.tick(new Date('2026-01-15T21:45:00Z'))).toMatchObject({ due: 1, posted: 1 });
    });

    test('GIVEN a guild whose channel refuses posts THEN it is paused with the reason and the other guild still gets its challenge', async () => {
      await setup(GUILD_A, CHANNEL_A);
      await setup(GUILD_B, CHANNEL_B);
      publisher.failChannel(CHANNEL_A, new PublishError(true, 'Missing Permissions in the channel'));
      const result = await daily.tick(new Date('2026-01-15T17:00:00Z'));
      expect(result).toMatchObject({ posted: 1, failed: 1 });
      expect(publisher.postsIn(CHANNEL_B)).toHaveLength(1);
      const status = await daily.status(GUILD_A, new Date('2026-01-15T17:00:00Z'));
      expect(status.settings).toMatchObject({ pausedReason: 'Missing Permissions in the channel', lastError: 'Missing Permissions in the channel' });
      expect(status.nextPost).toBeNull();
      // Paused: later ticks do not try again.
      publisher.failChannel(CHANNEL_A, undefined);
      expect(await daily.tick(new Date('2026-01-15T17:05:00Z'))).toMatchObject({ due: 0 });
      await expect(daily.postNow(GUILD_A, new Date('2026-01-15T17:06:00Z'))).rejects.toThrow(/paused: Missing Permissions/);
      // /daily setup clears the pause; today's time has passed, so the next post is tomorrow.
      await setup(GUILD_A, CHANNEL_A, '2026-01-15T17:10:00Z');
      expect((await daily.status(GUILD_A, new Date('2026-01-15T17:10:00Z'))).settings?.pausedReason).toBeNull();
      expect(await daily.tick(new Date('2026-01-16T17:00:00Z'))).toMatchObject({ posted: 2 });
    });

    test('GIVEN a transient failure THEN the claim is released and the next tick posts', async () => {
      await setup();
      publisher.failChannel(CHANNEL_A, new PublishError(false, 'temporary Discord error: 502'));
      expect(await daily.tick(new Date('2026-01-15T17:00:00Z'))).toMatchObject({ failed: 1, posted: 0 });
      expect((await daily.status(GUILD_A, new Date('2026-01-15T17:00:00Z'))).settings).toMatchObject({ pausedReason: null, lastError: 'temporary Discord error: 502' });
      publisher.failChannel(CHANNEL_A, undefined);
      expect(await daily.tick(new Date('2026-01-15T17:01:00Z'))).toMatchObject({ posted: 1 });
    });

    test('GIVEN a crash between posting and recording THEN the post is found and not repeated', async () => {
      await setup();
      // The crash: the claim was taken and the message went out, but the process died before recording it.
      await database.db.execute(sql`insert into daily_challenges (guild_id, local_date, kind, channel_id, deck_id, card_id, options, correct_index, status, claimed_at)
        values (${GUILD_A}, '2026-01-15', 'scheduled', ${CHANNEL_A}, 'alpha', 'alpha-one', '["a","b","c","d"]'::jsonb, 0, 'claimed', '2026-01-15T17:00:00Z')`);
      const [claim] = await database.rows<{ id: number }>(sql`select id::int from daily_challenges`);
      publisher.posts.push({ channelId: CHANNEL_A, messageId: 'posted-before-crash', view: { challenge: { id: claim!.id } } as never });
      // Within two minutes the claim may still be in flight: nothing happens.
      await daily.tick(new Date('2026-01-15T17:01:00Z'));
      expect((await database.rows<{ status: string }>(sql`select status from daily_challenges`))[0]?.status).toBe('claimed');
      // Two minutes later the stale claim is settled by finding the message, and nothing is posted again.
      await daily.tick(new Date('2026-01-15T17:03:00Z'));
      expect(publisher.posts).toHaveLength(1);
      const [row] = await database.rows<{ status: string; message_id: string }>(sql`select status, message_id from daily_challenges`);
      expect(row).toEqual({ status: 'open', message_id: 'posted-before-crash' });
    });

    test('GIVEN a claim whose post never went out THEN it is released and the challenge is posted that day', async () => {
      await setup();
      await database.db.execute(sql`insert into daily_challenges (guild_id, local_date, kind, channel_id, deck_id, card_id, options, correct_index, status, claimed_at)
        values (${GUILD_A}, '2026-01-15', 'scheduled', ${CHANNEL_A}, 'alpha', 'alpha-one', '["a","b","c","d"]'::jsonb, 0, 'claimed', '2026-01-15T17:00:00Z')`);
      await daily.tick(new Date('2026-01-15T17:03:00Z'));
      expect(publisher.posts).toHaveLength(0);
      await daily.tick(new Date('2026-01-15T17:04:00Z'));
      expect(publisher.posts).toHaveLength(1);
    });

    test('GIVEN a guild THEN its cards rotate through the whole deck before any repeats', async () => {
      await setup();
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) seen.push((await postNow(GUILD_A, `2026-01-${15 + i}T12:00:00Z`)).cardId);
      expect(new Set(seen.slice(0, 3)).size).toBe(3);
      expect(new Set(seen.slice(3, 6)).size).toBe(3);
    });
  });

  describe('answering', () => {
    test('GIVEN a right answer THEN it earns 10 points into the ledger and totals, and a second press changes nothing', async () => {
      await setup();
      const challenge = await postNow();
      const right = await daily.answer(challenge.id, member(1), challenge.correctIndex, new Date('2026-01-15T12:01:00Z'));
      expect(right).toMatchObject({ kind: 'answered', correct: true, points: 10, dailyStreak: 1 });
      const again = await daily.answer(challenge.id, member(1), (challenge.correctIndex + 1) % 4, new Date('2026-01-15T12:02:00Z'));
      expect(again).toMatchObject({ kind: 'duplicate', previous: { choice: challenge.correctIndex, correct: true } });
      const [ledger] = await database.rows<{ n: number; points: number }>(sql`select count(*)::int as n, sum(points)::int as points from answers where source = 'daily'`);
      expect(ledger).toEqual({ n: 1, points: 10 });
      expect((await statsOf(member(1))).points).toBe(10);
    });

    test('GIVEN presses at the same moment THEN one answer counts', async () => {
      await setup();
      const challenge = await postNow();
      const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => daily.answer(challenge.id, member(1), i % 4, new Date('2026-01-15T12:01:00Z'))));
      expect(outcomes.filter((o) => o.kind === 'answered')).toHaveLength(1);
      const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from answers where challenge_id = ${challenge.id}`);
      expect(row?.n).toBe(1);
    });

    test('GIVEN the next challenge was posted THEN a late press on the old one gets the closed note and counts nothing', async () => {
      await setup();
      const first = await postNow();
      await postNow(GUILD_A, '2026-01-16T12:00:00Z');
      expect(await daily.answer(first.id, member(1), first.correctIndex, new Date('2026-01-16T12:01:00Z'))).toMatchObject({ kind: 'closed' });
      expect((await statsOf(member(1))).answers).toBe(0);
    });

    test('GIVEN the next challenge is posted THEN the previous post closes with the count, the share right and the first three right', async () => {
      await setup();
      const first = await postNow();
      const wrong = (first.correctIndex + 1) % 4;
      await daily.answer(first.id, member(1), wrong, new Date('2026-01-15T12:01:00Z'));
      for (const [n, minute] of [[2, 2], [3, 3], [4, 4], [5, 5]] as const) {
        await daily.answer(first.id, member(n), first.correctIndex, new Date(`2026-01-15T12:0${minute}:00Z`));
      }
      await postNow(GUILD_A, '2026-01-16T12:00:00Z');
      const closingEdit = publisher.edits.find((e) => e.messageId === 'm1' && e.view.challenge.status === 'closed');
      expect(closingEdit?.view.closing).toEqual({ answered: 5, right: 4, firstRight: [member(2), member(3), member(4)] });
    });

    test('GIVEN a burst of answers THEN the public count is edited at most once per interval and ends up exact', async () => {
      const interval = 1000;
      publisher = new MemoryPublisher();
      daily = makeDaily(publisher, interval);
      await setup();
      const challenge = await postNow();
      const started = Date.now();
      for (let i = 1; i <= 8; i++) await daily.answer(challenge.id, member(i), 0, new Date('2026-01-15T12:01:00Z'));
      const burst = Date.now() - started;
      await new Promise((r) => setTimeout(r, interval + 400));
      const refreshes = publisher.edits.filter((e) => e.view.challenge.id === challenge.id);
      expect(refreshes.length).toBeLessThanOrEqual(Math.ceil(burst / interval) + 1);
      // Edits are timed after each refresh's count query, whose time varies (more so through PGlite's worker on a loaded machine).
      for (let i = 1; i < refreshes.length; i++) expect(refreshes[i]!.at - refreshes[i - 1]!.at).toBeGreaterThanOrEqual(interval - 100);
      expect(refreshes.at(-1)?.view.answered).toBe(8);
    });
  });

  test('GIVEN a count refresh still on its way when the challenge closes THEN the closed post is what stays', async () => {
    publisher = new MemoryPublisher();
    daily = makeDaily(publisher, 0);
    await setup();
    const first = await postNow();
    // The count edit (of the open post) is slow; the closing edit overtakes it.
    publisher.editDelayMs = (view) => (view.challenge.status === 'open' ? 150 : 0);
    await daily.answer(first.id, member(1), first.correctIndex, new Date('2026-01-15T12:01:00Z'));
    await new Promise((r) => setTimeout(r, 20)); // the refresh has read "open" and is editing
    await postNow(GUILD_A, '2026-01-16T12:00:00Z');
    await new Promise((r) => setTimeout(r, 400));
    const last = publisher.edits.filter((e) => e.messageId === 'm1').at(-1);
    expect(last?.view.challenge.status).toBe('closed');
    expect(last?.view.closing).toEqual({ answered: 1, right: 1, firstRight: [member(1)] });
  });

  describe('daily streak', () => {
    test('GIVEN right, right, wrong, right THEN the streak goes 1, 2, 0, 1 and the best stays 2', async () => {
      await setup();
      const streaks: number[] = [];
      for (const [day, right] of [[15, true], [16, true], [17, false], [18, true]] as const) {
        const c = await postNow(GUILD_A, `2026-01-${day}T12:00:00Z`);
        const o = await daily.answer(c.id, member(1), right ? c.correctIndex : (c.correctIndex + 1) % 4, new Date(`2026-01-${day}T12:05:00Z`));
        if (o.kind !== 'answered') throw new Error(o.kind);
        streaks.push(o.dailyStreak);
      }
      expect(streaks).toEqual([1, 2, 0, 1]);
      expect((await statsOf(member(1))).dailyStreak).toEqual({ current: 1, best: 2 });
    });

    test('GIVEN a member who skips a challenge THEN the streak shows 0 as soon as it closes', async () => {
      await setup();
      const c1 = await postNow(GUILD_A, '2026-01-15T12:00:00Z');
      await daily.answer(c1.id, member(1), c1.correctIndex, new Date('2026-01-15T12:05:00Z'));
      await daily.answer(c1.id, member(2), c1.correctIndex, new Date('2026-01-15T12:06:00Z'));
      const c2 = await postNow(GUILD_A, '2026-01-16T12:00:00Z');
      await daily.answer(c2.id, member(2), c2.correctIndex, new Date('2026-01-16T12:05:00Z'));
      expect((await statsOf(member(1))).dailyStreak).toEqual({ current: 1, best: 1 });
      await postNow(GUILD_A, '2026-01-17T12:00:00Z');
      expect((await statsOf(member(1))).dailyStreak).toEqual({ current: 0, best: 1 });
      expect((await statsOf(member(2))).dailyStreak).toEqual({ current: 2, best: 2 });
    });
  });

  describe('leaderboard', () => {
    const board = (period: 'week' | 'month' | 'all', by: 'points' | 'streak' = 'points', callerId = member(1), now = '2026-01-21T12:00:00Z') =>
      new LeaderboardService(new LeaderboardRepository(database)).leaderboard({ guildId: GUILD_A, period, by, callerId, now: new Date(now) });

    test('GIVEN equal points THEN whoever reached the score first ranks higher', async () => {
      await setup();
      const c = await postNow();
      await daily.answer(c.id, member(2), c.correctIndex, new Date('2026-01-15T12:02:00Z'));
      await daily.answer(c.id, member(1), c.correctIndex, new Date('2026-01-15T12:01:00Z'));
      await daily.answer(c.id, member(3), c.correctIndex, new Date('2026-01-15T12:03:00Z'));
      for (const period of ['all', 'month'] as const) {
        const b = await board(period, 'points', member(1), '2026-01-16T12:00:00Z');
        expect(b.top.map((r) => [r.rank, r.userId, r.points])).toEqual([
          [1, member(1), 10],
          [2, member(2), 10],
          [3, member(3), 10],
        ]);
      }
    });

    test('GIVEN points from last week and this week THEN the week board counts only this week (Monday start, guild timezone)', async () => {
      await setup();
      const lastWeek = await postNow(GUILD_A, '2026-01-15T12:00:00Z'); // Thursday
      await daily.answer(lastWeek.id, member(1), lastWeek.correctIndex, new Date('2026-01-15T12:01:00Z'));
      // Sunday 23:30 UTC is already Monday 00:30 in Berlin: this week.
      const thisWeek = await postNow(GUILD_A, '2026-01-18T23:30:00Z');
      await daily.answer(thisWeek.id, member(2), thisWeek.correctIndex, new Date('2026-01-18T23:31:00Z'));
      const week = await board('week');
      expect(week.top.map((r) => [r.userId, r.points])).toEqual([[member(2), 10]]);
      const all = await board('all');
      expect(all.top.map((r) => r.userId).sort()).toEqual([member(1), member(2)].sort());
    });

    test("GIVEN the guild's timezone changes THEN the week board is recomputed around the new local Monday", async () => {
      await setup(GUILD_A, CHANNEL_A, '2026-01-18T10:00:00Z', { timeZone: 'America/Los_Angeles' });
      const c = await postNow(GUILD_A, '2026-01-19T04:00:00Z');
      // Sunday 20:30 in Los Angeles, already Monday 05:30 in Berlin.
      await daily.answer(c.id, member(1), c.correctIndex, new Date('2026-01-19T04:30:00Z'));
      expect((await board('week', 'points', member(1), '2026-01-19T12:00:00Z')).top).toEqual([]);
      await setup(GUILD_A, CHANNEL_A, '2026-01-19T10:00:00Z', { timeZone: 'Europe/Berlin' });
      expect((await board('week', 'points', member(1), '2026-01-19T12:00:00Z')).top.map((r) => [r.userId, r.points])).toEqual([[member(1), 10]]);
      expect((await statsOf(member(1), '2026-01-19T12:00:00Z')).weekPoints).toBe(10);
    });

    test('GIVEN more than ten members THEN the caller outside the top ten sees their own rank', async () => {
      await setup();
      const c = await postNow();
      for (let i = 1; i <= 12; i++) {
        await daily.answer(c.id, member(i), c.correctIndex, new Date(`2026-01-15T12:${String(i).padStart(2, '0')}:00Z`));
      }
      for (const period of ['all', 'week'] as const) {
        const b = await board(period, 'points', member(12), '2026-01-16T12:00:00Z');
        expect(b.top).toHaveLength(10);
        expect(b.caller).toMatchObject({ rank: 12, userId: member(12), points: 10 });
        const inTop = await board(period, 'points', member(3), '2026-01-16T12:00:00Z');
        expect(inTop.caller).toBeUndefined();
      }
    });

    test('GIVEN daily streaks THEN the streak board ranks by the current streak with the best beside it', async () => {
      await setup();
      const c1 = await postNow(GUILD_A, '2026-01-15T12:00:00Z');
      await daily.answer(c1.id, member(1), c1.correctIndex, new Date('2026-01-15T12:01:00Z'));
      await daily.answer(c1.id, member(2), c1.correctIndex, new Date('2026-01-15T12:02:00Z'));
      const c2 = await postNow(GUILD_A, '2026-01-16T12:00:00Z');
      await daily.answer(c2.id, member(2), c2.correctIndex, new Date('2026-01-16T12:01:00Z'));
      const b = await board('all', 'streak', member(1), '2026-01-16T13:00:00Z');
      expect(b.top.map((r) => [r.userId, r.dailyStreak, r.bestDailyStreak])).toEqual([
        [member(2), 2, 2],
        [member(1), 1, 1],
      ]);
    });

    test('GIVEN nobody scored THEN the board is empty', async () => {
      const b = await board('all');
      expect(b.top).toEqual([]);
      expect(b.caller).toBeUndefined();
    });
  });
});
