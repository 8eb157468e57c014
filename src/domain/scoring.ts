import type { AnswerResult, AnswerSource } from './types.js';

export const POINTS = {
  flashcardRecalled: 1,
  choiceRight: 2,
  dailyRight: 10,
} as const;

/** Whether a result counts as a correct answer for accuracy. */
export function isCorrect(result: AnswerResult): boolean {
  return result === 'good' || result === 'easy' || result === 'right';
}

/**
 * Points a graded answer is worth before the once-per-day rule: Good or Easy 1, a right choice 2,
 * a right daily answer 10, anything else 0.
 */
export function basePoints(source: AnswerSource, result: AnswerResult): number {
  if (!isCorrect(result)) return 0;
  if (source === 'daily') return POINTS.dailyRight;
  return result === 'right' ? POINTS.choiceRight : POINTS.flashcardRecalled;
}

/**
 * A card earns points at most once per member per UTC day in quiz and review, so repeating a card
 * farms nothing. The daily challenge is one card a day and is not limited by it.
 */
export function awardedPoints(
  source: AnswerSource,
  result: AnswerResult,
  alreadyEarnedForCardToday: boolean,
): number {
  if (source !== 'daily' && alreadyEarnedForCardToday) return 0;
  return basePoints(source, result);
}
