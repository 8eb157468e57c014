import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { copyDatabase, CopyError } from '../db/copy.js';

const USAGE = 'usage: npm run db:copy -- --to postgres://user:password@host:5432/deepcards   (stop the bot first)';

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n${USAGE}\n`);
  process.exit(1);
}

const args = (() => {
  try {
    return parseArgs({ options: { to: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (args.values.help) {
  process.stdout.write(`${USAGE}\nCopies everything from the embedded PGlite database (PGLITE_DIR) to an empty PostgreSQL database.\n`);
  process.exit(0);
}
const to = args.values.to;
if (!to || !/^postgres(ql)?:\/\//.test(to)) fail('--to needs the PostgreSQL URL to copy into, e.g. --to postgres://deepcards:secret@localhost:5432/deepcards');

const config = loadConfig();
const shown = new URL(to);
shown.password = shown.password ? '***' : '';
process.stdout.write(`copying PGlite at ${config.pgliteDir} to ${shown.toString()}\n`);
const source = await openDatabase({ pgliteDir: config.pgliteDir }, { migrate: true });
try {
  // The target gets the same schema first (migrations are idempotent); the copy itself is one transaction.
  await (await openDatabase({ url: to }, { migrate: true, poolSize: 1 })).close();
  const copies = await copyDatabase(source, to, (t) =>
    process.stdout.write(`  ${t.table.padEnd(24)} ${String(t.rows).padStart(8)} rows${t.points === undefined ? '' : `  ${t.points} points`}\n`),
  );
  const rows = copies.reduce((n, t) => n + t.rows, 0);
  process.stdout.write(`OK: ${copies.length} tables, ${rows} rows copied and verified (row counts and point totals match).\n`);
  process.stdout.write(`Next: set DATABASE_URL to that URL in .env and start the bot; keep ${config.pgliteDir} until you are happy.\n`);
} catch (error) {
  if (error instanceof CopyError) fail(error.message);
  throw error;
} finally {
  await source.close();
}
