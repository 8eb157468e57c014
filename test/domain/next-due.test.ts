import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isDailyDue, nextDueAt, type DailySchedule } from '../../src/domain/daily-schedule.js';
import { addDays, localTime } from '../../src/domain/time.js';

const ZONES = ['Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC', 'America/Santiago'];

const schedule = (over: Partial<DailySchedule> = {}): DailySchedule => ({
  enabled: true,
  paused: false,
  time: '18:00',
  timeZone: 'Europe/Berlin',
  startsOn: '2026-01-01',
  ...over,
});

describe('nextDueAt', () => {
  test.each([
    // [case, schedule, now, last challenge's local date, expected instant]
    ['Berlin winter, before its time: today 18:00 CET', schedule(), '2026-01-15T10:00:00Z', '2026-01-14', '2026-01-15T17:00:00.000Z'],
    ['posted today: tomorrow', schedule(), '2026-01-15T18:00:00Z', '2026-01-15', '2026-01-16T17:00:00.000Z'],
    ['overdue (catch-up): today, in the past', schedule(), '2026-01-15T22:00:00Z', '2026-01-14', '2026-01-15T17:00:00.000Z'],
    ['before startsOn: startsOn', schedule({ startsOn: '2026-02-01' }), '2026-01-15T10:00:00Z', null, '2026-02-01T17:00:00.000Z'],
    ['spring-forward: 02:30 is skipped, due when the clock jumps to 03:00', schedule({ time: '02:30' }), '2026-03-28T12:00:00Z', '2026-03-28', '2026-03-29T01:00:00.000Z'],
    ['fall-back: 02:30 happens twice, due at the first', schedule({ time: '02:30' }), '2026-10-24T12:00:00Z', '2026-10-24', '2026-10-25T00:30:00.000Z'],
    ['summer time moves 18:00 an hour earlier in UTC', schedule(), '2026-03-28T18:00:00Z', '2026-03-28', '2026-03-29T16:00:00.000Z'],
  ])('GIVEN %s THEN the next due instant is right', (_case, s, now, last, expected) => {
    expect(nextDueAt(s, new Date(now), last)?.toISOString()).toBe(expected);
  });

  test.each([
    ['disabled', schedule({ enabled: false })],
    ['paused', schedule({ paused: true })],
  ])('GIVEN a %s schedule THEN it is never due', (_case, s) => {
    expect(nextDueAt(s, new Date('2026-01-15T10:00:00Z'), null)).toBeNull();
  });

  test('GIVEN any zone, time, day and last post THEN "now is at or past nextDueAt" is exactly isDailyDue', () => {
    const minute = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z') / 60_000, max: Date.parse('2027-12-31T00:00:00Z') / 60_000 });
    fc.assert(
      fc.property(
        minute,
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(0, 1, 15, 30, 59),
        fc.constantFrom(null, -3, -1, 0, 1),
        fc.integer({ min: -2, max: 2 }),
        (m, timeZone, hour, min, lastOffset, startOffset) => {
          const now = new Date(m * 60_000);
          const today = localTime(now, timeZone).date;
          const s = schedule({ timeZone, time: `${String(hour).padStart(2, '0')}:${String(min).padStart(2, '0')}`, startsOn: addDays(today, startOffset) });
          const last = lastOffset === null ? null : addDays(today, lastOffset);
          const due = nextDueAt(s, now, last);
          expect(due).not.toBeNull();
          expect(isDailyDue(s, now, last)).toBe((due as Date).getTime() <= now.getTime());
        },
      ),
      { numRuns: 3000 },
    );
  });
});
