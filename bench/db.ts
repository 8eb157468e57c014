/**
 * npm run bench:db [-- --keep] [-- --explain] [-- --candidates]
 *
 * Creates a fresh database deepcards_bench, applies the real migrations, fills it with set-based
 * SQL, times the bot's own repositories and services on it, prints a table, records it in
 * docs/BENCHMARKS.md and drops the database.
 *
 *   --keep        leave deepcards_bench in place afterwards (for psql)
 *   --explain     print EXPLAIN (ANALYZE, BUFFERS) of every statement the measured paths send
 *   --candidates  after the baseline, apply the candidate index and query changes to the bench
 *                 database only and measure the affected paths again (before/after)
 *   --no-docs     do not write docs/BENCHMARKS.md
 *   --reuse       measure a deepcards_bench kept by --keep, without re-creating or filling it (implies --keep)
 *   --db=NAME     the database to create (default deepcards_bench)
 *   --only=TEXT   run only the measures whose name contains TEXT (with --reuse, for investigating one path)
 *
 * BENCH_DATABASE_URL points at the server's maintenance database (default
 * postgres://postgres@127.0.0.1:5432/postgres); the bench database is created beside it.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/db/client.js';
import { DailyRepository } from '../src/db/repositories/daily-repository.js';
import { LeaderboardRepository } from '../src/db/repositories/leaderboard-repository.js';
import { MemoryRepository } from '../src/db/repositories/memory-repository.js';
import type { Round, RoundsRepository } from '../src/db/repositories/rounds-repository.js';
import { RoundsRepository as RealRoundsRepository } from '../src/db/repositories/rounds-repository.js';
import { StatsRepository } from '../src/db/repositories/stats-repository.js';
import { DeckLibrary } from '../src/decks/library.js';
import { loadDecks } from '../src/decks/loader.js';
import { createLogger } from '../src/logger.js';
import { projectRoot } from '../src/paths.js';
import { DailyService, type ChallengePublisher } from '../src/services/daily-service.js';
import { LeaderboardService } from '../src/services/leaderboard-service.js';
import { ReviewService } from '../src/services/review-service.js';
import { StatsService } from '../src/services/stats-service.js';
import { capturingDatabase, explainOperation, serverTime } from './support/db-explain.js';
import {
  BENCH_NOW,
  benchDecks,
  counts,
  fill,
  MAIN_GUILD,
  MAIN_TIME_ZONE,
  SIZES,
  TARGET_DUE,
  TARGET_NONE_DUE,
} from './support/db-fill.js';
import { measure, markdownTable, type Measured } from './support/db-measure.js';
import { seededRandom } from '../test/support/fixtures.js';
import { writeSection } from './support/benchmarks-doc.js';
import { DOC_HEADING, machineInfo, machineLine } from './support/db-report.js';

const args = new Set(process.argv.slice(2));
/** --db=NAME: a database name of one's own, when several people bench on one server. */
const BENCH_DB = [...args].find((a) => a.startsWith('--db='))?.slice('--db='.length) ?? 'deepcards_bench';
const REUSE = args.has('--reuse');
const KEEP = args.has('--keep') || REUSE;
const ONLY = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length);
const EXPLAIN = args.has('--explain');
const DOCS = !args.has('--no-docs') && !REUSE && ONLY === undefined;

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${BENCH_DB}`;
  return u.toString();
})();

const started = performance.now();
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

/** Throws if the tick ever tries to post: at BENCH_NOW nothing is due. */
const throwingPublisher: ChallengePublisher = {
  post: () => Promise.reject(new Error('bench: nothing should be due at BENCH_NOW')),
  edit: () => Promise.reject(new Error('bench: nothing should be edited')),
  findPosted: () => Promise.reject(new Error('bench: no claim should be stale')),
  delete: () => Promise.reject(new Error('bench: nothing should be deleted')),
};

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0] ?? 0;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  let database: Database | undefined;
  let rowCounts: Record<string, number> = {};
  try {
    const [{ version } = { version: '?' }] = await admin<{ version: string }[]>`select split_part(version(), ' on ', 1) as version`;
    if (!REUSE) {
      log(`${version}; creating ${BENCH_DB}`);
      await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
      await admin.unsafe(`create database ${BENCH_DB}`);
    }
    database = await openDatabase({ url: benchUrl }, { migrate: true });
    log('migrations applied');
    const filler = postgres(benchUrl, { max: 1, onnotice: () => {} });
    try {
      if (!REUSE) await fill(filler, log);
      rowCounts = await counts(filler);
      log(`rows: ${Object.entries(rowCounts).map(([t, n]) => `${t} ${n.toLocaleString('en')}`).join(', ')}`);
    } finally {
      await filler.end({ timeout: 2 });
    }

    const { results } = await measureAll(database);

    const machine = machineInfo(version);
    const load = `load average (1 min) ${loadAtStart.toFixed(2)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(2)} at the end; the run took ${((performance.now() - started) / 60_000).toFixed(1)} min`;
    console.log(`\n${machineLine(machine)}; ${load}\n\n${markdownTable(results)}\n`);
    if (DOCS) {
      const file = path.join(projectRoot(), 'docs', 'BENCHMARKS.md');
      writeSection(file, DOC_HEADING, `${DOC_HEADING}\n\n${docBody(machine, load, rowCounts, results)}`);
      log(`wrote ${path.relative(projectRoot(), file)}`);
    }
  } finally {
    await database?.close();
    if (!KEEP) {
      await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
      log(`dropped ${BENCH_DB}`);
    } else {
      log(`kept ${BENCH_DB} (${benchUrl})`);
    }
    await admin.end({ timeout: 2 });
  }
}

async function measureAll(database: Database): Promise<{ results: Measured[] }> {
  const logger = createLogger('silent');
  const benchLibrary = new DeckLibrary(benchDecks());
  const shippedLibrary = new DeckLibrary(await loadDecks(path.join(projectRoot(), 'decks')));
  const boards = new LeaderboardRepository(database);
  const statsRepo = new StatsRepository(database);
  const daily = new DailyRepository(database);
  const memory = new MemoryRepository(database);
  const rounds = new RealRoundsRepository(database);
  const leaderboard = new LeaderboardService(boards);
  const stats = new StatsService(benchLibrary, statsRepo, boards);
  const dailyService = new DailyService(shippedLibrary, daily, throwingPublisher, Math.random, logger);
  const review = new ReviewService(benchLibrary, rounds, memory, logger);
  // The same service without the rounds insert, to time the reads of the path alone.
  const noInsert = { create: async (r: Parameters<RoundsRepository['create']>[0]) => ({ id: 0, ...r }) as unknown as Round } as unknown as RoundsRepository;
  const reviewReadsOnly = new ReviewService(benchLibrary, noInsert, memory, logger);

  const random = seededRandom(20250831);
  const memberRows = await database.rows<{ user_id: string }>(
    sql`select user_id from member_stats where guild_id = ${MAIN_GUILD} and points > 0 order by user_id`,
  );
  const activeRows = await database.rows<{ user_id: string }>(
    sql`select user_id from member_stats where guild_id = ${MAIN_GUILD} order by answers desc limit 100`,
  );
  const all = memberRows.map((r) => r.user_id);
  const active = activeRows.map((r) => r.user_id);
  const randomMembers = Array.from({ length: 1000 }, () => all[Math.floor(random() * all.length)] as string);
  // /stats callers: four in five any member, one in five among the 100 most active.
  const statsCallers = randomMembers.map((m, i) => (i % 5 === 4 ? (active[Math.floor(random() * active.length)] as string) : m));
  // All-time callers: mostly outside the top ten (the rank query runs), one in twenty inside it.
  const boardCallers = randomMembers.map((m, i) => (i % 20 === 19 ? (active[i % 10] as string) : m));
  const at = <T>(list: readonly T[], i: number) => list[i % list.length] as T;
  const now = BENCH_NOW;
  const deckIds = benchLibrary.decks.map((d) => d.id);

  const schedules = await daily.schedulesToCheck(now);
  const dueAtNow = dailyService.dueGuilds(schedules, now).length;
  if (dueAtNow !== 0) throw new Error(`expected no guild due at ${now.toISOString()}, found ${dueAtNow}`);
  // An hour later some guilds are due: the prefiltered read must return every one of them.
  const later = new Date(now.getTime() + 3_600_000);
  const dueLater = dailyService.dueGuilds(await daily.schedulesToCheck(later), later).length;
  if (dueLater === 0) throw new Error('expected some guilds due an hour after BENCH_NOW');
  log(`tick set-up: ${SIZES.dailyGuilds} configured guilds, ${schedules.length} returned to check now, 0 due; ${dueLater} due an hour later`);

  const first = await review.start({ userId: TARGET_DUE, guildId: MAIN_GUILD, channelId: '1', deck: null, now });
  if ('kind' in first) throw new Error('expected a due card for the 5,000-card member');
  const none = await review.start({ userId: TARGET_NONE_DUE, guildId: MAIN_GUILD, channelId: '1', deck: null, now });
  if (!('kind' in none) || none.kind !== 'done') throw new Error('expected nothing due and no new card for the nothing-due member');

  if (EXPLAIN) await explainAll(boardCallers, statsCallers, deckIds);

  const results: Measured[] = [];
  const run = async (name: string, op: (i: number) => Promise<unknown>, opts: Parameters<typeof measure>[2] = {}) => {
    if (ONLY === undefined || name.includes(ONLY)) results.push(await measure(name, op, opts));
  };
  log('measuring');
  // What any query costs on this machine through the same pool: the floor under every number below.
  await run('Round-trip floor: select 1 through the pool', () => database.rows(sql`select 1`));
  await run('Leaderboard all-time (points), random caller', (i) =>
    leaderboard.leaderboard({ guildId: MAIN_GUILD, period: 'all', by: 'points', callerId: at(boardCallers, i), now }), { target: 20 });
  await run(`Leaderboard week (${MAIN_TIME_ZONE}), random caller`, (i) =>
    leaderboard.leaderboard({ guildId: MAIN_GUILD, period: 'week', by: 'points', callerId: at(randomMembers, i), now }), { target: 20 });
  await run('/stats memberRecord, random member (1 in 5 among the 100 most active)', (i) => stats.memberRecord(MAIN_GUILD, at(statsCallers, i), now), { target: 20 });
  await run('/stats memberRecord, the 10 most active members', (i) => stats.memberRecord(MAIN_GUILD, at(active.slice(0, 10), i), now));
  await run('Leaderboard month, random caller', (i) =>
    leaderboard.leaderboard({ guildId: MAIN_GUILD, period: 'month', by: 'points', callerId: at(randomMembers, i), now }));
  await run('Leaderboard daily streak, random caller', (i) =>
    leaderboard.leaderboard({ guildId: MAIN_GUILD, period: 'all', by: 'streak', callerId: at(randomMembers, i), now }));

  // The tick reads only guilds whose stored next_due_at has come (index daily_settings_next_due_idx).
  await run(`DailyService.tick, ${SIZES.dailyGuilds.toLocaleString('en')} configured guilds, none due`, () => dailyService.tick(now), { target: 5 });
  await run('  DailyRepository.schedulesToCheck (the tick\'s query)', () => daily.schedulesToCheck(now), { target: 5 });
  await run('  DailyService.tick on shards 0-1 of 4, none due', () => dailyService.tick(now, { count: 4, ids: [0, 1] }), { target: 5 });

  await run('MemoryRepository.earliestDue, 5,000 cards, all deck ids', () => memory.earliestDue(TARGET_DUE, deckIds), { target: 5 });
  await run('MemoryRepository.earliestDue, 5,000 cards, null', () => memory.earliestDue(TARGET_DUE, null), { target: 5 });
  await run('MemoryRepository.earliestDue, 5,000 cards, one deck', (i) => memory.earliestDue(TARGET_DUE, [at(deckIds, i)]));
  const capture = capturingDatabase(benchUrl);
  try {
    const m = new MemoryRepository(capture.database);
    const serverNull = await serverTime(capture, () => m.earliestDue(TARGET_DUE, null));
    const serverDecks = await serverTime(capture, () => m.earliestDue(TARGET_DUE, deckIds));
    await run('  earliestDue, null: server execution time (EXPLAIN ANALYZE)', serverNull, { timer: 'returned' });
    await run('  earliestDue, all deck ids: server execution time (EXPLAIN ANALYZE)', serverDecks, { timer: 'returned' });
  } finally {
    await capture.database.close();
  }
  await run('ReviewService.start, card due, reads only', () =>
    reviewReadsOnly.start({ userId: TARGET_DUE, guildId: MAIN_GUILD, channelId: '1', deck: null, now }), { target: 5 });
  await run('ReviewService.start, card due, with the rounds insert', () =>
    review.start({ userId: TARGET_DUE, guildId: MAIN_GUILD, channelId: '1', deck: null, now }), { target: 5 });
  await run('ReviewService.start, nothing due (known ids + new today)', () =>
    review.start({ userId: TARGET_NONE_DUE, guildId: MAIN_GUILD, channelId: '1', deck: null, now }));
  return {
    results,
  };

  async function explainAll(callers: string[], statsMembers: string[], decks: string[]): Promise<void> {
    const capture = capturingDatabase(benchUrl);
    try {
      const b = new LeaderboardRepository(capture.database);
      const m = new MemoryRepository(capture.database);
      const d = new DailyRepository(capture.database);
      const s = new StatsRepository(capture.database);
      const caller = callers[0] as string;
      await explainOperation('all-time board', capture, () => new LeaderboardService(b).leaderboard({ guildId: MAIN_GUILD, period: 'all', by: 'points', callerId: caller, now }));
      await explainOperation('week board', capture, () => new LeaderboardService(b).leaderboard({ guildId: MAIN_GUILD, period: 'week', by: 'points', callerId: caller, now }));
      await explainOperation('streak board', capture, () => new LeaderboardService(b).leaderboard({ guildId: MAIN_GUILD, period: 'all', by: 'streak', callerId: caller, now }));
      await explainOperation('/stats, most active member', capture, () => new StatsService(benchLibrary, s, b).memberRecord(MAIN_GUILD, active[0] as string, now));
      await explainOperation('/stats, random member', capture, () => new StatsService(benchLibrary, s, b).memberRecord(MAIN_GUILD, statsMembers[0] as string, now));
      await explainOperation('schedulesToCheck', capture, () => d.schedulesToCheck(now));
      await explainOperation('earliestDue, all deck ids', capture, () => m.earliestDue(TARGET_DUE, decks));
      await explainOperation('earliestDue, one deck', capture, () => m.earliestDue(TARGET_DUE, [decks[3] as string]));
      await explainOperation('nothing-due path', capture, () =>
        new ReviewService(benchLibrary, noInsert, m, logger).start({ userId: TARGET_NONE_DUE, guildId: MAIN_GUILD, channelId: '1', deck: null, now }));
    } finally {
      await capture.database.close();
    }
  }
}

function docBody(
  machine: ReturnType<typeof machineInfo>,
  load: string,
  rows: Record<string, number>,
  results: readonly Measured[],
): string {
  const n = (k: string) => (rows[k] ?? 0).toLocaleString('en');
  return [
    `Last run: ${machineLine(machine)}; ${load}. The machine is shared with other work: read the tails as upper bounds, and`,
    'compare a measure with the round-trip floor (`select 1` through the same pool) and, for the review pick, with the server\'s own execution time.',
    '',
    `A fresh database \`${BENCH_DB}\` on the server, the real migrations, then set-based fills (one INSERT … SELECT per table, secondary`,
    'indexes rebuilt after the fill, then VACUUM ANALYZE as autovacuum would have done on a live database).',
    'Every measure calls the method the bot calls, through postgres.js with the bot\'s pool settings; 30 warm-up runs, then 300 timed',
    'runs with performance.now() (fewer, marked *, when a slow path used up its time budget).',
    '',
    `- **Ledger**: ${n('answers')} answers — 2,000,000 in one guild of 100,000 members (member k answers ∝ k^-0.6, so a few members have`,
    '  tens of thousands of answers), over 120 days skewed to recent ones (≈15% in the last week, ≈40% in the last month), 55% quiz /',
    '  35% review / 10% daily with points as the bot awards them; plus 20 other guilds of 20,000 answers. ' +
      `member_stats: ${n('member_stats')} rows computed from the ledger (points, answers, correct, points_reached_at, study and daily streaks).`,
    `- **Schedules**: ${n('daily_settings')} guilds in 16 timezones and 12 times, ${n('daily_challenges')} past challenges. Measured at`,
    `  ${BENCH_NOW.toISOString()} (a Sunday evening at a month's end: the week and month boards sum their longest spans), when no guild is due.`,
    `- **Spaced repetition**: ${n('card_memory')} card_memory rows (200,000 members × 10–30 cards, and two members with 5,000 cards each:`,
    `  one with ≈4% overdue, one with nothing due and today's new cards used up), ${n('review_logs')} review_logs.`,
    '',
    markdownTable(results),
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
