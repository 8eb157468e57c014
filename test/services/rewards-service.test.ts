import { sql } from 'drizzle-orm';
import pino from 'pino';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { RewardsRepository } from '../../src/db/repositories/rewards-repository.js';
import type { RoleSetupFacts } from '../../src/domain/rewards.js';
import { UserError } from '../../src/errors.js';
import { RewardsService, type RoleChangeFailure, type RoleGateway } from '../../src/services/rewards-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';

const GUILD = '110000000000000001';
const ADMIN = '310000000000000000';
const ALICE = '320000000000000001';
const BOB = '320000000000000002';
const SCHOLAR = '410000000000000001';
const STREAKER = '410000000000000002';
const CHAMPION = '410000000000000003';

/** Discord's role endpoint, recorded; it answers after `delayMs` with `failure` (null: done). */
class RecordingRoles implements RoleGateway {
  calls: { method: 'PUT' | 'DELETE'; userId: string; roleId: string }[] = [];
  failure: RoleChangeFailure | null = null;
  delayMs = 0;
  async addRole(_guildId: string, userId: string, roleId: string) {
    return this.record('PUT', userId, roleId);
  }
  async removeRole(_guildId: string, userId: string, roleId: string) {
    return this.record('DELETE', userId, roleId);
  }
  private async record(method: 'PUT' | 'DELETE', userId: string, roleId: string) {
    this.calls.push({ method, userId, roleId });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return this.failure;
  }
}

const setup = (roleId: string, roleName: string, over: Partial<RoleSetupFacts> = {}) => ({
  roleId,
  roleName,
  isEveryone: false,
  managed: false,
  botCanManageRoles: true,
  botHighestPosition: 10,
  rolePosition: 2,
  ...over,
});

describe(`role rewards on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let roles: RecordingRoles;
  let rewards: RewardsService;
  const newService = () => new RewardsService(new RewardsRepository(database), roles, pino({ level: 'silent' }));
  const stats = (userId: string, s: { points?: number; studyStreak?: number; lastStudyDay?: string | null; dailyStreak?: number }) =>
    database.db.execute(sql`
      insert into member_stats (guild_id, user_id, points, study_streak, best_study_streak, last_study_day, daily_streak)
      values (${GUILD}, ${userId}, ${s.points ?? 0}, ${s.studyStreak ?? 0}, ${s.studyStreak ?? 0}, ${s.lastStudyDay ?? null}::date, ${s.dailyStreak ?? 0})
      on conflict (guild_id, user_id) do update set points = excluded.points, study_streak = excluded.study_streak,
        last_study_day = excluded.last_study_day, daily_streak = excluded.daily_streak`);
  const grants = () => database.rows<{ role_id: string; user_id: string }>(sql`select role_id, user_id from role_grants order by role_id, user_id`);

  beforeAll(async () => {
    database = await testDatabase();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    roles = new RecordingRoles();
    rewards = newService();
  });

  test('GIVEN a 10-point role and two answers racing past 10 points (and the sweep) THEN the role is given once, and only the racer that gave it reports it', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    await rewards.addThreshold({ guildId: GUILD, setup: setup(SCHOLAR, 'Scholar'), kind: 'points', threshold: 10, userId: ADMIN, now });
    await stats(ALICE, { points: 9 });
    expect(await rewards.grantEarned(GUILD, ALICE, now)).toEqual([]);
    await stats(ALICE, { points: 11 });
    roles.delayMs = 30;
    const second = newService();
    const results = await Promise.all([rewards.grantEarned(GUILD, ALICE, now), second.grantEarned(GUILD, ALICE, now), rewards.sweep(now)]);
    expect(roles.calls).toEqual([{ method: 'PUT', userId: ALICE, roleId: SCHOLAR }]);
    // Whichever won: one of the two answers (which announces it), or the minute sweep (which counts it).
    const announced = [results[0], results[1]].flat();
    expect(announced.length + results[2].granted).toBe(1);
    expect(announced.every((name) => name === 'Scholar')).toBe(true);
    expect(await grants()).toEqual([{ role_id: SCHOLAR, user_id: ALICE }]);
  });

  test('GIVEN a 3-day study-streak role and a points role THEN a broken streak takes the streak role back and the points role stays', async () => {
    const day1 = new Date('2026-03-10T12:00:00Z');
    await rewards.addThreshold({ guildId: GUILD, setup: setup(STREAKER, 'Regular'), kind: 'study_streak', threshold: 3, userId: ADMIN, now: day1 });
    await rewards.addThreshold({ guildId: GUILD, setup: setup(SCHOLAR, 'Scholar'), kind: 'points', threshold: 5, userId: ADMIN, now: day1 });
    await stats(ALICE, { points: 6, studyStreak: 3, lastStudyDay: '2026-03-10' });
    expect((await rewards.grantEarned(GUILD, ALICE, day1)).sort()).toEqual(['Regular', 'Scholar']);
    // The next day the streak still stands (studying today keeps it).
    expect(await rewards.sweep(new Date('2026-03-11T23:59:00Z'))).toEqual({ granted: 0, removed: 0, championsMoved: 0 });
    // A day with no study: on the 12th the streak is broken.
    roles.calls = [];
    expect(await rewards.sweep(new Date('2026-03-12T00:01:00Z'))).toEqual({ granted: 0, removed: 1, championsMoved: 0 });
    expect(roles.calls).toEqual([{ method: 'DELETE', userId: ALICE, roleId: STREAKER }]);
    expect(await grants()).toEqual([{ role_id: SCHOLAR, user_id: ALICE }]);
    // Nothing more to take back on the next tick.
    expect((await rewards.sweep(new Date('2026-03-12T00:02:00Z'))).removed).toBe(0);
  });

  test('GIVEN a daily-streak role THEN it is given by the minute sweep and taken back when the streak resets', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    await rewards.addThreshold({ guildId: GUILD, setup: setup(STREAKER, 'Daily hero'), kind: 'daily_streak', threshold: 2, userId: ADMIN, now });
    await stats(BOB, { dailyStreak: 2 });
    expect((await rewards.sweep(now)).granted).toBe(1);
    await stats(BOB, { dailyStreak: 0 });
    expect((await rewards.sweep(now)).removed).toBe(1);
    expect(roles.calls.map((c) => c.method)).toEqual(['PUT', 'DELETE']);
  });

  test('GIVEN Discord answers 50013 Missing Permissions THEN the reward pauses with the reason, is not retried, and setup again resumes it', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    await rewards.addThreshold({ guildId: GUILD, setup: setup(SCHOLAR, 'Scholar'), kind: 'points', threshold: 5, userId: ADMIN, now });
    await stats(ALICE, { points: 6 });
    await stats(BOB, { points: 7 });
    roles.failure = 'missing-permissions';
    expect(await rewards.grantEarned(GUILD, ALICE, now)).toEqual([]);
    const [reward] = await rewards.list(GUILD);
    expect(reward?.pausedReason).toBe(
      'Discord refused to give **Scholar** (Missing Permissions) on 2026-03-10: give deepcards Manage Roles and move its role above **Scholar**, then run /rewards add again.',
    );
    expect(await grants()).toEqual([]);
    // Never loops: neither answers nor the minute sweep ask Discord again while it is paused.
    await rewards.grantEarned(GUILD, ALICE, now);
    await rewards.sweep(now);
    await rewards.sweep(new Date('2026-03-10T12:01:00Z'));
    expect(roles.calls).toHaveLength(1);
    // Fixed and set up again: the pause is cleared and both members get the role.
    roles.failure = null;
    await rewards.addThreshold({ guildId: GUILD, setup: setup(SCHOLAR, 'Scholar'), kind: 'points', threshold: 5, userId: ADMIN, now });
    expect((await rewards.list(GUILD))[0]?.pausedReason).toBeNull();
    expect((await rewards.sweep(now)).granted).toBe(2);
  });

  test('GIVEN a role above the bot THEN setup is refused with what to fix and nothing is saved', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    await expect(
      rewards.addThreshold({ guildId: GUILD, setup: setup(SCHOLAR, 'Scholar', { rolePosition: 12 }), kind: 'points', threshold: 5, userId: ADMIN, now }),
    ).rejects.toThrow(new UserError("Move deepcards' role above **Scholar** in Server Settings → Roles, then run /rewards again."));
    expect(await rewards.list(GUILD)).toEqual([]);
  });

  test('GIVEN a weekly champion role THEN at each week boundary it moves to the previous week\'s leader, once across two processes', async () => {
    const points = (userId: string, startsOn: string, p: number) =>
      database.db.execute(sql`insert into member_period_points (guild_id, period, starts_on, user_id, points, points_reached_at)
        values (${GUILD}, 'week', ${startsOn}::date, ${userId}, ${p}, ${'2026-03-03T10:00:00Z'}::timestamptz)`);
    // Set up on Wednesday 4 March (UTC, no daily challenge): the first champion is chosen on Monday 9 March.
    await rewards.addChampion({ guildId: GUILD, setup: setup(CHAMPION, 'Champion'), period: 'week', userId: ADMIN, now: new Date('2026-03-04T12:00:00Z') });
    await points(BOB, '2026-03-02', 5);
    await points(ALICE, '2026-03-02', 3);
    expect((await rewards.sweep(new Date('2026-03-08T23:59:00Z'))).championsMoved).toBe(0);
    const other = newService();
    const [first, second] = await Promise.all([rewards.sweep(new Date('2026-03-09T00:00:00Z')), other.sweep(new Date('2026-03-09T00:00:00Z'))]);
    expect(first.championsMoved + second.championsMoved).toBe(1);
    expect(roles.calls).toEqual([{ method: 'PUT', userId: BOB, roleId: CHAMPION }]);
    // Alice leads the week of 9 March: on 16 March the role leaves Bob for her.
    await points(ALICE, '2026-03-09', 8);
    roles.calls = [];
    await rewards.sweep(new Date('2026-03-15T23:59:00Z'));
    expect(roles.calls).toEqual([]);
    await rewards.sweep(new Date('2026-03-16T00:00:00Z'));
    expect(roles.calls).toEqual([
      { method: 'DELETE', userId: BOB, roleId: CHAMPION },
      { method: 'PUT', userId: ALICE, roleId: CHAMPION },
    ]);
    expect(await grants()).toEqual([{ role_id: CHAMPION, user_id: ALICE }]);
  });
});
