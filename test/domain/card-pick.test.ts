import { describe, expect, test } from 'vitest';
import { quizCandidates, recentWindow } from '../../src/domain/card-pick.js';
import { numberedDeck as deckOf, seededRandom } from '../support/fixtures.js';

describe('quiz card pick', () => {
  test.each([
    [1, 0],
    [2, 1],
    [3, 2],
    [4, 3],
    [8, 6],
    [25, 18],
    [31, 23],
    [200, 50],
  ])('GIVEN a deck of %i cards THEN the last %i rounds hold their cards back', (size, window) => {
    expect(recentWindow(deckOf(size))).toBe(window);
  });

  test.each([1, 2, 12, 200, 5_000])('GIVEN a deck of %i cards THEN its candidates are one more than the window, distinct cards of the deck', (size) => {
    const deck = deckOf(size);
    const ids = quizCandidates(deck, seededRandom(size)).map((c) => c.id);
    expect(ids).toHaveLength(Math.min(size, recentWindow(deck) + 1));
    expect(new Set(ids).size).toBe(ids.length);
    const inDeck = new Set(deck.cards.map((c) => c.id));
    for (const id of ids) expect(inDeck.has(id)).toBe(true);
  });

  test('GIVEN a deck THEN the candidates change with the random source, and every card can come first', () => {
    const deck = deckOf(12);
    const first = quizCandidates(deck, seededRandom(1)).map((c) => c.id);
    expect(quizCandidates(deck, seededRandom(2)).map((c) => c.id)).not.toEqual(first);
    const leading = new Set(Array.from({ length: 400 }, (_, seed) => quizCandidates(deck, seededRandom(seed))[0]?.id));
    expect(leading.size).toBe(12);
  });

  test('GIVEN any set of recently served cards THEN some candidate is free, and the first free one is uniform among the free cards', () => {
    const deck = deckOf(12);
    const window = recentWindow(deck);
    // The most cards the window can hold back, all at once.
    const recent = new Set(deck.cards.slice(0, window).map((c) => c.id));
    const free = deck.cards.filter((c) => !recent.has(c.id)).map((c) => c.id);
    const picks = new Map<string, number>();
    const draws = 6_000;
    for (let seed = 0; seed < draws; seed++) {
      const pick = quizCandidates(deck, seededRandom(seed)).find((c) => !recent.has(c.id));
      expect(pick).toBeDefined();
      picks.set(pick!.id, (picks.get(pick!.id) ?? 0) + 1);
    }
    expect([...picks.keys()].sort()).toEqual([...free].sort());
    // Each of the free cards within 15% of its fair share.
    for (const n of picks.values()) expect(Math.abs(n - draws / free.length)).toBeLessThan(0.15 * (draws / free.length));
  });
});
