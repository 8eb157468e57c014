import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { projectRoot } from './paths.js';
import { isPartial as isPartialPlan, parseShardIds, shardHttpPort, type ShardPlan } from './domain/shards.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['pretty', 'json'] as const;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const snowflake = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.string().regex(/^\d{17,20}$/, 'a Discord server id: 17 to 20 digits').optional())
  .optional();

const envSchema = z.object({
  DISCORD_TOKEN: optionalString,
  DISCORD_API_URL: optionalString.pipe(
    z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://discord.com/api' }).optional(),
  ),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a PostgreSQL URL such as postgres://user:password@host:5432/deepcards')
      .optional(),
  ),
  PGLITE_DIR: optionalString,
  DEV_GUILD_ID: snowflake,
  DECKS_DIR: optionalString,
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }))
    .default('info'),
  LOG_FORMAT: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_FORMATS, { error: `one of ${LOG_FORMATS.join(', ')}` }))
    .optional(),
  HTTP_PORT: z.coerce
    .number({ error: 'a port number (0 turns the HTTP server off)' })
    .int('a whole port number')
    .min(0, 'at least 0 (0 turns the HTTP server off)')
    .max(65_535, 'at most 65535')
    .default(8080),
  HTTP_HOST: optionalString.default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'a whole number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(100, 'at least 100')
    .max(60_000, 'at most 60000')
    .default(5_000),
  STARTUP_TIMEOUT_MS: z.coerce
    .number({ error: 'a whole number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(0, 'at least 0')
    .max(3_600_000, 'at most 3600000')
    .default(60_000),

  GAME_SECOND_MS: z.coerce
    .number({ error: 'a whole number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(10, 'at least 10')
    .max(1000, 'at most 1000')
    .default(1000),
  GAME_TICK_MS: z.coerce
    .number({ error: 'a whole number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(100, 'at least 100')
    .max(60_000, 'at most 60000')
    .default(5000),

  PGLITE_WORKER: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['on', 'off'], { error: 'on or off' }))
    .default('on'),
  SHARD_COUNT: z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => value === 'auto' || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 100_000), {
      error: 'a whole number of shards (1 or more) or auto',
    })
    .transform((value) => (value === 'auto' ? ('auto' as const) : Number(value)))
    .optional(),
  SHARD_IDS: z
    .string()
    .trim()
    .refine((value) => parseShardIds(value) !== null, { error: 'shard ids such as 0-3 or 0,2' })
    .optional(),
  // Set by discord.js's ShardingManager in each process it spawns (a shard id, or a JSON array of them).
  SHARDS: z.string().trim().optional(),
  SHARDING_MANAGER: z.string().trim().optional(),
});

export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The bot's whole configuration, read once from the environment. */
export interface Config {
  discordToken: string | undefined;
  discordApiUrl: string | undefined;
  databaseUrl: string | undefined;
  pgliteDir: string;
  /** Run PGlite in a worker thread (PGLITE_WORKER=on, the default), or on the bot's own thread. */
  pgliteWorker: boolean;
  devGuildId: string | undefined;
  /** Deck folders, in order: DECKS_DIR may list several, comma-separated (shipped decks beside a server's own). */
  decksDirs: string[];
  /** The last deck folder, where `decks:import` writes new decks. */
  decksDir: string;
  logLevel: LogLevel;
  /** pretty (pino-pretty, for people) or json (one object a line, for log collectors). */
  logFormat: LogFormat;
  /** The health and metrics server's port; 0 when it is off. */
  httpPort: number;
  httpHost: string;
  shutdownTimeoutMs: number;
  /** How long startup keeps retrying an unreachable database before giving up. */
  startupTimeoutMs: number;

  /** How long one /game second lasts: 1000, shortened only by tests (the command's 10–60 s bounds stay). */
  gameSecondMs: number;
  /** How often running games are looked at for steps due (after a restart, or run by another process). */
  gameTickMs: number;

  /** Which gateway shards this process connects (SHARD_COUNT, SHARD_IDS). */
  shards: ShardPlan;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Parses configuration from an environment object. Every problem is collected as one line naming the
 * variable and what it expects. The token's value never appears in a message.
 */
export function parseConfig(env: Record<string, string | undefined>, opts: { requireToken?: boolean; isTTY?: boolean } & PathOrigins = {}): Config {
  // An empty variable (as .env.example leaves optional ones) means "use the default".
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = envSchema.safeParse(given);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      problems.push(`${variable}: expected ${issue.message.replace(/^Invalid input: /, '')}`);
    }
  }
  if (opts.requireToken && !env.DISCORD_TOKEN?.trim()) {
    problems.push('DISCORD_TOKEN: expected the bot token from the Discord developer portal (Bot → Reset Token); put it in .env');
  }
  const shards = result.success ? shardPlanOf(result.data, problems) : undefined;
  if (problems.length > 0 || !result.success || !shards) throw new ConfigError(problems);
  const data = result.data;
  const paths = resolveDefaultPaths(data, opts);
  return {
    discordToken: data.DISCORD_TOKEN,
    discordApiUrl: data.DISCORD_API_URL,
    databaseUrl: data.DATABASE_URL,
    pgliteDir: paths.pgliteDir,
    pgliteWorker: data.PGLITE_WORKER === 'on',
    devGuildId: data.DEV_GUILD_ID,
    decksDirs: paths.decksDirs,
    decksDir: paths.decksDirs.at(-1) ?? paths.defaultDecksDir,
    logLevel: data.LOG_LEVEL,
    logFormat: data.LOG_FORMAT ?? (opts.isTTY ? 'pretty' : 'json'),
    httpPort: httpPortOf(data.HTTP_PORT, shards),
    httpHost: data.HTTP_HOST,
    shutdownTimeoutMs: data.SHUTDOWN_TIMEOUT_MS,
    startupTimeoutMs: data.STARTUP_TIMEOUT_MS,

    gameSecondMs: data.GAME_SECOND_MS,
    gameTickMs: data.GAME_TICK_MS,

    shards,
  };
}

/**
 * Where relative paths are taken from. The defaults, and paths written in the installation's `.env`,
 * belong to the installation, so they resolve against its root: a service manager started from `/`
 * uses the same database and decks as `npm start` in the project folder. A relative path set in the
 * environment itself stays relative to the working directory, as a shell user expects.
 */
export interface PathOrigins {
  /** The installation's root; the project folder by default. */
  root?: string;
  /** Variables whose value came from the root's `.env` file rather than the environment. */
  fromEnvFile?: ReadonlySet<string>;
}

function resolveDefaultPaths(data: { PGLITE_DIR?: string | undefined; DECKS_DIR?: string | undefined }, opts: PathOrigins) {
  const root = opts.root ?? projectRoot();
  const fromFile = (name: string, value: string) => (opts.fromEnvFile?.has(name) ? path.resolve(root, value) : value);
  const defaultDecksDir = path.join(root, 'decks');
  const decksDirs = data.DECKS_DIR === undefined ? [defaultDecksDir] : splitDirs(data.DECKS_DIR, defaultDecksDir).map((d) => fromFile('DECKS_DIR', d));
  return {
    pgliteDir: data.PGLITE_DIR === undefined ? path.join(root, 'data', 'pglite') : fromFile('PGLITE_DIR', data.PGLITE_DIR),
    decksDirs,
    defaultDecksDir,
  };
}

/**
 * Each process that `npm run start:sharded` spawns serves health and metrics on a port of its own
 * (HTTP_PORT + 1 + its shard id), so the processes on one machine do not fight over one port and the
 * manager keeps HTTP_PORT for the readiness of them all.
 */
function httpPortOf(port: number, shards: ShardPlan): number {
  if (port === 0 || !shards.managed || shards.ids === 'all' || shards.ids.length === 0) return port;
  return shardHttpPort(port, Math.min(...shards.ids));
}

/**
 * The shard plan, and the problems that make one impossible. discord.js reads SHARDS and SHARD_COUNT
 * from the environment itself: the app always passes both to the client, so this is the one reading.
 */
function shardPlanOf(data: z.infer<typeof envSchema>, problems: string[]): ShardPlan | undefined {
  const managed = data.SHARDING_MANAGER === 'true';
  const count = data.SHARD_COUNT ?? 'auto';
  let ids: ShardPlan['ids'] = 'all';
  // A process the ShardingManager spawned inherits SHARD_IDS too, but runs only the SHARDS it was given.
  if (managed && data.SHARDS) ids = data.SHARDS.replace(/[[\]\s]/g, '').split(',').map(Number).filter(Number.isInteger);
  else if (data.SHARD_IDS) ids = parseShardIds(data.SHARD_IDS) ?? 'all';
  if (ids !== 'all' && data.SHARD_COUNT === undefined) {
    problems.push('SHARD_COUNT: expected the total number of shards (or auto) when SHARD_IDS is set');
    return undefined;
  }
  if (ids !== 'all' && typeof count === 'number' && ids.some((id) => id >= count)) {
    problems.push(`SHARD_IDS: expected ids below SHARD_COUNT (${count}): 0 to ${count - 1}`);
    return undefined;
  }
  const plan: ShardPlan = { count, ids, managed };
  if (!data.DATABASE_URL && isPartialPlan(plan)) {
    problems.push('DATABASE_URL: expected a PostgreSQL URL when shards run in more than one process; the embedded PGlite is single-process');
    return undefined;
  }
  return plan;
}

function splitDirs(value: string, fallback: string): string[] {
  const dirs = value.split(',').map((d) => d.trim()).filter(Boolean);
  return dirs.length > 0 ? dirs : [fallback];
}

/**
 * Loads the installation's `.env` (without overriding variables already set) and parses the process
 * environment. On a problem it prints one line per problem and exits 1, without a stack trace.
 */
export function loadConfig(opts: { requireToken?: boolean } = {}): Config {
  const root = projectRoot();
  const fromEnvFile = loadEnvFile(path.join(root, '.env'));
  try {
    return parseConfig(process.env, { ...opts, root, fromEnvFile, isTTY: process.stdout.isTTY });
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Copies the variables of a `.env` file that the environment does not set; returns their names. */
function loadEnvFile(file: string): Set<string> {
  const taken = new Set<string>();
  if (!existsSync(file)) return taken;
  for (const [name, value] of Object.entries(parseDotenv(readFileSync(file)))) {
    if (process.env[name] !== undefined) continue;
    process.env[name] = value;
    taken.add(name);
  }
  return taken;
}
