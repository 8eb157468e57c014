import { describe, expect, test } from 'vitest';
import { outsideBudget, remainingBudgetMs, runWithBudget, waitLimitMs } from '../src/deadlines.js';

/** Arms a timer the way a service does and reports what budget its callback runs under. */
function armTimer(arm: (callback: () => void) => void): Promise<number | undefined> {
  return new Promise((resolve) => arm(() => resolve(remainingBudgetMs())));
}

describe('budgets and the timers an interaction leaves behind', () => {
  test('GIVEN a timer armed inside an interaction’s budget THEN its callback inherits that budget (why outsideBudget exists)', async () => {
    const { done } = runWithBudget(20, () => armTimer((cb) => setTimeout(cb, 40)));
    const left = await done;
    expect(left).toBeDefined();
    expect(left!).toBeLessThanOrEqual(0);
  });

  test('GIVEN a timer armed through outsideBudget inside a spent budget THEN its callback runs under no budget and gets the full wait', async () => {
    const { done } = runWithBudget(20, () => armTimer((cb) => outsideBudget(() => setTimeout(cb, 40))));
    expect(await done).toBeUndefined();
    const limit = await runWithBudget(20, () => new Promise<number>((resolve) => outsideBudget(() => setTimeout(() => resolve(waitLimitMs(5_000)), 40)))).done;
    expect(limit).toBe(5_000);
  });
});
