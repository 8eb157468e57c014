import { addDays, type IsoDate } from './time.js';
import { localTime, zonedInstant } from './daily-schedule.js';

export type Period = 'week' | 'month' | 'all';

/**
 * The instant a leaderboard period began in a timezone: Monday 00:00 for the week, the 1st at
 * 00:00 for the month; null for all time.
 */
export function periodStart(period: Period, now: Date, timeZone: string): Date | null {
  if (period === 'all') return null;
  const today = localTime(now, timeZone).date;
  let first: IsoDate;
  if (period === 'month') {
    first = `${today.slice(0, 8)}01`;
  } else {
    const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday
    first = addDays(today, -((weekday + 6) % 7));
  }
  return zonedInstant(first, '00:00', timeZone);
}
