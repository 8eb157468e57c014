import cron, { type ScheduledTask } from 'node-cron';
import { runWithBudget, withDeadline } from '../deadlines.js';
import type { Logger } from '../logger.js';
import type { DailyService } from '../services/daily-service.js';
import type { LedgerService } from '../services/ledger-service.js';
import type { DirectMessenger, ReviewService } from '../services/review-service.js';
import type { RewardsService } from '../services/rewards-service.js';
import type { ShardAssignment } from '../domain/shards.js';
import type { ShardService } from '../services/shard-service.js';
import { runDailyTick } from './daily-job.js';
import { runReminderTick } from './reminder-job.js';

export interface MinuteJobDeps {
  daily: DailyService;
  /** Applies answers a process recorded and did not apply (it died, or the database failed meanwhile). */
  ledger?: LedgerService;
  review: ReviewService;
  /** Role rewards: grants, streak removals and champion moves. */
  rewards?: RewardsService;
  messenger: DirectMessenger;
  isReady: () => boolean;
  /** This process's shards (undefined before it connected, or when it runs them all in one). */
  shards?: () => ShardAssignment | undefined;
  /** Warns about shards another process also runs. */
  shardService?: ShardService;
  logger: Logger;
  now: () => Date;
  /** How long one tick may take (default MINUTE_TICK_TIMEOUT_MS). */
  tickTimeoutMs?: number;
}

/**
 * The longest a tick may run. Ticks do not overlap, so a tick waiting on a silent database would
 * otherwise hold back every later one; past this the tick is given up (its database calls fail at the
 * same moment) and the next minute's tick runs as scheduled.
 */
export const MINUTE_TICK_TIMEOUT_MS = 50_000;

/**
 * One tick: the daily challenge, then review reminders, then role rewards. Each failure is logged and the other still
 * runs; the whole tick ends within its timeout.
 */
export async function runMinuteTick(deps: MinuteJobDeps, now: Date): Promise<void> {
  const timeoutMs = deps.tickTimeoutMs ?? MINUTE_TICK_TIMEOUT_MS;
  const { done } = runWithBudget(timeoutMs, () => runTickParts(deps, now));
  try {
    await withDeadline(done, timeoutMs, 'the minute tick');
  } catch (error) {
    deps.logger.error({ err: error }, 'minute tick given up; the next one runs as scheduled');
  }
}

async function runTickParts(deps: MinuteJobDeps, now: Date): Promise<void> {
  const shards = deps.shards?.();
  if (shards && deps.shardService && deps.isReady()) {
    try {
      for (const overlap of await deps.shardService.overlaps(shards, now)) {
        deps.logger.warn({ shard: overlap.shardId, otherProcess: overlap.holder }, 'another process also runs this shard: check SHARD_IDS (nothing posts twice, but the work is done twice)');
      }
    } catch (error) {
      deps.logger.error({ err: error }, "could not record this process's shards");
    }
  }
  // Every process: an answer left unapplied can be any guild's, and applying is exactly-once.
  await deps.ledger?.catchUp();
  try {
    await runDailyTick({ ...deps, shards }, now);
  } catch (error) {
    deps.logger.error({ err: error }, 'daily tick failed');
  }
  // Direct messages belong to no guild: Discord routes them to shard 0, and so does the scheduler.
  // The rewards sweep is exactly-once by its grant rows; one process (shard 0's) runs it for all guilds.
  if (shards && !shards.ids.includes(0)) return;
  try {
    await runReminderTick(deps, now);
  } catch (error) {
    deps.logger.error({ err: error }, 'reminder tick failed');
  }
  try {
    if (deps.rewards && deps.isReady()) await deps.rewards.sweep(now);
  } catch (error) {
    deps.logger.error({ err: error }, 'rewards tick failed');
  }
}

/** Ticks every minute; a tick still running when the next is due is skipped, not overlapped. */
export function scheduleMinuteJob(deps: MinuteJobDeps): ScheduledTask {
  return cron.schedule('* * * * *', () => runMinuteTick(deps, deps.now()), { name: 'deepcards-minute', noOverlap: true });
}
