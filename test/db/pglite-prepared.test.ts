import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, types } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { withPreparedStatements } from '../../src/db/pglite-prepared.js';

// PGlite's query() is replaced on the bot's hot paths by one batch against a named statement
// (src/db/pglite-prepared.ts). These check that it answers exactly as PGlite's own query() does.
describe('PGlite with prepared statements', () => {
  let pglite: PGlite;
  let fast: PGlite;

  beforeAll(async () => {
    pglite = new PGlite();
    await pglite.waitReady;
    fast = withPreparedStatements(pglite);
  });
  afterAll(async () => {
    await pglite.close();
  });
  beforeEach(async () => {
    await pglite.exec(`
      drop table if exists items;
      create table items (id int primary key, name text not null, at timestamptz, done boolean, tags jsonb);`);
  });

  const insert = 'insert into items (id, name, at, done, tags) values ($1, $2, $3, $4, $5) returning *';

  test('GIVEN the same statements THEN rows, types and parameters come back as from PGlite itself', async () => {
    const at = new Date('2026-03-10T12:00:00Z');
    const mine = await fast.query(insert, [1, 'one', at, true, { a: [1, 2] }]);
    const theirs = await pglite.query(insert, [2, 'one', at, true, { a: [1, 2] }]);
    expect(mine.rows).toEqual([{ id: 1, name: 'one', at, done: true, tags: { a: [1, 2] } }]);
    expect(mine.fields).toEqual(theirs.fields);
    expect(mine.affectedRows).toBe(theirs.affectedRows);

    const options = { rowMode: 'array' as const, parsers: { [types.TIMESTAMPTZ]: (value: string) => value } };
    const select = 'select id, name, at from items where id = $1';
    expect((await fast.query(select, [1], options)).rows).toEqual((await pglite.query(select, [2], options)).rows.map((r) => [1, ...(r as unknown[]).slice(1)]));
    expect((await fast.query(select, [null])).rows).toEqual([]);
  });

  test('GIVEN statements that fail to parse, bind or execute THEN each error is PostgreSQL’s and the next statements still run', async () => {
    await fast.query(insert, [1, 'one', null, null, null]);
    await expect(fast.query(insert, [1, 'again', null, null, null])).rejects.toMatchObject({ code: '23505', constraint: 'items_pkey' });
    await expect(fast.query('select no_such_column from items')).rejects.toMatchObject({ code: '42703' });
    await expect(fast.query(insert, ['not a number', 'bad', null, null, null])).rejects.toMatchObject({ code: '22P02' });
    await expect(fast.query('select 1 / $1::int', [0])).rejects.toMatchObject({ code: '22012' });
    expect((await fast.query(insert, [2, 'two', null, null, null])).rows).toHaveLength(1);
    expect((await fast.query<{ n: number }>('select count(*)::int as n from items')).rows).toEqual([{ n: 2 }]);
  });

  test('GIVEN a transaction in progress THEN a statement from outside waits for it instead of joining it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = pglite.transaction(async (tx) => {
      await tx.query(insert, [1, 'inside', null, null, null]);
      await held;
      await tx.rollback();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = fast.query<{ n: number }>('select count(*)::int as n from items');
    release();
    await transaction;
    expect((await outside).rows).toEqual([{ n: 0 }]);
  });

  test('GIVEN the table under a prepared statement changes shape THEN the statement is prepared again', async () => {
    await fast.query(insert, [1, 'one', null, null, null]);
    expect(Object.keys((await fast.query('select * from items where id = $1', [1])).rows[0] as object)).toHaveLength(5);
    await pglite.exec('alter table items add column extra int default 7');
    expect((await fast.query('select * from items where id = $1', [1])).rows[0]).toMatchObject({ id: 1, extra: 7 });
  });

  test('GIVEN two wrappers over one PGlite THEN their statements do not collide', async () => {
    const other = withPreparedStatements(pglite);
    await other.query(insert, [1, 'one', null, null, null]);
    await fast.query('select name from items where id = $1', [1]);
    expect((await other.query('select id from items where name = $1', ['one'])).rows).toEqual([{ id: 1 }]);
    expect((await fast.query('select name from items where id = $1', [1])).rows).toEqual([{ name: 'one' }]);
  });

  test('GIVEN statements run through it THEN each is committed durably: a process killed right after loses none', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'deepcards-pglite-kill-'));
    try {
      const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../support/pglite-write-and-die.ts', import.meta.url)), dir, '25'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(child.stdout).toContain('inserted 25');
      expect(child.signal).toBe('SIGKILL');
      const reopened = new PGlite(dir);
      try {
        expect((await reopened.query<{ n: number }>('select count(*)::int as n from items')).rows).toEqual([{ n: 25 }]);
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
