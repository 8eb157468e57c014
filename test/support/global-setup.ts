import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** tsc's output when building dist/ failed, '' when the build succeeded (see buildDist). */
    distBuildError: string;
  }
}

/**
 * With TEST_DATABASE_URL set, every test worker gets a database of its own on that server,
 * created fresh here and dropped at the end, so parallel workers never see each other's rows.
 */
const WORKERS = 2;

export function workerDatabaseName(base: string, poolId: string | number): string {
  return `${base}_w${poolId}`;
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('distBuildError', buildDist());
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return async () => {};
  const base = new URL(url).pathname.slice(1) || 'deepcards_test';
  const admin = postgres(maintenanceUrl(url), { max: 1, onnotice: () => {} });
  const names = Array.from({ length: WORKERS + 2 }, (_, i) => workerDatabaseName(base, i + 1));
  try {
    for (const name of names) {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.unsafe(`create database "${name}"`);
    }
  } finally {
    await admin.end();
  }
  return async () => {
    const cleanup = postgres(maintenanceUrl(url), { max: 1, onnotice: () => {} });
    try {
      for (const name of names) await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await cleanup.end();
    }
  };
}

/** The server's `postgres` database, from which test databases are created and dropped. */
function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/**
 * Compiles src/ into dist/ (incremental, a few seconds when nothing changed) so the end-to-end tests
 * run `node dist/src/index.js` — what `npm start` runs — on the current code. A failed build does not
 * stop the other tests: it is handed to the e2e files, which fail with tsc's output.
 */
function buildDist(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (result.status === 0) return '';
  return `npx tsc -p tsconfig.build.json failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`.trim();
}
