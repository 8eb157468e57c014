import type { Random } from './random.js';
import type { Card } from './types.js';

/**
 * The next daily card: a random card among those this guild has seen least. A guild therefore sees
 * no card twice until it has seen every card of the pool, and each new cycle comes in a new order.
 */
export function pickDailyCard(pool: readonly Card[], usage: ReadonlyMap<string, number>, random: Random): Card {
  if (pool.length === 0) throw new RangeError('the daily pool has no cards');
  let least = Infinity;
  for (const card of pool) least = Math.min(least, usage.get(card.id) ?? 0);
  const candidates = pool.filter((card) => (usage.get(card.id) ?? 0) === least);
  return candidates[Math.floor(random() * candidates.length)] as Card;
}
