import { describe, expect, test } from 'vitest';
import {
  GAME_POINTS,
  buildScoreboard,
  fastestLedgerBonus,
  gameLedgerPoints,
  gameQuestionCount,
  isQuestionOver,
  nextQuestionAt,
  questionDeadline,
  rightAnswersInOrder,
  type GameAnswer,
} from '../../src/domain/game.js';

const T0 = new Date('2026-03-10T12:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
let nextId = 1;
const answer = (questionId: number, userId: string, correct: boolean, ms: number): GameAnswer => ({ id: nextId++, questionId, userId, correct, answeredAt: at(ms) });

describe('/game rules', () => {
  test('GIVEN a question posted at T with 20 seconds THEN its deadline is T+20 s, and the next question comes 3 s after a close', () => {
    expect(questionDeadline(T0, 20).toISOString()).toBe('2026-03-10T12:00:20.000Z');
    expect(nextQuestionAt(at(20_000)).toISOString()).toBe('2026-03-10T12:00:23.000Z');
  });

  test('GIVEN a shorter game second (tests) THEN the deadline scales with it', () => {
    expect(questionDeadline(T0, 10, 100).getTime() - T0.getTime()).toBe(1000);
  });

  test.each([
    ['before the deadline with members still to answer', { joined: 3, waitingFor: 1 }, 19_999, false],
    ['at the deadline', { joined: 3, waitingFor: 1 }, 20_000, true],
    ['before the deadline once everyone who joined answered', { joined: 3, waitingFor: 0 }, 5_000, true],
    ['before the deadline when nobody has joined yet (first question)', { joined: 0, waitingFor: 0 }, 5_000, false],
  ])('GIVEN an open question %s (%o, at %i ms) THEN isQuestionOver is %s', (_label, counts, ms, over) => {
    expect(isQuestionOver({ deadline: questionDeadline(T0, 20), ...counts }, at(ms))).toBe(over);
  });

  test('GIVEN right answers at the same instant THEN the one recorded first is the fastest', () => {
    const a = answer(1, 'a', true, 500);
    const b = answer(1, 'b', true, 500);
    const wrong = answer(1, 'c', false, 100);
    expect(rightAnswersInOrder([b, wrong, a]).map((x) => x.userId)).toEqual(['a', 'b']);
  });

  test('GIVEN two questions THEN a right answer is 2 points and the fastest right answer to each 1 more', () => {
    const board = buildScoreboard([
      answer(1, 'ann', true, 900),
      answer(1, 'bob', true, 400),
      answer(1, 'cat', false, 100),
      answer(2, 'ann', true, 10_300),
      answer(2, 'bob', false, 10_200),
    ]);
    expect(board.map((l) => [l.userId, l.points, l.right, l.fastest, l.answered])).toEqual([
      ['ann', 2 * GAME_POINTS.right + GAME_POINTS.fastest, 2, 1, 2],
      ['bob', GAME_POINTS.right + GAME_POINTS.fastest, 1, 1, 2],
      ['cat', 0, 0, 0, 1],
    ]);
  });

  test('GIVEN two members on equal points THEN the one whose right answers came earlier ranks first', () => {
    const board = buildScoreboard([
      answer(1, 'zed', true, 100), // fastest: 3 points
      answer(1, 'amy', true, 200), // 2
      answer(2, 'amy', true, 10_100), // fastest: amy 5 at 10.1 s
      answer(2, 'zed', true, 10_200), // zed 5 at 10.2 s
    ]);
    expect(board.map((l) => [l.userId, l.points])).toEqual([
      ['amy', 5],
      ['zed', 5],
    ]);
  });

  test('GIVEN members with no right answers THEN they are listed after scorers, by member id', () => {
    const board = buildScoreboard([answer(1, 'm2', false, 1), answer(1, 'm1', false, 2), answer(1, 'm3', true, 3)]);
    expect(board.map((l) => l.userId)).toEqual(['m3', 'm1', 'm2']);
  });

  test('GIVEN the once-a-day rule THEN a card already scored today adds nothing to the pool, and its fastest bonus neither', () => {
    expect(gameLedgerPoints(true, false)).toBe(2);
    expect(gameLedgerPoints(false, false)).toBe(0);
    expect(gameLedgerPoints(true, true)).toBe(0);
    expect(fastestLedgerBonus(2)).toBe(1);
    expect(fastestLedgerBonus(0)).toBe(0);
  });

  test('GIVEN a deck smaller than the questions asked THEN the game asks every card once', () => {
    expect(gameQuestionCount(10, 4)).toBe(4);
    expect(gameQuestionCount(10, 52)).toBe(10);
  });
});
