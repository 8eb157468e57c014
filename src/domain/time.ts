/** A calendar day as `YYYY-MM-DD`. */
export type IsoDate = string;

const DAY_MS = 86_400_000;

export function utcDay(now: Date): IsoDate {
  return now.toISOString().slice(0, 10);
}

export function addDays(day: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Wall-clock reading of an instant in a timezone. */
export interface LocalTime {
  date: IsoDate;
  /** `HH:MM`, 24-hour. */
  time: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local date and time at `now` in a timezone. Formatters are cached: the tick reads thousands of guilds. */
export function localTime(now: Date, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(now)) parts[part.type] = part.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** The calendar day it is in `timeZone` at `now`. */
export function localDay(now: Date, timeZone: string): IsoDate {
  return localTime(now, timeZone).date;
}
