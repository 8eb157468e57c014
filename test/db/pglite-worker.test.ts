import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { asPglite, openPgliteWorker } from '../../src/db/pglite-worker.js';
import { REPO_ROOT } from '../support/bot-process.js';

describe('PGlite in a worker thread', () => {
  test('GIVEN the worker dies with a statement in flight THEN the statement fails and the crash is reported once', async () => {
    const crashes: string[] = [];
    const pglite = await openPgliteWorker(undefined, (reason) => crashes.push(reason));
    const database = await openDatabase({ pglite: asPglite(pglite) });
    expect(await database.rows<{ n: number }>(sql`select 41 + 1 as n`)).toEqual([{ n: 42 }]);
    const inFlight = database.rows(sql`select pg_sleep(5)`);
    await pglite.worker.terminate();
    await expect(inFlight).rejects.toThrow();
    const after = await database.rows(sql`select 1`).catch((error: unknown) => error as Error & { cause?: Error });
    expect(after).toBeInstanceOf(Error);
    expect((after as Error & { cause?: Error }).cause?.message).toMatch(/the PGlite worker is closed/);
    expect(crashes).toEqual([expect.stringMatching(/exit code/)]);
  }, 60_000);

  test('GIVEN a transaction that throws THEN nothing of it stays, and one that returns THEN it is committed', async () => {
    const pglite = await openPgliteWorker(undefined, () => {});
    const database = await openDatabase({ pglite: asPglite(pglite) });
    try {
      await database.db.execute(sql`create table t (x int)`);
      await expect(
        database.db.transaction(async (tx) => {
          await tx.execute(sql`insert into t values (1)`);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      const inserted = await database.db.transaction(async (tx) => (await tx.execute(sql`insert into t values (2) returning x`)) as unknown as { rows: unknown[] });
      expect(inserted.rows).toEqual([{ x: 2 }]);
      expect(await database.rows(sql`select x from t`)).toEqual([{ x: 2 }]);
    } finally {
      await database.close();
      await pglite.close();
    }
  }, 60_000);

  test('GIVEN the bot process and its worker is killed THEN the process ends with code 1 and one clear line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/pglite-worker-crash.ts'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 90_000 });
    expect(run.stdout).toContain('worker open');
    expect(run.stdout).not.toContain('still alive');
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^deepcards: the embedded database's worker thread stopped \(exit code 1\); exiting/)]);
  }, 100_000);
});
