import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { postgresDatabase, type Database, type Db } from '../../src/db/client.js';
import * as schema from '../../src/db/schema.js';

interface Captured {
  query: string;
  params: unknown[];
}

/**
 * A Database built like openDatabase's, on a connection that records every statement the
 * repositories send, so the exact SQL (with its parameters) can be run under EXPLAIN.
 */
export interface Capture {
  database: Database;
  take: () => Captured[];
  explain: (c: Captured, options?: string) => Promise<string>;
}

export function capturingDatabase(url: string): Capture {
  let captured: Captured[] = [];
  let recording = true;
  const client = postgres(url, {
    max: 1,
    onnotice: () => {},
    prepare: false,
    debug: (_conn, query, params) => {
      if (recording) captured.push({ query, params: [...(params as unknown[])] });
    },
  });
  const db = drizzle({ client, schema, casing: 'snake_case' }) as unknown as Db;
  const database: Database = postgresDatabase(db, () => client.end({ timeout: 2 }));
  return {
    database,
    take: () => {
      const out = captured;
      captured = [];
      return out;
    },
    explain: async (c, options = 'analyze, buffers') => {
      recording = false;
      try {
        const rows = await client.unsafe<{ 'QUERY PLAN': string }[]>(`explain (${options}) ${c.query}`, c.params as never[]);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        recording = true;
      }
    },
  };
}

/** Runs an operation on the capturing database and prints each statement it sent with its plan. */
export async function explainOperation(
  label: string,
  capture: Capture,
  op: () => Promise<unknown>,
): Promise<void> {
  // Once first: a new connection sends its own set-up statements (type lookups) with the first query.
  await op();
  capture.take();
  await op();
  const statements = capture.take();
  console.log(`\n=== ${label}: ${statements.length} statement(s)`);
  for (const statement of statements) {
    const params = statement.params.map((p) => JSON.stringify(p)).join(', ');
    console.log(`--- ${statement.query.replace(/\s+/g, ' ').trim()}\n    params: [${params}]`);
    console.log((await capture.explain(statement)).replace(/^/gm, '    '));
  }
}

/**
 * The statement an operation sends (it must send exactly one), as a function returning the server's
 * own execution time for it (EXPLAIN ANALYZE, no per-node timing): the database's share of a
 * round trip, without the network, the driver or the noisy machine's scheduling.
 */
export async function serverTime(capture: Capture, op: () => Promise<unknown>): Promise<() => Promise<number>> {
  await op();
  capture.take();
  await op();
  const [statement, ...more] = capture.take();
  if (!statement || more.length > 0) throw new Error(`serverTime needs an operation that sends one statement, got ${more.length + (statement ? 1 : 0)}`);
  return async () => {
    const plan = await capture.explain(statement, 'analyze, timing off');
    const match = /Execution Time: ([\d.]+) ms/.exec(plan);
    if (!match) throw new Error(`no execution time in:\n${plan}`);
    return Number(match[1]);
  };
}
