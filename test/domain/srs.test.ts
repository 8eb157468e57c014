import { Rating, State } from 'ts-fsrs';
import { describe, expect, test } from 'vitest';
import { formatInterval, localDayBounds, pickReview, previewIntervals, ratingOf, review } from '../../src/domain/srs.js';
import type { AnswerResult } from '../../src/domain/types.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

describe('FSRS scheduling', () => {
  test('GIVEN a new card graded Good THEN it is not due again within a day', () => {
    const { next } = review(null, 'good', NOW);
    expect(next.due.getTime() - NOW.getTime()).toBeGreaterThanOrEqual(DAY);
    expect(next.state).toBe(State.Review);
  });

  test('GIVEN a new card graded Again THEN it comes back within minutes', () => {
    const { next } = review(null, 'again', NOW);
    expect(next.due.getTime() - NOW.getTime()).toBeLessThanOrEqual(10 * MINUTE);
    expect(next.state).toBe(State.Learning);
  });

  test('GIVEN a review card forgotten THEN it relearns within minutes and counts a lapse', () => {
    const learned = review(null, 'good', NOW).next;
    const later = new Date(learned.due.getTime() + DAY);
    const lapsed = review(learned, 'again', later);
    expect(lapsed.next.lapses).toBe(1);
    expect(lapsed.next.state).toBe(State.Relearning);
    expect(lapsed.next.due.getTime() - later.getTime()).toBeLessThanOrEqual(10 * MINUTE);
    expect(lapsed.log).toMatchObject({ rating: Rating.Again, state: State.Review });
  });

  test('GIVEN a card recalled on time repeatedly THEN each interval grows', () => {
    let state = review(null, 'good', NOW).next;
    let previous = state.scheduledDays;
    for (let i = 0; i < 4; i++) {
      state = review(state, 'good', state.due).next;
      expect(state.scheduledDays).toBeGreaterThan(previous);
      previous = state.scheduledDays;
    }
  });

  test('GIVEN a higher desired retention THEN the next interval is shorter', () => {
    const card = review(null, 'good', NOW).next;
    const relaxed = review(card, 'good', card.due, 0.8).next;
    const strict = review(card, 'good', card.due, 0.95).next;
    expect(strict.scheduledDays).toBeLessThan(relaxed.scheduledDays);
  });

  test('GIVEN the grade buttons THEN their intervals rise from Again to Easy', () => {
    const p = previewIntervals(null, NOW);
    expect(p.again).toBeLessThan(p.hard);
    expect(p.hard).toBeLessThan(p.good);
    expect(p.good).toBeLessThan(p.easy);
    expect(formatInterval(p.again)).toBe('1m');
  });

  test.each<[AnswerResult, Rating]>([
    ['again', Rating.Again],
    ['hard', Rating.Hard],
    ['good', Rating.Good],
    ['easy', Rating.Easy],
    ['right', Rating.Good],
    ['wrong', Rating.Again],
  ])('GIVEN the result %s THEN FSRS sees rating %i', (result, rating) => {
    expect(ratingOf(result)).toBe(rating);
  });

  test.each([
    [30_000, '1m'],
    [8 * MINUTE, '8m'],
    [3 * 3_600_000, '3h'],
    [3 * DAY, '3d'],
    [60 * DAY, '2mo'],
    [550 * DAY, '1.5y'],
  ])('GIVEN %i ms THEN the label is %s', (ms, label) => {
    expect(formatInterval(ms)).toBe(label);
  });
});

describe('what /review serves', () => {
  const base = { now: NOW, cardIds: ['a', 'b', 'c'], known: new Set(['a']), newPerDay: 10, newToday: 0 };

  test('GIVEN a due card THEN it comes before new cards', () => {
    expect(pickReview({ ...base, earliest: { cardId: 'a', due: new Date(NOW.getTime() - DAY) } })).toEqual({ kind: 'due', cardId: 'a' });
  });

  test('GIVEN nothing due THEN the first unseen card in deck order is served', () => {
    expect(pickReview({ ...base, earliest: { cardId: 'a', due: new Date(NOW.getTime() + DAY) } })).toEqual({ kind: 'new', cardId: 'b' });
  });

  test("GIVEN today's new-card limit reached THEN nothing is served and the next due time is given", () => {
    const due = new Date(NOW.getTime() + DAY);
    expect(pickReview({ ...base, newToday: 10, earliest: { cardId: 'a', due } })).toEqual({ kind: 'none', nextDue: due, newLeftToday: 0 });
  });

  test('GIVEN a limit of 0 new cards THEN only due cards are ever served', () => {
    expect(pickReview({ ...base, newPerDay: 0, earliest: undefined })).toEqual({ kind: 'none', nextDue: null, newLeftToday: 0 });
  });

  test("GIVEN a member in Tokyo THEN their day starts at 15:00 UTC the evening before", () => {
    expect(localDayBounds('2026-03-10', 'Asia/Tokyo')).toEqual({ start: new Date('2026-03-09T15:00:00Z'), end: new Date('2026-03-10T15:00:00Z') });
  });
});
