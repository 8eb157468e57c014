import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { Logger, SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { metrics } from '../metrics.js';
import { MIGRATIONS_DIR } from '../paths.js';
import { withPreparedStatements } from './pglite-prepared.js';
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

export type DatabaseTarget = { url: string } | { pgliteDir: string } | { pglite: PGlite };

export interface OpenOptions {
  poolSize?: number;
  /** Apply pending migrations before returning. */
  migrate?: boolean;
  /** Called with every statement sent (tests count round trips with it). */
  onQuery?: (query: string) => void;
}

export async function openDatabase(target: DatabaseTarget, opts: OpenOptions = {}): Promise<Database> {
  if ('url' in target) {
    if (opts.migrate) await migratePostgresUrl(target.url);
    const client = postgres(target.url, {
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
      // Drop idle connections so a restarted database is reconnected to cleanly.
      idle_timeout: 60,
      prepare: true,
    });
    const db = drizzlePostgres({ client: preparing(client), schema, casing: 'snake_case', logger: queryLogger(opts) }) as unknown as Db;
    return postgresDatabase(db, () => client.end({ timeout: 2 }));
  }
  let pglite: PGlite;
  let owned = true;
  if ('pglite' in target) {
    pglite = target.pglite;
    owned = false;
  } else {
    await mkdir(target.pgliteDir, { recursive: true });
    pglite = new PGlite(target.pgliteDir);
  }
  await pglite.waitReady;
  const db = drizzlePglite({ client: withPreparedStatements(pglite), schema, casing: 'snake_case', logger: queryLogger(opts) }) as unknown as Db;
  if (opts.migrate) await migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR });
  return {
    db,
    kind: 'pglite',
    rows: async <T>(query: SQL) => ((await db.execute(query)) as unknown as { rows: T[] }).rows,
    prepare: preparer(db, (result) => (result as { rows: unknown[] }).rows),
    close: async () => {
      if (owned && !pglite.closed) await pglite.close();
    },
  };
}

/**
 * drizzle asks postgres.js to prepare only queries built with `.prepare(name)`, so every other query
 * is parsed and planned anew and costs an extra round trip. Every statement here is parameterised
 * and comes from a fixed set of shapes, so let postgres.js prepare (and cache per connection) all.
 */
function preparing(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, params?: unknown[], options?: { prepare?: boolean }) =>
          target.unsafe(query, params as never, { ...options, prepare: true });
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
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
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await client`select pg_advisory_lock(7303114)`;
    await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await client.end({ timeout: 2 });
  }
}
