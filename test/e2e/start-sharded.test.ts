import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBotDatabase, REPO_ROOT, startBot, type BotDatabase, type BotProcess } from '../support/bot-process.js';
import { FakeDiscord } from '../support/fake-discord/index.js';
import { E2E_DB_KIND } from './support.js';

const MANAGER = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'start-sharded.js');

describe('npm run start:sharded', () => {
  let fake: FakeDiscord;
  let db: BotDatabase | undefined;
  const started: BotProcess[] = [];
  beforeAll(async () => {
    fake = await FakeDiscord.start({ shardCount: 2 });
  });
  afterAll(async () => {
    for (const b of started) b.kill();
    await Promise.all(started.map((b) => b.exited));
    await fake.stop();
    await db?.drop();
  });

  test('GIVEN PGlite THEN the sharding manager refuses to start with one line naming DATABASE_URL', async () => {
    const bot = startBot({ fake, env: { PGLITE_DIR: '/tmp/unused-pglite', DATABASE_URL: '' }, args: [MANAGER], timeoutMs: 20_000 });
    await expect(bot).rejects.toThrow(/exited before it was ready \(code 1[\s\S]*DATABASE_URL: expected a PostgreSQL URL/);
  });

  test.skipIf(E2E_DB_KIND === 'pglite')('GIVEN SHARD_COUNT=auto THEN it spawns one bot process per shard and both shards connect', async () => {
    db = await createBotDatabase({ serverUrl: process.env.TEST_DATABASE_URL, prefix: 'deepcards_manager' });
    const manager = await startBot({ fake, env: { ...db.env, SHARD_COUNT: 'auto' }, args: [MANAGER], expectRegistration: false, readyLine: 'every shard process is ready', timeoutMs: 90_000 });
    started.push(manager);
    expect(fake.activeShards()).toEqual([0, 1]);
    expect(fake.connections().filter((c) => c.ready && !c.closed).map((c) => c.shard)).toEqual([[0, 2], [1, 2]]);
    const exit = await manager.stop('SIGTERM', 15_000);
    expect(exit.code).toBe(0);
  }, 120_000);
});
