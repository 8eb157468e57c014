import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { exitIfPgliteInUse } from '../db/pglite-lock.js';

const config = loadConfig();
const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: config.pgliteDir }, { migrate: true }).catch(exitIfPgliteInUse);
await database.close();
process.stdout.write(`migrations applied (${database.kind}${database.kind === 'pglite' ? ` at ${config.pgliteDir}` : ''})\n`);
