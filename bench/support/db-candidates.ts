import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import type { DailyRepository } from '../../src/db/repositories/daily-repository.js';
import type { LeaderboardRepository } from '../../src/db/repositories/leaderboard-repository.js';
import { isDailyDue, localTime, type LocalTime } from '../../src/domain/daily-schedule.js';
import { periodStart } from '../../src/domain/periods.js';
import type { DailyService } from '../../src/services/daily-service.js';
import { fmtMs, measure, type Measured } from './db-measure.js';

/**
 * Candidate fixes for the paths that miss their targets, applied to the bench database only and
 * measured the way the bot would run them. Nothing here changes src/: each candidate replays the
 * service's flow with the changed query, or with an index or table created here by hand.
 */
export interface CandidateContext {
  database: Database;
  boards: LeaderboardRepository;
  daily: DailyRepository;
  dailyService: DailyService;
  guildId: string;
  now: Date;
  boardCallers: readonly string[];
  randomMembers: readonly string[];
  log: (message: string) => void;
}

export interface CandidateResult {
  change: string;
  before: Measured | undefined;
  after: Measured;
}

const BOARD_SIZE = 10;
const STALE_CLAIM_MS = 2 * 60_000;
const at = <T>(list: readonly T[], i: number) => list[i % list.length] as T;

type Row = { user_id: string; points: number };

/** leaderboard-repository topAllTime with `nulls last` on the DESC key, as drizzle's `.desc()` index is built. */
const topAllTimeSql = (guildId: string) => sql`
  select user_id, points, daily_streak, best_daily_streak from member_stats
  where guild_id = ${guildId} and points > 0
  order by points desc nulls last, points_reached_at asc nulls last, user_id limit ${BOARD_SIZE}`;

/**
 * A narrow (guild_id, points) index for counting the members ahead: btree deduplication stores the
 * many equal (guild, points) keys once, so it is a fraction of member_stats_points_idx's size.
 */
export const ALL_TIME_COUNT_INDEX = 'create index member_stats_guild_points_idx on member_stats (guild_id, points)';

/** rankAllTime as two index range counts: strictly more points, then the tie-break as a row comparison. */
const rankAllTimeSql = (guildId: string, userId: string) => sql`
  select 1 + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.points > s.points)::int
           + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.points = s.points
                and (o.points_reached_at, o.user_id) < (s.points_reached_at, s.user_id))::int as rank,
         s.user_id, s.points, s.daily_streak, s.best_daily_streak
  from member_stats s where s.guild_id = ${guildId} and s.user_id = ${userId} and s.points > 0`;

const topStreaksSql = (guildId: string) => sql`
  select user_id, points, daily_streak, best_daily_streak from member_stats
  where guild_id = ${guildId} and daily_streak > 0
  order by daily_streak desc nulls last, best_daily_streak desc nulls last, user_id limit ${BOARD_SIZE}`;

const rankStreakSql = (guildId: string, userId: string) => sql`
  select 1 + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.daily_streak > s.daily_streak)::int
           + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.daily_streak = s.daily_streak
                and o.best_daily_streak > s.best_daily_streak)::int
           + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.daily_streak = s.daily_streak
                and o.best_daily_streak = s.best_daily_streak and o.user_id < s.user_id)::int as rank,
         s.user_id, s.points, s.daily_streak, s.best_daily_streak
  from member_stats s where s.guild_id = ${guildId} and s.user_id = ${userId} and s.daily_streak > 0`;

/**
 * Running week and month totals per guild member, keyed by the local date the period began in the
 * guild's timezone: the period boards then read an index like the all-time board instead of summing
 * the ledger. Kept by the statement that records an answer (see PERIOD_UPSERT).
 */
export const PERIOD_TABLE_DDL = `
create table member_period_points (
  guild_id text not null,
  period text not null,            -- 'week' | 'month'
  starts_on date not null,         -- local date the period began, in the guild's timezone
  user_id text not null,
  points integer not null default 0,
  points_reached_at timestamptz,
  primary key (guild_id, period, starts_on, user_id)
);
create index member_period_points_rank_idx on member_period_points (guild_id, period, starts_on, points desc, points_reached_at, user_id);
create index member_period_points_count_idx on member_period_points (guild_id, period, starts_on, points);`;

const PERIOD_BACKFILL = (now: Date) => `
insert into member_period_points (guild_id, period, starts_on, user_id, points, points_reached_at)
select a.guild_id, v.period, v.starts_on, a.user_id, sum(a.points)::int, max(a.answered_at) filter (where a.points > 0)
from (select a.*, coalesce(ds.time_zone, 'UTC') as tz from answers a left join daily_settings ds using (guild_id)
      where a.guild_id is not null and a.answered_at >= timestamptz '${now.toISOString()}' - interval '62 days') a
cross join lateral (values ('week', date_trunc('week', a.answered_at at time zone a.tz)::date),
                           ('month', date_trunc('month', a.answered_at at time zone a.tz)::date)) v(period, starts_on)
group by 1, 2, 3, 4`;

/** What recording an answer would add: the member's week and month rows, in the guild's timezone. */
const periodUpsertSql = (guildId: string, userId: string, points: number, answeredAt: Date) => sql`
  insert into member_period_points as p (guild_id, period, starts_on, user_id, points, points_reached_at)
  select ${guildId}, v.period, v.starts_on, ${userId}, ${points}::int, case when ${points}::int > 0 then ${answeredAt.toISOString()}::timestamptz end
  from (select coalesce((select time_zone from daily_settings where guild_id = ${guildId}), 'UTC') as tz) z
  cross join lateral (values ('week', date_trunc('week', ${answeredAt.toISOString()}::timestamptz at time zone z.tz)::date),
                             ('month', date_trunc('month', ${answeredAt.toISOString()}::timestamptz at time zone z.tz)::date)) v(period, starts_on)
  on conflict (guild_id, period, starts_on, user_id) do update
    set points = p.points + excluded.points, points_reached_at = coalesce(excluded.points_reached_at, p.points_reached_at)`;

/** The top of a period board and the caller's row, in one statement, as the ledger version does it. */
const periodBoardSql = (guildId: string, period: string, startsOn: string, userId: string) => sql`
  with top as (
    select user_id, points, points_reached_at from member_period_points
    where guild_id = ${guildId} and period = ${period} and starts_on = ${startsOn}::date and points > 0
    order by points desc, points_reached_at, user_id limit ${BOARD_SIZE}
  )
  select (row_number() over (order by points desc, points_reached_at, user_id))::int as rank, user_id, points from top
  union all
  select 1 + (select count(*) from member_period_points o
              where o.guild_id = s.guild_id and o.period = s.period and o.starts_on = s.starts_on and o.points > s.points)::int
           + (select count(*) from member_period_points o
              where o.guild_id = s.guild_id and o.period = s.period and o.starts_on = s.starts_on and o.points = s.points
                and (o.points_reached_at, o.user_id) < (s.points_reached_at, s.user_id))::int,
         s.user_id, s.points
  from member_period_points s
  where s.guild_id = ${guildId} and s.period = ${period} and s.starts_on = ${startsOn}::date and s.user_id = ${userId} and s.points > 0
    and not exists (select 1 from top where top.user_id = s.user_id)
  order by rank`;

const SCHEDULE_COLUMNS = sql.raw(
  's.guild_id, s.channel_id, s.time, s.time_zone, s.deck_id, s.enabled, s.starts_on, s.paused_reason, s.last_error, s.last_error_at, s.updated_by, s.updated_at',
);
const LATEST_CHALLENGE = sql.raw(`left join lateral (select c.local_date, c.status, c.claimed_at from daily_challenges c
                     where c.guild_id = s.guild_id order by c.local_date desc, c.id desc limit 1) l on true`);

/** activeSchedules with the latest challenge's status and claim time, so the tick needs no per-guild lastChallenge. */
const SCHEDULES_WITH_LAST_SQL = sql`
  select ${SCHEDULE_COLUMNS}, l.local_date::text as last_date, l.status as last_status, l.claimed_at as last_claimed_at
  from daily_settings s ${LATEST_CHALLENGE}
  where s.enabled and s.paused_reason is null`;

/**
 * Only the guilds the tick may act on: a claim to settle, or no challenge yet for the local date while
 * the local time has reached the guild's time. A prefilter: isDailyDue still decides on what comes back.
 */
const mayActSql = (now: Date, lastDate: string, lastStatus: string) => sql`
  (${sql.raw(lastStatus)} = 'claimed'
   or ((${sql.raw(lastDate)} is null or ${sql.raw(lastDate)} < (${now.toISOString()}::timestamptz at time zone s.time_zone)::date)
       and to_char(${now.toISOString()}::timestamptz at time zone s.time_zone, 'HH24:MI') >= s.time))`;

const schedulesMayActSql = (now: Date) => sql`
  select ${SCHEDULE_COLUMNS}, l.local_date::text as last_date, l.status as last_status, l.claimed_at as last_claimed_at
  from daily_settings s ${LATEST_CHALLENGE}
  where s.enabled and s.paused_reason is null and ${mayActSql(now, 'l.local_date', 'l.status')}`;

/** The latest challenge's date, status and claim time kept on daily_settings by claim, markPosted and release. */
const DENORMALIZED_DDL = `
alter table daily_settings add column last_local_date date, add column last_status text, add column last_claimed_at timestamptz;
update daily_settings s set last_local_date = l.local_date, last_status = l.status, last_claimed_at = l.claimed_at
from (select distinct on (guild_id) guild_id, local_date, status, claimed_at from daily_challenges order by guild_id, local_date desc, id desc) l
where l.guild_id = s.guild_id;
vacuum analyze daily_settings`;

const schedulesDenormalizedSql = (now: Date) => sql`
  select ${SCHEDULE_COLUMNS}, s.last_local_date::text as last_date, s.last_status, s.last_claimed_at
  from daily_settings s
  where s.enabled and s.paused_reason is null and ${mayActSql(now, 's.last_local_date', 's.last_status')}`;

interface ScheduleRaw {
  guild_id: string;
  channel_id: string;
  time: string;
  time_zone: string;
  deck_id: string | null;
  enabled: boolean;
  starts_on: string | Date;
  paused_reason: string | null;
  last_error: string | null;
  last_error_at: Date | null;
  updated_by: string;
  updated_at: Date;
  last_date: string | null;
  last_status: string | null;
  last_claimed_at: Date | string | null;
}

/** The rows as the repository would hand them to the service (camelCase, like drizzle's mapping). */
function toSchedules(rows: readonly ScheduleRaw[]) {
  return rows.map((r) => ({
    settings: {
      guildId: r.guild_id,
      channelId: r.channel_id,
      time: r.time,
      timeZone: r.time_zone,
      deckId: r.deck_id,
      enabled: r.enabled,
      startsOn: typeof r.starts_on === 'string' ? r.starts_on : r.starts_on.toISOString().slice(0, 10),
      pausedReason: r.paused_reason,
      lastError: r.last_error,
      lastErrorAt: r.last_error_at,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
    },
    lastDate: r.last_date,
    lastStatus: r.last_status,
    lastClaimedAt: r.last_claimed_at === null ? null : new Date(r.last_claimed_at),
  }));
}

type Schedule = ReturnType<typeof toSchedules>[number];

/**
 * The tick's loop with the latest challenge's status at hand: a guild that already has today's
 * challenge costs a query only when that challenge is a claim old enough to settle.
 */
function tickDecisions(schedules: readonly Schedule[], now: Date, local: (timeZone: string) => LocalTime, due: (s: Schedule, l: LocalTime) => boolean) {
  let settle = 0;
  let dueCount = 0;
  for (const s of schedules) {
    const today = local(s.settings.timeZone);
    if (s.lastDate !== null && s.lastDate === today.date) {
      if (s.lastStatus === 'claimed' && s.lastClaimedAt && now.getTime() - s.lastClaimedAt.getTime() >= STALE_CLAIM_MS) settle++;
      continue;
    }
    if (due(s, today)) dueCount++;
  }
  return { settle, due: dueCount };
}

const dueAsToday = (now: Date) => (s: Schedule) =>
  isDailyDue({ enabled: s.settings.enabled, paused: s.settings.pausedReason !== null, time: s.settings.time, timeZone: s.settings.timeZone, startsOn: s.settings.startsOn }, now, s.lastDate);

/** isDailyDue's rule with the zone's local time read once per tick instead of once per guild. */
const dueWithLocal = (s: Pick<Schedule, 'settings' | 'lastDate'>, local: LocalTime) =>
  s.settings.enabled && s.settings.pausedReason === null && local.date >= s.settings.startsOn && (s.lastDate === null || s.lastDate < local.date) && local.time >= s.settings.time;

function zoneMemo(now: Date): (timeZone: string) => LocalTime {
  const memo = new Map<string, LocalTime>();
  return (timeZone) => {
    let l = memo.get(timeZone);
    if (!l) {
      l = localTime(now, timeZone);
      memo.set(timeZone, l);
    }
    return l;
  };
}

export async function runCandidates(ctx: CandidateContext, baseline: readonly Measured[]): Promise<CandidateResult[]> {
  const { database, boards, guildId, now, log } = ctx;
  const results: CandidateResult[] = [];
  const before = (prefix: string) => baseline.find((m) => m.name.startsWith(prefix));
  const add = async (change: string, beforePrefix: string | undefined, name: string, op: (i: number) => Promise<unknown>, opts: Parameters<typeof measure>[2] = {}) => {
    const after = await measure(name, op, opts);
    results.push({ change, before: beforePrefix ? before(beforePrefix) : undefined, after });
  };
  log('candidates: measuring the changes on the bench database');
  // Undo an earlier --candidates run on a kept database (--reuse).
  for (const statement of [
    'drop table if exists member_period_points',
    'drop index if exists member_stats_guild_points_idx',
    'alter table daily_settings drop column if exists last_local_date, drop column if exists last_status, drop column if exists last_claimed_at',
  ]) {
    await database.rows(sql.raw(statement));
  }

  // All-time board.
  const allTime = async (caller: string, rankRewrite: boolean) => {
    await boards.guildTimeZone(guildId);
    const top = await database.rows<Row>(topAllTimeSql(guildId));
    if (!top.some((r) => r.user_id === caller)) await (rankRewrite ? database.rows(rankAllTimeSql(guildId, caller)) : boards.rankAllTime(guildId, caller));
  };
  await add('A1 topAllTime: `order by points desc nulls last, …` (matches member_stats_points_idx)', 'Leaderboard all-time', 'all-time board, A1', (i) => allTime(at(ctx.boardCallers, i), false), { target: 20 });
  await add('A2 = A1 + rankAllTime as two index range counts', 'Leaderboard all-time', 'all-time board, A1 + A2', (i) => allTime(at(ctx.boardCallers, i), true), { target: 20 });
  await database.rows(sql.raw(ALL_TIME_COUNT_INDEX));
  await database.rows(sql.raw('analyze member_stats'));
  await add(`A3 = A2 + \`${ALL_TIME_COUNT_INDEX}\``, 'Leaderboard all-time', 'all-time board, A1 + A2 + A3', (i) => allTime(at(ctx.boardCallers, i), true), { target: 20 });

  // Streak board.
  await add('S1 topStreaks `desc nulls last` + rankStreak as three index range counts', 'Leaderboard daily streak', 'streak board, S1', async (i) => {
    const caller = at(ctx.randomMembers, i);
    await boards.guildTimeZone(guildId);
    const top = await database.rows<Row>(topStreaksSql(guildId));
    if (!top.some((r) => r.user_id === caller)) await database.rows(rankStreakSql(guildId, caller));
  });

  // Period boards from running totals.
  const t0 = performance.now();
  for (const statement of PERIOD_TABLE_DDL.split(';').map((s) => s.trim()).filter(Boolean)) await database.rows(sql.raw(statement));
  await database.rows(sql.raw(PERIOD_BACKFILL(now)));
  await database.rows(sql.raw('vacuum analyze member_period_points'));
  log(`candidates: member_period_points built from the last 62 days of the ledger (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const periodBoard = async (period: 'week' | 'month', caller: string) => {
    const timeZone = (await boards.guildTimeZone(guildId)) ?? 'UTC';
    const startsOn = localTime(periodStart(period, now, timeZone) as Date, timeZone).date;
    return database.rows<Row & { rank: number }>(periodBoardSql(guildId, period, startsOn, caller));
  };
  await add('P1 week board from member_period_points (table and indexes below; top and caller in one statement)', 'Leaderboard week', 'week board, P1', (i) => periodBoard('week', at(ctx.randomMembers, i)), { target: 20 });
  await add('P1 month board from member_period_points', 'Leaderboard month', 'month board, P1', (i) => periodBoard('month', at(ctx.randomMembers, i)));
  const writeGuild = '700000000000009999';
  await add('P1 write cost: the week+month upsert an answer adds (own statement and commit; inside the answer\'s statement it shares both)', undefined,
    'P1 upsert, own round trip', (i) => database.rows(periodUpsertSql(writeGuild, at(ctx.randomMembers, i), 1 + (i % 2), new Date(now.getTime() + i))));

  // The tick.
  const baselineSchedules = await ctx.daily.activeSchedules();
  await add('T0 pure due-check with local time read once per timezone', '  pure due-check', `  pure due-check over ${baselineSchedules.length} rows, once per zone`, async () => {
    const local = zoneMemo(now);
    return baselineSchedules.filter((r) => dueWithLocal(r, local(r.settings.timeZone))).length;
  }, { target: 100 });

  const readWithLast = async () => toSchedules(await database.rows<ScheduleRaw>(SCHEDULES_WITH_LAST_SQL));
  const readMayAct = async (at: Date) => toSchedules(await database.rows<ScheduleRaw>(schedulesMayActSql(at)));
  const readDenormalized = async (at: Date) => toSchedules(await database.rows<ScheduleRaw>(schedulesDenormalizedSql(at)));
  // The prefilters must not lose a due guild: an hour later some are due, and every variant must find the same ones.
  const later = new Date(now.getTime() + 3_600_000);
  const expected = ctx.dailyService.dueGuilds(await ctx.daily.activeSchedules(), later).sort();
  const dueIn = (schedules: Schedule[], at: Date) => schedules.filter((r) => dueWithLocal(r, zoneMemo(at)(r.settings.timeZone))).map((r) => r.settings.guildId).sort();
  const same = (label: string, got: string[]) => {
    if (got.join() !== expected.join()) throw new Error(`${label}: due guilds an hour later differ from DailyService.dueGuilds (${got.length} vs ${expected.length})`);
  };
  same('T3', dueIn(await readMayAct(later), later));
  if (expected.length === 0) throw new Error('expected some guilds due an hour after BENCH_NOW');
  log(`candidates: an hour later ${expected.length} guilds are due; the prefiltered reads find the same ones`);

  const check = (label: string, decisions: { settle: number; due: number }) => {
    if (decisions.due !== 0 || decisions.settle !== 0) throw new Error(`${label}: expected nothing due and nothing to settle, got ${JSON.stringify(decisions)}`);
  };
  check('T1', tickDecisions(await readWithLast(), now, (z) => localTime(now, z), (s) => dueAsToday(now)(s)));
  await add('T1 activeSchedules returns the latest challenge\'s status and claimed_at (lateral join); tick calls settleStaleClaim only for a stale claim', 'DailyService.tick',
    'tick, T1', async () => tickDecisions(await readWithLast(), now, (z) => localTime(now, z), (s) => dueAsToday(now)(s)), { target: 100 });
  await add('T2 = T1 + local time read once per timezone per tick', 'DailyService.tick', 'tick, T1 + T2',
    async () => tickDecisions(await readWithLast(), now, zoneMemo(now), dueWithLocal), { target: 100 });
  await add('T3 = T2 + the query returns only guilds that hold a claim or have no challenge for their local date at a reached time (prefilter; isDailyDue still decides)', 'DailyService.tick',
    'tick, T1 + T2 + T3', async () => tickDecisions(await readMayAct(now), now, zoneMemo(now), dueWithLocal), { target: 100 });
  for (const statement of DENORMALIZED_DDL.split(';').map((s) => s.trim()).filter(Boolean)) await database.rows(sql.raw(statement));
  same('T4', dueIn(await readDenormalized(later), later));
  await add('T4 = T3 with the latest challenge (local_date, status, claimed_at) kept on daily_settings instead of the lateral join', 'DailyService.tick',
    'tick, T4', async () => tickDecisions(await readDenormalized(now), now, zoneMemo(now), dueWithLocal), { target: 100 });
  return results;
}

export function candidateSection(results: readonly CandidateResult[]): string {
  const cell = (m: Measured | undefined) => (m ? `${fmtMs(m.p50)} / ${fmtMs(m.p95)} / ${fmtMs(m.p99)}` : '—');
  const lines = [
    '### Candidate fixes, measured on the bench database only (`npm run bench:db -- --candidates`)',
    '',
    '| Change | Before p50 / p95 / p99 ms | After p50 / p95 / p99 ms | Runs after |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const r of results) lines.push(`| ${r.change} | ${cell(r.before)} | ${cell(r.after)} | ${r.after.runs}${r.after.capped ? '*' : ''} |`);
  lines.push('', 'P1 table (plus an upsert of the two rows in the statement that records an answer, and a backfill from the ledger):', '', '```sql', PERIOD_TABLE_DDL.trim(), '```');
  return lines.join('\n');
}
