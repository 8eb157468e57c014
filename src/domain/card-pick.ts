import type { Random } from './random.js';
import type { Card, Deck } from './types.js';

/** However large a deck, a quiz looks back at most this many rounds for cards to hold back. */
const MAX_RECENT_WINDOW = 50;

/**
 * How many of a member's latest rounds of a deck hold their cards back from the next quiz card.
 * It is always smaller than the deck, so some card is always free, and it leaves about a quarter of
 * the deck to chance: with a window of all but one card, every pass after the first would repeat the
 * first pass's order.
 */
export function recentWindow(deck: Deck): number {
  const n = deck.cards.length;
  return Math.max(0, Math.min(MAX_RECENT_WINDOW, n - Math.max(1, Math.ceil(n / 4))));
}

/**
 * The candidates for the next quiz card: {@link recentWindow} + 1 of the deck's cards (all of a smaller
 * deck), drawn at random in a random order. The next card is the first of them that is not among the
 * cards of the member's last recentWindow rounds of the deck. At most that many cards can be recent, so
 * one candidate is always free; and the first free card of a random order is picked uniformly among
 * the free cards, wherever the order is cut after it. The statement that records the round makes this
 * pick in the database (RoundsRepository.createQuizRound), so that /quiz waits on one round trip; a
 * deck of thousands of cards sends it some fifty candidates, not the whole deck.
 */
export function quizCandidates(deck: Deck, random: Random): Card[] {
  const cards = [...deck.cards];
  const count = Math.min(cards.length, recentWindow(deck) + 1);
  // The first `count` steps of a Fisher–Yates shuffle: each position gets a card drawn from those left.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (cards.length - i));
    [cards[i], cards[j]] = [cards[j] as Card, cards[i] as Card];
  }
  return cards.slice(0, count);
}
