import { describe, expect, test } from 'vitest';
import { awardedPoints, basePoints, isCorrect } from '../../src/domain/scoring.js';
import type { AnswerResult, AnswerSource } from '../../src/domain/types.js';

describe('scoring', () => {
  test.each<[AnswerSource, AnswerResult, number]>([
    ['quiz', 'again', 0],
    ['quiz', 'hard', 0],
    ['quiz', 'good', 1],
    ['quiz', 'easy', 1],
    ['quiz', 'right', 2],
    ['quiz', 'wrong', 0],
    ['review', 'good', 1],
    ['review', 'again', 0],
    ['daily', 'right', 10],
    ['daily', 'wrong', 0],
  ])('GIVEN a %s answer graded %s THEN it is worth %i points', (source, result, points) => {
    expect(basePoints(source, result)).toBe(points);
    expect(awardedPoints(source, result, false)).toBe(points);
  });

  test('GIVEN a card that already earned points today THEN a second right answer earns nothing', () => {
    expect(awardedPoints('quiz', 'good', true)).toBe(0);
    expect(awardedPoints('quiz', 'right', true)).toBe(0);
    expect(awardedPoints('review', 'easy', true)).toBe(0);
  });

  test('GIVEN the daily challenge THEN the once-a-day card rule does not apply to it', () => {
    expect(awardedPoints('daily', 'right', true)).toBe(10);
  });

  test.each<[AnswerResult, boolean]>([
    ['again', false],
    ['hard', false],
    ['good', true],
    ['easy', true],
    ['right', true],
    ['wrong', false],
  ])('GIVEN result %s THEN correct is %s', (result, correct) => {
    expect(isCorrect(result)).toBe(correct);
  });
});
