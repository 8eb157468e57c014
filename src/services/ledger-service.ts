import type { Database } from '../db/client.js';
import { LedgerRepository } from '../db/repositories/ledger-repository.js';
import { runWithBudget, waitLimitMs } from '../deadlines.js';
import { effectsOf } from '../domain/answer-effects.js';
import type { Logger } from '../logger.js';

/** The database budget of one pass applying a member's answers after a reply (less when an interaction waits for it). */
export const LEDGER_APPLY_BUDGET_MS = 5_000;
/** Stale tries in a row on one answer (its state moved between the read and the write) before a pass gives up. */
const MAX_STALE_TRIES = 5;
/** The most answers one pass applies for a member; the rest wait for the next pass. */
const MAX_PER_PASS = 1_000;

/**
 * Applies recorded answers to what derives from them: totals, week and month points, streaks, card
 * memory and review logs. An answer is recorded in the statement that answers the member, with one
 * ledger row and a row to apply; the rest is written here once the reply has gone, exactly once (see
 * LedgerRepository), in the order the member answered. Nothing is lost when a process dies in between:
 * the next start applies what is left ({@link catchUp}), and the minute job does too.
 *
 * Reads that must see a member's latest answers (their next due card, /stats, role rewards) call
 * {@link settle} first.
 */
export class LedgerService {
  /** Each member's pass in progress (or queued), so passes for one member run one after another. */
  private readonly passes = new Map<string, Promise<number>>();
  /** Members with answers this process recorded and has not applied yet. */
  private readonly unapplied = new Set<string>();

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly logger: Logger,
    /** False: {@link recorded} applies at once, before the caller answers (tools and tests that read totals right after). */
    private readonly deferred = true,
  ) {}

  /** A ledger that applies each answer before the service that recorded it returns. */
  static immediate(database: Database, logger: Logger): LedgerService {
    return new LedgerService(new LedgerRepository(database), logger, false);
  }

  /**
   * A member's answer was recorded. Deferred (the bot), {@link settleRecorded} applies it once the reply
   * is out, and this returns at once; otherwise it is applied now, and a failure to apply throws.
   */
  async recorded(userId: string): Promise<void> {
    if (this.deferred) {
      this.unapplied.add(userId);
      return;
    }
    await this.passes.get(userId);
    await this.applyAll(userId);
  }

  /**
   * Brings the member's totals and memory up to date with what this process recorded: applies their
   * answers not yet applied, or waits for the pass applying them. Costs nothing when there are none,
   * so the router runs it before and after every interaction (see InteractionRouter.handle).
   */
  async settleRecorded(userId: string): Promise<void> {
    if (this.unapplied.has(userId)) await this.settle(userId);
    else await this.passes.get(userId);
  }

  /**
   * Applies every answer of the member still to apply, whichever process recorded it. Never throws: a
   * failed pass is logged and left for the next one (the answers themselves are safe in the ledger).
   */
  settle(userId: string): Promise<number> {
    const previous = this.passes.get(userId) ?? Promise.resolve(0);
    const pass = previous.then(() => this.pass(userId));
    this.passes.set(userId, pass);
    void pass.finally(() => {
      if (this.passes.get(userId) === pass) this.passes.delete(userId);
    });
    return pass;
  }

  /**
   * Applies what is left to apply for every member (at a start, and every minute), whichever process
   * recorded it; returns how many answers. Never throws: a failure is logged, and the next minute tries again.
   */
  async catchUp(limit = 500): Promise<number> {
    let applied = 0;
    try {
      for (const userId of await this.ledger.pendingUsers(limit)) applied += await this.settle(userId);
    } catch (error) {
      this.logger.error({ err: error }, 'could not look for answers left unapplied; the next minute tries again');
    }
    if (applied > 0) this.logger.info({ applied }, 'applied answers left unapplied (a process stopped, or the database failed, before it applied them)');
    return applied;
  }

  /** Applies every answer this process recorded and waits for every pass in progress (/leaderboard, shutdown). */
  async settleAll(): Promise<void> {
    for (const userId of [...this.unapplied]) void this.settle(userId);
    await Promise.all([...this.passes.values()]);
  }

  private async pass(userId: string): Promise<number> {
    this.unapplied.delete(userId);
    try {
      // Called for an interaction (before its handler), it gets no more than what that interaction has left.
      const budgetMs = Math.max(0, waitLimitMs(LEDGER_APPLY_BUDGET_MS));
      return await runWithBudget(budgetMs, () => this.applyAll(userId)).done;
    } catch (error) {
      this.unapplied.add(userId);
      this.logger.error({ err: error, userId }, 'could not apply a member’s answers yet; their totals catch up on the next try');
      return 0;
    }
  }

  private async applyAll(userId: string): Promise<number> {
    let applied = 0;
    let stale = 0;
    while (applied < MAX_PER_PASS) {
      const pending = await this.ledger.oldestPending(userId);
      if (!pending) break;
      const result = await this.ledger.apply(pending, effectsOf(pending.answer, pending.before));
      if (result === 'applied' || result === 'applied-last') {
        applied++;
        stale = 0;
        // Nothing was waiting behind it: no need to look again.
        if (result === 'applied-last') break;
      } else if (result === 'stale' && ++stale >= MAX_STALE_TRIES) {
        throw new Error(`applying answer ${pending.answer.id} came back stale ${stale} times`);
      }
    }
    return applied;
  }
}
