/**
 * An expected problem caused by what a member did or asked for. The router shows its message to
 * that member ephemerally; it is not logged as an error. The message says what happened and what
 * to do next.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'DEADLINE_EXCEEDED', // a client-side deadline (src/deadlines.ts)
  '57014', // query_canceled: statement_timeout, or a statement cancelled at its deadline
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300', // too_many_connections
]);

/** Whether an error (or any error it wraps) means the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

/** Whether an error (or any error it wraps) is PostgreSQL refusing a row that breaks the unique key `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const err = e as { code?: string; constraint_name?: string; constraint?: string; message?: string };
    if (err.code === '23505' && `${err.constraint_name ?? err.constraint ?? err.message}`.includes(constraint)) return true;
  }
  return false;
}
