import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A wait on something outside the process that did not finish in time. Its `code` marks it as "the
 * dependency is unavailable right now" (see isDatabaseUnavailable), not as a bug.
 */
export class DeadlineExceededError extends Error {
  readonly code = 'DEADLINE_EXCEEDED';
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} did not finish within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Settles like `work`, or rejects with a {@link DeadlineExceededError} after `ms` (at once when `ms`
 * is not positive). `onTimeout` lets the caller abandon the work it can (a queued statement).
 */
export function withDeadline<T>(work: PromiseLike<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const expire = () => {
      reject(new DeadlineExceededError(what, Math.max(0, Math.round(ms))));
      try {
        onTimeout?.();
      } catch {
        // Abandoning is best effort; the caller has its answer already.
      }
    };
    if (ms <= 0) {
      expire();
      return;
    }
    const timer = setTimeout(expire, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}

/**
 * The time a unit of work (one interaction, one scheduler tick) may still spend waiting on the
 * database. Every database call made inside it is bounded by what is left, so the whole unit answers
 * in time however many statements it makes. {@link expireBudget} ends it early (shutdown).
 */
export interface Budget {
  deadlineAt: number;
}

const current = new AsyncLocalStorage<Budget>();

/** A budget of `ms` from now. */
export function createBudget(ms: number): Budget {
  return { deadlineAt: Date.now() + ms };
}

/** Runs `work` under `budget`: its database calls get at most what is left of it. */
export function runInBudget<T>(budget: Budget, work: () => Promise<T>): Promise<T> {
  return current.run(budget, work);
}

/**
 * Runs `work` with a budget of `ms` from now, replacing any it runs under (a deferred deck import works
 * for longer than an interaction's budget); returns the budget so the caller can expire it.
 */
export function runWithBudget<T>(ms: number, work: () => Promise<T>): { budget: Budget; done: Promise<T> } {
  const budget = createBudget(ms);
  return { budget, done: runInBudget(budget, work) };
}

/**
 * Runs `work` outside any budget. For what an interaction starts but does not wait for, such as a
 * timer armed for later: the timer's callback would otherwise inherit the interaction's budget and find
 * it spent (AsyncLocalStorage follows setTimeout), so every database call it makes would fail at once.
 */
export function outsideBudget<T>(work: () => T): T {
  return current.exit(work);
}

/** Ms left of the budget this code runs under, or undefined outside one. */
export function remainingBudgetMs(): number | undefined {
  const budget = current.getStore();
  return budget ? budget.deadlineAt - Date.now() : undefined;
}

/** Every later bounded wait of the budget's work fails at once. */
export function expireBudget(budget: Budget): void {
  budget.deadlineAt = Math.min(budget.deadlineAt, Date.now());
}

/** How long the next wait may take: `defaultMs`, or less when the current budget has less left. */
export function waitLimitMs(defaultMs: number): number {
  const left = remainingBudgetMs();
  return left === undefined ? defaultMs : Math.min(defaultMs, left);
}
