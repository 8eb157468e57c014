import { describe, expect, test } from 'vitest';
import { effectsOf, type LedgerAnswer } from '../../src/domain/answer-effects.js';
import { review } from '../../src/domain/srs.js';
import { NO_STREAK } from '../../src/domain/streak.js';

const answer = (over: Partial<LedgerAnswer> = {}): LedgerAnswer => ({
  id: 1,
  source: 'quiz',
  guildId: '1',
  userId: '2',
  deckId: 'cnn',
  cardId: 'cnn-1',
  result: 'good',
  correct: true,
  points: 1,
  answeredAt: new Date('2026-03-10T12:00:00Z'),
  awardDay: '2026-03-10',
  roundId: 7,
  challengeId: null,
  ...over,
});

describe('what an answer in the ledger changes besides its row', () => {
  test('GIVEN a first answer THEN the streak starts on its day and the memory is FSRS\'s review at the moment it was answered', () => {
    const a = answer();
    const effects = effectsOf(a, { studyStreak: NO_STREAK, memory: null, retention: 0.9 });
    expect(effects.studyStreak).toEqual({ current: 1, best: 1, lastDay: '2026-03-10' });
    expect(effects.next).toEqual(review(null, 'good', a.answeredAt, 0.9).next);
    expect(effects.dailyCorrect).toBeUndefined();
  });

  test('GIVEN answers applied one after another THEN the second moves on from the first, as if computed when answered', () => {
    const first = answer();
    const second = answer({ id: 2, result: 'again', correct: false, answeredAt: new Date('2026-03-11T09:00:00Z'), awardDay: '2026-03-11' });
    const afterFirst = effectsOf(first, { studyStreak: NO_STREAK, memory: null, retention: 0.9 });
    const afterSecond = effectsOf(second, { studyStreak: afterFirst.studyStreak, memory: afterFirst.next, retention: 0.9 });
    expect(afterSecond.studyStreak).toEqual({ current: 2, best: 2, lastDay: '2026-03-11' });
    expect(afterSecond.next).toEqual(review(review(null, 'good', first.answeredAt).next, 'again', second.answeredAt).next);
  });

  test('GIVEN a daily answer THEN it says whether the daily streak goes up (right) or back to 0 (wrong)', () => {
    const before = { studyStreak: NO_STREAK, memory: null, retention: 0.9 };
    expect(effectsOf(answer({ source: 'daily', result: 'right' }), before).dailyCorrect).toBe(true);
    expect(effectsOf(answer({ source: 'daily', result: 'wrong', correct: false }), before).dailyCorrect).toBe(false);
    expect(effectsOf(answer({ source: 'game', result: 'right' }), before).dailyCorrect).toBeUndefined();
  });
});
