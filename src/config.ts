import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';

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
  PGLITE_DIR: optionalString.default('./data/pglite'),
  DEV_GUILD_ID: snowflake,
  DECKS_DIR: optionalString.default('./decks'),
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
});

export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The bot's whole configuration, read once from the environment. */
export interface Config {
  discordToken: string | undefined;
  discordApiUrl: string | undefined;
  databaseUrl: string | undefined;
  pgliteDir: string;
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
export function parseConfig(env: Record<string, string | undefined>, opts: { requireToken?: boolean; isTTY?: boolean } = {}): Config {
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
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const data = result.data;
  return {
    discordToken: data.DISCORD_TOKEN,
    discordApiUrl: data.DISCORD_API_URL,
    databaseUrl: data.DATABASE_URL,
    pgliteDir: data.PGLITE_DIR,
    devGuildId: data.DEV_GUILD_ID,
    decksDirs: splitDirs(data.DECKS_DIR),
    decksDir: splitDirs(data.DECKS_DIR).at(-1) ?? './decks',
    logLevel: data.LOG_LEVEL,
    logFormat: data.LOG_FORMAT ?? (opts.isTTY ? 'pretty' : 'json'),
    httpPort: data.HTTP_PORT,
    httpHost: data.HTTP_HOST,
    shutdownTimeoutMs: data.SHUTDOWN_TIMEOUT_MS,
  };
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
    return parseConfig(process.env, { ...opts, isTTY: process.stdout.isTTY });
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}
