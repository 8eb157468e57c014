import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { firstDailyDate, isDailyDue, nextDailyDate, nextDueAt, parseDailyTime, zonedInstant, type DailySchedule } from '../../src/domain/daily-schedule.js';
import { pickDailyCard } from '../../src/domain/daily-cards.js';
import { periodStart } from '../../src/domain/periods.js';
import { canonicalTimeZone, suggestTimeZones } from '../../src/domain/timezones.js';
import type { Card } from '../../src/domain/types.js';
import { addDays, localTime } from '../../src/domain/time.js';
import { seededRandom } from '../support/fixtures.js';

const schedule = (over: Partial<DailySchedule> = {}): DailySchedule => ({
  enabled: true,
  paused: false,
  time: '18:00',
  timeZone: 'Europe/Berlin',
  startsOn: '2026-01-01',
  ...over,
});

describe('isDailyDue', () => {
  test.each([
    // [case, schedule, now (UTC), last challenge's local date, due?]
    ['Berlin (UTC+1 in winter) before its time', schedule(), '2026-01-15T16:59:00Z', '2026-01-14', false],
    ['Berlin at its time', schedule(), '2026-01-15T17:00:00Z', '2026-01-14', true],
    ['Berlin in summer (UTC+2) at its time', schedule(), '2026-07-15T16:00:00Z', '2026-07-14', true],
    ['Los Angeles (UTC−8) before its time', schedule({ timeZone: 'America/Los_Angeles', time: '09:00' }), '2026-01-15T16:59:00Z', '2026-01-14', false],
    ['Los Angeles at its time', schedule({ timeZone: 'America/Los_Angeles', time: '09:00' }), '2026-01-15T17:00:00Z', '2026-01-14', true],
    ['Tokyo (UTC+9) at 08:00 local, the previous UTC day', schedule({ timeZone: 'Asia/Tokyo', time: '08:00' }), '2026-01-14T23:00:00Z', '2026-01-14', true],
    ['Kolkata (UTC+5:30) half-hour offset', schedule({ timeZone: 'Asia/Kolkata', time: '07:00' }), '2026-01-15T01:30:00Z', '2026-01-14', true],
    ['a guild that already has today\'s challenge', schedule(), '2026-01-15T20:00:00Z', '2026-01-15', false],
    ['a disabled guild', schedule({ enabled: false }), '2026-01-15T20:00:00Z', '2026-01-14', false],
    ['a paused guild', schedule({ paused: true }), '2026-01-15T20:00:00Z', '2026-01-14', false],
    ['a guild that never posted', schedule(), '2026-01-15T17:00:00Z', null, true],
    ['catching up after downtime, same local day', schedule(), '2026-01-15T22:30:00Z', '2026-01-13', true],
    ['catching up is too late once the local day ended (next day before its time)', schedule(), '2026-01-16T10:00:00Z', '2026-01-14', false],
    ['before startsOn (set up after today\'s time)', schedule({ startsOn: '2026-01-16' }), '2026-01-15T20:00:00Z', null, false],
    // DST: Europe/Berlin springs forward on 2026-03-29 at 02:00 → 03:00.
    ['spring-forward: 02:30 does not exist, not yet at 01:59', schedule({ time: '02:30' }), '2026-03-29T00:59:00Z', '2026-03-28', false],
    ['spring-forward: 02:30 does not exist, due at 03:00', schedule({ time: '02:30' }), '2026-03-29T01:00:00Z', '2026-03-28', true],
    ['spring-forward: 18:00 comes an hour earlier in UTC', schedule(), '2026-03-29T16:00:00Z', '2026-03-28', true],
    // Europe/Berlin falls back on 2026-10-25 at 03:00 → 02:00: 02:30 happens twice.
    ['fall-back: first 02:30 posts', schedule({ time: '02:30' }), '2026-10-25T00:30:00Z', '2026-10-24', true],
    ['fall-back: second 02:30 does not post twice', schedule({ time: '02:30' }), '2026-10-25T01:30:00Z', '2026-10-25', false],
    // America/New_York: spring forward 2026-03-08 02:00 → 03:00; fall back 2026-11-01 02:00 → 01:00.
    ['New York spring-forward: 02:15 posts at 03:00 EDT', schedule({ timeZone: 'America/New_York', time: '02:15' }), '2026-03-08T07:00:00Z', '2026-03-07', true],
    ['New York fall-back: 01:30 repeated, no second post', schedule({ timeZone: 'America/New_York', time: '01:30' }), '2026-11-01T06:30:00Z', '2026-11-01', false],
  ] as const)('GIVEN %s THEN due is %s', (_case, s, now, last, due) => {
    expect(isDailyDue(s, new Date(now), last)).toBe(due);
  });

  test.each(['02:30', '00:00', '23:59', '18:00', '03:00', '02:00'])(
    'GIVEN the time %s walked minute by minute across both Berlin DST days THEN exactly one post is due each of those local days',
    (time) => {
      for (const day of ['2026-03-29', '2026-10-25']) {
        const s = schedule({ time });
        const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: s.timeZone });
        let last: string | null = '2026-01-01';
        const postsOn = new Map<string, number>();
        const start = Date.parse(`${day}T00:00:00Z`) - 6 * 3_600_000;
        for (let t = start; t < start + 36 * 3_600_000; t += 60_000) {
          const now = new Date(t);
          if (isDailyDue(s, now, last)) {
            last = localDate.format(now);
            postsOn.set(last, (postsOn.get(last) ?? 0) + 1);
          }
        }
        expect(postsOn.get(day)).toBe(1);
        expect([...postsOn.values()].every((n) => n === 1)).toBe(true);
      }
    },
  );
});

describe('setup and status dates', () => {
  test('GIVEN setup before today\'s time THEN the first challenge is today, after it THEN tomorrow', () => {
    expect(firstDailyDate('18:00', 'Europe/Berlin', new Date('2026-01-15T12:00:00Z'))).toBe('2026-01-15');
    expect(firstDailyDate('18:00', 'Europe/Berlin', new Date('2026-01-15T17:30:00Z'))).toBe('2026-01-16');
  });

  test('GIVEN today\'s challenge posted THEN the next post is tomorrow', () => {
    expect(nextDailyDate(schedule(), new Date('2026-01-15T20:00:00Z'), '2026-01-15')).toBe('2026-01-16');
    expect(nextDailyDate(schedule({ enabled: false }), new Date('2026-01-15T20:00:00Z'), null)).toBeNull();
  });

  test.each([
    ['2026-01-15', '18:00', 'Europe/Berlin', '2026-01-15T17:00:00.000Z'],
    ['2026-03-29', '02:30', 'Europe/Berlin', '2026-03-29T01:00:00.000Z'],
    ['2026-10-25', '02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
    ['2026-01-15', '07:00', 'Asia/Kolkata', '2026-01-15T01:30:00.000Z'],
  ])('GIVEN %s %s in %s THEN it happens at %s', (date, time, zone, iso) => {
    expect(zonedInstant(date, time, zone).toISOString()).toBe(iso);
  });
});

describe('input rules', () => {
  test.each([
    ['18:00', '18:00'],
    ['7:30', '07:30'],
    ['00:00', '00:00'],
    ['23:59', '23:59'],
    ['24:00', null],
    ['18:60', null],
    ['6pm', null],
    ['1800', null],
    ['18.00', null],
    ['', null],
  ])('GIVEN the time %j THEN it parses to %j', (input, parsed) => {
    expect(parseDailyTime(input)).toBe(parsed);
  });

  test.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['America/New York', 'America/New_York'],
    ['UTC', 'UTC'],
    ['Mars/Olympus_Mons', null],
    ['CET', null],
    ['+02:00', null],
    ['Berlin', null],
  ])('GIVEN the timezone %j THEN it is %j', (input, zone) => {
    expect(canonicalTimeZone(input)).toBe(zone);
  });

  test('GIVEN a misspelt timezone THEN the closest names are suggested', () => {
    expect(suggestTimeZones('Europe/Berln')[0]).toBe('Europe/Berlin');
    expect(suggestTimeZones('Berlin')).toContain('Europe/Berlin');
    expect(suggestTimeZones('New York')).toContain('America/New_York');
  });
});

describe('daily card rotation', () => {
  const cards = Array.from({ length: 7 }, (_, i): Card => ({ id: `c${i}`, deckId: 'd', question: `Question ${i}?`, answer: `A${i}`, explanation: undefined, choices: [], position: i + 1 }));

  test('GIVEN a pool THEN no card repeats until every card was seen, then a new cycle begins in another order', () => {
    const usage = new Map<string, number>();
    const random = seededRandom(3);
    const order: string[] = [];
    for (let i = 0; i < 21; i++) {
      const card = pickDailyCard(cards, usage, random);
      usage.set(card.id, (usage.get(card.id) ?? 0) + 1);
      order.push(card.id);
    }
    for (let cycle = 0; cycle < 3; cycle++) {
      expect(new Set(order.slice(cycle * 7, cycle * 7 + 7)).size).toBe(7);
    }
    expect(order.slice(0, 7)).not.toEqual(order.slice(7, 14));
  });
});

describe('leaderboard periods', () => {
  test.each([
    ['week', '2026-01-15T12:00:00Z', 'UTC', '2026-01-12T00:00:00.000Z'], // a Thursday → Monday
    ['week', '2026-01-18T23:30:00Z', 'UTC', '2026-01-12T00:00:00.000Z'], // Sunday night still that week
    ['week', '2026-01-18T23:30:00Z', 'Europe/Berlin', '2026-01-18T23:00:00.000Z'], // already Monday in Berlin
    ['month', '2026-03-01T00:30:00Z', 'America/New_York', '2026-02-01T05:00:00.000Z'], // still February in New York
    ['month', '2026-03-15T12:00:00Z', 'Europe/Berlin', '2026-02-28T23:00:00.000Z'],
  ] as const)('GIVEN the %s at %s in %s THEN it began at %s', (period, now, zone, start) => {
    expect(periodStart(period, new Date(now), zone)?.toISOString()).toBe(start);
  });

  test('GIVEN all time THEN there is no start', () => {
    expect(periodStart('all', new Date(), 'UTC')).toBeNull();
  });
});

const ZONES = ['Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC', 'America/Santiago'];

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
