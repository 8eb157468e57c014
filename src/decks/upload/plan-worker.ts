import { parentPort } from 'node:worker_threads';
import type { ExistingCard } from '../import.js';
import { UploadError } from './errors.js';
import { planUpload } from './plan.js';

/** What the bot's thread asks of the parse worker. */
export interface PlanRequest {
  fileName: string;
  bytes: Uint8Array;
  handle: string;
  existing: [string, ExistingCard][];
}

export type PlanReply = { ok: true; plan: Awaited<ReturnType<typeof planUpload>> } | { ok: false; upload: boolean; message: string };

parentPort?.once('message', (request: PlanRequest) => {
  planUpload(request.fileName, request.bytes, request.handle, new Map(request.existing)).then(
    (plan) => parentPort?.postMessage({ ok: true, plan } satisfies PlanReply),
    (error: unknown) =>
      parentPort?.postMessage({ ok: false, upload: error instanceof UploadError, message: error instanceof Error ? error.message : String(error) } satisfies PlanReply),
  );
});
