// Opens the embedded database in its worker thread, as the bot does, then kills the thread: the process
// must end by itself with one clear line (test/db/pglite-worker.test.ts).
import { openPgliteWorker } from '../../src/db/pglite-worker.js';

const pglite = await openPgliteWorker(undefined);
process.stdout.write('worker open\n');
const pending = pglite.query('select pg_sleep(5)').catch(() => undefined);
await pglite.worker.terminate();
await pending;
// Not reached when the crash handler ended the process.
setTimeout(() => process.stdout.write('still alive\n'), 5_000);
