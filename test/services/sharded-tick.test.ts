import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { DailyRepository } from '../../src/db/repositories/daily-repository.js';
import { ShardHoldersRepository } from '../../src/db/repositories/shard-holders-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import { shardOfGuild, type ShardAssignment } from '../../src/domain/shards.js';
import type { Deck } from '../../src/domain/types.js';
import { runMinuteTick, type MinuteJobDeps } from '../../src/jobs/minute-job.js';
import { DailyService } from '../../src/services/daily-service.js';
import type { ReviewService } from '../../src/services/review-service.js';
import { ShardService } from '../../src/services/shard-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { snowflakeOnShard } from '../support/fake-discord/snowflake.js';
import { fixtureDecks, seededRandom } from '../support/fixtures.js';
import { MemoryPublisher } from '../support/memory-publisher.js';

const ADMIN = '310000000000000000';
const channelOf = (guildId: string) => `2${guildId.slice(1)}`;
const GUILDS = Array.from({ length: 8 }, (_, i) => snowflakeOnShard(i % 4, 4, Math.floor(i / 4)));
const FIRST_HALF: ShardAssignment = { count: 4, ids: [0, 1] };
const SECOND_HALF: ShardAssignment = { count: 4, ids: [2, 3] };

describe(`the scheduler on shards, on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let decks: Deck[];
  let publisher: MemoryPublisher;
  const services: DailyService[] = [];
  const makeDaily = () => {
    const service = new DailyService(new DeckLibrary(decks), new DailyRepository(database), publisher, seededRandom(services.length + 1), pino({ level: 'silent' }), { countRefreshMs: 60_000 });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    database = await testDatabase();
    decks = await fixtureDecks();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    publisher = new MemoryPublisher();
    const daily = makeDaily();
    for (const guildId of GUILDS) {
      await daily.setup({ guildId, channelId: channelOf(guildId), time: '18:00', timeZone: 'Europe/Berlin', deck: 'alpha', userId: ADMIN, now: new Date('2026-01-15T12:00:00Z') });
    }
  });
  afterEach(() => services.splice(0).forEach((s) => s.stop()));

  const postedGuilds = () => GUILDS.filter((g) => publisher.postsIn(channelOf(g)).length > 0);

  test('GIVEN a process on shards 0-1 of 4 THEN its tick posts only for the guilds on those shards', async () => {
    expect(GUILDS.map((g) => shardOfGuild(g, 4))).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(await makeDaily().tick(new Date('2026-01-15T17:00:00Z'), FIRST_HALF)).toMatchObject({ due: 4, posted: 4 });
    expect(postedGuilds()).toEqual(GUILDS.filter((g) => shardOfGuild(g, 4) < 2));
  });

  test('GIVEN two processes on 0-1 and 2-3 THEN every guild is posted exactly once', async () => {
    const at = new Date('2026-01-15T17:00:00Z');
    await Promise.all([makeDaily().tick(at, FIRST_HALF), makeDaily().tick(at, SECOND_HALF)]);
    expect(GUILDS.map((g) => publisher.postsIn(channelOf(g)).length)).toEqual(GUILDS.map(() => 1));
  });

  test('GIVEN overlapping shards (0-2 and 1-3) ticking together THEN nothing is posted twice', async () => {
    const at = new Date('2026-01-15T17:00:00Z');
    const a = makeDaily();
    const b = makeDaily();
    await Promise.all([a.tick(at, { count: 4, ids: [0, 1, 2] }), b.tick(at, { count: 4, ids: [1, 2, 3] }), a.tick(at, { count: 4, ids: [0, 1, 2] })]);
    expect(GUILDS.map((g) => publisher.postsIn(channelOf(g)).length)).toEqual(GUILDS.map(() => 1));
    const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from daily_challenges`);
    expect(row?.n).toBe(GUILDS.length);
  });

  test('GIVEN every guild posted today THEN the next tick reads no schedule at all until tomorrow', async () => {
    const daily = makeDaily();
    await daily.tick(new Date('2026-01-15T17:00:00Z'));
    const repository = new DailyRepository(database);
    expect(await repository.schedulesToCheck(new Date('2026-01-15T17:01:00Z'))).toEqual([]);
    expect(await repository.schedulesToCheck(new Date('2026-01-16T16:59:00Z'))).toEqual([]);
    expect(await repository.schedulesToCheck(new Date('2026-01-16T17:00:00Z'))).toHaveLength(GUILDS.length);
  });

  test('GIVEN a schedule whose stored next due instant is stale THEN the tick reads it once and moves it on', async () => {
    const daily = makeDaily();
    await daily.tick(new Date('2026-01-15T17:00:00Z'));
    // As after the upgrade's backfill: every configured guild due "now".
    await database.db.execute(sql`update daily_settings set next_due_at = ${'2026-01-15T17:30:00Z'}::timestamptz`);
    const repository = new DailyRepository(database);
    expect(await repository.schedulesToCheck(new Date('2026-01-15T17:31:00Z'))).toHaveLength(GUILDS.length);
    expect(await daily.tick(new Date('2026-01-15T17:31:00Z'))).toMatchObject({ due: 0, posted: 0 });
    expect(await repository.schedulesToCheck(new Date('2026-01-15T17:32:00Z'))).toEqual([]);
  });

  describe('the minute job', () => {
    const jobDeps = (shards: ShardAssignment, holder: string, warnings: string[], reminders: string[]): MinuteJobDeps => ({
      daily: makeDaily(),
      review: { sendReminders: async () => (reminders.push(holder), { sent: 0, disabled: 0 }) } as unknown as ReviewService,
      messenger: { send: async () => {} } as never,
      isReady: () => true,
      shards: () => shards,
      shardService: new ShardService(new ShardHoldersRepository(database), holder),
      logger: { ...pino({ level: 'silent' }), warn: (obj: { shard: number }) => warnings.push(`${holder}:${obj.shard}`), info: () => {}, debug: () => {}, error: () => {} } as never,
      now: () => new Date('2026-01-15T12:00:00Z'),
    });

    test('GIVEN two processes on 0-1 and 2-3 THEN only the holder of shard 0 sends reminders, and no overlap is reported', async () => {
      const warnings: string[] = [];
      const reminders: string[] = [];
      const at = new Date('2026-01-15T12:00:00Z');
      await runMinuteTick(jobDeps(FIRST_HALF, 'A', warnings, reminders), at);
      await runMinuteTick(jobDeps(SECOND_HALF, 'B', warnings, reminders), at);
      expect(reminders).toEqual(['A']);
      expect(warnings).toEqual([]);
    });

    test('GIVEN overlapping SHARD_IDS THEN the second process warns about each shared shard', async () => {
      const warnings: string[] = [];
      const at = new Date('2026-01-15T12:00:00Z');
      await runMinuteTick(jobDeps({ count: 4, ids: [0, 1, 2] }, 'A', warnings, []), at);
      await runMinuteTick(jobDeps({ count: 4, ids: [2, 3] }, 'B', warnings, []), at);
      expect(warnings).toEqual(['B:2']);
    });
  });
});
