import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Deck } from '../../src/domain/types.js';
import { LIMITS, loadDecks } from '../../src/decks/loader.js';
import { longestAnswerWarnings } from '../../src/decks/check.js';

const DECKS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../decks');
const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

describe('shipped decks', () => {
  let decks: Deck[];
  beforeAll(async () => {
    decks = await loadDecks(DECKS_DIR);
  });
  const cards = () => decks.flatMap((d) => d.cards);

  test('GIVEN the decks folder THEN it holds exactly the seven shipped decks', () => {
    expect(decks.map((d) => d.id).sort()).toEqual(['clustering', 'cnn', 'embeddings', 'ml', 'regularization', 'rnn', 'transformers']);
  });

  test('GIVEN the shipped decks THEN they hold at least 140 cards in all', () => {
    expect(cards().length).toBeGreaterThanOrEqual(140);
  });

  test.each([
    ['cnn', 30],
    ['ml', 20],
    ['regularization', 12],
    ['clustering', 12],
    ['rnn', 12],
    ['embeddings', 12],
    ['transformers', 12],
  ])('GIVEN deck %s THEN it holds at least %i cards', (id, min) => {
    expect(decks.find((d) => d.id === id)?.cards.length ?? 0).toBeGreaterThanOrEqual(min);
  });

  test('GIVEN every card THEN card ids are unique and start with their deck id', () => {
    const ids = cards().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(cards().filter((c) => !c.id.startsWith(`${c.deckId}-`)).map((c) => c.id)).toEqual([]);
  });

  test('GIVEN every card THEN its texts are within the length limits', () => {
    const tooLong = cards().filter(
      (c) =>
        c.question.length < LIMITS.questionMin ||
        c.question.length > LIMITS.question ||
        c.answer.length > LIMITS.answer ||
        (c.explanation?.length ?? 0) > LIMITS.explanation,
    );
    expect(tooLong.map((c) => c.id)).toEqual([]);
  });

  test('GIVEN every card THEN it has exactly three distinct wrong choices, none equal to the answer', () => {
    const bad = cards().filter(
      (c) => c.choices.length !== 3 || new Set(c.choices.map(norm)).size !== 3 || c.choices.some((choice) => norm(choice) === norm(c.answer)),
    );
    expect(bad.map((c) => c.id)).toEqual([]);
  });

  test('GIVEN every shipped deck THEN picking the longest option is right in at most 40% of its cards', () => {
    expect(longestAnswerWarnings(decks).map((w) => w.message)).toEqual([]);
  });
});
