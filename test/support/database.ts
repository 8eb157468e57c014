import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client.js';
import { asPglite, openPgliteWorker } from '../../src/db/pglite-worker.js';
import { workerDatabaseName } from './global-setup.js';

/** Which database the tests run on: the PostgreSQL server when TEST_DATABASE_URL is set, PGlite otherwise. */
export const TEST_DB_KIND: 'postgres' | 'pglite' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** The URL of this worker's own PostgreSQL database (see global-setup). */
export function workerDatabaseUrl(): string {
  const url = new URL(process.env.TEST_DATABASE_URL ?? '');
  const base = url.pathname.slice(1) || 'deepcards_test';
  url.pathname = `/${workerDatabaseName(base, process.env.VITEST_POOL_ID ?? '1')}`;
  return url.toString();
}

type Shared = { database: Promise<Database>; pglite?: Promise<PGlite> };
const KEY = Symbol.for('deepcards.test.database');

/**
 * The worker's migrated database, opened once per worker process (opening PGlite costs seconds and
 * hundreds of MB, so it is never opened per test). Call {@link resetDatabase} between tests.
 */
export function testDatabase(): Promise<Database> {
  const holder = globalThis as unknown as Record<symbol, Shared | undefined>;
  if (!holder[KEY]) {
    // In memory, in a worker thread, as the bot runs it (src/db/pglite-worker.ts).
    const pglite = TEST_DB_KIND === 'pglite' ? openPgliteWorker(undefined).then(asPglite) : undefined;
    holder[KEY] = {
      database: pglite ? pglite.then((p) => openDatabase({ pglite: p }, { migrate: true })) : openDatabase({ url: workerDatabaseUrl() }, { migrate: true, poolSize: 10 }),
      ...(pglite ? { pglite } : {}),
    };
  }
  return holder[KEY].database;
}

/**
 * A second handle on the worker's database that records every statement it sends, to count round
 * trips. Close it when done (it does not close the shared PGlite).
 */
export async function countingDatabase(): Promise<{ database: Database; queries: string[] }> {
  await testDatabase();
  const queries: string[] = [];
  const holder = globalThis as unknown as Record<symbol, Shared | undefined>;
  const pglite = await holder[KEY]?.pglite;
  const onQuery = (q: string) => queries.push(q);
  const database = pglite ? await openDatabase({ pglite }, { onQuery }) : await openDatabase({ url: workerDatabaseUrl() }, { poolSize: 2, onQuery });
  return { database, queries };
}

/** Empties every table of the app, keeping the schema. */
export async function resetDatabase(database: Database): Promise<void> {
  const tables = await database.rows<{ name: string }>(
    sql`select tablename as name from pg_tables where schemaname = 'public'`,
  );
  if (tables.length === 0) return;
  await database.db.execute(
    sql.raw(`truncate ${tables.map((t) => `"public"."${t.name}"`).join(', ')} restart identity cascade`),
  );
}
