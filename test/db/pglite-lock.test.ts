import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { lockPgliteDir, PGLITE_LOCK_FILE, PgliteInUseError } from '../../src/db/pglite-lock.js';
import { projectRoot } from '../../src/paths.js';

const ROOT = projectRoot();
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;
const CHILD_TIMEOUT_MS = 60_000;

/** Runs one of our entry points (src/…) as its own process, from `cwd`, with PGLITE_DIR=./db. */
function runEntry(entry: string, cwd: string, extraEnv: Record<string, string> = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'TEST_DATABASE_URL', 'PGLITE_DIR', 'DECKS_DIR', 'NODE_OPTIONS'].includes(k)));
  return spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, entry)], {
    cwd,
    env: { ...env, PGLITE_DIR: './db', DECKS_DIR: path.join(ROOT, 'decks'), LOG_LEVEL: 'info', ...extraEnv },
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
  });
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('one process per PGlite folder', () => {
  const open: Database[] = [];
  const temps: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'deepcards-lock-'));
    temps.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test('GIVEN session A has the bot\'s database open on a folder WHEN session B runs db:migrate and then the bot on it THEN each refuses with one line naming A\'s pid, and A\'s data is untouched', async () => {
    const base = tempDir();
    const a = await openDatabase({ pgliteDir: path.join(base, 'db') }, { migrate: true });
    open.push(a);
    const expected = `PGLITE_DIR ./db is in use by deepcards (pid ${process.pid}); stop it, or use DATABASE_URL to share a PostgreSQL server`;

    const migrate = runEntry('src/cli/migrate.ts', base);
    expect(migrate.status).toBe(1);
    expect(migrate.stderr.trim().split('\n')).toEqual([expected]);

    const bot = runEntry('src/index.ts', base, { DISCORD_TOKEN: 'not.a.token' });
    expect(bot.status).toBe(1);
    expect(bot.stderr.trim().split('\n')).toEqual([expected]);
    expect(bot.stdout).not.toContain('ready');

    // A still works and still holds the folder.
    expect(await a.rows(sql`select count(*)::int as n from rounds`)).toEqual([{ n: 0 }]);
    expect(JSON.parse(readFileSync(path.join(base, 'db', PGLITE_LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname() });
  }, 3 * CHILD_TIMEOUT_MS);

  test('GIVEN session A opened a folder and closed it THEN session B opens it, and a second open in the same process is refused meanwhile', async () => {
    const dir = path.join(tempDir(), 'db');
    const a = await openDatabase({ pgliteDir: dir });
    await expect(openDatabase({ pgliteDir: dir })).rejects.toThrow(PgliteInUseError);
    await a.close();
    expect(existsSync(path.join(dir, PGLITE_LOCK_FILE))).toBe(false);
    const b = await openDatabase({ pgliteDir: dir });
    open.push(b);
    expect(JSON.parse(readFileSync(path.join(dir, PGLITE_LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
  }, CHILD_TIMEOUT_MS);

  test('GIVEN a lock left by a process that died (killed, no cleanup) THEN the next process takes it over', async () => {
    const dir = path.join(tempDir(), 'db');
    const pid = await deadPid();
    await lockPgliteDir(dir).then((l) => l.release());
    writeFileSync(path.join(dir, PGLITE_LOCK_FILE), JSON.stringify({ name: 'deepcards', pid, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z', token: 'old' }));
    const lock = await lockPgliteDir(dir);
    expect(JSON.parse(readFileSync(path.join(dir, PGLITE_LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  test('GIVEN a lock held by a live process on another host THEN it is not taken over, and the line names the host', async () => {
    const dir = path.join(tempDir(), 'db');
    await lockPgliteDir(dir).then((l) => l.release());
    writeFileSync(path.join(dir, PGLITE_LOCK_FILE), JSON.stringify({ name: 'deepcards', pid: 4321, host: 'other-host', startedAt: '', token: 'x' }));
    await expect(lockPgliteDir(dir)).rejects.toThrow(/is in use by deepcards \(pid 4321 on other-host\); stop it, or use DATABASE_URL/);
  });
});
