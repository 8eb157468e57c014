import { describe, expect, test } from 'vitest';
import { compareTypedAnswer, matchPercent, normaliseAnswer, suggestedGrade } from '../../src/domain/typed-answer.js';

describe('normalising a typed answer', () => {
  test.each([
    ['case', 'ReLU', 'relu'],
    ['punctuation', 'k-medoids (PAM).', 'k medoids pam'],
    ['thousands separators', '10,000', '10000'],
    ['several thousands separators', '1,234,567 weights', '1234567 weights'],
    ['a thin-space thousands separator', '10\u2009000', '10000'],
    ['a decimal point', '0.5', '0.5'],
    ['a sentence-ending full stop after a number', 'It is 3.', 'it is 3'],
    ['a comma between numbers that is no thousands separator', '3,14', '3 14'],
    ['accents', 'Nyström café', 'nystrom cafe'],
    ['Unicode width (full-width letters and digits)', 'ＲｅＬＵ １０', 'relu 10'],
    ['ligatures', 'ﬁlter', 'filter'],
    ['curly quotes and dashes', '“word2vec” — skip‑gram', 'word2vec skip gram'],
    ['spaces and line breaks', '  batch \n  norm  ', 'batch norm'],
  ])('GIVEN %s THEN %j normalises to %j', (_what, raw, expected) => {
    expect(normaliseAnswer(raw)).toBe(expected);
  });

  test('GIVEN `10,000` and `10000`, `ReLU` and `relu` THEN each pair is equal', () => {
    expect(normaliseAnswer('10,000')).toBe(normaliseAnswer('10000'));
    expect(normaliseAnswer('ReLU')).toBe(normaliseAnswer('relu'));
  });
});

describe('comparing a typed answer with the card', () => {
  test.each([
    ['an exact match after normalisation', 'the MEAN squared residue of the submatrix', 'The mean squared residue of the submatrix.'],
    ['a short answer contained in the typed one', 'I think perplexity', 'Perplexity.'],
    ['a short answer one typo away', 'perplexty', 'Perplexity.'],
    ['one number, written with a separator', '10,000', '10000'],
  ])('GIVEN %s THEN it is graded Good at once', (_what, typed, expected) => {
    const c = compareTypedAnswer(typed, expected);
    expect(c.autoGood).toBe(true);
    expect(c.suggested).toBe('good');
  });

  test.each([
    ['a long answer one word off', 'The mean absolute residue of the submatrix', 'The mean squared residue of the submatrix.'],
    ['a short answer two typos away whose meaning differs', 'Translation invariance', 'Translation equivariance'],
    ['a different number', '10001', '10000'],
    ['a number one digit off though one edit away', '1000', '10000'],
    ['an empty answer', '   ', 'Covariance'],
  ])('GIVEN %s THEN the member grades it themselves', (_what, typed, expected) => {
    expect(compareTypedAnswer(typed, expected).autoGood).toBe(false);
  });

  test.each([
    [1, 'good'],
    [0.9, 'good'],
    [0.899, 'hard'],
    [0.6, 'hard'],
    [0.599, 'again'],
    [0, 'again'],
  ] as const)('GIVEN a score of %d THEN the suggested grade is %s', (score, grade) => {
    expect(suggestedGrade(score)).toBe(grade);
  });

  test('GIVEN a near miss on a long answer THEN the score suggests Good, a half answer Hard and an unrelated one Again', () => {
    const answer = 'Shared neighbours capture wider context, so one coincidental close pair cannot join two clusters.';
    const near = compareTypedAnswer('Shared neighbors capture wider context, so one coincidental close pair cannot join two clusters', answer);
    expect(near.score).toBeGreaterThanOrEqual(0.9);
    expect(near.suggested).toBe('good');
    expect(near.autoGood).toBe(false);
    const half = compareTypedAnswer('Shared neighbours capture wider context so pairs cannot join clusters', answer);
    expect(half.suggested).toBe('hard');
    const wrong = compareTypedAnswer('Because of the learning rate', answer);
    expect(wrong.suggested).toBe('again');
  });

  test('GIVEN a typed answer THEN the diff marks the words it lacks and the words it adds, in order', () => {
    const c = compareTypedAnswer('translation invariance always', 'Translation equivariance');
    expect(c.diff).toEqual([
      { kind: 'same', text: 'translation' },
      { kind: 'extra', text: 'invariance always' },
      { kind: 'missing', text: 'equivariance' },
    ]);
    expect(matchPercent(c.score)).toBe(Math.floor(c.score * 100));
  });

  test('GIVEN only an identical answer THEN the match shows 100%', () => {
    expect(matchPercent(compareTypedAnswer('relu', 'ReLU').score)).toBe(100);
    expect(matchPercent(0.999)).toBe(99);
  });
});
