import { addDays, localTime, type IsoDate } from './time.js';
import { zonedInstant } from './daily-schedule.js';

export type Period = 'week' | 'month' | 'all';

/**
 * The local date a leaderboard period began in a timezone: Monday for the week, the 1st for the
 * month (as PostgreSQL's date_trunc('week'|'month', t at time zone tz) computes it); null for all time.
 */
export function periodStartDate(period: Period, now: Date, timeZone: string): IsoDate | null {
  if (period === 'all') return null;
  const today = localTime(now, timeZone).date;
  if (period === 'month') return `${today.slice(0, 8)}01`;
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday
  return addDays(today, -((weekday + 6) % 7));
}

/** The instant a leaderboard period began in a timezone (its local midnight); null for all time. */
export function periodStart(period: Period, now: Date, timeZone: string): Date | null {
  const first = periodStartDate(period, now, timeZone);
  return first === null ? null : zonedInstant(first, '00:00', timeZone);
}
