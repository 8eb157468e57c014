import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { Database } from './client.js';

/** Rows sent to the target per insert. */
const BATCH_ROWS = 1_000;
/** The target's connection must open within this long (seconds, as postgres.js takes it). */
const TARGET_CONNECT_TIMEOUT_S = 10;

export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

export interface TableCopy {
  table: string;
  rows: number;
  /** The sum of its `points` column, for tables that have one. */
  points?: number;
}

interface TableInfo {
  name: string;
  columns: string[];
  hasPoints: boolean;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/**
 * Copies every table of the `public` schema from `source` (the embedded PGlite) to the PostgreSQL
 * database at `targetUrl`, which must already hold the same migrated schema and no rows. Tables are
 * walked in foreign-key order, so tables added later are copied too; identity sequences follow.
 * Everything happens in one transaction on the target, and before it commits, row counts and point
 * totals are compared on both sides: any difference rolls it all back.
 */
export async function copyDatabase(source: Database, targetUrl: string, onTable: (copy: TableCopy) => void = () => {}): Promise<TableCopy[]> {
  const tables = await tablesInDependencyOrder(source);
  const target = postgres(targetUrl, { max: 1, onnotice: () => {}, connect_timeout: TARGET_CONNECT_TIMEOUT_S });
  try {
    return await target.begin(async (tx) => {
      const holding: string[] = [];
      for (const table of tables) {
        const [row] = await tx.unsafe<{ n: number }[]>(`select count(*)::int as n from (select 1 from ${quote(table.name)} limit 1) t`);
        if ((row?.n ?? 0) > 0) holding.push(table.name);
      }
      if (holding.length > 0) {
        throw new CopyError(`the target database already holds data (in ${holding.join(', ')}); db:copy only copies into an empty database. Create a new one (createdb) and point --to at it.`);
      }
      const copies: TableCopy[] = [];
      for (const table of tables) {
        const columns = table.columns.map(quote).join(', ');
        const rows = await source.rows<{ j: string }>(sql.raw(`select row_to_json(t)::text as j from ${quote(table.name)} t`));
        for (let i = 0; i < rows.length; i += BATCH_ROWS) {
          const batch = `[${rows.slice(i, i + BATCH_ROWS).map((r) => r.j).join(',')}]`;
          await tx.unsafe(
            `insert into ${quote(table.name)} (${columns}) overriding system value select ${columns} from json_populate_recordset(null::${quote(table.name)}, ($1::text)::json)`,
            [batch],
          );
        }
        const before = await summary(table, (text) => source.rows(sql.raw(text)));
        const after = await summary(table, (text) => tx.unsafe(text));
        if (before.rows !== after.rows || before.points !== after.points) {
          throw new CopyError(`${table.name} differs after the copy: ${describe(before)} in PGlite, ${describe(after)} in PostgreSQL; nothing was copied`);
        }
        copies.push(before);
        onTable(before);
      }
      for (const { name } of await source.rows<{ name: string }>(sql`
        select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'S' and n.nspname = 'public'`)) {
        const [state] = await source.rows<{ last_value: string; is_called: boolean }>(sql.raw(`select last_value::text, is_called from ${quote(name)}`));
        if (state) await tx.unsafe(`select setval($1::regclass, $2::bigint, $3)`, [quote(name), state.last_value, state.is_called]);
      }
      return copies;
    });
  } finally {
    await target.end({ timeout: 2 });
  }
}

function describe(copy: TableCopy): string {
  return `${copy.rows} rows${copy.points === undefined ? '' : `, ${copy.points} points`}`;
}

async function summary(table: TableInfo, query: (text: string) => Promise<readonly unknown[]>): Promise<TableCopy> {
  const points = table.hasPoints ? ', coalesce(sum(points), 0)::bigint::text as points' : '';
  const [row] = (await query(`select count(*)::bigint::text as rows${points} from ${quote(table.name)}`)) as { rows: string; points?: string }[];
  return { table: table.name, rows: Number(row?.rows ?? 0), ...(row?.points === undefined ? {} : { points: Number(row.points) }) };
}

/** The public schema's tables, each after every table its foreign keys point to. */
async function tablesInDependencyOrder(source: Database): Promise<TableInfo[]> {
  const columns = await source.rows<{ table_name: string; column_name: string }>(sql`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.is_generated = 'NEVER'
    order by c.table_name, c.ordinal_position`);
  const edges = await source.rows<{ child: string; parent: string }>(sql`
    select distinct cl.relname as child, parent.relname as parent from pg_constraint con
    join pg_class cl on cl.oid = con.conrelid join pg_class parent on parent.oid = con.confrelid
    join pg_namespace n on n.oid = cl.relnamespace
    where con.contype = 'f' and n.nspname = 'public' and cl.relname <> parent.relname`);
  const tables = new Map<string, TableInfo>();
  for (const { table_name, column_name } of columns) {
    const table = tables.get(table_name) ?? { name: table_name, columns: [], hasPoints: false };
    table.columns.push(column_name);
    if (column_name === 'points') table.hasPoints = true;
    tables.set(table_name, table);
  }
  const ordered: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new CopyError(`foreign keys form a cycle through ${name}; db:copy cannot order these tables`);
    state.set(name, 'visiting');
    for (const edge of edges) if (edge.child === name) visit(edge.parent);
    state.set(name, 'done');
    const table = tables.get(name);
    if (table) ordered.push(table);
  };
  for (const name of [...tables.keys()].sort()) visit(name);
  return ordered;
}
