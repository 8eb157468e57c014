import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { serverCardId, serverDeckId } from '../../domain/server-ids.js';
import { cardMemory, serverCards, serverDecks, serverDeckVersions } from '../schema.js';

/** A server deck's row. */
export type ServerDeckRow = typeof serverDecks.$inferSelect;

/** A server deck's row with its card count, for /deck list. */
export interface ServerDeckSummary extends Omit<ServerDeckRow, 'guildId'> {
  cardCount: number;
}

export interface ServerCardRow {
  deckId: string;
  cardId: string;
  position: number;
  question: string;
  answer: string;
  explanation: string | null;
  choices: string[];
}

export interface ServerDeckWrite extends ServerDeckRow {
  mode: 'add' | 'replace';
  cards: readonly Omit<ServerCardRow, 'deckId' | 'position'>[];
  /** Refused inside the transaction, after the guild's row is locked, so two imports cannot both pass. */
  limits: { decks: number; cards: number };
}

export type ServerDeckWriteResult =
  | { kind: 'written'; added: string[]; existing: string[]; removed: number; version: number }
  | { kind: 'too-many-decks'; decks: number }
  | { kind: 'too-many-cards'; cards: number };

/**
 * Decks and cards owned by one guild. Every method takes the guild id: there is no query over every
 * guild's decks.
 */
export class ServerDecksRepository {
  constructor(private readonly database: Database) {}

  /** The guild's deck version (0 before its first import): a cached copy is fresh while this is unchanged. */
  async version(guildId: string): Promise<number> {
    const [row] = await this.database.db
      .select({ version: serverDeckVersions.version })
      .from(serverDeckVersions)
      .where(eq(serverDeckVersions.guildId, guildId))
      .limit(1);
    return row?.version ?? 0;
  }

  /** Every deck and card of the guild, with the version they were read at (one transaction, one snapshot). */
  async load(guildId: string): Promise<{ version: number; decks: ServerDeckSummary[]; cards: ServerCardRow[] }> {
    return this.database.db.transaction(
      async (tx) => {
        const [v] = await tx.select({ version: serverDeckVersions.version }).from(serverDeckVersions).where(eq(serverDeckVersions.guildId, guildId));
        const decks = await tx.select().from(serverDecks).where(eq(serverDecks.guildId, guildId)).orderBy(asc(serverDecks.deckId));
        const cards = await tx
          .select({
            deckId: serverCards.deckId,
            cardId: serverCards.cardId,
            position: serverCards.position,
            question: serverCards.question,
            answer: serverCards.answer,
            explanation: serverCards.explanation,
            choices: serverCards.choices,
          })
          .from(serverCards)
          .where(eq(serverCards.guildId, guildId))
          .orderBy(asc(serverCards.deckId), asc(serverCards.position));
        const counts = new Map<string, number>();
        for (const c of cards) counts.set(c.deckId, (counts.get(c.deckId) ?? 0) + 1);
        return {
          version: v?.version ?? 0,
          decks: decks.map((d) => ({
            deckId: d.deckId,
            title: d.title,
            description: d.description,
            color: d.color,
            importedBy: d.importedBy,
            importedAt: d.importedAt,
            cardCount: counts.get(d.deckId) ?? 0,
          })),
          cards,
        };
      },
      { isolationLevel: 'repeatable read' },
    );
  }

  /**
   * Adds cards to a deck (creating it), or replaces its cards, in one transaction that also bumps the
   * guild's version. `add` keeps cards whose id exists and reports them; `replace` deletes the cards
   * the new set lacks (their rounds and answers stay: they refer to the card by id only).
   */
  async write(input: ServerDeckWrite): Promise<ServerDeckWriteResult> {
    return this.database.db.transaction(async (tx) => {
      // Locks the guild's version row first: concurrent imports of one guild run one after the other.
      const [bumped] = await tx
        .insert(serverDeckVersions)
        .values({ guildId: input.guildId, version: 1 })
        .onConflictDoUpdate({ target: serverDeckVersions.guildId, set: { version: sql`${serverDeckVersions.version} + 1` } })
        .returning({ version: serverDeckVersions.version });
      const [deckCount] = await tx.select({ n: count() }).from(serverDecks).where(eq(serverDecks.guildId, input.guildId));
      const [existingDeck] = await tx
        .select({ deckId: serverDecks.deckId })
        .from(serverDecks)
        .where(and(eq(serverDecks.guildId, input.guildId), eq(serverDecks.deckId, input.deckId)));
      const decks = Number(deckCount?.n ?? 0);
      if (!existingDeck && decks >= input.limits.decks) throw new LimitReached({ kind: 'too-many-decks', decks });
      const present = await tx
        .select({ cardId: serverCards.cardId, position: serverCards.position })
        .from(serverCards)
        .where(and(eq(serverCards.guildId, input.guildId), eq(serverCards.deckId, input.deckId)));
      const presentIds = new Set(present.map((c) => c.cardId));
      const incomingIds = new Set(input.cards.map((c) => c.cardId));
      const [guildCards] = await tx.select({ n: count() }).from(serverCards).where(eq(serverCards.guildId, input.guildId));
      const toRemove = input.mode === 'replace' ? present.filter((c) => !incomingIds.has(c.cardId)).map((c) => c.cardId) : [];
      const existing = input.mode === 'add' ? input.cards.filter((c) => presentIds.has(c.cardId)).map((c) => c.cardId) : [];
      const writes = input.mode === 'add' ? input.cards.filter((c) => !presentIds.has(c.cardId)) : input.cards;
      const added = input.cards.filter((c) => !presentIds.has(c.cardId)).map((c) => c.cardId);
      const after = Number(guildCards?.n ?? 0) - toRemove.length + added.length;
      if (after > input.limits.cards) throw new LimitReached({ kind: 'too-many-cards', cards: after });

      const deckValues = {
        guildId: input.guildId,
        deckId: input.deckId,
        title: input.title,
        description: input.description,
        color: input.color,
        importedBy: input.importedBy,
        importedAt: input.importedAt,
      };
      await tx
        .insert(serverDecks)
        .values(deckValues)
        .onConflictDoUpdate({
          target: [serverDecks.guildId, serverDecks.deckId],
          set: { title: deckValues.title, description: deckValues.description, importedBy: deckValues.importedBy, importedAt: deckValues.importedAt },
        });
      if (toRemove.length > 0) {
        for (const chunk of chunks(toRemove, 1000)) {
          await tx
            .delete(serverCards)
            .where(and(eq(serverCards.guildId, input.guildId), eq(serverCards.deckId, input.deckId), inArray(serverCards.cardId, chunk)));
          // Members' memories of a vanished card would make /review pick a card that is gone; the ledger keeps its history.
          await tx.delete(cardMemory).where(inArray(cardMemory.cardId, chunk.map((id) => serverCardId(input.guildId, input.deckId, id))));
        }
      }
      let position = input.mode === 'add' ? Math.max(0, ...present.map((c) => c.position)) : 0;
      const rows = writes.map((c) => ({
        card_id: c.cardId,
        position: ++position,
        question: c.question,
        answer: c.answer,
        explanation: c.explanation,
        choices: c.choices,
      }));
      // One statement with the cards as one JSON parameter: building thousands of bound parameters
      // would hold the bot's thread, and on PGlite every other query waits for this transaction.
      if (rows.length > 0) {
        await tx.execute(sql`
          insert into server_cards (guild_id, deck_id, card_id, position, question, answer, explanation, choices)
          select ${input.guildId}, ${input.deckId}, x.card_id, x.position, x.question, x.answer, x.explanation, coalesce(x.choices, '[]'::jsonb)
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as x(card_id text, position integer, question text, answer text, explanation text, choices jsonb)
          on conflict (guild_id, deck_id, card_id) do update set
            position = excluded.position, question = excluded.question, answer = excluded.answer,
            explanation = excluded.explanation, choices = excluded.choices`);
      }
      return { kind: 'written' as const, added, existing, removed: toRemove.length, version: bumped?.version ?? 0 };
    }).catch((error: unknown) => {
      if (error instanceof LimitReached) return error.result;
      throw error;
    });
  }

  /** Deletes a deck and its cards; false when the guild has no such deck. */
  async remove(guildId: string, deckId: string): Promise<boolean> {
    return this.database.db.transaction(async (tx) => {
      await tx
        .insert(serverDeckVersions)
        .values({ guildId, version: 1 })
        .onConflictDoUpdate({ target: serverDeckVersions.guildId, set: { version: sql`${serverDeckVersions.version} + 1` } });
      const removed = await tx
        .delete(serverDecks)
        .where(and(eq(serverDecks.guildId, guildId), eq(serverDecks.deckId, deckId)))
        .returning({ deckId: serverDecks.deckId });
      if (removed.length > 0) await tx.delete(cardMemory).where(eq(cardMemory.deckId, serverDeckId(guildId, deckId)));
      return removed.length > 0;
    });
  }
}

class LimitReached extends Error {
  constructor(readonly result: ServerDeckWriteResult) {
    super(result.kind);
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
