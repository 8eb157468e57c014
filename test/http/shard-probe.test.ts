import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { askReadiness, shardedReadiness, shardUrl, type ManagedShard } from '../../src/http/shard-probe.js';

const servers: Server[] = [];
async function closeServers(): Promise<void> {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
afterEach(closeServers);

/** A stand-in for one shard process's HTTP server, answering every request with `handle`. */
async function shardServer(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return shardUrl('127.0.0.1', (server.address() as AddressInfo).port, '/readyz');
}

const answering = (status: number, body: unknown) => (_: IncomingMessage, response: ServerResponse) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const running = (pid: number): ManagedShard => ({ process: { pid, exitCode: null, signalCode: null } });

describe("asking one shard process's /readyz", () => {
  test('GIVEN a ready process THEN its gateway and database come back as it reported them', async () => {
    const url = await shardServer(answering(200, { ready: true, gateway: 'ok', database: 'ok' }));
    expect(await askReadiness(url, 2_000)).toEqual({ ready: true, gateway: 'ok', database: 'ok' });
  });

  test('GIVEN a process answering 503 THEN it is not ready, naming what it named', async () => {
    const url = await shardServer(answering(503, { ready: false, gateway: 'ok', database: 'not checked yet' }));
    expect(await askReadiness(url, 2_000)).toEqual({ ready: false, gateway: 'ok', database: 'not checked yet' });
  });

  test('GIVEN a process that accepts the request and never answers THEN the answer is an error naming the timeout, within it', async () => {
    const url = await shardServer(() => undefined);
    const startedAt = Date.now();
    expect(await askReadiness(url, 300)).toEqual({ error: 'its /readyz did not answer within 300 ms' });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  test('GIVEN nothing listening on the port THEN the answer is an error, not a rejection', async () => {
    const url = await shardServer(answering(200, {}));
    await closeServers();
    expect(await askReadiness(url, 2_000)).toMatchObject({ error: expect.stringMatching(/^its \/readyz did not answer \(.*ECONNREFUSED/) });
  });

  test('GIVEN something that is not a bot answering THEN it does not count as ready', async () => {
    const url = await shardServer(answering(200, { ok: true }));
    expect(await askReadiness(url, 2_000)).toEqual({ error: 'its /readyz answered 200 without a readiness' });
  });
});

describe('the readiness of every shard', () => {
  test('GIVEN shard 0 ready, shard 1 dead and shard 2 not spawned THEN only shard 0 is asked and the whole is not ready', async () => {
    const asked: number[] = [];
    const url = await shardServer(answering(200, { ready: true, gateway: 'ok', database: 'ok' }));
    const shards = new Map<number, ManagedShard>([
      [0, running(10)],
      [1, { process: null }],
    ]);
    const readiness = await shardedReadiness({
      ids: [0, 1, 2],
      shardOf: (id) => shards.get(id),
      readyzUrlOf: (id) => {
        asked.push(id);
        return url;
      },
    });
    expect(asked).toEqual([0]);
    expect(readiness).toEqual({
      ready: false,
      shards: [
        { id: 0, alive: true, pid: 10, ready: true, gateway: 'ok', database: 'ok' },
        { id: 1, alive: false, ready: false, reason: 'process not running' },
        { id: 2, alive: false, ready: false, reason: 'not spawned yet' },
      ],
    });
  });

  test('GIVEN a shard process that has exited but not yet been noticed THEN it counts as not running', async () => {
    const readiness = await shardedReadiness({
      ids: [0],
      shardOf: () => ({ process: { pid: 10, exitCode: null, signalCode: 'SIGKILL' } }),
      readyzUrlOf: () => 'http://127.0.0.1:1/readyz',
    });
    expect(readiness.shards).toEqual([{ id: 0, alive: false, ready: false, reason: 'process not running' }]);
  });
});

describe('where a shard process is reached', () => {
  test.each([
    ['127.0.0.1', 'http://127.0.0.1:8081/readyz'],
    ['0.0.0.0', 'http://127.0.0.1:8081/readyz'],
    ['::', 'http://[::1]:8081/readyz'],
    ['::1', 'http://[::1]:8081/readyz'],
    ['bot.internal', 'http://bot.internal:8081/readyz'],
  ])('GIVEN HTTP_HOST %s THEN the manager asks %s', (host, url) => {
    expect(shardUrl(host, 8081, '/readyz')).toBe(url);
  });
});

