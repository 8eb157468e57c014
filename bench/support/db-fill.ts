import { performance } from 'node:perf_hooks';
import type { Sql } from 'postgres';
import type { Card, Deck } from '../../src/domain/types.js';

/**
 * The bench's data set, filled with set-based SQL (one INSERT … SELECT per table) so a few million
 * rows take seconds, not minutes. Everything is dated relative to BENCH_NOW, a Sunday evening at the
 * end of a month, so the week and month boards aggregate their largest spans.
 */
export const BENCH_NOW = new Date('2025-08-31T20:00:00Z');
const NOW_SQL = `timestamptz '${BENCH_NOW.toISOString()}'`;
const TODAY_SQL = `date '${BENCH_NOW.toISOString().slice(0, 10)}'`;

export const SIZES = {
  mainMembers: 100_000,
  mainAnswers: 2_000_000,
  ledgerDays: 120,
  otherGuilds: 20,
  otherGuildMembers: 3_000,
  otherGuildAnswers: 20_000,
  dailyGuilds: 100_000,
  /** Past challenges of each of the first `historyGuilds` guilds; the others have the latest two. */
  challengesPerGuild: 30,
  historyGuilds: 10_000,
  srsMembers: 200_000,
  /** Cards per SRS member: 10 + n % 21, so 10–30 and 20 on average. */
  targetCards: 5_000,
  /** Review logs per card of the two 5,000-card members. */
  targetReviewsPerCard: 6,
  /** Members (from the first) whose card memories also get one review log each. */
  loggedMembers: 50_000,
  decks: 10,
  cardsPerDeck: 600,
} as const;

const CARDS = SIZES.decks * SIZES.cardsPerDeck;

/** Discord-like 18-digit snowflakes: members from 1e17, guilds from 7e17. */
export const userId = (n: number): string => String(100_000_000_000_000_000n + BigInt(n));
export const guildId = (n: number): string => String(700_000_000_000_000_001n + BigInt(n));
const userSql = (expr: string) => `(100000000000000000::bigint + (${expr}))::text`;
const guildSql = (expr: string) => `(700000000000000001::bigint + (${expr}))::text`;
const deckSql = (ci: string) => `'bench-' || ((${ci}) / ${SIZES.cardsPerDeck})`;
const cardSql = (ci: string) => `'bench-' || ((${ci}) / ${SIZES.cardsPerDeck}) || '-' || lpad(((${ci}) % ${SIZES.cardsPerDeck})::text, 3, '0')`;

export const MAIN_GUILD = guildId(0);
export const MAIN_TIME_ZONE = 'Europe/Berlin';
/** Has 5,000 cards, some overdue. */
export const TARGET_DUE = userId(300_000);
/** Has 5,000 cards, none due, and today's new-card allowance used up. */
export const TARGET_NONE_DUE = userId(300_001);

/** Synthetic decks whose card ids match the generated rows, for the review path. */
export function benchDecks(): Deck[] {
  return Array.from({ length: SIZES.decks }, (_, d) => {
    const id = `bench-${d}`;
    const cards: Card[] = Array.from({ length: SIZES.cardsPerDeck }, (_, c) => ({
      id: `${id}-${String(c).padStart(3, '0')}`,
      deckId: id,
      question: `Bench question ${d}/${c}?`,
      answer: `Answer ${c}`,
      explanation: undefined,
      choices: ['one', 'two', 'three'],
      position: c + 1,
    }));
    return { id, title: `Bench deck ${d}`, description: 'Generated for bench:db', color: 0x5865f2, cards };
  });
}

const ZONES = [
  'UTC', 'Europe/Berlin', 'Europe/London', 'Europe/Paris', 'Europe/Moscow', 'America/New_York', 'America/Chicago',
  'America/Los_Angeles', 'America/Sao_Paulo', 'Asia/Tokyo', 'Asia/Kolkata', 'Asia/Singapore', 'Australia/Sydney',
  'Pacific/Auckland', 'Africa/Johannesburg', 'Asia/Kathmandu',
];
const TIMES = ['07:00', '08:30', '09:00', '12:00', '13:15', '17:30', '18:00', '19:00', '20:00', '21:00', '22:30', '23:45'];
const sqlArray = (items: readonly string[]) => `array[${items.map((s) => `'${s}'`).join(',')}]`;

type Log = (message: string) => void;

async function step(log: Log, label: string, run: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await run();
  log(`${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/**
 * Drops a table's secondary indexes, runs the fill, and recreates them from their exact definitions
 * (pg_get_indexdef): building an index once is far cheaper than maintaining it row by row.
 * Primary keys and constraint-backed indexes stay.
 */
async function withIndexesDeferred(sql: Sql, table: string, fill: () => Promise<void>): Promise<void> {
  const indexes = await sql<{ name: string; def: string }[]>`
    select i.relname as name, pg_get_indexdef(i.oid) as def
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    where t.relname = ${table} and t.relnamespace = 'public'::regnamespace and not x.indisprimary
      and not exists (select 1 from pg_constraint c where c.conindid = i.oid)`;
  for (const index of indexes) await sql.unsafe(`drop index "${index.name}"`);
  await fill();
  for (const index of indexes) await sql.unsafe(index.def);
}

/**
 * The ledger rows of one generator: members skewed (member k answers ∝ k^-0.6: a few very active,
 * a long tail), answered_at skewed to recent days, sources quiz/review/daily with results and points
 * as the bot awards them: quiz/review good or easy 1, a right choice 2, a right daily 10, else 0, and
 * only the first scoring quiz/review answer of a card per member and UTC day earns points (the rule the
 * partial unique index answers_card_points_once_a_day enforces). At most one daily answer per member
 * and day; a day's daily card is the same for everyone.
 */
function ledgerInsert(rows: number, guildExpr: string, userExpr: string): string {
  const ledgerSecs = SIZES.ledgerDays * 86_400;
  return `
insert into answers (source, guild_id, user_id, deck_id, card_id, result, correct, choice, points, answered_at, award_day)
select source, guild_id, user_id, ${deckSql('ci')}, ${cardSql('ci')}, result, correct, choice,
       case when base = 0 then 0
            when source = 'daily' then base
            when row_number() over (partition by guild_id, user_id, ci, award_day, base > 0 and source <> 'daily' order by answered_at) = 1 then base
            else 0 end,
       answered_at, award_day
from (
  select *, case when not correct then 0 when source = 'daily' then 10 when result = 'right' then 2 else 1 end as base
  from (
    select *, result in ('good', 'easy', 'right') as correct
    from (
      select guild_id, user_id, answered_at, award_day, src as source,
             case when src = 'daily' then ((award_day - date '2025-01-01') * 37) % ${CARDS} else ci0 end as ci,
             case when src = 'daily' then (case when rr < 0.6 then 'right' else 'wrong' end)
                  when src = 'quiz' and mode_r < 0.5 then (case when rr < 0.7 then 'right' else 'wrong' end)
                  else (case when rr < 0.15 then 'again' when rr < 0.35 then 'hard' when rr < 0.85 then 'good' else 'easy' end) end as result,
             case when src = 'daily' or (src = 'quiz' and mode_r < 0.5) then floor(cr * 4)::smallint end as choice
      from (
        select g.*, case when src0 = 'daily' and row_number() over (partition by guild_id, user_id, award_day, src0 = 'daily' order by answered_at) > 1
                         then 'quiz' else src0 end as src
        from (
          select guild_id, user_id, answered_at, (answered_at at time zone 'UTC')::date as award_day,
                 floor(random() * ${CARDS})::int as ci0, random() as rr, random() as mode_r, random() as cr,
                 case when rs < 0.55 then 'quiz' when rs < 0.9 then 'review' else 'daily' end as src0
          from (
            select ${guildExpr} as guild_id, ${userExpr} as user_id,
                   ${NOW_SQL} - make_interval(secs => ${ledgerSecs} * power(random(), 1.5)) as answered_at, random() as rs
            from generate_series(1, ${rows}) i
          ) raw
        ) g
      ) s0
    ) s1
  ) s2
) s3`;
}

/** Running totals and streaks per guild member, computed from the ledger so they agree with it. */
const MEMBER_STATS_SQL = `
insert into member_stats (guild_id, user_id, points, answers, correct, points_reached_at, study_streak, best_study_streak, last_study_day, daily_streak, best_daily_streak)
with totals as (
  select guild_id, user_id, sum(points)::int as points, count(*)::int as answers, (count(*) filter (where correct))::int as correct,
         max(answered_at) filter (where points > 0) as reached
  from answers where guild_id is not null group by guild_id, user_id
), study_runs as (
  select guild_id, user_id, count(*)::int as len, max(day) as last_day
  from (select guild_id, user_id, day, day - (row_number() over (partition by guild_id, user_id order by day))::int as grp
        from (select distinct guild_id, user_id, award_day as day from answers where guild_id is not null) d) x
  group by guild_id, user_id, grp
), study as (
  select guild_id, user_id, max(len) as best, max(last_day) as last_day, (array_agg(len order by last_day desc))[1] as cur
  from study_runs group by guild_id, user_id
), daily_runs as (
  select guild_id, user_id, count(*)::int as len, max(day) as last_day
  from (select guild_id, user_id, day, day - (row_number() over (partition by guild_id, user_id order by day))::int as grp
        from (select distinct guild_id, user_id, award_day as day from answers where source = 'daily' and correct) d) x
  group by guild_id, user_id, grp
), daily as (
  select guild_id, user_id, max(len) as best, coalesce(max(len) filter (where last_day >= ${TODAY_SQL} - 1), 0) as cur
  from daily_runs group by guild_id, user_id
)
select t.guild_id, t.user_id, t.points, t.answers, t.correct, t.reached, s.cur, s.best, s.last_day, coalesce(d.cur, 0), coalesce(d.best, 0)
from totals t join study s using (guild_id, user_id) left join daily d using (guild_id, user_id)`;

/**
 * 100,000 guilds with varied timezones and times; the first 10,000 with 30 past scheduled challenges,
 * the others with two. The latest is today's (local) when the guild's time has passed at BENCH_NOW,
 * else yesterday's: at BENCH_NOW no guild is due, as between two posts. next_due_at is the day after
 * the latest at the guild's time, as the app stores it after a post (outside DST edges, which
 * BENCH_NOW is far from).
 */
const LAST_DATE_SQL = (zone: string, time: string) => `case when to_char(${NOW_SQL} at time zone ${zone}, 'HH24:MI') >= ${time}
                  then (${NOW_SQL} at time zone ${zone})::date else (${NOW_SQL} at time zone ${zone})::date - 1 end`;
const DAILY_SETTINGS_SQL = `
insert into daily_settings (guild_id, channel_id, time, time_zone, deck_id, enabled, starts_on, updated_by, updated_at, next_due_at)
select guild_id, channel_id, time, time_zone, null, true, ${TODAY_SQL} - 90, '100000000000000000', ${NOW_SQL} - interval '90 days',
       (${LAST_DATE_SQL('time_zone', 'time')} + 1 + time::time) at time zone time_zone
from (select ${guildSql('g')} as guild_id, (800000000000000000::bigint + g)::text as channel_id,
             (${sqlArray(TIMES)})[1 + (g * 7) % ${TIMES.length}] as time,
             case when g = 0 then '${MAIN_TIME_ZONE}' else (${sqlArray(ZONES)})[1 + (g * 13) % ${ZONES.length}] end as time_zone
      from generate_series(0, ${SIZES.dailyGuilds - 1}) g) s`;

const DAILY_CHALLENGES_SQL = `
insert into daily_challenges (guild_id, local_date, kind, channel_id, message_id, deck_id, card_id, options, correct_index, status, claimed_at, posted_at, closed_at)
select s.guild_id, d.local_date, 'scheduled', s.channel_id, (900000000000000000::bigint + s.g * 100 + k)::text,
       ${deckSql('c.ci')}, ${cardSql('c.ci')}, '["one","two","three","four"]'::jsonb, (k % 4)::smallint,
       case when k = 0 then 'open' else 'closed' end,
       (d.local_date + s.time::time) at time zone s.time_zone, (d.local_date + s.time::time) at time zone s.time_zone + interval '1 second',
       case when k > 0 then (d.local_date + 1 + s.time::time) at time zone s.time_zone end
from (select ds.*, (ds.guild_id::bigint - 700000000000000001::bigint)::int as g,
             ${LAST_DATE_SQL('ds.time_zone', 'ds.time')} as last_date
      from daily_settings ds) s
cross join generate_series(0, case when s.g < ${SIZES.historyGuilds} then ${SIZES.challengesPerGuild - 1} else 1 end) k
cross join lateral (select s.last_date - k as local_date) d
cross join lateral (select ((s.g * 31 + k * 17) % ${CARDS}) as ci) c
order by s.guild_id, d.local_date`;

function memoryRow(user: string, ci: string, due: string, r: string): string {
  // r: a per-row random in [0, 1) for state and FSRS numbers.
  return `${user}, ${cardSql(ci)}, ${deckSql(ci)}, ${due}, 1 + ${r} * 60, 1 + ${r} * 9, (${r} * 30)::int, (${r} * 60)::int, 0,
          1 + (${r} * 12)::int, (${r} * 3)::int, case when ${r} < 0.05 then 1 when ${r} < 0.1 then 3 else 2 end, ${due} - make_interval(days => (${r} * 60)::int)`;
}

const MEMORY_COLUMNS = 'user_id, card_id, deck_id, due, stability, difficulty, elapsed_days, scheduled_days, learning_steps, reps, lapses, state, last_review';

/** 200,000 members × 10–30 distinct cards (≈4M rows), about one in six overdue. */
const CARD_MEMORY_SQL = `
insert into card_memory (${MEMORY_COLUMNS})
select ${memoryRow(userSql('n'), 'ci', 'due', 'r')}
from (
  select n, ((n * 7919 + k * 301) % ${CARDS}) as ci, random() as r,
         ${NOW_SQL} + make_interval(secs => (random() * 60 - 10) * 86400) as due
  from generate_series(0, ${SIZES.srsMembers - 1}) n cross join generate_series(0, 29) k
  where k < 10 + n % 21
) x`;

/** The two 5,000-card members: one with about 4% of its cards overdue, one with nothing due. */
const TARGET_MEMORY_SQL = `
insert into card_memory (${MEMORY_COLUMNS})
select ${memoryRow('m.user_id', 'ci', 'due', 'r')}
from (select ci, random() as r, random() as q from generate_series(0, ${CARDS - 1}) ci where ci % 6 <> 5) c
cross join (values ('${TARGET_DUE}', true), ('${TARGET_NONE_DUE}', false)) as m(user_id, overdue)
cross join lateral (
  select case when m.overdue and c.q < 0.04 then ${NOW_SQL} - make_interval(secs => c.q * 25 * 10 * 86400)
              else ${NOW_SQL} + interval '1 hour' + make_interval(secs => c.q * 180 * 86400) end as due
) d`;

const LOG_COLUMNS = 'user_id, card_id, deck_id, source, rating, state, due, stability, difficulty, elapsed_days, last_elapsed_days, scheduled_days, learning_steps, review';

/** Six reviews per card for the two target members, older than today, plus a review log per card memory of the first 50,000 members. */
const REVIEW_LOGS_SQL = `
insert into review_logs (${LOG_COLUMNS})
select user_id, card_id, deck_id, case when r < 0.8 then 'review' when r < 0.95 then 'quiz' else 'daily' end,
       1 + (r * 4)::int % 4, case when k = 1 then 0 else 2 end, review + make_interval(days => 1 + (r * 20)::int),
       1 + r * 40, 1 + r * 9, (r * 20)::int, (r * 20)::int, (r * 30)::int, 0, review
from (
  select cm.user_id, cm.card_id, cm.deck_id, k, random() as r,
         ${NOW_SQL} - interval '1 day' - make_interval(secs => (7 - k) * 20 * 86400 + random() * 15 * 86400) as review
  from card_memory cm cross join generate_series(1, ${SIZES.targetReviewsPerCard}) k
  where cm.user_id in ('${TARGET_DUE}', '${TARGET_NONE_DUE}')
  union all
  select cm.user_id, cm.card_id, cm.deck_id, 1, random(), cm.last_review
  from card_memory cm where cm.user_id < '${userId(SIZES.loggedMembers)}'
) x`;

/** Today's ten new cards for the nothing-due member: its default allowance (10) is used up. */
const NEW_TODAY_SQL = `
insert into review_logs (${LOG_COLUMNS})
select '${TARGET_NONE_DUE}', ${cardSql('ci')}, ${deckSql('ci')}, 'review', 3, 0, ${NOW_SQL} + interval '2 days', 3, 5, 0, 0, 2, 0,
       ${NOW_SQL} - make_interval(mins => 10 * ci)
from generate_series(0, 9) ci`;

/** The running week and month totals the bot keeps per answer, rebuilt from the ledger as the backfill migration does. */
const PERIOD_POINTS_SQL = `
insert into member_period_points (guild_id, period, starts_on, user_id, points, points_reached_at)
select a.guild_id, v.period, v.starts_on, a.user_id, sum(a.points)::int, max(a.answered_at)
from (select a.*, coalesce(ds.time_zone, 'UTC') as tz from answers a left join daily_settings ds on ds.guild_id = a.guild_id
      where a.guild_id is not null and a.points > 0) a
cross join lateral (values ('week', date_trunc('week', a.answered_at at time zone a.tz)::date),
                           ('month', date_trunc('month', a.answered_at at time zone a.tz)::date)) v(period, starts_on)
group by 1, 2, 3, 4`;

/** Fills the freshly migrated bench database. `sql` must be a single-connection client. */
export async function fill(sql: Sql, log: Log): Promise<void> {
  // Session settings of the filling connection only.
  await sql.unsafe(`set synchronous_commit = off; set work_mem = '256MB'; set maintenance_work_mem = '1GB'`);
  const mainUser = userSql(`floor(${SIZES.mainMembers} * power(random(), 2.5))::int`);
  const otherGuild = `(i % ${SIZES.otherGuilds})`;
  const otherUser = userSql(`50000 + ${otherGuild} * ${SIZES.otherGuildMembers} + floor(${SIZES.otherGuildMembers} * power(random(), 2))::int`);

  await withIndexesDeferred(sql, 'answers', async () => {
    await step(log, `answers: ${SIZES.mainAnswers.toLocaleString('en')} in the main guild`, () => sql.unsafe(ledgerInsert(SIZES.mainAnswers, `'${MAIN_GUILD}'`, mainUser)));
    await step(log, `answers: ${(SIZES.otherGuilds * SIZES.otherGuildAnswers).toLocaleString('en')} in ${SIZES.otherGuilds} other guilds`, () =>
      sql.unsafe(ledgerInsert(SIZES.otherGuilds * SIZES.otherGuildAnswers, guildSql(`1 + ${otherGuild}`), otherUser)),
    );
    log('answers: rebuilding its indexes…');
  });
  await step(log, 'member_stats from the ledger', () => sql.unsafe(MEMBER_STATS_SQL));
  await step(log, `daily_settings: ${SIZES.dailyGuilds.toLocaleString('en')} guilds`, () => sql.unsafe(DAILY_SETTINGS_SQL));
  await withIndexesDeferred(sql, 'member_period_points', () => step(log, 'member_period_points from the ledger', () => sql.unsafe(PERIOD_POINTS_SQL)));
  await withIndexesDeferred(sql, 'daily_challenges', () => step(log, `daily_challenges: ${SIZES.challengesPerGuild} per guild for ${SIZES.historyGuilds.toLocaleString('en')}, 2 for the others`, () => sql.unsafe(DAILY_CHALLENGES_SQL)));
  await withIndexesDeferred(sql, 'card_memory', async () => {
    await step(log, `card_memory: ${SIZES.srsMembers.toLocaleString('en')} members × 10–30 cards`, () => sql.unsafe(CARD_MEMORY_SQL));
    await step(log, 'card_memory: two members × 5,000 cards', () => sql.unsafe(TARGET_MEMORY_SQL));
  });
  await withIndexesDeferred(sql, 'review_logs', async () => {
    await step(log, 'review_logs', () => sql.unsafe(REVIEW_LOGS_SQL));
    await step(log, 'review_logs: today’s new cards', () => sql.unsafe(NEW_TODAY_SQL));
  });
  // VACUUM too, not only ANALYZE: it sets the visibility map as autovacuum would on a live database,
  // so index-only scans behave as they would in steady state.
  await step(log, 'vacuum analyze', () => sql.unsafe('vacuum (analyze)'));
}

/** Row counts, for the record. */
export async function counts(sql: Sql): Promise<Record<string, number>> {
  const tables = ['answers', 'member_stats', 'member_period_points', 'daily_settings', 'daily_challenges', 'card_memory', 'review_logs'];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [row] = await sql.unsafe<{ n: string }[]>(`select count(*) as n from ${t}`);
    out[t] = Number(row?.n ?? 0);
  }
  return out;
}
