import { mkdir } from 'node:fs/promises';
import { PGlite as PGliteOnThread, type PGlite } from '@electric-sql/pglite';
import type { Logger, SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { metrics } from '../metrics.js';
import { MIGRATIONS_DIR } from '../paths.js';
import { boundedPglite, boundedPostgres } from './bounded-client.js';
import { initialiseLockedDir, lockPgliteDir, type PgliteLock } from './pglite-lock.js';
import { withPreparedStatements } from './pglite-prepared.js';
import { asPglite, openPgliteWorker } from './pglite-worker.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** An open database: postgres.js when a URL is given, the embedded PGlite otherwise. */
export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Runs a raw statement and returns its rows, the same shape on both drivers. */
  rows<T>(query: SQL): Promise<T[]>;
  /**
   * A raw statement turned into SQL text once, for the hot paths: its values are
   * `sql.placeholder(name)`s, filled by each call. Rows come back as from {@link rows}.
   */
  prepare<T>(name: string, query: SQL): (values: Record<string, unknown>) => Promise<T[]>;
  close(): Promise<void>;
}

/** A {@link Database} over drizzle on postgres.js (also used by the database benchmark's capturing client). */
export function postgresDatabase(db: Db, close: () => Promise<void>): Database {
  return {
    db,
    kind: 'postgres',
    rows: async <T>(query: SQL) => [...((await db.execute(query)) as unknown as T[])],
    prepare: preparer(db, (result) => [...(result as unknown[])]),
    close,
  };
}

/** The dialect drizzle builds statements with, for statements built ahead of time. */
const dialect = new PgDialect({ casing: 'snake_case' });

function preparer(db: Db, toRows: (result: unknown) => unknown[]): Database['prepare'] {
  return <T>(name: string, query: SQL) => {
    const statement = db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false);
    return async (values: Record<string, unknown>) => {
      const startedAt = performance.now();
      const rows = toRows(await statement.execute(values)) as T[];
      metrics.statement(name, (performance.now() - startedAt) / 1000);
      return rows;
    };
  };
}

/**
 * A statement prepared through drizzle (`.prepare(name)`), timed into deepcards_db_statement_seconds
 * under `name` like the ones {@link Database.prepare} builds: the hot path uses both kinds.
 */
export function timed<S extends { execute(...args: never[]): Promise<unknown> }>(name: string, statement: S): S {
  const execute = statement.execute.bind(statement) as (...args: unknown[]) => Promise<unknown>;
  const wrapper = Object.create(statement) as S;
  Object.defineProperty(wrapper, 'execute', {
    value: async (...args: unknown[]) => {
      const startedAt = performance.now();
      try {
        return await execute(...args);
      } finally {
        metrics.statement(name, (performance.now() - startedAt) / 1000);
      }
    },
  });
  return wrapper;
}

/**
 * The longest one database call (a statement, or a whole transaction) may wait, seen from this process.
 * Calls made for an interaction or a tick get less: what is left of its budget (see runWithBudget).
 */
export const DB_CALL_TIMEOUT_MS = 5_000;
/** PostgreSQL ends a statement running longer than this itself (statement_timeout). */
export const DB_STATEMENT_TIMEOUT_MS = 4_000;
/** PostgreSQL ends a transaction left idle this long (its client went silent), releasing its locks. */
export const DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;
/** Seconds a connection attempt (TCP and the startup handshake) may take (postgres.js connect_timeout). */
export const DB_CONNECT_TIMEOUT_S = 5;

export type DatabaseTarget = { url: string } | { pgliteDir: string } | { pglite: PGlite };

export interface OpenOptions {
  poolSize?: number;
  /** Apply pending migrations before returning. */
  migrate?: boolean;
  /** With a PGlite directory: run it on this thread instead of a worker thread (PGLITE_WORKER=off). */
  pgliteOnThisThread?: boolean;
  /** Called with every statement sent (tests count round trips with it). */
  onQuery?: (query: string) => void;
  /** The client-side deadline of one call (default DB_CALL_TIMEOUT_MS). */
  callTimeoutMs?: number;
}

export async function openDatabase(target: DatabaseTarget, opts: OpenOptions = {}): Promise<Database> {
  const callTimeoutMs = opts.callTimeoutMs ?? DB_CALL_TIMEOUT_MS;
  if ('url' in target) {
    if (opts.migrate) await migratePostgresUrl(target.url);
    const client = postgres(target.url, {
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      connect_timeout: DB_CONNECT_TIMEOUT_S,
      // Drop idle connections so a restarted database is reconnected to cleanly.
      idle_timeout: 60,
      prepare: true,
      connection: { statement_timeout: DB_STATEMENT_TIMEOUT_MS, idle_in_transaction_session_timeout: DB_IDLE_IN_TRANSACTION_TIMEOUT_MS },
    });
    const db = drizzlePostgres({ client: boundedPostgres(client, callTimeoutMs), schema, casing: 'snake_case', logger: queryLogger(opts) }) as unknown as Db;
    return postgresDatabase(db, () => client.end({ timeout: 2 }));
  }
  let pglite: PGlite;
  let owned = true;
  let lock: PgliteLock | undefined;
  if ('pglite' in target) {
    pglite = target.pglite;
    owned = false;
  } else {
    await mkdir(target.pgliteDir, { recursive: true });
    lock = await lockPgliteDir(target.pgliteDir);
    try {
      await initialiseLockedDir(target.pgliteDir, async (fresh) => (await PGliteOnThread.create(fresh)).close());
      // Off the bot's thread: PGlite's statements run in WebAssembly and would hold up the gateway.
      pglite = opts.pgliteOnThisThread ? new PGliteOnThread(target.pgliteDir) : asPglite(await openPgliteWorker(target.pgliteDir));
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  await pglite.waitReady.catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  // In the worker, statements are prepared where PGlite runs (see pglite-worker.ts).
  const client = 'worker' in pglite ? pglite : withPreparedStatements(pglite);
  // Migrations may take longer than one call's deadline; they run before the bot answers anyone.
  if (opts.migrate) await migratePglite(drizzlePglite({ client, casing: 'snake_case' }), { migrationsFolder: MIGRATIONS_DIR });
  const db = drizzlePglite({ client: boundedPglite(client, callTimeoutMs), schema, casing: 'snake_case', logger: queryLogger(opts) }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    rows: async <T>(query: SQL) => ((await db.execute(query)) as unknown as { rows: T[] }).rows,
    prepare: preparer(db, (result) => (result as { rows: unknown[] }).rows),
    close: async () => {
      if (owned && !pglite.closed) await pglite.close();
      lock?.release();
    },
  };
}

function queryLogger(opts: OpenOptions): Logger | false {
  const onQuery = opts.onQuery;
  return onQuery ? { logQuery: (query) => onQuery(query) } : false;
}

/**
 * Applies the committed migrations in drizzle/ on their own single connection, under an advisory
 * lock, so two bot processes starting together on one PostgreSQL do not race.
 */
async function migratePostgresUrl(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: DB_CONNECT_TIMEOUT_S });
  try {
    await client`select pg_advisory_lock(7303114)`;
    await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await client.end({ timeout: 2 });
  }
}
