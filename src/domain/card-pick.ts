import type { Random } from './random.js';
import type { Card, Deck } from './types.js';

/**
 * The next card of a quiz: a random card that the member was not served recently in this deck.
 * When every card was served recently, the one served longest ago comes back.
 */
export function pickQuizCard(deck: Deck, recentlyServed: readonly string[], random: Random): Card {
  const recent = new Set(recentlyServed);
  const fresh = deck.cards.filter((card) => !recent.has(card.id));
  if (fresh.length > 0) return fresh[Math.floor(random() * fresh.length)] as Card;
  // recentlyServed is newest first, so its last entry present in the deck is the oldest.
  for (let i = recentlyServed.length - 1; i >= 0; i--) {
    const card = deck.cards.find((c) => c.id === recentlyServed[i]);
    if (card) return card;
  }
  return deck.cards[0] as Card;
}
