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
  /** Checked under the guild's locked version row, so two imports cannot both pass (see {@link ServerDecksRepository.write}). */
  limits: { decks: number; cards: number; cardsPerDeck: number };
}

export type ServerDeckWriteResult =
  | { kind: 'written'; added: string[]; existing: string[]; removed: number; version: number }
  | { kind: 'too-many-decks'; decks: number }
  | { kind: 'too-many-cards'; cards: number }
  | { kind: 'too-many-cards-in-deck'; cards: number }
  /** The deck was removed while an `add` was still writing its cards; what it wrote went with it. */
  | { kind: 'deck-removed' };

/**
 * Cards one `add` writes per transaction. PGlite has one connection: every other interaction's
 * statement waits for an open transaction, so a 5,000-card import is written as short transactions
 * that the bot's other work runs between (one 5,000-row statement held it for 120–170 ms).
 */
export const ADD_BATCH_CARDS = 500;
/** Cards the catalog reads per statement, for the same reason. */
export const LOAD_CHUNK_CARDS = 1_000;
/** Reads of a guild's decks that may be torn by a write between their statements before one is used anyway. */
const LOAD_ATTEMPTS = 3;

type Tx = Parameters<Parameters<Database['db']['transaction']>[0]>[0];
type CardWrite = ServerDeckWrite['cards'][number];

/**
 * Decks and cards owned by one guild. Every method takes the guild id: there is no query over every
 * guild's decks.
 *
 * Every transaction that changes a guild's decks bumps its version, first, which also locks the
 * guild's version row: writers of one guild run one after the other, and a reader that saw the same
 * version before and after its statements saw no change in between.
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

  /**
   * Every deck and card of the guild, with the version they were read at. Read in short statements,
   * not one transaction (on PGlite a transaction would make every other query wait for all of it):
   * the version is read before and after, and a read that a write tore is read again. If writes keep
   * tearing it (a batched import under way), the last read is returned with the version read *before*
   * it, so the caller's copy is stale at once and read again at its next use; each card in it existed,
   * which is all a stale copy promises (a round on a card that is gone answers "gone").
   */
  async load(guildId: string): Promise<{ version: number; decks: ServerDeckSummary[]; cards: ServerCardRow[] }> {
    for (let attempt = 1; ; attempt++) {
      const version = await this.version(guildId);
      const read = await this.readDecks(guildId);
      if (attempt >= LOAD_ATTEMPTS || (await this.version(guildId)) === version) return { version, ...read };
    }
  }

  private async readDecks(guildId: string): Promise<{ decks: ServerDeckSummary[]; cards: ServerCardRow[] }> {
    const decks = await this.database.db.select().from(serverDecks).where(eq(serverDecks.guildId, guildId)).orderBy(asc(serverDecks.deckId));
    const cards: ServerCardRow[] = [];
    // Pages along the primary key: pages never overlap, so a card is never read twice, even while a write runs between them.
    for (let after: ServerCardRow | undefined; ; ) {
      const page = await this.database.db
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
        .where(and(eq(serverCards.guildId, guildId), after ? sql`(${serverCards.deckId}, ${serverCards.cardId}) > (${after.deckId}, ${after.cardId})` : undefined))
        .orderBy(asc(serverCards.deckId), asc(serverCards.cardId))
        .limit(LOAD_CHUNK_CARDS);
      cards.push(...page);
      if (page.length < LOAD_CHUNK_CARDS) break;
      after = page[page.length - 1];
    }
    cards.sort((a, b) => (a.deckId < b.deckId ? -1 : a.deckId > b.deckId ? 1 : a.position - b.position || (a.cardId < b.cardId ? -1 : a.cardId > b.cardId ? 1 : 0)));
    const counts = new Map<string, number>();
    for (const c of cards) counts.set(c.deckId, (counts.get(c.deckId) ?? 0) + 1);
    return {
      // Every committed deck has cards (an import of none is refused); one without was caught by a torn read being removed.
      decks: decks
        .filter((d) => counts.has(d.deckId))
        .map((d) => ({
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
  }

  /**
   * `add` keeps cards whose id exists and reports them; `replace` deletes the cards the new set lacks
   * (their rounds and answers stay: they refer to the card by id only).
   *
   * `replace` is one transaction. `add` writes its new cards {@link ADD_BATCH_CARDS} at a time, each
   * batch its own transaction that bumps the version (so readers in other processes see the deck
   * grow; a partly added deck is briefly visible, and every card in it is whole). The limits hold
   * because every batch is checked under the guild's lock before it is written: the first batch
   * checks the whole import (so a lone import is refused before anything is written), each later
   * batch checks itself against what other imports wrote meanwhile. A batch refused there (two
   * imports racing for the last room) takes back, in the same transaction, the cards its import had
   * written, so the refused import leaves nothing behind and the other can finish.
   */
  async write(input: ServerDeckWrite): Promise<ServerDeckWriteResult> {
    return input.mode === 'replace' ? this.replace(input) : this.add(input);
  }

  private async replace(input: ServerDeckWrite): Promise<ServerDeckWriteResult> {
    return this.database.db.transaction(async (tx) => {
      const version = await bumpVersion(tx, input.guildId);
      await this.refuseNewDeck(tx, input, await deckExists(tx, input.guildId, input.deckId));
      const present = await this.cardIds(tx, input.guildId, input.deckId);
      const incomingIds = new Set(input.cards.map((c) => c.cardId));
      const toRemove = [...present].filter((id) => !incomingIds.has(id));
      const added = input.cards.filter((c) => !present.has(c.cardId)).map((c) => c.cardId);
      const held = await this.cardCounts(tx, input.guildId, input.deckId);
      const after = held.guild - toRemove.length + added.length;
      if (input.cards.length > input.limits.cardsPerDeck) throw new LimitReached({ kind: 'too-many-cards-in-deck', cards: input.cards.length });
      if (after > input.limits.cards) throw new LimitReached({ kind: 'too-many-cards', cards: after });
      await upsertDeck(tx, input);
      await this.removeCards(tx, input.guildId, input.deckId, toRemove);
      await tx.execute(sql`
        insert into server_cards (guild_id, deck_id, card_id, position, question, answer, explanation, choices)
        select ${input.guildId}, ${input.deckId}, x.card_id, x.n, x.question, x.answer, x.explanation, coalesce(x.choices, '[]'::jsonb)
        from jsonb_to_recordset(${cardsJson(input.cards)}::jsonb)
          as x(card_id text, n integer, question text, answer text, explanation text, choices jsonb)
        on conflict (guild_id, deck_id, card_id) do update set
          position = excluded.position, question = excluded.question, answer = excluded.answer,
          explanation = excluded.explanation, choices = excluded.choices`);
      return { kind: 'written' as const, added, existing: [], removed: toRemove.length, version };
    }).catch(refusal);
  }

  private async add(input: ServerDeckWrite): Promise<ServerDeckWriteResult> {
    // The first batch: refused as a whole (rolled back, nothing written) unless the whole import fits.
    const first = await this.database.db
      .transaction(async (tx) => {
        const version = await bumpVersion(tx, input.guildId);
        const created = !(await deckExists(tx, input.guildId, input.deckId));
        await this.refuseNewDeck(tx, input, !created);
        const present = await this.cardIds(tx, input.guildId, input.deckId);
        const writes = input.cards.filter((c) => !present.has(c.cardId));
        const overLimit = checkRoom(await this.cardCounts(tx, input.guildId, input.deckId), writes.length, input.limits);
        if (overLimit) throw new LimitReached(overLimit);
        await upsertDeck(tx, input);
        const inserted = await insertNew(tx, input, writes.slice(0, ADD_BATCH_CARDS));
        return { kind: 'started' as const, version, created, writes, existing: input.cards.filter((c) => present.has(c.cardId)).map((c) => c.cardId), inserted };
      })
      .catch(refusal);
    if (first.kind !== 'started') return first;
    const { created, writes, existing } = first;
    const added = [...first.inserted];
    let version = first.version;
    try {
      for (let from = ADD_BATCH_CARDS; from < writes.length; from += ADD_BATCH_CARDS) {
        const batch = writes.slice(from, from + ADD_BATCH_CARDS);
        const step = await this.database.db.transaction(async (tx) => {
          const bumped = await bumpVersion(tx, input.guildId);
          if (!(await deckExists(tx, input.guildId, input.deckId))) return { kind: 'deck-removed' as const };
          const overLimit = checkRoom(await this.cardCounts(tx, input.guildId, input.deckId), writes.length - from, input.limits);
          if (overLimit) {
            await this.takeBack(tx, input, added, created);
            return overLimit;
          }
          return { kind: 'batch' as const, version: bumped, inserted: await insertNew(tx, input, batch) };
        });
        if (step.kind !== 'batch') return step;
        version = step.version;
        added.push(...step.inserted);
      }
    } catch (error) {
      // Best effort: a batch that failed (a deadline, a lost connection) leaves the cards written so far
      // for another add to complete (it skips them), unless they can be taken back now.
      await this.database.db
        .transaction(async (tx) => {
          await bumpVersion(tx, input.guildId);
          await this.takeBack(tx, input, added, created);
        })
        .catch(() => undefined);
      throw error;
    }
    // A card another import added between two batches was skipped by the insert: it is reported as existing.
    const addedIds = new Set(added);
    return {
      kind: 'written',
      added: writes.filter((c) => addedIds.has(c.cardId)).map((c) => c.cardId),
      existing: [...existing, ...writes.filter((c) => !addedIds.has(c.cardId)).map((c) => c.cardId)],
      removed: 0,
      version,
    };
  }

  /** Refuses a new deck past the guild's deck limit (the caller holds the guild's lock). */
  private async refuseNewDeck(tx: Tx, input: ServerDeckWrite, exists: boolean): Promise<void> {
    if (exists) return;
    const [row] = await tx.select({ n: count() }).from(serverDecks).where(eq(serverDecks.guildId, input.guildId));
    const decks = Number(row?.n ?? 0);
    if (decks >= input.limits.decks) throw new LimitReached({ kind: 'too-many-decks', decks });
  }

  private async cardIds(tx: Tx, guildId: string, deckId: string): Promise<Set<string>> {
    const rows = await tx
      .select({ cardId: serverCards.cardId })
      .from(serverCards)
      .where(and(eq(serverCards.guildId, guildId), eq(serverCards.deckId, deckId)));
    return new Set(rows.map((r) => r.cardId));
  }

  private async cardCounts(tx: Tx, guildId: string, deckId: string): Promise<{ guild: number; deck: number }> {
    const [row] = await tx
      .select({ guild: count(), deck: sql<number>`count(*) filter (where ${serverCards.deckId} = ${deckId})` })
      .from(serverCards)
      .where(eq(serverCards.guildId, guildId));
    return { guild: Number(row?.guild ?? 0), deck: Number(row?.deck ?? 0) };
  }

  /** Deletes an add's cards again (and the deck, if the add created it and nothing else filled it meanwhile). */
  private async takeBack(tx: Tx, input: ServerDeckWrite, added: readonly string[], created: boolean): Promise<void> {
    await this.removeCards(tx, input.guildId, input.deckId, added);
    if (created && (await this.cardCounts(tx, input.guildId, input.deckId)).deck === 0) {
      await tx.delete(serverDecks).where(and(eq(serverDecks.guildId, input.guildId), eq(serverDecks.deckId, input.deckId)));
    }
  }

  private async removeCards(tx: Tx, guildId: string, deckId: string, cardIds: readonly string[]): Promise<void> {
    for (const chunk of chunks(cardIds, 1000)) {
      await tx.delete(serverCards).where(and(eq(serverCards.guildId, guildId), eq(serverCards.deckId, deckId), inArray(serverCards.cardId, chunk)));
      // Members' memories of a vanished card would make /review pick a card that is gone; the ledger keeps its history.
      await tx
        .delete(cardMemory)
        .where(and(eq(cardMemory.deckId, serverDeckId(guildId, deckId)), inArray(cardMemory.cardId, chunk.map((id) => serverCardId(guildId, deckId, id)))));
    }
  }

  /** Deletes a deck and its cards; false when the guild has no such deck. */
  async remove(guildId: string, deckId: string): Promise<boolean> {
    return this.database.db.transaction(async (tx) => {
      await bumpVersion(tx, guildId);
      const removed = await tx
        .delete(serverDecks)
        .where(and(eq(serverDecks.guildId, guildId), eq(serverDecks.deckId, deckId)))
        .returning({ deckId: serverDecks.deckId });
      if (removed.length > 0) await tx.delete(cardMemory).where(eq(cardMemory.deckId, serverDeckId(guildId, deckId)));
      return removed.length > 0;
    });
  }
}

/** Bumps the guild's version, which locks its row: concurrent writers of one guild run one after the other. */
async function bumpVersion(tx: Tx, guildId: string): Promise<number> {
  const [bumped] = await tx
    .insert(serverDeckVersions)
    .values({ guildId, version: 1 })
    .onConflictDoUpdate({ target: serverDeckVersions.guildId, set: { version: sql`${serverDeckVersions.version} + 1` } })
    .returning({ version: serverDeckVersions.version });
  return bumped?.version ?? 0;
}

async function deckExists(tx: Tx, guildId: string, deckId: string): Promise<boolean> {
  const rows = await tx
    .select({ deckId: serverDecks.deckId })
    .from(serverDecks)
    .where(and(eq(serverDecks.guildId, guildId), eq(serverDecks.deckId, deckId)));
  return rows.length > 0;
}

async function upsertDeck(tx: Tx, input: ServerDeckWrite): Promise<void> {
  await tx
    .insert(serverDecks)
    .values({
      guildId: input.guildId,
      deckId: input.deckId,
      title: input.title,
      description: input.description,
      color: input.color,
      importedBy: input.importedBy,
      importedAt: input.importedAt,
    })
    .onConflictDoUpdate({
      target: [serverDecks.guildId, serverDecks.deckId],
      set: { title: input.title, description: input.description, importedBy: input.importedBy, importedAt: input.importedAt },
    });
}

/** The refusal when `incoming` more cards would not fit the guild's or the deck's limit. */
function checkRoom(held: { guild: number; deck: number }, incoming: number, limits: ServerDeckWrite['limits']): ServerDeckWriteResult | undefined {
  if (held.deck + incoming > limits.cardsPerDeck) return { kind: 'too-many-cards-in-deck', cards: held.deck + incoming };
  if (held.guild + incoming > limits.cards) return { kind: 'too-many-cards', cards: held.guild + incoming };
  return undefined;
}

/**
 * The cards as one JSON parameter, `n` numbering them from 1: building thousands of bound parameters
 * would hold the bot's thread.
 */
function cardsJson(cards: readonly CardWrite[]): string {
  return JSON.stringify(cards.map((c, i) => ({ card_id: c.cardId, n: i + 1, question: c.question, answer: c.answer, explanation: c.explanation, choices: c.choices })));
}

/**
 * Inserts cards after the deck's last position, skipping any id the deck already holds (another
 * import may have added it since the first batch read the deck); returns the ids it inserted.
 */
async function insertNew(tx: Tx, input: ServerDeckWrite, cards: readonly CardWrite[]): Promise<string[]> {
  if (cards.length === 0) return [];
  const result = await tx.execute(sql`
    insert into server_cards (guild_id, deck_id, card_id, position, question, answer, explanation, choices)
    select ${input.guildId}, ${input.deckId}, x.card_id, last.position + x.n, x.question, x.answer, x.explanation, coalesce(x.choices, '[]'::jsonb)
    from jsonb_to_recordset(${cardsJson(cards)}::jsonb)
      as x(card_id text, n integer, question text, answer text, explanation text, choices jsonb)
    cross join (select coalesce(max(position), 0) as position from server_cards where guild_id = ${input.guildId} and deck_id = ${input.deckId}) as last
    on conflict (guild_id, deck_id, card_id) do nothing
    returning card_id`);
  // postgres.js returns the rows themselves, PGlite an object holding them.
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as { card_id: string }[];
  return rows.map((r) => r.card_id);
}

/** A refusal thrown out of a transaction, so that the version bump it made is rolled back with it. */
class LimitReached extends Error {
  constructor(readonly result: ServerDeckWriteResult) {
    super(result.kind);
  }
}

function refusal(error: unknown): ServerDeckWriteResult {
  if (error instanceof LimitReached) return error.result;
  throw error;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
