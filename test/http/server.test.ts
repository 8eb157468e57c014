import { afterEach, describe, expect, test } from 'vitest';
import { startHttpServer, type HttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';

const logger = createLogger('silent');
let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(route: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${server?.port}${route}`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.json() };
}

describe("the operator's HTTP server", () => {
  test('GIVEN a bot process whose readiness says not ready THEN /readyz is 503 with that readiness as the body', async () => {
    const readiness = { ready: false, gateway: 'ok', database: 'not checked yet' };
    server = await startHttpServer({ host: '127.0.0.1', port: 0, readiness: () => readiness, logger });
    expect(await get('/readyz')).toEqual({ status: 503, body: readiness });
  });

  test('GIVEN a readiness worked out asynchronously (the sharding manager asking its shards) THEN /readyz waits for it', async () => {
    const readiness = { ready: true, shards: [{ id: 0, alive: true, ready: true }] };
    server = await startHttpServer({ host: '127.0.0.1', port: 0, readiness: () => new Promise((resolve) => setTimeout(() => resolve(readiness), 50)), logger });
    expect(await get('/readyz')).toEqual({ status: 200, body: readiness });
  });

  test('GIVEN a readiness that fails THEN /readyz is 503 saying so, not a hung request', async () => {
    server = await startHttpServer({ host: '127.0.0.1', port: 0, readiness: () => Promise.reject(new Error('boom')), logger });
    expect(await get('/readyz')).toEqual({ status: 503, body: { ready: false, error: 'could not work out the readiness' } });
  });

  test('GIVEN metrics served elsewhere (the sharding manager) THEN /metrics is 404 saying where', async () => {
    const elsewhere = { shards: [{ id: 0, metrics: 'http://127.0.0.1:8081/metrics' }] };
    server = await startHttpServer({ host: '127.0.0.1', port: 0, readiness: () => ({ ready: true }), metricsElsewhere: () => elsewhere, logger });
    expect(await get('/metrics')).toEqual({ status: 404, body: { error: 'no metrics in this process', ...elsewhere } });
    expect(await get('/healthz')).toEqual({ status: 200, body: { ok: true } });
  });
});
