import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { RoundsRepository } from '../../src/db/repositories/rounds-repository.js';
import { ADD_BATCH_CARDS, LOAD_CHUNK_CARDS, ServerDecksRepository, type ServerDeckWrite } from '../../src/db/repositories/server-decks-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import type { Deck } from '../../src/domain/types.js';
import { DeckCatalog } from '../../src/services/deck-catalog.js';
import { QuizService } from '../../src/services/quiz-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks, seededRandom } from '../support/fixtures.js';

const GUILD = '120000000000000001';
const ADMIN = '320000000000000000';
const NOON = new Date('2026-03-10T12:00:00Z');
const LIMITS = { decks: 50, cards: 20_000, cardsPerDeck: 5_000 };

/** `count` cards with ids `<prefix>-0000`…, each question unique. */
const cards = (prefix: string, count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => {
    const n = String(from + i).padStart(4, '0');
    return { cardId: `${prefix}-${n}`, question: `What is ${prefix} number ${n}?`, answer: `${n}`, explanation: null, choices: [] };
  });

const write = (deckId: string, cardList: ServerDeckWrite['cards'], over: Partial<ServerDeckWrite> = {}): ServerDeckWrite => ({
  guildId: GUILD, deckId, title: deckId, description: 'd', color: 0, importedBy: ADMIN, importedAt: NOON, mode: 'add', cards: cardList, limits: LIMITS, ...over,
});

describe(`server decks repository on ${TEST_DB_KIND}: an add written in batches`, () => {
  let database: Database;
  let repository: ServerDecksRepository;
  let shipped: Deck[];

  /**
   * The same database, but the `pauseAt`-th transaction this handle starts first waits for `between`:
   * what another process does between two batches of an import.
   */
  const pausing = (pauseAt: number, between: () => Promise<unknown>): Database => {
    let started = 0;
    const db = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property !== 'transaction') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<Database['db']['transaction']>) => {
          if (++started === pauseAt) await between();
          return target.transaction(...args);
        };
      },
    });
    return { ...database, db };
  };
  const cardsOf = async (deckId: string) => (await repository.load(GUILD)).cards.filter((c) => c.deckId === deckId);

  beforeAll(async () => {
    database = await testDatabase();
    shipped = await fixtureDecks();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    repository = new ServerDecksRepository(database);
  });

  test(`GIVEN an add of more than ${ADD_BATCH_CARDS * 2} cards into a deck holding some of them THEN exactly the new ones are added, after the old, in file order`, async () => {
    const file = cards('card', ADD_BATCH_CARDS * 2 + 200);
    const before = [file[100]!, file[ADD_BATCH_CARDS + 50]!, file[file.length - 1]!, ...cards('old', 1)];
    await repository.write(write('big', before));

    const result = await repository.write(write('big', file));

    const beforeIds = new Set(before.map((c) => c.cardId));
    const fresh = file.filter((c) => !beforeIds.has(c.cardId)).map((c) => c.cardId);
    expect(result).toMatchObject({ kind: 'written', added: fresh, existing: file.filter((c) => beforeIds.has(c.cardId)).map((c) => c.cardId), removed: 0 });
    const stored = await cardsOf('big');
    expect(stored.length).toBeGreaterThan(LOAD_CHUNK_CARDS);
    expect(stored.map((c) => c.cardId)).toEqual([...before.map((c) => c.cardId), ...fresh]);
    expect(new Set(stored.map((c) => c.position)).size).toBe(stored.length);
  });

  test('GIVEN a deck past its card limit with the new cards THEN the add is refused under the lock and nothing is written', async () => {
    await repository.write(write('small', cards('card', 3)));
    const result = await repository.write(write('small', cards('card', 4, 3), { limits: { ...LIMITS, cardsPerDeck: 6 } }));
    expect(result).toEqual({ kind: 'too-many-cards-in-deck', cards: 7 });
    expect(await cardsOf('small')).toHaveLength(3);
  });

  test('GIVEN another import takes the last room between two batches THEN the later batch is refused and its import leaves no card behind', async () => {
    const limits = { ...LIMITS, cards: ADD_BATCH_CARDS * 3 };
    const other = new ServerDecksRepository(database);
    let theirs: Awaited<ReturnType<ServerDecksRepository['write']>> | undefined;
    const racing = new ServerDecksRepository(
      pausing(2, async () => (theirs = await other.write(write('theirs', cards('t', ADD_BATCH_CARDS * 2), { limits })))),
    );

    const ours = await racing.write(write('ours', cards('o', ADD_BATCH_CARDS * 2), { limits }));

    expect(theirs).toMatchObject({ kind: 'written', added: cards('t', ADD_BATCH_CARDS * 2).map((c) => c.cardId) });
    expect(ours).toEqual({ kind: 'too-many-cards', cards: ADD_BATCH_CARDS * 3 + ADD_BATCH_CARDS });
    const loaded = await repository.load(GUILD);
    expect(loaded.decks.map((d) => [d.deckId, d.cardCount])).toEqual([['theirs', ADD_BATCH_CARDS * 2]]);
    expect(loaded.cards).toHaveLength(ADD_BATCH_CARDS * 2);
  });

  test('GIVEN two imports at once that do not both fit THEN one is written whole and the other leaves nothing', async () => {
    const limits = { ...LIMITS, cards: ADD_BATCH_CARDS * 3 };
    const results = await Promise.all(['a', 'b'].map((deck) => new ServerDecksRepository(database).write(write(deck, cards(deck, ADD_BATCH_CARDS * 2), { limits }))));
    expect(results.map((r) => r.kind).sort()).toEqual(['too-many-cards', 'written']);
    const winner = results[0]!.kind === 'written' ? 'a' : 'b';
    const loaded = await repository.load(GUILD);
    expect(loaded.decks.map((d) => [d.deckId, d.cardCount])).toEqual([[winner, ADD_BATCH_CARDS * 2]]);
    expect(loaded.cards.length).toBeLessThanOrEqual(limits.cards);
  });

  test('GIVEN the deck is removed between two batches THEN the add stops, saying so, and none of its cards stay', async () => {
    const racing = new ServerDecksRepository(pausing(2, () => repository.remove(GUILD, 'doomed')));
    expect(await racing.write(write('doomed', cards('d', ADD_BATCH_CARDS * 2)))).toEqual({ kind: 'deck-removed' });
    expect(await repository.load(GUILD)).toMatchObject({ decks: [], cards: [] });
  });

  test('GIVEN another process reads the catalog while an add is written THEN every copy it sees is whole, and the last holds every card', async () => {
    const file = cards('card', ADD_BATCH_CARDS * 4);
    await repository.write(write('existing', cards('x', 2)));
    const reader = new DeckCatalog(new DeckLibrary(shipped), new ServerDecksRepository(database));
    let done = false;
    const seen: number[] = [];
    const reading = (async () => {
      for (let reads = 0; !done && reads < 200; reads++) {
        const decks = await reader.serverDecks(GUILD);
        for (const d of decks) {
          expect(d.cards.length).toBeGreaterThan(0);
          expect(new Set(d.cards.map((c) => c.id)).size).toBe(d.cards.length);
        }
        seen.push(decks.find((d) => d.handle === 'big')?.cards.length ?? 0);
      }
    })();
    const written = await repository.write(write('big', file)).finally(() => (done = true));
    await reading;

    expect(written.kind).toBe('written');
    expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!)).toBe(true);
    const last = (await reader.serverDecks(GUILD)).find((d) => d.handle === 'big')!;
    expect(last.cards.map((c) => c.question)).toEqual(file.map((c) => c.question));
  });

  test(`GIVEN a ${LIMITS.cardsPerDeck}-card import under way THEN a member's /quiz in the same server is answered before it finishes`, async () => {
    const catalog = new DeckCatalog(new DeckLibrary(shipped), repository);
    const quiz = new QuizService(catalog, new RoundsRepository(database), seededRandom(1));
    const order: string[] = [];
    // On PGlite the members' statements share the import's one connection with it.
    const importing = repository.write(write('huge', cards('card', LIMITS.cardsPerDeck))).then((r) => (order.push('import'), r));
    const quizzes = ['1', '2', '3'].map((n) =>
      quiz
        .startQuiz({ deckId: shipped[0]!.id, mode: 'flashcard', userId: `32000000000000000${n}`, guildId: GUILD, channelId: '220000000000000001', isPrivate: false, now: NOON })
        .then(() => order.push(`quiz ${n}`)),
    );
    const [written] = await Promise.all([importing, ...quizzes]);

    expect(written).toMatchObject({ kind: 'written', existing: [] });
    expect(order.indexOf('import')).toBe(3);
  });
});
