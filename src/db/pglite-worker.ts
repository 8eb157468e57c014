import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PGlite, QueryOptions, Results } from '@electric-sql/pglite';

/** How long the worker may take to open the database (PGlite takes ~1.5 s on a quiet machine). */
export const PGLITE_WORKER_OPEN_TIMEOUT_MS = 120_000;

export type WorkerRequest =
  | { type: 'query'; id: number; tx?: number; text: string; params: unknown[]; rowMode?: 'array' | 'object'; drizzleParsers: boolean }
  | { type: 'exec'; id: number; tx?: number; text: string }
  | { type: 'begin'; id: number }
  | { type: 'finish'; id: number; tx: number; commit: boolean }
  | { type: 'close'; id: number };

export type WorkerReply =
  | { id: number; ok: true; value: unknown; end?: boolean }
  | { id: number; ok: false; error: { message: string; fields: Record<string, string> }; end?: boolean };

/** The part of PGlite that drizzle and openDatabase use, answered by the worker thread. */
export interface PgliteInWorker {
  readonly waitReady: Promise<void>;
  readonly closed: boolean;
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(text: string): Promise<Results[]>;
  transaction<T>(fn: (tx: PgliteInWorker) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The thread itself (a test terminates it to see the process end). */
  readonly worker: Worker;
}

/** Called when the worker dies; by default the process ends with one clear line. */
export type WorkerCrashHandler = (reason: string) => void;

const exitOnCrash: WorkerCrashHandler = (reason) => {
  process.stderr.write(`deepcards: the embedded database's worker thread stopped (${reason}); exiting, as the bot cannot work without it\n`);
  process.exit(1);
};

function startWorker(workerData: unknown): Worker {
  const js = new URL('./pglite-worker-thread.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData });
  // Running from src/ (tests, npm run dev): the worker registers tsx first to load TypeScript.
  const ts = new URL('./pglite-worker-thread.ts', import.meta.url).href;
  const code = `(async () => { const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); register(); await import(${JSON.stringify(ts)}); })().catch((error) => { throw error; });`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * Opens PGlite (in `dir`, or in memory) in a worker_threads worker: all its statements run there, so
 * the bot's thread keeps reading the gateway, sending callbacks and running timers during a burst.
 */
export async function openPgliteWorker(dir: string | undefined, onCrash: WorkerCrashHandler = exitOnCrash): Promise<PgliteInWorker> {
  const worker = startWorker({ dir });
  let nextId = 1;
  let closing = false;
  let closed = false;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const ends = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let ready!: { resolve: () => void; reject: (error: Error) => void };
  const waitReady = new Promise<void>((resolve, reject) => (ready = { resolve, reject }));

  const toError = (e: { message: string; fields: Record<string, string> }) => Object.assign(new Error(e.message), e.fields);
  worker.on('message', (reply: WorkerReply) => {
    if (reply.id === 0) return ready.resolve();
    const waiter = reply.end ? ends.get(reply.id) : pending.get(reply.id);
    (reply.end ? ends : pending).delete(reply.id);
    if (!waiter) return;
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(toError(reply.error));
  });
  const die = (reason: string) => {
    closed = true;
    const error = new Error(`the PGlite worker stopped: ${reason}`);
    ready.reject(error);
    for (const waiter of [...pending.values(), ...ends.values()]) waiter.reject(error);
    pending.clear();
    ends.clear();
    if (!closing) onCrash(reason);
  };
  worker.on('error', (error) => die(error.message));
  worker.on('exit', (code) => {
    if (!closed) die(`exit code ${code}`);
  });

  const call = (request: Omit<WorkerRequest, 'id'> & { type: WorkerRequest['type'] }, id = nextId++): Promise<unknown> => {
    if (closed) return Promise.reject(new Error('the PGlite worker is closed'));
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  };

  const session = (tx: number | undefined): PgliteInWorker => ({
    waitReady,
    get closed() {
      return closed;
    },
    worker,
    query: async <T>(text: string, params: unknown[] = [], options?: QueryOptions) =>
      (await call({ type: 'query', tx, text, params, ...(options?.rowMode ? { rowMode: options.rowMode } : {}), drizzleParsers: options?.parsers !== undefined } as WorkerRequest)) as Results<T>,
    exec: async (text: string) => (await call({ type: 'exec', tx, text } as WorkerRequest)) as Results[],
    async transaction<T>(fn: (tx: PgliteInWorker) => Promise<T>): Promise<T> {
      if (tx !== undefined) throw new Error('nested transactions go through savepoints (drizzle does this)');
      const id = nextId++;
      const ended = new Promise((resolve, reject) => ends.set(id, { resolve, reject }));
      await call({ type: 'begin' } as WorkerRequest, id);
      let result: T;
      try {
        result = await fn(session(id));
      } catch (error) {
        worker.postMessage({ type: 'finish', id: nextId++, tx: id, commit: false } satisfies WorkerRequest);
        await ended.catch(() => undefined);
        throw error;
      }
      worker.postMessage({ type: 'finish', id: nextId++, tx: id, commit: true } satisfies WorkerRequest);
      await ended;
      return result;
    },
    async close() {
      if (closed) return;
      closing = true;
      await call({ type: 'close' } as WorkerRequest);
      closed = true;
      await worker.terminate();
    },
  });

  const timer = setTimeout(() => ready.reject(new Error(`the PGlite worker did not open the database within ${PGLITE_WORKER_OPEN_TIMEOUT_MS} ms`)), PGLITE_WORKER_OPEN_TIMEOUT_MS);
  try {
    await waitReady;
  } finally {
    clearTimeout(timer);
  }
  return session(undefined);
}

/** The worker's PGlite, typed as what drizzle's PGlite driver takes. */
export function asPglite(client: PgliteInWorker): PGlite {
  return client as unknown as PGlite;
}
