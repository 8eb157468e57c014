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

  test('GIVEN a deck THEN its candidates are every card once, in an order that changes with the random source', () => {
    const deck = deckOf(12);
    const first = quizCandidates(deck, seededRandom(1)).map((c) => c.id);
    expect([...first].sort()).toEqual(deck.cards.map((c) => c.id).sort());
    expect(quizCandidates(deck, seededRandom(2)).map((c) => c.id)).not.toEqual(first);
  });
});
