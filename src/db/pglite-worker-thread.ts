import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { withPreparedStatements } from './pglite-prepared.js';
import type { WorkerReply, WorkerRequest } from './pglite-worker.js';

/**
 * The worker thread that owns the embedded database: every PGlite statement runs here, off the bot's
 * thread (see pglite-worker.ts for the other side).
 */
const port = parentPort;
if (!port) throw new Error('pglite-worker-thread runs only as a worker thread');
const { dir } = workerData as { dir: string | undefined };
const raw = new PGlite(dir);
const pglite = withPreparedStatements(raw);

/** drizzle reads these types as text and converts them itself; its parsers cannot cross threads. */
const identity = (value: string) => value;
const DRIZZLE_PARSERS = Object.fromEntries([types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((oid) => [oid, identity]));

const transactions = new Map<number, { tx: Transaction; finish: (commit: boolean) => void }>();

const reply = (message: WorkerReply) => port.postMessage(message);
const failure = (error: unknown) => {
  const e = error as Record<string, unknown> & Error;
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(e)) if (typeof value === 'string' || typeof value === 'number') fields[key] = String(value);
  return { message: e.message ?? String(error), fields };
};

port.on('message', (request: WorkerRequest) => void handle(request));

async function handle(request: WorkerRequest): Promise<void> {
  try {
    switch (request.type) {
      case 'query': {
        const options = { ...(request.rowMode ? { rowMode: request.rowMode } : {}), ...(request.drizzleParsers ? { parsers: DRIZZLE_PARSERS } : {}) };
        const target = request.tx === undefined ? pglite : transactions.get(request.tx)?.tx;
        if (!target) throw new Error(`no open transaction ${request.tx}`);
        const result = await target.query(request.text, request.params, options);
        reply({ id: request.id, ok: true, value: { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows } });
        return;
      }
      case 'exec': {
        const target = request.tx === undefined ? pglite : transactions.get(request.tx)?.tx;
        if (!target) throw new Error(`no open transaction ${request.tx}`);
        const results = await target.exec(request.text);
        reply({ id: request.id, ok: true, value: results.map((r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows })) });
        return;
      }
      case 'begin': {
        // Answers 'begin' once the transaction is open, and the matching 'end' once it committed or rolled back.
        const done = pglite.transaction(
          (tx) =>
            new Promise<void>((resolve, reject) => {
              transactions.set(request.id, { tx, finish: (commit) => (commit ? resolve() : reject(new Error('rolled back'))) });
              reply({ id: request.id, ok: true, value: null });
            }),
        );
        done.then(
          () => reply({ id: request.id, ok: true, value: 'committed', end: true }),
          (error: unknown) => reply({ id: request.id, ok: false, error: failure(error), end: true }),
        ).finally(() => transactions.delete(request.id));
        return;
      }
      case 'finish':
        transactions.get(request.tx)?.finish(request.commit);
        return;
      case 'close':
        if (!raw.closed) await raw.close();
        reply({ id: request.id, ok: true, value: null });
        return;
    }
  } catch (error) {
    reply({ id: request.id, ok: false, error: failure(error) });
  }
}

await raw.waitReady;
reply({ id: 0, ok: true, value: 'ready' });
