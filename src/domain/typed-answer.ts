import { diffArrays } from 'diff';
import { distance } from 'fastest-levenshtein';
import type { Grade } from './types.js';

/** The longest typed answer the modal takes. */
export const TYPED_ANSWER_MAX_LENGTH = 400;

/** Score thresholds of the suggested self-grade: at least GOOD → Good, at least HARD → Hard, else Again. */
export const SUGGESTION_THRESHOLDS = { good: 0.9, hard: 0.6 } as const;

/** An answer of at most this many words (or one number) is "short": a near match grades it Good. */
export const SHORT_ANSWER_WORDS = 3;

/** One piece of the word diff: in both answers, only in the right one (missing) or only in the member's (extra). */
export interface DiffPart {
  kind: 'same' | 'missing' | 'extra';
  text: string;
}

export interface TypedComparison {
  /** Similarity of the normalised answers, 0–1 (1 − edit distance / longer length). */
  score: number;
  /** Equal after normalisation. */
  exact: boolean;
  /** Graded Good without asking: exact, or a match on a short answer. */
  autoGood: boolean;
  /** The grade the score suggests when the member grades themselves. */
  suggested: Grade;
  /** Word diff of the member's normalised answer against the right one. */
  diff: DiffPart[];
}

const NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * The form two answers are compared in: Unicode width folded (NFKC), accents dropped, lower case,
 * thousands separators dropped from numbers (`10,000` → `10000`), punctuation turned into spaces
 * (a decimal point between digits stays), and whitespace collapsed.
 */
export function normaliseAnswer(text: string): string {
  let s = text.normalize('NFKC').normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
  // Thousands separators: a comma, apostrophe, thin or no-break space between a digit and three digits.
  s = s.replace(/(?<=\d)[,'’\u00a0\u202f\u2009 ](?=\d{3}(?!\d))/gu, '');
  s = s.replace(/(?<!\d)\.|\.(?!\d)/g, ' ');
  s = s.replace(/[\p{P}\p{S}]/gu, (c) => (c === '.' ? c : ' '));
  return s.replace(/\s+/g, ' ').trim();
}

/** Whether a normalised answer is short: at most {@link SHORT_ANSWER_WORDS} words, or one number. */
export function isShortAnswer(normalised: string): boolean {
  if (normalised === '') return false;
  return normalised.split(' ').length <= SHORT_ANSWER_WORDS;
}

/** Similarity of two normalised strings, 0–1. */
export function similarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  return 1 - distance(a, b) / longer;
}

/** The grade a similarity score suggests: ≥ 0.9 Good, ≥ 0.6 Hard, else Again. */
export function suggestedGrade(score: number): Grade {
  if (score >= SUGGESTION_THRESHOLDS.good) return 'good';
  if (score >= SUGGESTION_THRESHOLDS.hard) return 'hard';
  return 'again';
}

/**
 * A short right answer matches when the member's answer contains it as whole words ("the perplexity"
 * for "Perplexity"), or, for a word answer of five letters or more, is one typo away from it. A number
 * must be the same number: one digit changes it.
 */
function matchesShortAnswer(typed: string, expected: string): boolean {
  if (` ${typed} `.includes(` ${expected} `)) return true;
  if (NUMBER.test(expected)) return false;
  return expected.length >= 5 && distance(typed, expected) <= 1;
}

/** Compares a member's typed answer with the card's answer. */
export function compareTypedAnswer(typed: string, expected: string): TypedComparison {
  const a = normaliseAnswer(typed);
  const b = normaliseAnswer(expected);
  const score = similarity(a, b);
  const exact = a === b && a !== '';
  const autoGood = exact || (a !== '' && isShortAnswer(b) && matchesShortAnswer(a, b));
  return { score, exact, autoGood, suggested: autoGood ? 'good' : suggestedGrade(score), diff: wordDiff(a, b) };
}

function wordDiff(typed: string, expected: string): DiffPart[] {
  const words = (s: string) => (s === '' ? [] : s.split(' '));
  return diffArrays(words(typed), words(expected)).map((change) => ({
    kind: change.added ? 'missing' : change.removed ? 'extra' : 'same',
    text: change.value.join(' '),
  }));
}

/** "87% match": the score as members read it (rounded down, so only an identical answer shows 100%). */
export function matchPercent(score: number): number {
  return Math.floor(score * 100 + 1e-9);
}
