import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { currentStudyStreak, extendStudyStreak, NO_STREAK } from '../../src/domain/streak.js';
import { addDays, localDay, utcDay } from '../../src/domain/time.js';

describe('study streak', () => {
  test('GIVEN no streak THEN the first graded day starts it at 1', () => {
    expect(extendStudyStreak(NO_STREAK, '2026-03-01')).toEqual({ current: 1, best: 1, lastDay: '2026-03-01' });
  });

  test('GIVEN a streak THEN grading again the same UTC day keeps it', () => {
    const s = extendStudyStreak(NO_STREAK, '2026-03-01');
    expect(extendStudyStreak(s, '2026-03-01')).toEqual(s);
  });

  test('GIVEN a streak THEN grading the next UTC day extends it, across a month end', () => {
    let s = extendStudyStreak(NO_STREAK, '2026-02-27');
    s = extendStudyStreak(s, '2026-02-28');
    s = extendStudyStreak(s, '2026-03-01');
    expect(s).toEqual({ current: 3, best: 3, lastDay: '2026-03-01' });
  });

  test('GIVEN a gap of a day THEN the streak starts again at 1 and the best is kept', () => {
    let s = extendStudyStreak(NO_STREAK, '2026-03-01');
    s = extendStudyStreak(s, '2026-03-02');
    s = extendStudyStreak(s, '2026-03-04');
    expect(s).toEqual({ current: 1, best: 2, lastDay: '2026-03-04' });
  });

  test('GIVEN grades at 23:59 and 00:01 UTC THEN they count as two consecutive days', () => {
    const late = utcDay(new Date('2026-03-01T23:59:00Z'));
    const early = utcDay(new Date('2026-03-02T00:01:00Z'));
    expect(extendStudyStreak(extendStudyStreak(NO_STREAK, late), early).current).toBe(2);
  });

  test('GIVEN a streak last extended two days ago THEN it shows as broken today', () => {
    const s = { current: 5, best: 5, lastDay: '2026-03-01' };
    expect(currentStudyStreak(s, '2026-03-02')).toBe(5);
    expect(currentStudyStreak(s, '2026-03-03')).toBe(0);
  });

  test('GIVEN any sequence of study days THEN best is never below current and current never exceeds days studied', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 60 }), (gaps) => {
        let s = NO_STREAK;
        let day = '2026-01-01';
        const studied = new Set<string>();
        for (const gap of gaps) {
          day = addDays(day, gap);
          studied.add(day);
          s = extendStudyStreak(s, day);
          expect(s.best).toBeGreaterThanOrEqual(s.current);
          expect(s.current).toBeLessThanOrEqual(studied.size);
          expect(s.current).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });
});

describe('calendar days', () => {
  test('GIVEN an instant THEN its local day depends on the timezone', () => {
    const instant = new Date('2026-03-01T23:30:00Z');
    expect(localDay(instant, 'Europe/Berlin')).toBe('2026-03-02');
    expect(localDay(instant, 'America/Los_Angeles')).toBe('2026-03-01');
  });
});
