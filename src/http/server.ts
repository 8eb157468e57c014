import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import { collectNodeMetrics, registry } from '../metrics.js';
import type { Readiness } from '../services/health-service.js';

/** A request that has not sent its headers within this long is dropped. */
export const HTTP_HEADERS_TIMEOUT_MS = 5_000;
/** The longest a whole request may take. */
export const HTTP_REQUEST_TIMEOUT_MS = 10_000;

export interface HttpServer {
  /** The port it listens on (useful when started on port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * The operator's HTTP server: three routes, so node:http without a framework.
 * - GET /healthz: 200 while the process answers at all (its event loop is not stuck).
 * - GET /readyz: 200 when the gateway is connected and the database answers, else 503 naming what is not.
 * - GET /metrics: Prometheus text format.
 */
export async function startHttpServer(opts: {
  host: string;
  port: number;
  readiness: () => Readiness;
  logger: Logger;
}): Promise<HttpServer> {
  collectNodeMetrics();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, JSON.stringify({ error: 'only GET' }));
    if (path === '/healthz') return send(200, JSON.stringify({ ok: true }));
    if (path === '/readyz') {
      const readiness = opts.readiness();
      return send(readiness.ready ? 200 : 503, JSON.stringify(readiness));
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        (error: unknown) => {
          opts.logger.error({ err: error }, 'could not collect metrics');
          send(500, JSON.stringify({ error: 'could not collect metrics' }));
        },
      );
      return;
    }
    send(404, JSON.stringify({ error: 'not found; try /healthz, /readyz or /metrics' }));
  });
  server.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = HTTP_REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`HTTP_PORT ${opts.port} on ${opts.host} is already in use: choose another port, or HTTP_PORT=0 to turn the server off`)
          : error,
      ),
    );
    server.listen(opts.port, opts.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  opts.logger.info({ host: opts.host, port }, `health and metrics on http://${opts.host}:${port} (/healthz, /readyz, /metrics)`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
