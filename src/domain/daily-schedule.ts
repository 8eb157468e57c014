import { addDays, localTime, type IsoDate, type LocalTime } from './time.js';

/** A guild's daily-challenge settings, as far as the schedule cares. */
export interface DailySchedule {
  enabled: boolean;
  /** Set when a posting failure paused the guild until an admin fixes it with /daily setup. */
  paused: boolean;
  /** `HH:MM`, 24-hour, in `timeZone`. */
  time: string;
  timeZone: string;
  /** The first local date that may get a challenge: set at setup to today or tomorrow. */
  startsOn: IsoDate;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses `HH:MM` on a 24-hour clock (also accepts `H:MM`); null for anything else. */
export function parseDailyTime(input: string): string | null {
  const trimmed = input.trim();
  const padded = /^\d:\d\d$/.test(trimmed) ? `0${trimmed}` : trimmed;
  return TIME.test(padded) ? padded : null;
}

/**
 * Whether a guild is due for its daily challenge at `now`: enabled and not paused, its local date
 * has started (`startsOn`), the local wall clock has reached its time, and it has no challenge yet for
 * that local date.
 *
 * Comparing wall-clock readings makes DST come out right: on the spring-forward day a time inside
 * the skipped hour (02:30) is "reached" at 03:00, so it still posts once; on the fall-back day the
 * repeated hour finds today's challenge already there. A challenge missed while the bot was down is
 * due as soon as it returns, while that local day is still running.
 */
export function isDailyDue(schedule: DailySchedule, now: Date, lastChallengeDate: IsoDate | null): boolean {
  return isDailyDueAt(schedule, localTime(now, schedule.timeZone), lastChallengeDate);
}

/** {@link isDailyDue} given the local time in the schedule's timezone already read (a tick reads it once per zone). */
export function isDailyDueAt(schedule: DailySchedule, local: LocalTime, lastChallengeDate: IsoDate | null): boolean {
  if (!schedule.enabled || schedule.paused) return false;
  if (local.date < schedule.startsOn) return false;
  if (lastChallengeDate !== null && lastChallengeDate >= local.date) return false;
  return local.time >= schedule.time;
}

/** The first local date a newly set-up schedule posts on: today if its time is still ahead, else tomorrow. */
export function firstDailyDate(time: string, timeZone: string, now: Date): IsoDate {
  const local = localTime(now, timeZone);
  return local.time < time ? local.date : addDays(local.date, 1);
}

/** The local date of the next post, for /daily status. */
export function nextDailyDate(schedule: DailySchedule, now: Date, lastChallengeDate: IsoDate | null): IsoDate | null {
  if (!schedule.enabled || schedule.paused) return null;
  const local = localTime(now, schedule.timeZone);
  let date = local.date < schedule.startsOn ? schedule.startsOn : local.date;
  if (lastChallengeDate !== null && lastChallengeDate >= date) date = addDays(lastChallengeDate, 1);
  return date;
}

/**
 * The instant from which {@link isDailyDue} holds, for the scheduler's index: the next post's local
 * date at the schedule's time, through {@link zonedInstant} (so DST agrees with the wall-clock rule).
 * In the past when a post is overdue; null when the schedule never posts (disabled or paused).
 */
export function nextDueAt(schedule: DailySchedule, now: Date, lastChallengeDate: IsoDate | null): Date | null {
  const date = nextDailyDate(schedule, now, lastChallengeDate);
  return date === null ? null : zonedInstant(date, schedule.time, schedule.timeZone);
}

/**
 * The instant a local wall-clock time happens in a timezone. A time skipped by DST resolves to the
 * moment the clock jumps past it (when the challenge would post); a repeated time to its first
 * occurrence.
 */
export function zonedInstant(date: IsoDate, time: string, timeZone: string): Date {
  const wanted = Date.parse(`${date}T${time}:00Z`);
  // Start from the wall time read as UTC and correct by the zone's offset; two passes settle DST edges.
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const local = localTime(new Date(guess), timeZone);
    const seen = Date.parse(`${local.date}T${local.time}:00Z`);
    guess += wanted - seen;
  }
  const first = earliestMatch(guess, wanted, timeZone);
  const reading = localTime(new Date(first), timeZone);
  if (reading.date === date && reading.time === time) return new Date(first);
  // Skipped by spring-forward: step to the first minute whose wall time is at or past the wanted one.
  let probe = first - 3 * 3_600_000;
  while (Date.parse(`${localTime(new Date(probe), timeZone).date}T${localTime(new Date(probe), timeZone).time}:00Z`) < wanted) {
    probe += 60_000;
  }
  return new Date(probe);
}

function earliestMatch(guess: number, wanted: number, timeZone: string): number {
  // On a fall-back day the same wall time happens twice; prefer the earlier (an hour before).
  const earlier = guess - 3_600_000;
  const reading = localTime(new Date(earlier), timeZone);
  return Date.parse(`${reading.date}T${reading.time}:00Z`) === wanted ? earlier : guess;
}
