import { deckHandle, type Card, type Deck } from '../domain/types.js';

/**
 * Where services find decks: the shipped ones, plus a server's own in that server. Rounds, answers and
 * memories store a deck's and a card's id, which {@link deckById} and {@link cardById} resolve.
 */
export interface DeckSource {
  /** The decks a guild sees: the shipped decks and its own; the shipped decks only in DMs (null). */
  forGuild(guildId: string | null): Promise<DeckLibrary>;
  /** The deck a member typed, in the guild they typed it in. */
  resolve(guildId: string | null, typed: string): Promise<Deck | undefined>;
  deckById(id: string): Promise<Deck | undefined>;
  cardById(id: string): Promise<Card | undefined>;
  /** A round's or challenge's deck and card by their stored ids; undefined when either was removed since. */
  deckAndCard(deckId: string, cardId: string): Promise<{ deck: Deck; card: Card } | undefined>;
}

/** The loaded decks, indexed for the lookups every interaction makes. */
export class DeckLibrary implements DeckSource {
  private readonly byId: Map<string, Deck>;
  private readonly cards: Map<string, Card>;

  constructor(readonly decks: readonly Deck[]) {
    this.byId = new Map(decks.map((d) => [d.id, d]));
    for (const d of decks) if (d.handle) this.byId.set(d.handle, d);
    this.cards = new Map(decks.flatMap((d) => d.cards.map((c) => [c.id, c] as const)));
  }

  /** A deck by its id, or by the handle members type for a server deck. */
  deck(id: string): Deck | undefined {
    return this.byId.get(id.trim().toLowerCase()) ?? this.byId.get(id.trim());
  }

  card(id: string): Card | undefined {
    return this.cards.get(id);
  }

  /** Decks whose id or title contains the typed text, for autocomplete (Discord shows at most 25). */
  search(typed: string, limit = 25): Deck[] {
    const q = typed.trim().toLowerCase();
    const matches = this.decks.filter((d) => !q || deckHandle(d).includes(q) || d.title.toLowerCase().includes(q));
    return matches.slice(0, limit);
  }

  /** The handles members can type, for "try one of" messages. */
  handles(): string[] {
    return this.decks.map(deckHandle);
  }

  forGuild(): Promise<DeckLibrary> {
    return Promise.resolve(this);
  }

  resolve(_guildId: string | null, typed: string): Promise<Deck | undefined> {
    return Promise.resolve(this.deck(typed));
  }

  deckById(id: string): Promise<Deck | undefined> {
    return Promise.resolve(this.byId.get(id));
  }

  cardById(id: string): Promise<Card | undefined> {
    return Promise.resolve(this.cards.get(id));
  }

  deckAndCard(deckId: string, cardId: string): Promise<{ deck: Deck; card: Card } | undefined> {
    return Promise.resolve(this.pair(deckId, cardId));
  }

  /** A deck and one of its cards by their stored ids. */
  pair(deckId: string, cardId: string): { deck: Deck; card: Card } | undefined {
    const deck = this.byId.get(deckId);
    const card = this.cards.get(cardId);
    return deck && card ? { deck, card } : undefined;
  }
}
