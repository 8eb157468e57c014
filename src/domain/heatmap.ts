import { addDays, localDay, type IsoDate } from './time.js';

/** The calendar shows the last 365 days in 53 week columns of 7 days (Monday on top). */
export const HEATMAP_DAYS = 365;
export const HEATMAP_WEEKS = 53;

/** Cards graded on one local day. */
export interface DayCount {
  day: IsoDate;
  count: number;
}

/** One square: its day, its count and its shade (0 none … 4 busiest). */
export interface HeatmapCell extends DayCount {
  level: 0 | 1 | 2 | 3 | 4;
}

export interface Heatmap {
  /** The timezone the days are counted in. */
  timeZone: string;
  /** The member's local date at `now`: the last day shown. */
  today: IsoDate;
  /** The first day shown (364 days before today). */
  first: IsoDate;
  /** 53 week columns, oldest first, each Monday…Sunday; null for a square outside the 365 days. */
  weeks: (HeatmapCell | null)[][];
  /** Per column, the month label to print above it (on the first week holding a month's 1st), else null. */
  monthLabels: (string | null)[];
  total: number;
  daysStudied: number;
  /** Consecutive days with a graded card up to today; a streak not yet extended today still counts until the day ends. */
  currentStreak: number;
  /** The longest run of consecutive study days within the 365 days. */
  bestStreak: number;
  /** The day with the most cards (the earliest of equals), or null without any. */
  busiest: DayCount | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Monday 0 … Sunday 6. */
function weekday(day: IsoDate): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** How dark a day's square is: a share of the busiest day, in four steps. */
function levelOf(count: number, max: number): HeatmapCell['level'] {
  if (count <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((4 * count) / max))) as HeatmapCell['level'];
}

/**
 * The study calendar of the year up to `now`, in the member's timezone, from cards graded per local
 * day (days absent from `counts` had none; days outside the year are ignored).
 */
export function buildHeatmap(counts: readonly DayCount[], now: Date, timeZone: string): Heatmap {
  const today = localDay(now, timeZone);
  const first = addDays(today, -(HEATMAP_DAYS - 1));
  const byDay = new Map<IsoDate, number>();
  for (const { day, count } of counts) {
    if (day >= first && day <= today && count > 0) byDay.set(day, (byDay.get(day) ?? 0) + count);
  }
  const max = Math.max(0, ...byDay.values());
  const gridStart = addDays(today, -(weekday(today) + (HEATMAP_WEEKS - 1) * 7));
  const weeks: (HeatmapCell | null)[][] = [];
  const monthLabels: (string | null)[] = [];
  for (let w = 0; w < HEATMAP_WEEKS; w++) {
    const column: (HeatmapCell | null)[] = [];
    let label: string | null = null;
    for (let d = 0; d < 7; d++) {
      const day = addDays(gridStart, w * 7 + d);
      if (day < first || day > today) {
        column.push(null);
        continue;
      }
      const count = byDay.get(day) ?? 0;
      column.push({ day, count, level: levelOf(count, max) });
      if (day.endsWith('-01')) label = MONTHS[Number(day.slice(5, 7)) - 1] ?? null;
    }
    weeks.push(column);
    monthLabels.push(label);
  }

  let best = 0;
  let run = 0;
  let busiest: DayCount | null = null;
  for (let day = first; day <= today; day = addDays(day, 1)) {
    const count = byDay.get(day) ?? 0;
    run = count > 0 ? run + 1 : 0;
    best = Math.max(best, run);
    if (count > (busiest?.count ?? 0)) busiest = { day, count };
  }
  let current = 0;
  for (let day = byDay.has(today) ? today : addDays(today, -1); day >= first && byDay.has(day); day = addDays(day, -1)) current++;

  return {
    timeZone,
    today,
    first,
    weeks,
    monthLabels,
    total: [...byDay.values()].reduce((sum, n) => sum + n, 0),
    daysStudied: byDay.size,
    currentStreak: current,
    bestStreak: best,
    busiest,
  };
}
