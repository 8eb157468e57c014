import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import { collectNodeMetrics, registry } from '../metrics.js';

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
 * - GET /readyz: 200 when `readiness` says ready (a bot process: the gateway is connected and the database
 *   answers; the sharding manager: every shard is), else 503; the body is the readiness as JSON.
 * - GET /metrics: Prometheus text format, or, where `metricsElsewhere` is given (the sharding manager,
 *   which does no work worth measuring), 404 saying where the metrics are.
 */
export async function startHttpServer(opts: {
  host: string;
  port: number;
  readiness: () => { ready: boolean } | Promise<{ ready: boolean }>;
  metricsElsewhere?: () => Record<string, unknown>;
  logger: Logger;
}): Promise<HttpServer> {
  const { metricsElsewhere } = opts;
  if (!metricsElsewhere) collectNodeMetrics();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, JSON.stringify({ error: 'only GET' }));
    if (path === '/healthz') return send(200, JSON.stringify({ ok: true }));
    if (path === '/readyz') {
      Promise.resolve()
        .then(opts.readiness)
        .then(
          (readiness) => send(readiness.ready ? 200 : 503, JSON.stringify(readiness)),
          (error: unknown) => {
            opts.logger.error({ err: error }, 'could not work out the readiness');
            send(503, JSON.stringify({ ready: false, error: 'could not work out the readiness' }));
          },
        );
      return;
    }
    if (path === '/metrics' && metricsElsewhere) return send(404, JSON.stringify({ error: 'no metrics in this process', ...metricsElsewhere() }));
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
  const routes = metricsElsewhere ? 'health on' : 'health and metrics on';
  opts.logger.info({ host: opts.host, port }, `${routes} http://${opts.host}:${port} (/healthz, /readyz, /metrics)`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
