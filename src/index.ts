import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { DeckValidationError, formatProblem, loadDecks } from './decks/loader.js';
import { startHttpServer, type HttpServer } from './http/server.js';
import { createLogger } from './logger.js';

const config = loadConfig({ requireToken: true });
const logger = createLogger(config.logLevel, config.logFormat);

async function main(): Promise<void> {
  const startedAt = Date.now();
  let decks;
  try {
    decks = await loadDecks(config.decksDirs);
  } catch (error) {
    if (!(error instanceof DeckValidationError)) throw error;
    for (const problem of error.problems) process.stderr.write(`deck error: ${formatProblem(problem)}\n`);
    process.stderr.write(`deepcards did not start: fix the ${error.problems.length} deck problem(s) above (npm run decks:check).\n`);
    process.exit(1);
  }
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: config.pgliteDir }, {
    migrate: true,
  });
  logger.info({ database: database.kind, decks: decks.length, cards: decks.reduce((n, d) => n + d.cards.length, 0) }, 'database migrated and decks loaded');

  const app = createApp({ config, database, decks, logger });
  const http: HttpServer | undefined =
    config.httpPort > 0
      ? await startHttpServer({ host: config.httpHost, port: config.httpPort, readiness: () => app.health.readiness(), logger: logger.child({ feature: 'http' }) })
      : undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    try {
      await app.stop(Math.max(100, config.shutdownTimeoutMs - 1500));
      await http?.close();
      await database.close();
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.start(config.discordToken ?? '');
  logger.info({ ms: Date.now() - startedAt }, 'deepcards is ready');
}

process.on('unhandledRejection', (error) => logger.error({ err: error }, 'unhandled rejection'));

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'deepcards could not start');
  process.exit(1);
});
