import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/*
 * PGlite is PostgreSQL inside one process: two processes opening one folder each keep their own
 * copy in memory and overwrite each other's files, so one's writes vanish. A lock file in the folder
 * makes the second bot, db:migrate or deploy-commands refuse instead.
 */

/** The lock's file name inside PGLITE_DIR. */
export const PGLITE_LOCK_FILE = 'deepcards.lock';

interface LockOwner {
  name: string;
  pid: number;
  host: string;
  startedAt: string;
  /** Tells this process's lock from a lock of a process that had the same pid before. */
  token: string;
}

/** Another live process holds the folder; the message is the one line to show the operator. */
export class PgliteInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: { pid: number; host: string },
  ) {
    const where = owner.host === os.hostname() ? '' : ` on ${owner.host}`;
    super(
      `PGLITE_DIR ${displayPath(dir)} is in use by deepcards (pid ${owner.pid}${where}); stop it, or use DATABASE_URL to share a PostgreSQL server`,
    );
    this.name = 'PgliteInUseError';
  }
}

/**
 * PGlite creates a new database only in an empty folder, and a locked folder holds the lock file: so
 * a folder without a database gets one made beside it by `create` and moved in, under the lock.
 */
export async function initialiseLockedDir(dir: string, create: (tempDir: string) => Promise<void>): Promise<void> {
  if (existsSync(path.join(dir, 'PG_VERSION'))) return;
  const temp = await mkdtemp(path.join(path.dirname(path.resolve(dir)), `.${path.basename(dir)}-init-`));
  try {
    await create(temp);
    for (const entry of await readdir(temp)) await rename(path.join(temp, entry), path.join(dir, entry));
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** For the command-line tools: a folder in use ends the process with its one line; anything else is rethrown. */
export function exitIfPgliteInUse(error: unknown): never {
  if (!(error instanceof PgliteInUseError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

export interface PgliteLock {
  release(): void;
}

/**
 * Takes the folder for this process: creates the lock file with our pid and host, or takes over a
 * lock whose process on this host is gone. Throws {@link PgliteInUseError} when a live process (or
 * one on another host, which cannot be checked) holds it.
 */
export async function lockPgliteDir(dir: string): Promise<PgliteLock> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, PGLITE_LOCK_FILE);
  const me: LockOwner = { name: 'deepcards', pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), token: randomUUID() };
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      return { release: () => releaseIfOurs(file, me.token) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner && !isGone(owner)) throw new PgliteInUseError(dir, owner);
    takeOver(file, owner);
  }
  const owner = readOwner(file);
  throw new PgliteInUseError(dir, owner ?? { pid: 0, host: os.hostname() });
}

/**
 * Moves a dead owner's lock aside. Renaming is atomic, so of two processes taking over at once only
 * one moves the stale file; if what was moved is no longer the stale lock (another process took it
 * over in between and wrote its own), it goes back.
 */
function takeOver(file: string, stale: LockOwner | undefined): void {
  const aside = `${file}.${process.pid}.${randomUUID()}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readOwner(aside);
  if (stale && moved && moved.token !== stale.token) {
    try {
      renameSync(aside, file);
    } catch {
      // The folder changed under us again; the next try reads it afresh.
    }
    return;
  }
  unlinkSync(aside);
}

function releaseIfOurs(file: string, token: string): void {
  try {
    if (readOwner(file)?.token === token) unlinkSync(file);
  } catch {
    // Already gone: nothing to release.
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return { name: parsed.name ?? 'deepcards', pid: parsed.pid, host: parsed.host, startedAt: parsed.startedAt ?? '', token: parsed.token ?? '' };
  } catch {
    // Unreadable or half-written (a crash while writing it): no live owner can be named.
    return undefined;
  }
}

/** True when the owner was on this host and its process no longer exists (or it was this very process). */
function isGone(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The folder as the operator wrote it: relative to the working directory when inside it. */
function displayPath(dir: string): string {
  if (!path.isAbsolute(dir)) return dir;
  const relative = path.relative(process.cwd(), dir);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? `./${relative}` : dir;
}
