import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { exitIfPgliteInUse, PgliteInUseError } from './db/pglite-lock.js';
import { DeckValidationError, formatProblem, loadDecks } from './decks/loader.js';
import { RESTARTING_ANSWER_TIMEOUT_MS } from './discord/router.js';
import { startHttpServer, type HttpServer } from './http/server.js';
import { createLogger } from './logger.js';
import { withDeadline } from './deadlines.js';
import { discordStartupProblem, openDatabaseWhenReady, StartupError } from './startup.js';

const config = loadConfig({ requireToken: true });
const logger = createLogger(config.logLevel, config.logFormat);

/** Of SHUTDOWN_TIMEOUT_MS, what closing the gateway and the database may take after the interactions are answered. */
const CLOSE_RESERVE_MS = 1_500;

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
  const database = await openDatabaseWhenReady(config, logger);
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
    const signalledAt = Date.now();
    try {
      await app.stop(Math.max(100, config.shutdownTimeoutMs - RESTARTING_ANSWER_TIMEOUT_MS - CLOSE_RESERVE_MS));
      await http?.close();
      // Every interaction is answered by now. A statement still running is abandoned: PostgreSQL rolls
      // back a transaction whose connection goes, so nothing is left half-written.
      const left = config.shutdownTimeoutMs - (Date.now() - signalledAt) - 250;
      await withDeadline(database.close(), left, 'closing the database');
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await app.start(config.discordToken ?? '');
  } catch (error) {
    const problem = discordStartupProblem(error);
    throw problem ? new StartupError(problem) : error;
  }
  logger.info({ ms: Date.now() - startedAt }, 'deepcards is ready');
}

process.on('unhandledRejection', (error) => logger.error({ err: error }, 'unhandled rejection'));

main().catch((error: unknown) => {
  if (error instanceof PgliteInUseError) exitIfPgliteInUse(error);
  if (error instanceof StartupError) {
    // Expected, and the line says what to fix: no stack trace, like a config error.
    process.stderr.write(`startup error: ${error.message}\n`);
  } else {
    logger.fatal({ err: error }, 'deepcards could not start');
  }
  process.exit(1);
});
