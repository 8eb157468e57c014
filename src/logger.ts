import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * The root logger. Secrets are redacted wherever they might be logged by accident.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { app: 'deepcards' },
    redact: {
      paths: ['token', '*.token', 'discordToken', '*.discordToken', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
