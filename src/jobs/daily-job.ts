import type { ShardAssignment } from '../domain/shards.js';
import type { Logger } from '../logger.js';
import type { DailyService } from '../services/daily-service.js';

/** One tick of the daily challenge: skipped while Discord is not connected. */
export async function runDailyTick(
  deps: { daily: DailyService; isReady: () => boolean; logger: Logger; shards?: ShardAssignment | undefined },
  now: Date,
): Promise<void> {
  if (!deps.isReady()) {
    deps.logger.debug('daily tick skipped: not connected to Discord');
    return;
  }
  const started = performance.now();
  const result = await deps.daily.tick(now, deps.shards);
  if (result.due > 0) deps.logger.info({ ...result, ms: Math.round(performance.now() - started) }, 'daily tick');
}
