import cron, { type ScheduledTask } from 'node-cron';
import type { ShardAssignment } from '../domain/shards.js';
import type { Logger } from '../logger.js';
import type { DailyService } from '../services/daily-service.js';
import type { DirectMessenger, ReviewService } from '../services/review-service.js';
import type { ShardService } from '../services/shard-service.js';
import { runDailyTick } from './daily-job.js';
import { runReminderTick } from './reminder-job.js';

export interface MinuteJobDeps {
  daily: DailyService;
  review: ReviewService;
  messenger: DirectMessenger;
  isReady: () => boolean;
  /** This process's shards (undefined before it connected, or when it runs them all in one). */
  shards?: () => ShardAssignment | undefined;
  /** Warns about shards another process also runs. */
  shardService?: ShardService;
  logger: Logger;
  now: () => Date;
}

/** One tick: the daily challenge, then review reminders. Each failure is logged and the other still runs. */
export async function runMinuteTick(deps: MinuteJobDeps, now: Date): Promise<void> {
  const shards = deps.shards?.();
  if (shards && deps.shardService && deps.isReady()) {
    try {
      for (const overlap of await deps.shardService.overlaps(shards, now)) {
        deps.logger.warn({ shard: overlap.shardId, otherProcess: overlap.holder }, 'another process also runs this shard: check SHARD_IDS (nothing posts twice, but the work is done twice)');
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'could not record this process\'s shards');
    }
  }
  try {
    await runDailyTick({ ...deps, shards }, now);
  } catch (error) {
    deps.logger.error({ err: error }, 'daily tick failed');
  }
  // Direct messages belong to no guild: Discord routes them to shard 0, and so does the scheduler.
  if (shards && !shards.ids.includes(0)) return;
  try {
    await runReminderTick(deps, now);
  } catch (error) {
    deps.logger.error({ err: error }, 'reminder tick failed');
  }
}

/** Ticks every minute; a tick still running when the next is due is skipped, not overlapped. */
export function scheduleMinuteJob(deps: MinuteJobDeps): ScheduledTask {
  return cron.schedule('* * * * *', () => runMinuteTick(deps, deps.now()), { name: 'deepcards-minute', noOverlap: true });
}
