import postgres from 'postgres';

/**
 * With TEST_DATABASE_URL set, every test worker gets a database of its own on that server,
 * created fresh here and dropped at the end, so parallel workers never see each other's rows.
 */
const WORKERS = 2;

export function workerDatabaseName(base: string, poolId: string | number): string {
  return `${base}_w${poolId}`;
}

export async function setup(): Promise<() => Promise<void>> {
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
