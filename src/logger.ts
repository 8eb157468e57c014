import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { LogFormat, LogLevel } from './config.js';

export type { Logger };

/**
 * The root logger: JSON lines, or pino-pretty's readable lines with LOG_FORMAT=pretty (the default in
 * a terminal). Secrets are redacted wherever they might be logged by accident.
 */
export function createLogger(level: LogLevel, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { app: 'deepcards' },
    redact: {
      paths: ['token', '*.token', 'discordToken', '*.discordToken', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
  };
  if (format === 'json') return pino(options);
  // In-process and synchronous (no worker thread), so the last lines before an exit are not lost.
  return pino(options, PinoPretty({ colorize: process.stdout.isTTY === true, ignore: 'pid,hostname,app', translateTime: 'SYS:standard', sync: true }));
}

/** A logger that writes nothing: for parts built without one (tools and tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
