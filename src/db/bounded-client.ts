import type { PGlite } from '@electric-sql/pglite';
import type postgres from 'postgres';
import { DeadlineExceededError, waitLimitMs, withDeadline } from '../deadlines.js';

/**
 * Client-side deadlines on the drivers drizzle talks to. The server's statement_timeout ends a slow
 * statement, but not a wait on a socket whose other end went silent (a network blackhole, a stuck
 * failover): only a timer in this process ends that. Each top-level call (a statement, or a whole
 * transaction) is bounded by `callTimeoutMs`, or by what is left of the budget of the interaction or
 * tick it runs for (see runWithBudget), whichever is shorter. Statements inside a transaction are
 * bounded by the transaction's deadline.
 */

/** Starts the work only when it has time left: a statement with none is never sent. */
function bounded<T>(ms: number, what: string, start: () => PromiseLike<T>, onTimeout?: () => void): Promise<T> {
  if (ms <= 0) return Promise.reject(new DeadlineExceededError(what, 0));
  return withDeadline(start(), ms, what, onTimeout);
}

type PendingQuery = PromiseLike<unknown> & { values(): PendingQuery; cancel(): unknown };

/** A postgres.js query that rejects at its deadline, and is then dropped from the queue or cancelled. */
function boundedQuery(query: PendingQuery, ms: number): PromiseLike<unknown> & { values(): PromiseLike<unknown> } {
  const abandon = () => {
    // cancel() drops a query still waiting for a connection; one already sent gets a CancelRequest.
    Promise.resolve(query.cancel()).catch(() => {});
  };
  return {
    then: (onFulfilled, onRejected) => bounded(ms, 'database statement', () => query, abandon).then(onFulfilled, onRejected),
    values: () => boundedQuery(query.values(), ms),
  };
}

/**
 * postgres.js with deadlines. It also prepares every statement: drizzle asks postgres.js to prepare
 * only queries built with `.prepare(name)`, so every other query would be parsed and planned anew and
 * cost an extra round trip. Every statement here is parameterised and comes from a fixed set of
 * shapes, so postgres.js may prepare (and cache per connection) all.
 */
export function boundedPostgres(client: postgres.Sql, callTimeoutMs: number): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, params?: unknown[], options?: { prepare?: boolean }) =>
          boundedQuery(target.unsafe(query, params as never, { ...options, prepare: true }) as unknown as PendingQuery, waitLimitMs(callTimeoutMs));
      }
      if (property === 'begin') {
        return (...args: unknown[]) =>
          bounded(waitLimitMs(callTimeoutMs), 'database transaction', () => (target.begin as (...a: unknown[]) => Promise<unknown>)(...args));
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** PGlite with deadlines: it runs one statement at a time, so a long one (or a lock) makes the rest wait. */
export function boundedPglite(pglite: PGlite, callTimeoutMs: number): PGlite {
  const withDeadlines = new Set<PropertyKey>(['query', 'exec', 'transaction']);
  return new Proxy(pglite, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (!withDeadlines.has(property)) return method;
      return (...args: unknown[]) => bounded(waitLimitMs(callTimeoutMs), `database ${String(property)}`, () => method(...args) as Promise<unknown>);
    },
  });
}
