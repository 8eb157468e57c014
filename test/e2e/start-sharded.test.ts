import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ShardedReadiness } from '../../src/domain/shard-readiness.js';
import { createBotDatabase, pickFreePorts, REPO_ROOT, startBot, type BotDatabase, type BotProcess } from '../support/bot-process.js';
import { FakeDiscord } from '../support/fake-discord/index.js';
import { E2E_DB_KIND, httpGet, pollHttp, type HttpAnswer } from './support.js';

const MANAGER = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'start-sharded.js');
const HTTP_TIMEOUT_MS = 5_000;
/** A respawned shard process loads its decks, opens the database and connects again: generous on a loaded 2-core machine. */
const RESPAWN_TIMEOUT_MS = 60_000;

const get = (port: number, route: string): Promise<HttpAnswer> => httpGet(port, route, HTTP_TIMEOUT_MS);
const poll = (port: number, route: string, until: (a: HttpAnswer) => boolean, timeoutMs: number): Promise<HttpAnswer> =>
  pollHttp(port, route, until, timeoutMs, HTTP_TIMEOUT_MS);

const readinessOf = (answer: HttpAnswer) => JSON.parse(answer.body) as ShardedReadiness;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run start:sharded', () => {
  let fake: FakeDiscord;
  let db: BotDatabase | undefined;
  let manager: BotProcess | undefined;
  /** HTTP_PORT: the manager's; shard N's process is on HTTP_PORT + 1 + N. */
  let port: number;
  const started: BotProcess[] = [];
  /** Every shard process seen, so that a test failing half-way leaves none behind. */
  const shardPids = new Set<number>();
  beforeAll(async () => {
    fake = await FakeDiscord.start({ shardCount: 2 });
    port = await pickFreePorts(3);
  });
  afterAll(async () => {
    for (const b of started) b.kill();
    await Promise.all(started.map((b) => b.exited));
    for (const pid of shardPids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await fake.stop();
    await db?.drop();
  });

  const requireManager = (): BotProcess => {
    if (!manager) throw new Error('the manager did not start (see the test before)');
    return manager;
  };

  test('GIVEN PGlite THEN the sharding manager refuses to start with one line naming DATABASE_URL', async () => {
    const bot = startBot({ fake, env: { PGLITE_DIR: '/tmp/unused-pglite', DATABASE_URL: '' }, args: [MANAGER], timeoutMs: 20_000 });
    await expect(bot).rejects.toThrow(/exited before it was ready \(code 1[\s\S]*DATABASE_URL: expected a PostgreSQL URL/);
  });

  test.skipIf(E2E_DB_KIND === 'pglite')('GIVEN SHARD_COUNT=auto THEN it spawns one bot process per shard and both shards connect', async () => {
    db = await createBotDatabase({ serverUrl: process.env.TEST_DATABASE_URL, prefix: 'deepcards_manager' });
    manager = await startBot({
      fake,
      env: { ...db.env, SHARD_COUNT: 'auto', HTTP_PORT: String(port) },
      args: [MANAGER],
      expectRegistration: false,
      readyLine: 'every shard process is ready',
      timeoutMs: 90_000,
    });
    started.push(manager);
    expect(fake.activeShards()).toEqual([0, 1]);
    expect(fake.connections().filter((c) => c.ready && !c.closed).map((c) => c.shard)).toEqual([[0, 2], [1, 2]]);
  }, 120_000);

  test.skipIf(E2E_DB_KIND === 'pglite')("GIVEN both shards connected THEN the manager's /readyz on HTTP_PORT is 200 and lists every shard as ready, each process on HTTP_PORT + 1 + its id", async () => {
    requireManager();
    const ready = await poll(port, '/readyz', (a) => a.status === 200, 15_000);
    const { shards } = readinessOf(ready);
    for (const shard of shards) if (shard.pid !== undefined) shardPids.add(shard.pid);
    expect(shards.map(({ id, alive, ready: r, gateway, database }) => ({ id, alive, ready: r, gateway, database }))).toEqual([
      { id: 0, alive: true, ready: true, gateway: 'ok', database: 'ok' },
      { id: 1, alive: true, ready: true, gateway: 'ok', database: 'ok' },
    ]);
    expect(shards.every((s) => typeof s.pid === 'number' && isRunning(s.pid))).toBe(true);
    expect((await get(port + 1, '/readyz')).status).toBe(200);
    expect((await get(port + 2, '/readyz')).status).toBe(200);
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: '{"ok":true}' });
    const metrics = await get(port, '/metrics');
    expect(metrics.status).toBe(404);
    expect(JSON.parse(metrics.body)).toMatchObject({ shards: [{ id: 0, metrics: `http://127.0.0.1:${port + 1}/metrics` }, { id: 1, metrics: `http://127.0.0.1:${port + 2}/metrics` }] });
    expect((await get(port + 2, '/metrics')).body).toContain('deepcards_gateway_up 1');
  }, 30_000);

  test.skipIf(E2E_DB_KIND === 'pglite')("GIVEN shard 1's process killed THEN the manager's /readyz is 503 naming shard 1, and 200 again once discord.js has respawned it", async () => {
    requireManager();
    const before = readinessOf(await poll(port, '/readyz', (a) => a.status === 200, 15_000));
    const killed = before.shards.find((s) => s.id === 1)?.pid;
    if (killed === undefined) throw new Error(`no pid for shard 1 in ${JSON.stringify(before)}`);
    process.kill(killed, 'SIGKILL');

    const down = readinessOf(await poll(port, '/readyz', (a) => a.status === 503, 15_000));
    expect(down.ready).toBe(false);
    expect(down.shards.find((s) => s.id === 0)).toMatchObject({ alive: true, ready: true });
    expect(down.shards.find((s) => s.id === 1)).toMatchObject({ ready: false, reason: expect.any(String) });

    const back = readinessOf(await poll(port, '/readyz', (a) => a.status === 200, RESPAWN_TIMEOUT_MS));
    const respawned = back.shards.find((s) => s.id === 1);
    if (respawned?.pid !== undefined) shardPids.add(respawned.pid);
    expect(respawned).toMatchObject({ alive: true, ready: true, gateway: 'ok', database: 'ok' });
    expect(respawned?.pid).not.toBe(killed);
    expect(fake.activeShards()).toEqual([0, 1]);
  }, RESPAWN_TIMEOUT_MS + 30_000);

  test.skipIf(E2E_DB_KIND === 'pglite')('GIVEN SIGTERM THEN the manager stops every shard process and exits 0', async () => {
    const exit = await requireManager().stop('SIGTERM', 15_000);
    expect(exit.code).toBe(0);
    await expect.poll(() => [...shardPids].filter(isRunning), { timeout: 10_000 }).toEqual([]);
  }, 30_000);
});
