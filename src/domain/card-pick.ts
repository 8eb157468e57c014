import { shuffled, type Random } from './random.js';
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
 * A deck's cards in a random order, the candidates for the next quiz card. The next card is the first
 * of them that is not among the cards of the member's last {@link recentWindow} rounds of the deck: a
 * card picked uniformly among those not served recently. The statement that records the round makes
 * this pick in the database (RoundsRepository.createQuizRound), so that /quiz waits on one round trip.
 */
export function quizCandidates(deck: Deck, random: Random): Card[] {
  return shuffled(deck.cards, random);
}
