import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.js';
import type { DailyService } from '../services/daily-service.js';
import type { DirectMessenger, ReviewService } from '../services/review-service.js';
import type { RewardsService } from '../services/rewards-service.js';
import { runDailyTick } from './daily-job.js';
import { runReminderTick } from './reminder-job.js';

export interface MinuteJobDeps {
  daily: DailyService;
  review: ReviewService;
  /** Role rewards: grants, streak removals and champion moves. */
  rewards?: RewardsService;
  messenger: DirectMessenger;
  isReady: () => boolean;
  logger: Logger;
  now: () => Date;
}

/** One tick: the daily challenge, then review reminders, then role rewards. Each failure is logged and the other still runs. */
export async function runMinuteTick(deps: MinuteJobDeps, now: Date): Promise<void> {
  try {
    await runDailyTick(deps, now);
  } catch (error) {
    deps.logger.error({ err: error }, 'daily tick failed');
  }
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
