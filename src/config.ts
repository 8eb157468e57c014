import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { isPartial as isPartialPlan, parseShardIds, type ShardPlan } from './domain/shards.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
  PGLITE_DIR: optionalString.default('./data/pglite'),
  DEV_GUILD_ID: snowflake,
  DECKS_DIR: optionalString.default('./decks'),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }))
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'a whole number of milliseconds' })
    .int('a whole number of milliseconds')
    .min(100, 'at least 100')
    .max(60_000, 'at most 60000')
    .default(5_000),
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
  shutdownTimeoutMs: number;
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
export function parseConfig(env: Record<string, string | undefined>, opts: { requireToken?: boolean } = {}): Config {
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
  return {
    discordToken: data.DISCORD_TOKEN,
    discordApiUrl: data.DISCORD_API_URL,
    databaseUrl: data.DATABASE_URL,
    pgliteDir: data.PGLITE_DIR,
    pgliteWorker: data.PGLITE_WORKER === 'on',
    devGuildId: data.DEV_GUILD_ID,
    decksDirs: splitDirs(data.DECKS_DIR),
    decksDir: splitDirs(data.DECKS_DIR).at(-1) ?? './decks',
    logLevel: data.LOG_LEVEL,
    shutdownTimeoutMs: data.SHUTDOWN_TIMEOUT_MS,
    shards,
  };
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

function splitDirs(value: string): string[] {
  const dirs = value.split(',').map((d) => d.trim()).filter(Boolean);
  return dirs.length > 0 ? dirs : ['./decks'];
}

/**
 * Loads `.env` (without overriding variables already set) and parses the process environment.
 * On a problem it prints one line per problem and exits 1, without a stack trace.
 */
export function loadConfig(opts: { requireToken?: boolean } = {}): Config {
  loadDotenv({ quiet: true });
  try {
    return parseConfig(process.env, opts);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}
