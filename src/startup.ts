import { access, constants, mkdir } from 'node:fs/promises';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { isDatabaseUnavailable } from './errors.js';
import type { Logger } from './logger.js';

/**
 * An expected reason the bot cannot start, as one line naming the variable to fix (like a config
 * error). index.ts prints it and exits 1, without a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The first wait between tries to reach the database; it doubles up to STARTUP_RETRY_MAX_MS. */
export const STARTUP_RETRY_FIRST_MS = 500;
export const STARTUP_RETRY_MAX_MS = 5_000;

/** Where DATABASE_URL points, without its password. */
export function describeDatabaseUrl(url: string): { host: string; port: number; database: string } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 5432), database: decodeURIComponent(parsed.pathname.slice(1)) || parsed.username };
}

/**
 * Opens (and migrates) the database, retrying with backoff for up to `config.startupTimeoutMs` while
 * it cannot be reached, one log line per try. A problem retrying cannot fix (no such database, a
 * wrong password, an unwritable PGLITE_DIR) ends it at once. Throws a {@link StartupError} then.
 */
export async function openDatabaseWhenReady(config: Pick<Config, 'databaseUrl' | 'pgliteDir' | 'pgliteWorker' | 'startupTimeoutMs'>, logger: Logger): Promise<Database> {
  if (!config.databaseUrl) {
    await requireWritableDir(config.pgliteDir);
    return openDatabase({ pgliteDir: config.pgliteDir }, { migrate: true, pgliteOnThisThread: !config.pgliteWorker });
  }
  const url = config.databaseUrl;
  const where = describeDatabaseUrl(url);
  const giveUpAt = Date.now() + config.startupTimeoutMs;
  let waitMs = STARTUP_RETRY_FIRST_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openDatabase({ url }, { migrate: true });
    } catch (error) {
      const permanent = permanentDatabaseProblem(error, where);
      if (permanent) throw new StartupError(permanent);
      if (!isDatabaseUnavailable(error)) throw error;
      const left = giveUpAt - Date.now();
      if (left <= 0) {
        const seconds = Math.round(config.startupTimeoutMs / 1000);
        throw new StartupError(
          `DATABASE_URL: cannot reach PostgreSQL at ${where.host}:${where.port} (${reasonOf(error)}) after ${attempt} tries in ${seconds} s; is it running, and is the address right?`,
        );
      }
      const retryInMs = Math.min(waitMs, left);
      logger.warn({ ...where, attempt, reason: reasonOf(error), retryInMs }, 'database not reachable yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
      waitMs = Math.min(waitMs * 2, STARTUP_RETRY_MAX_MS);
    }
  }
}

/** The one-line reason Discord refused the bot at login, or undefined for anything unexpected. */
export function discordStartupProblem(error: unknown): string | undefined {
  const { code, status } = (error ?? {}) as { code?: unknown; status?: unknown };
  // 401 from a REST call made before the gateway login (GET /gateway/bot for SHARD_COUNT=auto).
  if (code === 'TokenInvalid' || code === 4004 || status === 401) return 'DISCORD_TOKEN: Discord rejected the token (401); reset it in the developer portal (Bot → Reset Token)';
  if (code === 'DisallowedIntents' || code === 4014) return 'DISCORD_TOKEN: Discord refused the gateway intents this bot asks for; enable them in the developer portal (Bot → Privileged Gateway Intents)';
  return undefined;
}

function permanentDatabaseProblem(error: unknown, where: { host: string; port: number; database: string }): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const at = `${where.host}:${where.port}`;
  if (code === '3D000') return `DATABASE_URL: database "${where.database}" does not exist on ${at}`;
  if (code === '28P01' || code === '28000') return `DATABASE_URL: PostgreSQL on ${at} refused the user or password (${(error as Error).message})`;
  return undefined;
}

function reasonOf(error: unknown): string {
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof AggregateError && e.errors.length > 0) return reasonOf(e.errors[0]);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error ? error.message : String(error);
}

async function requireWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new StartupError(`PGLITE_DIR: ${dir} is not writable by this user (uid ${process.getuid?.() ?? '?'})`);
    }
    if (code === 'ENOTDIR' || code === 'EEXIST') throw new StartupError(`PGLITE_DIR: ${dir} is not a directory (part of the path is a file)`);
    throw error;
  }
}
