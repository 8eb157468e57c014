import { REST } from 'discord.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { BotStateRepository } from '../db/repositories/stats-repository.js';
import { COMMANDS } from '../discord/commands/index.js';
import { registerCommands } from '../discord/register-commands.js';
import { createLogger } from '../logger.js';

const config = loadConfig({ requireToken: true });
const logger = createLogger(config.logLevel, config.logFormat);
const rest = new REST(config.discordApiUrl ? { api: config.discordApiUrl } : {}).setToken(config.discordToken ?? '');
const app = (await rest.get('/applications/@me')) as { id: string };
const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: config.pgliteDir }, { migrate: true });
try {
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
} finally {
  await database.close();
}
