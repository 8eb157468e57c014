import { parseArgs } from 'node:util';
import { REST } from 'discord.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { exitIfPgliteInUse } from '../db/pglite-lock.js';
import { BotStateRepository } from '../db/repositories/stats-repository.js';
import { COMMANDS } from '../discord/commands/index.js';
import { clearCommands, registerCommands } from '../discord/register-commands.js';
import { createLogger } from '../logger.js';

const USAGE = 'usage: npm run deploy-commands [-- --clear]   (--clear removes the commands globally and from DEV_GUILD_ID)';
const args = (() => {
  try {
    return parseArgs({ options: { clear: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(1);
  }
})();
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const config = loadConfig({ requireToken: true });
const logger = createLogger(config.logLevel, config.logFormat);
const rest = new REST(config.discordApiUrl ? { api: config.discordApiUrl } : {}).setToken(config.discordToken ?? '');
const app = (await rest.get('/applications/@me')) as { id: string };
const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: config.pgliteDir }, { migrate: true }).catch(exitIfPgliteInUse);
try {
  if (args.values.clear) {
    const cleared = await clearCommands({ rest, applicationId: app.id, guildId: config.devGuildId, state: new BotStateRepository(database), now: new Date() });
    process.stdout.write(`cleared: the commands are removed ${cleared.map((s) => (s === 'global' ? 'globally' : `from guild ${s}`)).join(' and ')}\n`);
  } else {
    const result = await registerCommands({
      rest,
      applicationId: app.id,
      guildId: config.devGuildId,
      commands: COMMANDS,
      state: new BotStateRepository(database),
      logger,
      now: new Date(),
      force: true,
    });
    process.stdout.write(`${result}: ${COMMANDS.length} commands ${config.devGuildId ? `to guild ${config.devGuildId}` : 'globally (may take up to an hour to show everywhere)'}\n`);
  }
} finally {
  await database.close();
}
