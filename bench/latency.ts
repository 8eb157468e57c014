// `npm run bench:latency`: how fast the bot answers an interaction, against the smallest possible
// discord.js bot (bench/floor-bot.ts), on PGlite and on PostgreSQL, side by side. A second floor, the
// same bot committing one row to PostgreSQL before each answer, shows what a durable write alone costs.
//
// The measure is the fake Discord's `latencyMs`: from sending INTERACTION_CREATE on the gateway to the
// bot's first REST request answering it (the interaction callback). Each bot runs as a child process
// against its own fake Discord on 127.0.0.1; the bots run at once and take turns, one interaction at a
// time, so that they are compared under the same load (bench/support/turns.ts).
// Also: the bot's resident memory after start and after 10,000 interactions, as found and right after
// a full garbage collection (asked for through the bot's inspector), and a burst of 500 daily answers
// within one second. Prints a table and writes it into docs/BENCHMARKS.md.
//
// Options: --quick (small counts, nothing written), --no-write, --only=floor,floor-write,pglite,postgres (just
// those bots; nothing written), --sequential (each bot alone, one after the other; nothing written),
// --interactions=N (memory after N interactions instead of 10,000; nothing written), --trace=DIR (each bot
// also reports where its answer time goes: bench/support/interaction-trace.ts; nothing written). PostgreSQL server: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres (a bench database is created there and dropped).
// BENCH_BOT_NODE_ARGS: extra Node arguments for every bot, for experiments (e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof", or bench/support/interaction-trace.ts for where the time of each
// answer goes). --only=postgres,postgres-rewards: the PostgreSQL bot beside the same bot with role rewards set up (20
// points roles that the studiers cross during the measured rounds, so roles are given while grades are measured);
// postgres-rewards runs only when asked for. BENCH_BOT_ENTRY: another build's
// dist/src/index.js (say, an earlier commit's, from a git worktree), to compare before and after.
// --only=floor-write,floor-sql,floor-no-claim,floor-ledger,postgres: also the floor bot committing deepcards' own
// statements (floor-sql), the grade's without marking the round answered (floor-no-claim), or for a grade and a
// daily answer only the ledger row (floor-ledger), instead of its one insert
// (FLOOR_STATEMENTS in bench/floor-bot.ts): what those statements cost without deepcards' handlers.
// BENCH_BEFORE_ENTRY: such a build run as two more bots (`pglite-before`, `postgres-before`) beside the
// current ones, taking turns with them, so before and after are measured in the same run.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import ts from 'typescript';
import { BUILT_ENTRY, createBotDatabase, pickFreePort, REPO_ROOT, startBot, type BotDatabase, type BotProcess } from '../test/support/bot-process.js';
import { FakeDiscord, type FakeMember, type InteractionResult } from '../test/support/fake-discord/index.js';
import type { StoredMessage } from '../test/support/fake-discord/types.js';
import { writeSection } from './support/benchmarks-doc.js';
import { gameBurstReport, runGameBurst, type GameBurstResult } from './support/game-burst.js';
import { collectGarbage } from './support/inspector.js';
import { fmt, loadAverage, machine, rssMiB, rssParts, Samples } from './support/measure.js';
import { Barrier, FifoLock } from './support/turns.js';

const quick = process.argv.includes('--quick');
/** `--only=postgres,floor`: measure only these bots (for investigating; nothing is written). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
/** `--sequential`: each bot alone, one after the other (how the first runs were measured; nothing written). */
const sequential = process.argv.includes('--sequential');
/** `--interactions=N`: study on past 10,000 interactions before memory is read (a longer look for leaks; nothing written). */
const interactionsArg = process.argv.find((a) => a.startsWith('--interactions='))?.slice('--interactions='.length);
/** `--trace=DIR`: every bot preloads bench/support/interaction-trace.ts and reports where its answer time goes (nothing written). */
const traceDir = process.argv.find((a) => a.startsWith('--trace='))?.slice('--trace='.length);
const write = !quick && !only && !sequential && interactionsArg === undefined && traceDir === undefined && !process.argv.includes('--no-write');

const PER_KIND = quick ? 100 : 1_000;
const WARM_UP_ROUNDS = quick ? 20 : 100;
const WARM_UP_DAILY = quick ? 10 : 50;
const MEMORY_AFTER = Number(interactionsArg ?? (quick ? 1_000 : 10_000));
if (!Number.isInteger(MEMORY_AFTER) || MEMORY_AFTER < 1_000) throw new Error('--interactions= takes a whole number of at least 1000');
/** Memory is also read after a full garbage collection every this many interactions on the way there. */
const COLLECT_EVERY = quick ? 500 : 5_000;
const BURST = quick ? 100 : 500;
const BURST_SPREAD_MS = 1_000;
const DEADLINE_MS = 3_000;
/** Every bot listens for an inspector on a free loopback port, for the full collections before its memory is read. */
const INSPECT = '--inspect=127.0.0.1:0';
const STUDIERS = 10;
/** The run stops with an error past this, whatever happens (it takes 1–2 minutes on this machine). */
const RUN_BUDGET_MS = 10 * 60_000;
const DECKS = ['cnn', 'rnn', 'ml', 'embeddings', 'transformers', 'regularization', 'clustering'];
const KINDS = ['quiz', 'reveal', 'grade', 'daily'] as const;
type Kind = (typeof KINDS)[number];
const KIND_LABEL: Record<Kind, string> = { quiz: '`/quiz`', reveal: 'Reveal answer', grade: 'grade (Good)', daily: 'daily answer' };

/** The floor bots that commit deepcards' statements (see bench/floor-bot.ts) rather than the one insert. */
const FLOOR_STATEMENTS: Partial<Record<Target, string>> = { 'floor-sql': 'deepcards', 'floor-no-claim': 'no-claim', 'floor-ledger': 'ledger-row' };

/** `pglite-thread`: the bot with PGLITE_WORKER=off, PGlite on its own thread (as before the worker). */
type Target = 'floor' | 'floor-write' | 'floor-sql' | 'floor-no-claim' | 'floor-ledger' | 'pglite' | 'pglite-thread' | 'postgres' | 'postgres-rewards' | 'pglite-before' | 'postgres-before';
const TARGET_NAME: Record<Target, string> = {
  floor: 'floor bot',
  'floor-write': 'floor bot + one durable insert',
  'floor-sql': "floor bot + deepcards' statements",
  'floor-no-claim': "floor bot + deepcards' statements, the round not claimed",
  'floor-ledger': 'floor bot + the ledger row alone',
  pglite: 'deepcards · PGlite',
  'pglite-thread': 'deepcards · PGlite on the bot thread',
  postgres: 'deepcards · PostgreSQL',
  'postgres-rewards': 'deepcards · PostgreSQL + role rewards',
  'pglite-before': 'before · PGlite',
  'postgres-before': 'before · PostgreSQL',
};
/** postgres-rewards: a points role every REWARD_STEP points up to REWARD_ROLES × REWARD_STEP, crossed while grades are measured. */
const REWARD_ROLES = 20;
const REWARD_STEP = quick ? 2 : 5;
/** BENCH_BEFORE_ENTRY: an earlier build's dist/src/index.js, run beside the current one in the same run (bots `*-before`). */
const beforeEntry = process.env.BENCH_BEFORE_ENTRY;

interface Result {
  target: Target;
  name: string;
  samples: Record<Kind, Samples>;
  rss: {
    start: number;
    warm: number;
    after: number;
    interactions: number;
    trajectory: number[];
    /** Right after a full garbage collection (see collectGarbage): once started, after the warm-up, after the N interactions. */
    startCollected: number;
    warmCollected: number;
    afterCollected: number;
    /** Also after a full collection, every COLLECT_EVERY interactions up to N (the last one at N). */
    collectedTrajectory: number[];
  };
  burst: { samples: Samples; inside: number; ledger: number | undefined };
  startMs: number;
  stopMs: number;
  exitCode: number | null;
  /** The bench's own budget per bot, for the record. */
  wallMs: number;
  /** With --trace: what the bot's preload wrote. */
  trace: string | undefined;
}

/** A daily time far from now, so the bot's own scheduler never posts in the middle of the run. */
const twelveHoursAway = (): string => `${String((new Date().getUTCHours() + 12) % 24).padStart(2, '0')}:00`;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * The pause after each interaction before the next bot's turn. Without it, a bot's work after its reply
 * landed on whichever bot came next in the round-robin: measured 2026-12-01, applying the ledger after
 * a PGlite grade added 0.3–0.4 ms to the PostgreSQL bot measured right after it.
 */
const TURN_GAP_MS = 4;

function buttonId(message: StoredMessage | undefined, label: string): string {
  const id = (message?.components ?? []).flatMap((row) => row.components ?? []).find((c) => c.label === label)?.custom_id;
  if (!id) throw new Error(`no button "${label}" on ${JSON.stringify(message?.embeds[0]?.title)}`);
  return id;
}

function need(result: InteractionResult, what: string): StoredMessage {
  if (!result.message) throw new Error(`${what}: callback ${result.callbackType} left no message (${JSON.stringify(result.data).slice(0, 300)})`);
  return result.message;
}

/**
 * What the bots of one run share: every interaction (and each bot's start and stop) takes a turn on
 * `turns`, so the bots are measured interleaved, one interaction at a time; `bursts` holds each bot's
 * burst back until all of them have finished their one-at-a-time part.
 */
interface Shared {
  turns: FifoLock;
  bursts: Barrier;
  began: number;
  /** With --trace: the preload's file URL. */
  tracePreload: string | undefined;
}

/** One bot against a fresh fake Discord: the world, the bot process and the interactions it is sent. */
async function runTarget(kind: Target, serverUrl: string | undefined, shared: Shared): Promise<Result> {
  const began = Date.now();
  const { turns } = shared;
  const name = TARGET_NAME[kind];
  const isFloor = kind === 'floor' || kind === 'floor-write' || kind === 'floor-sql' || kind === 'floor-no-claim' || kind === 'floor-ledger';
  log(`\n${name}: starting`);
  // No callback deadline and a long wait: the bench measures late answers instead of failing on them.
  const fake = await FakeDiscord.start({ maxRecordedRequests: 2_000, callbackDeadlineMs: 0, interactionTimeoutMs: 30_000 });
  let db: BotDatabase | undefined;
  let bot: BotProcess | undefined;
  try {
    const guild = fake.addGuild({ name: 'Bench' });
    const study = fake.addChannel(guild.id, { name: 'study' });
    const daily = fake.addChannel(guild.id, { name: 'daily' });
    const admin = fake.addMember(guild.id, { username: 'admin', permissions: ['ManageGuild'] });
    const studiers = Array.from({ length: STUDIERS }, (_, i) => fake.addMember(guild.id, { username: `studier${i}` }));
    const warmMembers = Array.from({ length: WARM_UP_DAILY }, (_, i) => fake.addMember(guild.id, { username: `warm${i}` }));
    const answerers = Array.from({ length: Math.max(PER_KIND, BURST) }, (_, i) => fake.addMember(guild.id, { username: `member${i}` }));
    const rewardRoles =
      kind === 'postgres-rewards' ? Array.from({ length: REWARD_ROLES }, (_, i) => fake.addRole(guild.id, { name: `Scholar ${i + 1}`, position: i + 2 })) : [];
    if (rewardRoles.length > 0) {
      fake.updateRole(guild.id, guild.botRoleId, { position: REWARD_ROLES + 10, permissions: ['ViewChannel', 'SendMessages', 'EmbedLinks', 'ReadMessageHistory', 'ManageRoles'] });
    }

    if (kind !== 'floor') db = await createBotDatabase({ serverUrl, prefix: 'deepcards_bench' });
    const floorEnv = isFloor && db ? { FLOOR_DATABASE_URL: db.env.DATABASE_URL ?? '', ...(FLOOR_STATEMENTS[kind] ? { FLOOR_STATEMENTS: FLOOR_STATEMENTS[kind] } : {}) } : {};
    const traceEnv = shared.tracePreload ? { TRACE_DIR: traceDir } : {};
    const started = await turns.run(async () => {
      const at = Date.now();
      const extra = [...(process.env.BENCH_BOT_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...(shared.tracePreload ? ['--import', shared.tracePreload] : [])];
      if (isFloor) {
        const env = { ...floorEnv, ...traceEnv };
        bot = await startBot({ fake, env, args: [INSPECT, '--import', 'tsx', ...extra, 'bench/floor-bot.ts'], expectRegistration: false, readyLine: 'floor-bot ready' });
      } else {
        const entry = kind.endsWith('-before') && beforeEntry ? beforeEntry : process.env.BENCH_BOT_ENTRY || BUILT_ENTRY;
        // The health and metrics server on, as in production (an earlier build ignores HTTP_PORT).
        const env = { ...db?.env, ...traceEnv, LOG_LEVEL: 'warn', HTTP_PORT: String(await pickFreePort()), PGLITE_WORKER: kind === 'pglite-thread' ? 'off' : 'on' };
        bot = await startBot({ fake, env, timeoutMs: 60_000, args: [INSPECT, ...extra, entry] });
      }
      return { bot, ms: Date.now() - at };
    });
    bot = started.bot;
    const startMs = started.ms;
    await sleep(500);
    const rssStart = rssMiB(bot.pid);
    const partsStart = rssParts(bot.pid);
    log(`${name}: ready in ${startMs} ms (pid ${bot.pid}), RSS ${rssStart.toFixed(0)} MiB (anonymous ${partsStart.anon.toFixed(0)}, file-backed ${partsStart.file.toFixed(0)})`);
    /** Memory after a full collection, in a turn (it takes the bot's CPU for a while). */
    const collected = (label: string) => turns.run(() => memoryAfterCollection(label, bot as BotProcess));
    const startCollected = await collected(name);

    let interactions = 0;
    const samples = Object.fromEntries(KINDS.map((k) => [k, new Samples()])) as Record<Kind, Samples>;
    const trajectory: number[] = [];
    const record = (k: Kind | undefined, r: InteractionResult): InteractionResult => {
      interactions++;
      if (interactions % 1_000 === 0 && bot) {
        trajectory.push(Math.round(rssMiB(bot.pid)));
        const parts = rssParts(bot.pid);
        log(`${name}: ${interactions} interactions, RSS ${trajectory.at(-1)} MiB (anonymous ${parts.anon.toFixed(0)}, file-backed ${parts.file.toFixed(0)})`);
      }
      if (k) samples[k].add(r.latencyMs, r.callbackType);
      return r;
    };
    // A turn ends TURN_GAP_MS after the answer, so what a bot does after answering (reading ahead for
    // the grade, applying the ledger) is not measured as the next bot's latency.
    const turn = <T>(interaction: () => Promise<T>) => turns.run(() => interaction().then(async (r) => (await sleep(TURN_GAP_MS), r)));
    const command = (user: FakeMember, commandName: string, options: Record<string, string | number> = {}, subcommand?: string) =>
      turn(() => fake.command({ user, guildId: guild.id, channelId: study.id, name: commandName, options, ...(subcommand ? { subcommand } : {}) }));
    const press = (input: Parameters<FakeDiscord['press']>[0]) => turn(() => fake.press(input));

    const withinBudget = (): void => {
      if (Date.now() - shared.began > RUN_BUDGET_MS) throw new Error(`${name}: over the run's ${RUN_BUDGET_MS / 60_000}-minute budget after ${interactions} interactions`);
    };
    let round = 0;
    /** /quiz → Reveal answer → Good (the floor: a command, then two presses of its one button). */
    const studyRound = async (measure: boolean): Promise<void> => {
      withinBudget();
      const user = studiers[round % STUDIERS] as FakeMember;
      const deck = DECKS[round % DECKS.length] as string;
      round++;
      const q = record(measure ? 'quiz' : undefined, await command(user, 'quiz', { deck }));
      const card = need(q, '/quiz');
      const revealId = isFloor ? 'floor:reveal' : buttonId(card, 'Reveal answer');
      const rv = record(measure ? 'reveal' : undefined, await press({ user, message: card.id, customId: revealId }));
      const revealed = need(rv, 'reveal');
      const gradeId = isFloor ? 'floor:reveal' : buttonId(revealed, 'Good');
      record(measure ? 'grade' : undefined, await press({ user, message: revealed.id, customId: gradeId }));
    };

    /** A daily challenge to answer: deepcards posts one with /daily now; the floor's is a message of its own. */
    const postChallenge = async (): Promise<{ message: StoredMessage; ids: string[]; challengeId: number | undefined }> => {
      if (isFloor) {
        const message = need(record(undefined, await command(admin, 'daily')), 'floor command');
        return { message, ids: ['floor:reveal', 'floor:reveal', 'floor:reveal', 'floor:reveal'], challengeId: undefined };
      }
      const before = new Set(fake.messages(daily.id).map((m) => m.id));
      const now = record(undefined, await command(admin, 'daily', {}, 'now'));
      const message = fake.messages(daily.id).find((m) => !before.has(m.id) && m.embeds[0]?.footer?.text.startsWith('daily #'));
      if (!message) throw new Error(`/daily now posted nothing: ${JSON.stringify(now.data).slice(0, 300)}`);
      const challengeId = Number(/^daily #(\d+)/.exec(message.embeds[0]?.footer?.text ?? '')?.[1]);
      return { message, ids: ['A', 'B', 'C', 'D'].map((l) => buttonId(message, l)), challengeId };
    };
    const answerInput = (user: FakeMember, challenge: { message: StoredMessage; ids: string[] }, i: number) => ({
      user,
      message: challenge.message.id,
      customId: challenge.ids[i % 4] as string,
    });
    const answer = (user: FakeMember, challenge: { message: StoredMessage; ids: string[] }, i: number) => press(answerInput(user, challenge, i));

    // Warm-up: JIT, connection pools, discord.js caches.
    if (!isFloor) {
      const setup = record(undefined, await command(admin, 'daily', { channel: daily.id, time: twelveHoursAway(), timezone: 'UTC', deck: 'all' }, 'setup'));
      if (!setup.data?.content?.startsWith('Daily challenge set')) throw new Error(`/daily setup failed: ${setup.data?.content}`);
    }
    for (const [i, role] of rewardRoles.entries()) {
      const options = { role: role.id, kind: 'points', threshold: (i + 1) * REWARD_STEP };
      const added = record(undefined, await command(admin, 'rewards', options, 'add'));
      if (!added.data?.content?.startsWith('Reward set')) throw new Error(`/rewards add failed: ${added.data?.content}`);
    }
    for (let i = 0; i < WARM_UP_ROUNDS; i++) await studyRound(false);
    const warmChallenge = await postChallenge();
    for (const [i, user] of warmMembers.entries()) record(undefined, await answer(user, warmChallenge, i));
    const rssWarm = rssMiB(bot.pid);
    log(`${name}: warmed up after ${interactions} interactions, RSS ${rssWarm.toFixed(0)} MiB`);
    const warmCollected = await collected(name);

    // Measured, one at a time.
    for (let i = 0; i < PER_KIND; i++) await studyRound(true);
    log(`${name}: ${PER_KIND} × (/quiz, reveal, grade) done`);
    const measuredChallenge = await postChallenge();
    for (let i = 0; i < PER_KIND; i++) {
      withinBudget();
      record('daily', await answer(answerers[i] as FakeMember, measuredChallenge, i));
    }
    log(`${name}: ${PER_KIND} daily answers done`);
    // Memory over 10,000 interactions: keep studying (still measured) until there. The floor bot too,
    // so that what discord.js and V8 themselves grow by over the same count is on record.
    const collectedTrajectory: number[] = [];
    let nextCollection = COLLECT_EVERY;
    while (interactions < MEMORY_AFTER) {
      await studyRound(true);
      if (interactions >= nextCollection && interactions < MEMORY_AFTER) {
        collectedTrajectory.push(await collected(`${name} at ${interactions}`));
        nextCollection += COLLECT_EVERY;
      }
    }
    await sleep(500);
    const rssAfter = rssMiB(bot.pid);
    const rssAt = interactions;
    log(`${name}: RSS ${rssAfter.toFixed(0)} MiB after ${interactions} interactions`);
    const afterCollected = await collected(name);
    collectedTrajectory.push(afterCollected);

    // The burst: members answering the daily challenge within one second, all at once. The bots take
    // it in turns, once all have finished the part above: a burst loads the whole machine.
    const burstChallenge = await postChallenge();
    const pressesKept = async () => (await (db as BotDatabase).query<{ n: number }>('select count(*)::int as n from floor_presses'))[0]?.n ?? 0;
    const keptBefore = kind === 'floor-write' ? await pressesKept() : 0;
    await shared.bursts.arrive();
    const burst = new Samples();
    let t0 = 0;
    const settled = await turns.run(() => {
      t0 = Date.now();
      return Promise.allSettled(
        answerers.slice(0, BURST).map(async (user, i) => {
          await sleep(Math.max(0, t0 + (i * BURST_SPREAD_MS) / BURST - Date.now()));
          const r = await fake.press({ ...answerInput(user, burstChallenge, i), timeoutMs: 30_000 });
          burst.add(r.latencyMs, r.callbackType);
        }),
      );
    });
    const failures = settled.filter((s) => s.status === 'rejected');
    if (failures.length > 0) log(`${name}: ${failures.length} burst presses got no answer: ${String((failures[0] as PromiseRejectedResult).reason).slice(0, 300)}`);
    const inside = burst.values.filter((v) => v <= DEADLINE_MS).length;
    log(`${name}: burst of ${BURST} answered in ${Date.now() - t0} ms, slowest ${fmt(burst.max())} ms`);
    await sleep(200);

    const stopped = await turns.run(async () => {
      const at = Date.now();
      const exit = await (bot as BotProcess).stop('SIGTERM', 10_000);
      return { exit, ms: Date.now() - at };
    });
    const trace = traceDir ? readFileSync(path.join(traceDir, `trace-${(bot as BotProcess).pid}.txt`), 'utf8') : undefined;
    bot = undefined;
    let ledger: number | undefined;
    if (db && burstChallenge.challengeId) {
      const [row] = await db.query<{ n: number }>('select count(*)::int as n from answers where challenge_id = $1', [burstChallenge.challengeId]);
      ledger = row?.n;
    }
    if (kind === 'floor-write') ledger = (await pressesKept()) - keptBefore;
    if (db && rewardRoles.length > 0) {
      const [row] = await db.query<{ n: number }>('select count(*)::int as n from role_grants');
      log(`${name}: ${row?.n} roles given (studiers crossing ${REWARD_ROLES} point thresholds while grades were measured, daily answerers by the minute sweep)`);
    }
    return {
      target: kind,
      name,
      samples,
      rss: { start: rssStart, warm: rssWarm, after: rssAfter, interactions: rssAt, trajectory, startCollected, warmCollected, afterCollected, collectedTrajectory },
      burst: { samples: burst, inside, ledger },
      startMs,
      stopMs: stopped.ms,
      exitCode: stopped.exit.code,
      wallMs: Date.now() - began,
      trace,
    };
  } catch (error) {
    shared.bursts.fail(error);
    if (bot) log(`${name}: bot output:\n${bot.output().slice(-4000)}`);
    throw error;
  } finally {
    if (bot) {
      bot.kill();
      await bot.exited;
    }
    await fake.stop();
    await db?.drop();
  }
}

/** A bot's resident memory right after a full garbage collection, in MiB. */
async function memoryAfterCollection(name: string, bot: BotProcess): Promise<number> {
  await collectGarbage(bot.output());
  await sleep(200);
  const mib = rssMiB(bot.pid);
  log(`${name}: RSS ${mib.toFixed(0)} MiB after a full garbage collection`);
  return mib;
}

/** bench/support/interaction-trace.ts as plain JavaScript under dist/ (the deepcards bot runs without tsx); its file URL. */
function buildTracePreload(): string {
  const source = readFileSync(path.join(REPO_ROOT, 'bench', 'support', 'interaction-trace.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  const file = path.join(REPO_ROOT, 'dist', 'bench', 'interaction-trace.mjs');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, outputText);
  return pathToFileURL(file).href;
}

function buildDist(): void {
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building dist/ failed:\n${r.stdout}${r.stderr}`);
}

async function postgresServer(): Promise<{ url: string; version: string } | { error: string }> {
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`;
    return { url, version: row?.server_version ?? '?' };
  } catch (error) {
    return { error: `${url.replace(/\/\/[^@]*@/, '//…@')}: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function report(results: Result[], pg: { version: string } | { error: string }, totalMs: number, load: { before: number; after: number }): string {
  const m = machine();
  const floor = results.find((r) => r.target === 'floor');
  const floorWrite = results.find((r) => r.target === 'floor-write');
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push('## Latency (npm run bench:latency)', '');
  lines.push(
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.cores} cores (${m.cpu}), ${m.ramGiB.toFixed(0)} GiB RAM, Node ${m.node}` +
      `${'version' in pg ? `, PostgreSQL ${pg.version} on the same machine` : ''}; the whole run took ${(totalMs / 60_000).toFixed(1)} min. ` +
      `Load average (1 min) ${load.before.toFixed(2)} before and ${load.after.toFixed(2)} after: the bench process (with the fake Discord), the bot and ` +
      'PostgreSQL share these cores, and anything else running skews the tails.',
    '',
    'Latency is the time from the fake Discord sending INTERACTION_CREATE to the bot\'s first REST request answering it (its interaction ' +
      'callback), in ms. Each bot is a child process (deepcards: `node dist/src/index.js`, LOG_LEVEL=warn) against its own fake Discord on ' +
      '127.0.0.1, started with `--inspect=127.0.0.1:0` so that the bench can ask for a full garbage collection before it reads memory ' +
      '(the "after a full GC" row; nothing attaches otherwise). ' +
      `The bots run at the same time and take turns, one interaction at a time (the machine's load falls on all of them alike), ` +
      `each turn ending ${TURN_GAP_MS} ms after its answer (so a bot's work after replying is not timed as the next bot's), ` +
      `after a warm-up of ${WARM_UP_ROUNDS} study rounds and ${WARM_UP_DAILY} daily answers; each burst runs alone, after all the rest. ` +
      'The floor bot (bench/floor-bot.ts) is the smallest discord.js bot that answers the same way (an embed and a button per command, an ' +
      'update per press) without a database: its command is compared with `/quiz`, its press with the three button paths and the daily answer. ' +
      'The second floor is the same bot committing one row (the interaction\'s id, unique, the member, the time) to a PostgreSQL ' +
      'database of its own before each answer: what any bot that keeps what members do pays at least.',
    '',
  );
  row(['p50 / p95 / p99 (ms)', ...results.map((r) => r.name)]);
  row(['---', ...results.map(() => '---:')]);
  for (const k of KINDS) {
    row([
      `${KIND_LABEL[k]}`,
      ...results.map((r) => {
        const s = r.samples[k];
        return `${fmt(s.percentile(50))} / ${fmt(s.percentile(95))} / ${fmt(s.percentile(99))} (n=${s.count})`;
      }),
    ]);
  }
  row(['callback types (4 reply, 7 update; 5/6 deferred)', ...results.map((r) => KINDS.map((k) => r.samples[k].typesText()).join('; '))]);
  row([
    'resident memory after a full GC: after start → after warm-up → after N interactions',
    ...results.map(
      (r) =>
        `${r.rss.startCollected.toFixed(0)} → ${r.rss.warmCollected.toFixed(0)} → ${r.rss.afterCollected.toFixed(0)} MiB ` +
        `(N=${r.rss.interactions}; ${pct(r.rss.afterCollected / r.rss.startCollected - 1)})`,
    ),
  ]);
  row([
    'resident memory as found: 0.5 s after start → after warm-up → right after N interactions',
    ...results.map((r) => `${r.rss.start.toFixed(0)} → ${r.rss.warm.toFixed(0)} → ${r.rss.after.toFixed(0)} MiB (${pct(r.rss.after / r.rss.start - 1)})`),
  ]);
  row([
    `resident memory after a full GC every ${COLLECT_EVERY.toLocaleString('en-US')} interactions (MiB)`,
    ...results.map((r) => r.rss.collectedTrajectory.map((mib) => Math.round(mib)).join(', ')),
  ]);
  row(['resident memory as found every 1,000 interactions (MiB)', ...results.map((r) => r.rss.trajectory.join(', '))]);
  row([
    `burst: ${BURST} daily answers spread over ${BURST_SPREAD_MS / 1000} s — p50 / p99 / max (ms)`,
    ...results.map((r) => `${fmt(r.burst.samples.percentile(50))} / ${fmt(r.burst.samples.percentile(99))} / ${fmt(r.burst.samples.max())}`),
  ]);
  row([
    `burst: answered within ${DEADLINE_MS / 1000} s · rows in the ledger`,
    ...results.map((r) => `${r.burst.inside}/${BURST} · ${r.burst.ledger === undefined ? 'n/a' : `${r.burst.ledger}/${BURST}`}`),
  ]);
  row(['start (ready + commands) · SIGTERM → exit', ...results.map((r) => `${(r.startMs / 1000).toFixed(1)} s · ${r.stopMs} ms (code ${r.exitCode})`)]);
  lines.push('');
  if ('error' in pg) lines.push(`PostgreSQL was not measured: ${pg.error}.`, '');

  if (floor && floorWrite) {
    const ratio = (k: 'quiz' | 'reveal') => p50Ratios(floorWrite, floor).find((x) => x.k === k)?.ratio.toFixed(1);
    lines.push(`What one durable write costs on this machine: the floor that commits one insert answers a command at ${ratio('quiz')}× and a press at ${ratio('reveal')}× the floor's p50.`, '');
  }
  lines.push('Targets:', '');
  for (const r of results.filter((x) => x !== floor && x !== floorWrite)) {
    const checks: string[] = [];
    const postgresBot = r.name.includes('PostgreSQL');
    // The targets (decided 2026-11-30): on PostgreSQL, each p50 at most 1.3× the floor that commits one
    // insert, with p99 under 15 ms; on PGlite the ratio to the plain floor is reported, and the burst aims under 1 s.
    if (r.target === 'floor-sql' || r.target === 'floor-no-claim' || r.target === 'floor-ledger') {
      // Not a bot to hold to the targets: what deepcards' statements cost with nothing else of deepcards.
      if (floorWrite) lines.push(`- **${r.name}**`, `  - (reported) p50 against the floor that commits one insert: ${ratioText(p50Ratios(r, floorWrite))}`);
      continue;
    }
    if (floorWrite && postgresBot) {
      const ratios = p50Ratios(r, floorWrite);
      checks.push(mark(ratios.every((x) => x.ratio <= 1.3)) + ` p50 within 1.3× the floor that commits one insert: ${ratioText(ratios)}`);
    } else if (floorWrite) {
      checks.push(`(reported) p50 against the floor that commits one insert: ${ratioText(p50Ratios(r, floorWrite))}`);
    }
    if (floor) checks.push(`(reported) p50 against the plain floor: ${ratioText(p50Ratios(r, floor))}`);
    if (postgresBot) {
      const p99 = KINDS.map((k) => ({ k, v: r.samples[k].percentile(99) }));
      checks.push(mark(p99.every((x) => x.v < 15)) + ` p99 under 15 ms: ${p99.map((x) => `${KIND_LABEL[x.k]} ${fmt(x.v)}`).join(', ')}`);
    } else {
      const p99 = r.burst.samples.percentile(99);
      checks.push(mark(p99 < 1000 && r.burst.inside === BURST) + ` burst on PGlite: all ${BURST} answered, p99 under 1 s: ${r.burst.inside}/${BURST}, p99 ${fmt(p99)} ms`);
    }
    const deferred = KINDS.reduce((n, k) => n + r.samples[k].deferred(), 0) + r.burst.samples.deferred();
    checks.push(mark(deferred === 0) + ` no deferred replies: ${deferred} deferred`);
    // Read after the warm-up, with a full GC (decided 2026-11-30): what start-up allocates once is not growth.
    const growth = r.rss.afterCollected / r.rss.warmCollected - 1;
    const floorGrowth = floor ? `; the floor bot ${pct(floor.rss.afterCollected / floor.rss.warmCollected - 1)}` : '';
    checks.push(
      mark(growth < 0.1) +
        ` memory growth from the warm-up to ${r.rss.interactions} interactions under 10%, after a full GC: ${pct(growth)} (from start ${pct(r.rss.afterCollected / r.rss.startCollected - 1)}${floorGrowth})`,
    );
    checks.push(
      mark(r.burst.inside === BURST && r.burst.ledger === BURST) +
        ` burst: ${r.burst.inside}/${BURST} inside ${DEADLINE_MS / 1000} s, ${r.burst.ledger ?? '?'}/${BURST} answers in the ledger`,
    );
    lines.push(`- **${r.name}**`, ...checks.map((c) => `  - ${c}`));
  }
  lines.push('');
  return lines.join('\n');
}

const mark = (ok: boolean): string => (ok ? '✅' : '❌');
/** Each path's p50 over a floor's: its command for `/quiz`, its press for the three button paths. */
const p50Ratios = (r: Result, base: Result): { k: Kind; ratio: number }[] =>
  KINDS.map((k) => ({ k, ratio: r.samples[k].percentile(50) / (k === 'quiz' ? base.samples.quiz : base.samples.reveal).percentile(50) }));
const ratioText = (ratios: { k: Kind; ratio: number }[]): string => ratios.map((x) => `${KIND_LABEL[x.k]} ${x.ratio.toFixed(2)}×`).join(', ');
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** `--game`: only /game's burst (200 members answering one question within a second), on PGlite and PostgreSQL; its own section. */
async function mainGame(): Promise<void> {
  buildDist();
  const loadBefore = loadAverage();
  const pg = await postgresServer();
  const results: GameBurstResult[] = [await runGameBurst(undefined)];
  if ('url' in pg) results.push(await runGameBurst(pg.url));
  else log(`PostgreSQL unavailable, measuring PGlite only: ${pg.error}`);
  const section = gameBurstReport(results, `${new Date().toISOString().slice(0, 10)}, ${machine().cores} cores, Node ${process.version}${'version' in pg ? `, PostgreSQL ${pg.version}` : ''}, load average ${loadBefore.toFixed(1)} before and ${loadAverage().toFixed(1)} after (the machine is shared)`);
  process.stdout.write(`\n${section}\n`);
  if (!process.argv.includes('--no-write')) log(`written to ${writeSection(path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md'), '## Study together, live: /game', section)}`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--game')) return mainGame();
  const t0 = Date.now();
  const loadBefore = loadAverage();
  log('building dist/ …');
  buildDist();
  const pg = await postgresServer();
  if ('error' in pg) log(`PostgreSQL unavailable, measuring without it: ${pg.error}`);
  const wanted = (kind: string): boolean => !only || only.includes(kind);
  const onPostgres = (k: Target): boolean => k === 'postgres' || k === 'postgres-before' || k === 'floor-write' || k === 'floor-sql' || k === 'floor-no-claim' || k === 'floor-ledger' || k === 'postgres-rewards';
  const targets: Target[] = ['floor', 'floor-write', 'floor-sql', 'floor-no-claim', 'floor-ledger', 'pglite', 'pglite-thread', 'postgres', 'postgres-rewards', ...(beforeEntry ? (['pglite-before', 'postgres-before'] as const) : [])];
  // The opt-in targets (pglite-thread, postgres-rewards, floor-sql) run only when --only names them.
  const optIn = (k: Target): boolean => k === 'postgres-rewards' || k === 'pglite-thread' || k === 'floor-sql' || k === 'floor-no-claim' || k === 'floor-ledger';
  const kinds = targets.filter((k) => wanted(k) && (!optIn(k) || only !== undefined) && (!onPostgres(k) || 'url' in pg));
  const url = (k: Target) => (onPostgres(k) && 'url' in pg ? pg.url : undefined);
  const tracePreload = traceDir ? buildTracePreload() : undefined;
  let results: Result[] = [];
  if (sequential) {
    for (const k of kinds) results.push(await runTarget(k, url(k), { turns: new FifoLock(), bursts: new Barrier(1), began: Date.now(), tracePreload }));
  } else {
    // All the bots run at once and take turns, one interaction at a time (see Shared).
    const shared: Shared = { turns: new FifoLock(), bursts: new Barrier(kinds.length), began: Date.now(), tracePreload };
    const settled = await Promise.allSettled(kinds.map((k) => runTarget(k, url(k), shared)));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    results = settled.map((r) => (r as PromiseFulfilledResult<Result>).value);
  }
  const section = report(results, pg, Date.now() - t0, { before: loadBefore, after: loadAverage() });
  process.stdout.write(`\n${section}\n`);
  for (const r of results) if (r.trace) process.stdout.write(`\nWhere the time goes, ${r.name}:\n${r.trace}`);
  if (write) log(`written to ${writeSection(path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md'), '## Latency (npm run bench:latency)', section)}`);
}

main().catch((error: unknown) => {
  log(`bench:latency failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
