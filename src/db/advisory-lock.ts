import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

/** Advisory lock keys of the startup steps that must run once across processes (migrations use 7303114). */
export const LOCKS = { registerCommands: 7303115 } as const;

/** Process-local queues: PGlite is one process, so two apps in it only need to take turns. */
const local = new Map<number, Promise<unknown>>();

/**
 * Runs `fn` while holding an advisory lock: with several bot processes on one PostgreSQL, the first
 * runs it and the others wait for it to finish, then run it themselves (and find nothing left to do).
 * The lock is transaction-scoped, so a process that dies while holding it releases it with its connection.
 */
export async function withAdvisoryLock<T>(database: Database, key: number, fn: () => Promise<T>): Promise<T> {
  if (database.kind === 'pglite') {
    const previous = local.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    local.set(key, run);
    return run;
  }
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${key})`);
    return fn();
  });
}
