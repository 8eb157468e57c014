import type { Card, Deck } from '../domain/types.js';

/** The loaded decks, indexed for the lookups every interaction makes. */
export class DeckLibrary {
  private readonly byId: Map<string, Deck>;
  private readonly cards: Map<string, Card>;

  constructor(readonly decks: readonly Deck[]) {
    this.byId = new Map(decks.map((d) => [d.id, d]));
    this.cards = new Map(decks.flatMap((d) => d.cards.map((c) => [c.id, c] as const)));
  }

  deck(id: string): Deck | undefined {
    return this.byId.get(id.trim().toLowerCase());
  }

  card(id: string): Card | undefined {
    return this.cards.get(id);
  }

  /** Decks whose id or title contains the typed text, for autocomplete (Discord shows at most 25). */
  search(typed: string, limit = 25): Deck[] {
    const q = typed.trim().toLowerCase();
    const matches = this.decks.filter((d) => !q || d.id.includes(q) || d.title.toLowerCase().includes(q));
    return matches.slice(0, limit);
  }
}
