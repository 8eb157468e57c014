import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExistingCard } from '../import.js';
import { UploadError } from './errors.js';
import { planUpload, type UploadPlan } from './plan.js';
import type { PlanReply, PlanRequest } from './plan-worker.js';

/** Longest a file may take to parse before its worker is stopped. */
export const PARSE_TIMEOUT_MS = 60_000;
/** Heap of a parse worker: a file that needs more is refused rather than swelling the bot. */
const PARSE_WORKER_HEAP_MB = 512;

const WORKER_FILE = fileURLToPath(new URL('./plan-worker.js', import.meta.url));

/**
 * {@link planUpload} on a worker thread, so that unzipping and reading a large collection never holds up
 * the bot's other interactions. Run from TypeScript sources (tests, tsx), where no compiled worker file
 * exists, it parses on the calling thread.
 */
export async function planUploadOffThread(fileName: string, bytes: Uint8Array, handle: string, existing: ReadonlyMap<string, ExistingCard>): Promise<UploadPlan> {
  if (import.meta.url.endsWith('.ts')) return planUpload(fileName, bytes, handle, existing);
  const worker = new Worker(WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: PARSE_WORKER_HEAP_MB } });
  try {
    const reply = await new Promise<PlanReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UploadError(`The file took longer than ${PARSE_TIMEOUT_MS / 1000} s to read. Split it into several decks.`)), PARSE_TIMEOUT_MS);
      worker.once('message', (message: PlanReply) => {
        clearTimeout(timer);
        resolve(message);
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
        reject(outOfMemory ? new UploadError('The file needs too much memory to read. Export only the deck you need, without media.') : error);
      });
      const request: PlanRequest = { fileName, bytes, handle, existing: [...existing] };
      worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
    });
    if (reply.ok) return reply.plan;
    throw reply.upload ? new UploadError(reply.message) : new Error(reply.message);
  } finally {
    void worker.terminate();
  }
}
