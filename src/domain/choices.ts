import { shuffled, type Random } from './random.js';
import { CHOICE_LETTERS, type Card, type ChoiceLetter, type Deck } from './types.js';

export interface ChoiceSet {
  /** The four options in the order they are shown as A–D. */
  options: string[];
  /** Index of the right answer in `options`. */
  correctIndex: number;
}

/**
 * Wrong options for a card: its own distractors, or, for a card without any (an imported deck),
 * other cards' answers from the same deck.
 */
export function distractorsFor(card: Card, deck: Deck, random: Random): string[] {
  if (card.choices.length >= 3) return card.choices.slice(0, 3);
  const seen = new Set([normalise(card.answer), ...card.choices.map(normalise)]);
  const pool: string[] = [];
  for (const other of shuffled(deck.cards, random)) {
    const key = normalise(other.answer);
    if (seen.has(key)) continue;
    seen.add(key);
    pool.push(other.answer);
  }
  return [...card.choices, ...pool].slice(0, 3);
}

/** The answer and three wrong options, shuffled for one round. */
export function buildChoiceSet(card: Card, deck: Deck, random: Random): ChoiceSet {
  const options = shuffled([card.answer, ...distractorsFor(card, deck, random)], random);
  return { options, correctIndex: options.indexOf(card.answer) };
}

export function letterAt(index: number): ChoiceLetter {
  const letter = CHOICE_LETTERS[index];
  if (letter === undefined) throw new RangeError(`no choice letter for index ${index}`);
  return letter;
}

function normalise(text: string): string {
  return text.trim().toLowerCase();
}
