import { addDays, type IsoDate } from './time.js';

export interface StudyStreak {
  current: number;
  best: number;
  lastDay: IsoDate | null;
}

export const NO_STREAK: StudyStreak = { current: 0, best: 0, lastDay: null };

/**
 * The study streak counts consecutive UTC days with at least one graded card. Grading again on the
 * same day keeps it; grading the next day extends it; a gap starts it again at 1.
 */
export function extendStudyStreak(streak: StudyStreak, today: IsoDate): StudyStreak {
  if (streak.lastDay === today) return streak;
  const current = streak.lastDay !== null && addDays(streak.lastDay, 1) === today ? streak.current + 1 : 1;
  return { current, best: Math.max(streak.best, current), lastDay: today };
}

/** The streak as it stands today: one whose last day is before yesterday is already broken. */
export function currentStudyStreak(streak: StudyStreak, today: IsoDate): number {
  if (streak.lastDay === null) return 0;
  return streak.lastDay === today || addDays(streak.lastDay, 1) === today ? streak.current : 0;
}
