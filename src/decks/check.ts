import type { Card, Deck } from '../domain/types.js';
import { checkDecks, type DeckProblem } from './loader.js';

export interface DeckReport {
  decks: Deck[];
  problems: DeckProblem[];
  warnings: DeckProblem[];
}

/** Where a card is written, so a warning can point at it. */
export interface CardLocation {
  file: string;
  line: number;
}

/**
 * Thresholds for the near-duplicate warning, chosen on the shipped decks. Two questions this close
 * are flagged whatever their answers; below that, a pair is flagged only when the answers agree too,
 * so deliberate contrast pairs ("what does max pooling output?" / "… average pooling …", similarity
 * 0.82, answers 6 and 3) stay quiet.
 */
export const NEAR_DUPLICATE = { question: 0.9, questionWithSameAnswer: 0.5, answer: 0.5 } as const;

/** An answer restates its question when this much of it is in the question and it covers this much of the question. */
export const REPEATED_ANSWER = { contained: 0.8, covers: 0.6 } as const;

/**
 * In choice mode a member who always picks the longest option is right this share of the time at most
 * before decks:check warns (chance is 25%). "Longest" means strictly more characters (Unicode code points)
 * than each of the three distractors; a tie with a distractor does not count, since length then tells
 * nothing. The share is over the deck's cards that have choices.
 */
export const LONGEST_ANSWER_MAX_SHARE = 0.4;

/** Words too common to tell two questions apart. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the of to in on for is are was were be been being by with and or but not no nor ' +
    'what which who whom whose why how when where does do did doing done it its it\'s this that these those ' +
    'as at from than then into onto about over under can could would should will shall may might must ' +
    'has have had having if so such there their they them we you your our i me my he she his her ' +
    'one called use used using also just very'
  ).split(' '),
);

/** Validation plus the editorial warnings decks:check prints: near-duplicate questions, answers that repeat the question. */
export async function reviewDecks(dirs: string | readonly string[]): Promise<DeckReport> {
  const { decks, problems, locations } = await checkDecks(dirs);
  return { decks, problems, warnings: editorialWarnings(decks, locations) };
}

/**
 * Warnings that never fail the check: questions that (nearly) repeat another card's, across all decks,
 * and answers that only restate their question. Compares every pair of cards once: O(n²) in cards.
 */
export function editorialWarnings(decks: readonly Deck[], locations: ReadonlyMap<string, CardLocation> = new Map()): DeckProblem[] {
  const where = (card: Card): CardLocation => locations.get(card.id) ?? { file: `deck "${card.deckId}"`, line: card.position };
  const cards = decks.flatMap((deck) => deck.cards).map((card) => ({
    card,
    question: contentWords(card.question),
    answer: contentWords(card.answer),
    answerText: normalise(card.answer),
  }));
  const warnings: DeckProblem[] = [];

  for (const { card, question, answer } of cards) {
    if (answerRepeatsQuestion(card.question, card.answer, question, answer)) {
      warnings.push({
        ...where(card),
        cardId: card.id,
        message: 'answer repeats the question; make the answer the fact being asked for, not a restatement',
      });
    }
  }

  for (let i = 0; i < cards.length; i++) {
    const first = cards[i]!;
    for (let j = i + 1; j < cards.length; j++) {
      const second = cards[j]!;
      const questionSimilarity = jaccard(first.question, second.question);
      if (questionSimilarity < NEAR_DUPLICATE.questionWithSameAnswer) continue;
      const sameAnswer =
        first.answerText === second.answerText || jaccard(first.answer, second.answer) >= NEAR_DUPLICATE.answer;
      if (questionSimilarity < NEAR_DUPLICATE.question && !sameAnswer) continue;
      const at = where(first.card);
      warnings.push({
        ...where(second.card),
        cardId: second.card.id,
        message:
          `question is a near-duplicate of card "${first.card.id}" at ${at.file}:${at.line} (similarity ${questionSimilarity.toFixed(2)}` +
          `${sameAnswer ? ', similar answer' : ''}); merge the two cards or make them ask different things`,
      });
    }
  }
  warnings.push(...longestAnswerWarnings(decks, locations));
  return warnings;
}

/** The cards with choices, and how many of them have an answer longer than every distractor. */
export function longestAnswerCount(deck: Deck): { withChoices: number; longest: number } {
  const length = (text: string) => [...text].length;
  const withChoices = deck.cards.filter((card) => card.choices.length > 0);
  const longest = withChoices.filter((card) => card.choices.every((choice) => length(card.answer) > length(choice))).length;
  return { withChoices: withChoices.length, longest };
}

/** One warning per deck where picking the longest option is right in more than LONGEST_ANSWER_MAX_SHARE of its cards. */
export function longestAnswerWarnings(decks: readonly Deck[], locations: ReadonlyMap<string, CardLocation> = new Map()): DeckProblem[] {
  const warnings: DeckProblem[] = [];
  for (const deck of decks) {
    const { withChoices, longest } = longestAnswerCount(deck);
    if (withChoices === 0 || longest / withChoices <= LONGEST_ANSWER_MAX_SHARE) continue;
    const first = deck.cards[0];
    const file = (first && locations.get(first.id)?.file) ?? `deck "${deck.id}"`;
    const percent = Math.round((100 * longest) / withChoices);
    warnings.push({
      file,
      line: 1,
      message:
        `deck "${deck.id}": the answer is the longest option in ${percent}% of its cards with choices (${longest} of ${withChoices}; ` +
        `warned above ${LONGEST_ANSWER_MAX_SHARE * 100}%), so members can guess by length; write distractors as long and as plausible as the answer, or tighten the answers`,
    });
  }
  return warnings;
}

/** True when the answer gives back the question's own words instead of the fact asked for. */
export function answerRepeatsQuestion(
  questionText: string,
  answerText: string,
  question: ReadonlySet<string> = contentWords(questionText),
  answer: ReadonlySet<string> = contentWords(answerText),
): boolean {
  const q = normalise(questionText);
  const a = normalise(answerText);
  if (a === q) return true;
  // Verbatim copies of at least two content words; one-word answers ("16", "Dropout") often rightly echo a
  // number or a term the question sets up, and "A or B?" questions rightly answer with one alternative.
  if (answer.size >= 2 && ` ${q} `.includes(` ${a} `) && !` ${q} `.includes(` ${a} or `) && !` ${q} `.includes(` or ${a} `)) {
    return true;
  }
  if (answer.size === 0 || question.size === 0) return false;
  const shared = intersectionSize(answer, question);
  return shared / answer.size >= REPEATED_ANSWER.contained && shared / question.size >= REPEATED_ANSWER.covers;
}

/** Lowercase words without accents or punctuation; digit groups such as 50,000 stay one word. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/(\d)[,.](?=\d)/g, '$1')
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

export function normalise(text: string): string {
  return words(text).join(' ');
}

/** The words that carry meaning, lightly stemmed so "filters" matches "filter". */
export function contentWords(text: string): Set<string> {
  return new Set(words(text).filter((w) => !STOP_WORDS.has(w)).map(stem));
}

function stem(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const shared = intersectionSize(a, b);
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

function intersectionSize(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return shared;
}

/** The file and line of every card, read the way checkDecks reads the folder (the Deck values carry neither). */
