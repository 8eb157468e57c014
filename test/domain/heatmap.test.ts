import { describe, expect, test } from 'vitest';
import { buildHeatmap, HEATMAP_WEEKS, type DayCount } from '../../src/domain/heatmap.js';
import { addDays } from '../../src/domain/time.js';

/** Wednesday 10 March 2027, noon UTC. */
const NOW = new Date('2027-03-10T12:00:00Z');
const cells = (h: ReturnType<typeof buildHeatmap>) => h.weeks.flat().filter((c) => c !== null);

describe('the study heatmap of the last 365 days', () => {
  test('GIVEN no history THEN the calendar is empty: 365 blank squares in 53 weeks, no streak, no busiest day', () => {
    const h = buildHeatmap([], NOW, 'UTC');
    expect(h.weeks).toHaveLength(HEATMAP_WEEKS);
    expect(h.weeks.every((w) => w.length === 7)).toBe(true);
    expect(cells(h)).toHaveLength(365);
    expect(cells(h).every((c) => c.count === 0 && c.level === 0)).toBe(true);
    expect(h).toMatchObject({ total: 0, daysStudied: 0, currentStreak: 0, bestStreak: 0, busiest: null, today: '2027-03-10', first: '2026-03-11' });
  });

  test('GIVEN today a Wednesday THEN it is the third square of the last week, the squares after it are blank, and the first shown day is 364 days back', () => {
    const h = buildHeatmap([], NOW, 'UTC');
    const last = h.weeks[HEATMAP_WEEKS - 1]!;
    expect(last.map((c) => c?.day ?? null)).toEqual(['2027-03-08', '2027-03-09', '2027-03-10', null, null, null, null]);
    const firstShown = h.weeks.flat().find((c) => c !== null);
    expect(firstShown?.day).toBe('2026-03-11');
    // Days run down each column and on to the next, Monday to Sunday.
    const days = cells(h).map((c) => c.day);
    expect(days.every((d, i) => i === 0 || d === addDays(days[i - 1]!, 1))).toBe(true);
  });

  test('GIVEN counts THEN squares are shaded by share of the busiest day, and days studied, streaks and the busiest day follow', () => {
    const counts: DayCount[] = [
      { day: '2027-03-10', count: 2 },
      { day: '2027-03-09', count: 8 },
      { day: '2027-03-08', count: 1 },
      // A gap on the 7th, then a run of four.
      { day: '2027-03-06', count: 3 },
      { day: '2027-03-05', count: 3 },
      { day: '2027-03-04', count: 3 },
      { day: '2027-03-03', count: 8 },
      // Outside the year: ignored.
      { day: '2026-03-10', count: 50 },
    ];
    const h = buildHeatmap(counts, NOW, 'UTC');
    const level = (day: string) => cells(h).find((c) => c.day === day)?.level;
    expect([level('2027-03-09'), level('2027-03-06'), level('2027-03-08'), level('2027-03-07')]).toEqual([4, 2, 1, 0]);
    expect(h).toMatchObject({ total: 28, daysStudied: 7, currentStreak: 3, bestStreak: 4, busiest: { day: '2027-03-03', count: 8 } });
  });

  test('GIVEN nothing graded yet today THEN the streak up to yesterday still stands; a gap of a day breaks it', () => {
    const yesterday = buildHeatmap([{ day: '2027-03-09', count: 1 }, { day: '2027-03-08', count: 1 }], NOW, 'UTC');
    expect(yesterday.currentStreak).toBe(2);
    const broken = buildHeatmap([{ day: '2027-03-08', count: 1 }], NOW, 'UTC');
    expect(broken.currentStreak).toBe(0);
    expect(broken.bestStreak).toBe(1);
  });

  test('GIVEN months THEN each label sits above the week that holds its 1st', () => {
    const h = buildHeatmap([], NOW, 'UTC');
    const labelled = h.monthLabels.map((label, w) => (label ? `${label}:${h.weeks[w]!.some((c) => c?.day.endsWith('-01'))}` : null)).filter(Boolean);
    expect(labelled).toEqual(['Apr:true', 'May:true', 'Jun:true', 'Jul:true', 'Aug:true', 'Sep:true', 'Oct:true', 'Nov:true', 'Dec:true', 'Jan:true', 'Feb:true', 'Mar:true']);
  });

  test('GIVEN America/St_Johns (UTC−3:30) THEN "today" changes at 03:30 UTC, not at midnight UTC', () => {
    expect(buildHeatmap([], new Date('2027-01-11T03:29:00Z'), 'America/St_Johns').today).toBe('2027-01-10');
    expect(buildHeatmap([], new Date('2027-01-11T03:30:00Z'), 'America/St_Johns').today).toBe('2027-01-11');
  });
});
