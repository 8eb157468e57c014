import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { DEFAULT_SRS_SETTINGS, MemoryRepository } from '../../src/db/repositories/memory-repository.js';
import { StatsRepository } from '../../src/db/repositories/stats-repository.js';
import { HeatmapService } from '../../src/services/heatmap-service.js';
import { countingDatabase, resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';

const ALICE = '300000000000000001';
const BOB = '300000000000000002';

describe(`the /stats heatmap's counts, on ${TEST_DB_KIND}`, () => {
  let database: Database;
  const service = (db = database) => new HeatmapService(new StatsRepository(db), new MemoryRepository(db));
  const answerAt = async (iso: string, userId = ALICE, guildId: string | null = '100000000000000001') => {
    await database.db.execute(sql`
      insert into answers (source, guild_id, user_id, deck_id, card_id, result, correct, points, answered_at, award_day)
      values ('quiz', ${guildId}, ${userId}, 'alpha', 'alpha-one', 'good', true, 0, ${iso}::timestamptz, ${iso.slice(0, 10)}::date)`);
  };
  const inZone = (timeZone: string) => new MemoryRepository(database).saveSettings(ALICE, { ...DEFAULT_SRS_SETTINGS, timeZone }, new Date());
  const count = (h: Awaited<ReturnType<HeatmapService['studyHeatmap']>>, day: string) => h.weeks.flat().find((c) => c?.day === day)?.count;

  beforeAll(async () => {
    database = await testDatabase();
  });
  beforeEach(async () => {
    await resetDatabase(database);
  });

  test('GIVEN a member in America/St_Johns, whose day starts at 03:30 UTC THEN answers a minute either side of it fall on two local days', async () => {
    await inZone('America/St_Johns');
    await answerAt('2027-01-11T03:29:00Z');
    await answerAt('2027-01-11T03:31:00Z');
    await answerAt('2027-01-11T03:45:00Z');
    const h = await service().studyHeatmap(ALICE, new Date('2027-01-11T12:00:00Z'));
    expect(h.timeZone).toBe('America/St_Johns');
    expect([count(h, '2027-01-10'), count(h, '2027-01-11')]).toEqual([1, 2]);
    expect(h.currentStreak).toBe(2);
  });

  test('GIVEN a member in Asia/Kolkata, whose day starts at 18:30 UTC THEN an answer at 18:30 UTC is on the next local day', async () => {
    await inZone('Asia/Kolkata');
    await answerAt('2027-01-10T18:29:59Z');
    await answerAt('2027-01-10T18:30:00Z');
    const h = await service().studyHeatmap(ALICE, new Date('2027-01-11T12:00:00Z'));
    expect([count(h, '2027-01-10'), count(h, '2027-01-11')]).toEqual([1, 1]);
  });

  test('GIVEN no settings THEN days are UTC days; answers of every server, DMs included, count, and other members do not', async () => {
    await answerAt('2027-01-10T23:59:00Z');
    await answerAt('2027-01-11T00:01:00Z', ALICE, null);
    await answerAt('2027-01-11T00:02:00Z', ALICE, '100000000000000002');
    await answerAt('2027-01-11T00:03:00Z', BOB);
    const h = await service().studyHeatmap(ALICE, new Date('2027-01-11T12:00:00Z'));
    expect(h.timeZone).toBe('UTC');
    expect([count(h, '2027-01-10'), count(h, '2027-01-11')]).toEqual([1, 2]);
    expect(h.total).toBe(3);
  });

  test('GIVEN a member with no answers THEN the calendar is empty, not an error', async () => {
    const h = await service().studyHeatmap(ALICE, new Date('2027-01-11T12:00:00Z'));
    expect(h.total).toBe(0);
    expect(h.weeks.flat().filter((c) => c !== null)).toHaveLength(365);
  });

  test('GIVEN a year of answers THEN the days are counted by one grouped query (beside the settings read)', async () => {
    for (let i = 0; i < 30; i++) await answerAt(new Date(Date.parse('2027-01-11T10:00:00Z') - i * 9 * 86_400_000).toISOString());
    const { database: counting, queries } = await countingDatabase();
    try {
      const h = await service(counting).studyHeatmap(ALICE, new Date('2027-01-11T12:00:00Z'));
      expect(h.daysStudied).toBe(30);
      const answerQueries = queries.filter((q) => /from "answers"/.test(q));
      expect(answerQueries).toHaveLength(1);
      expect(answerQueries[0]).toMatch(/group by 1/i);
      expect(queries).toHaveLength(2);
    } finally {
      await counting.close();
    }
  });
});
