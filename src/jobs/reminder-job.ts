import type { Logger } from '../logger.js';
import type { DirectMessenger, ReviewService } from '../services/review-service.js';

/** One reminder tick: DMs members whose reminder hour has come and who have cards due. */
export async function runReminderTick(deps: { review: ReviewService; messenger: DirectMessenger; isReady: () => boolean; logger: Logger }, now: Date): Promise<void> {
  if (!deps.isReady()) return;
  const result = await deps.review.sendReminders(now, deps.messenger);
  if (result.sent > 0 || result.disabled > 0) deps.logger.info(result, 'review reminders');
}
