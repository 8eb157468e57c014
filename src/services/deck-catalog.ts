import { DeckLibrary, type DeckSource } from '../decks/library.js';
import { guildOfId, serverCardId, serverDeckId } from '../domain/server-ids.js';
import type { Card, Deck } from '../domain/types.js';
import type { ServerDecksRepository, ServerDeckSummary, ServerCardRow } from '../db/repositories/server-decks-repository.js';

/** Guilds whose decks one process keeps in memory; the least recently used go first. */
const CACHED_GUILDS = 500;

export interface ServerDeck extends Deck {
  handle: string;
  importedBy: string;
  importedAt: Date;
}

/**
 * The shipped decks plus each guild's own. A guild's decks are read once and kept with the guild's
 * version; every use of a server deck checks that version (one indexed read), so an import or removal
 * in another bot process is seen at once. Shipped decks are resolved without touching the database.
 */
export class DeckCatalog implements DeckSource {
  private readonly cache = new Map<string, { version: number; library: DeckLibrary; decks: ServerDeck[] }>();

  constructor(
    readonly shipped: DeckLibrary,
    private readonly repository: ServerDecksRepository,
  ) {}

  async forGuild(guildId: string | null): Promise<DeckLibrary> {
    if (guildId === null) return this.shipped;
    return (await this.entry(guildId)).library;
  }

  /** The guild's own decks, with who imported each and when. */
  async serverDecks(guildId: string): Promise<ServerDeck[]> {
    return (await this.entry(guildId)).decks;
  }

  async resolve(guildId: string | null, typed: string): Promise<Deck | undefined> {
    const shipped = this.shipped.deck(typed);
    if (shipped || guildId === null) return shipped;
    return (await this.forGuild(guildId)).deck(typed);
  }

  async deckById(id: string): Promise<Deck | undefined> {
    const guildId = guildOfId(id);
    if (guildId === undefined) return this.shipped.deck(id);
    return (await this.forGuild(guildId)).deck(id);
  }

  async cardById(id: string): Promise<Card | undefined> {
    const guildId = guildOfId(id);
    if (guildId === undefined) return this.shipped.card(id);
    return (await this.forGuild(guildId)).card(id);
  }

  async deckAndCard(deckId: string, cardId: string): Promise<{ deck: Deck; card: Card } | undefined> {
    const guildId = guildOfId(cardId) ?? guildOfId(deckId);
    const library = guildId === undefined ? this.shipped : await this.forGuild(guildId);
    return library.pair(deckId, cardId);
  }

  /** Forgets a guild's copy (after this process changed its decks). */
  invalidate(guildId: string): void {
    this.cache.delete(guildId);
  }

  private async entry(guildId: string): Promise<{ library: DeckLibrary; decks: ServerDeck[] }> {
    const version = await this.repository.version(guildId);
    if (version === 0) return { library: this.shipped, decks: [] };
    const cached = this.cache.get(guildId);
    if (cached && cached.version === version) {
      // Most recently used last, so the oldest is the first key.
      this.cache.delete(guildId);
      this.cache.set(guildId, cached);
      return cached;
    }
    const loaded = await this.repository.load(guildId);
    const decks = buildServerDecks(guildId, loaded.decks, loaded.cards);
    const fresh = { version: loaded.version, library: new DeckLibrary([...this.shipped.decks, ...decks]), decks };
    this.cache.delete(guildId);
    this.cache.set(guildId, fresh);
    while (this.cache.size > CACHED_GUILDS) this.cache.delete(this.cache.keys().next().value as string);
    return fresh;
  }
}

/** Server deck rows as the domain's decks, their ids scoped to the guild. */
export function buildServerDecks(guildId: string, decks: readonly ServerDeckSummary[], cards: readonly ServerCardRow[]): ServerDeck[] {
  const byDeck = new Map<string, Card[]>();
  for (const c of cards) {
    const list = byDeck.get(c.deckId) ?? [];
    list.push({
      id: serverCardId(guildId, c.deckId, c.cardId),
      deckId: serverDeckId(guildId, c.deckId),
      question: c.question,
      answer: c.answer,
      explanation: c.explanation ?? undefined,
      choices: c.choices,
      position: list.length + 1,
    });
    byDeck.set(c.deckId, list);
  }
  return decks.map((d) => ({
    id: serverDeckId(guildId, d.deckId),
    handle: d.deckId,
    title: d.title,
    description: d.description,
    color: d.color,
    cards: byDeck.get(d.deckId) ?? [],
    importedBy: d.importedBy,
    importedAt: d.importedAt,
  }));
}
