import { sql } from 'drizzle-orm';
import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { openDatabase } from '../src/db/client.js';
import { resetDatabase, testDatabase, TEST_DB_KIND, workerDatabaseUrl } from './support/database.js';
import { FakeDiscord } from './support/fake-discord/index.js';
import { fixtureDecks } from './support/fixtures.js';

describe(`startup with many processes, on ${TEST_DB_KIND}`, () => {
  let fake: FakeDiscord;
  const apps: App[] = [];
  beforeAll(async () => {
    fake = await FakeDiscord.start({});
  });
  afterAll(async () => {
    for (const app of apps) await app.stop(500);
    await fake.stop();
  });

  test('GIVEN three bots starting at once on one fresh database THEN the commands are registered once', async () => {
    const database = await testDatabase();
    await resetDatabase(database);
    const decks = await fixtureDecks();
    const started = Array.from({ length: 3 }, () =>
      createApp({ config: { discordApiUrl: fake.apiUrl, devGuildId: undefined }, database, decks, logger: pino({ level: 'silent' }), scheduler: false }),
    );
    apps.push(...started);
    // A slow registration, so that the others check the stored hash while the first is still at it.
    fake.inject({ method: 'PUT', path: /\/commands$/, times: Number.POSITIVE_INFINITY }, { delayMs: 1500 });
    await Promise.all(started.map((app) => app.start(fake.token)));
    expect(fake.requestsMatching('PUT', /\/applications\/\d+\/commands$/)).toHaveLength(1);
  });

  test.skipIf(TEST_DB_KIND === 'pglite')('GIVEN three processes migrating one empty PostgreSQL database at once THEN each migration runs once', async () => {
    const url = new URL(workerDatabaseUrl());
    const name = `${url.pathname.slice(1)}_fresh`;
    const admin = postgres(workerDatabaseUrl(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    url.pathname = `/${name}`;
    try {
      const opened = await Promise.all(Array.from({ length: 3 }, () => openDatabase({ url: url.toString() }, { migrate: true, poolSize: 1 })));
      const [first] = opened;
      const rows = await first!.rows<{ hash: string; n: number }>(sql`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash`);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      for (const database of opened) await database.close();
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 2 });
    }
  });
});
