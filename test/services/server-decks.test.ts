import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { DailyRepository } from '../../src/db/repositories/daily-repository.js';
import { LeaderboardRepository } from '../../src/db/repositories/leaderboard-repository.js';
import { MemoryRepository } from '../../src/db/repositories/memory-repository.js';
import { RoundsRepository } from '../../src/db/repositories/rounds-repository.js';
import { ServerDecksRepository } from '../../src/db/repositories/server-decks-repository.js';
import { StatsRepository } from '../../src/db/repositories/stats-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import { UPLOAD_LIMITS } from '../../src/decks/upload/limits.js';
import type { Deck } from '../../src/domain/types.js';
import { UserError } from '../../src/errors.js';
import { DailyService } from '../../src/services/daily-service.js';
import { DeckCatalog } from '../../src/services/deck-catalog.js';
import { QuizService } from '../../src/services/quiz-service.js';
import { ReviewService } from '../../src/services/review-service.js';
import { ServerDeckService, type ImportInput } from '../../src/services/server-deck-service.js';
import { StatsService } from '../../src/services/stats-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks, seededRandom } from '../support/fixtures.js';
import { MemoryPublisher } from '../support/memory-publisher.js';

const GUILD_A = '120000000000000001';
const GUILD_B = '120000000000000002';
const CHANNEL = '220000000000000001';
const ADMIN = '320000000000000000';
const ALICE = '320000000000000001';
const NOON = new Date('2026-03-10T12:00:00Z');
const logger = pino({ level: 'silent' });

const CSV_A = [
  'question,answer',
  'What does the A course call a neuron?,A unit',
  'What does the A course call a layer?,A stage',
  'What does the A course call a weight?,A knob',
  'What does the A course call a loss?,A penalty',
].join('\n');
const CSV_B = ['front,back', 'What does the B course call a neuron?,B cell', 'What does the B course call a layer?,B tier'].join('\n');

describe(`server decks on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let shipped: Deck[];
  const files = new Map<string, Uint8Array>();
  const services: DailyService[] = [];

  /** One bot process: its own catalog (and cache) over the shared database. */
  const process_ = () => {
    const repository = new ServerDecksRepository(database);
    const catalog = new DeckCatalog(new DeckLibrary(shipped), repository);
    const rounds = new RoundsRepository(database);
    const daily = new DailyService(catalog, new DailyRepository(database), new MemoryPublisher(), seededRandom(3), logger);
    services.push(daily);
    return {
      catalog,
      decks: new ServerDeckService(catalog, repository, (url) => {
        const bytes = files.get(url);
        return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`no file at ${url}`));
      }),
      quiz: new QuizService(catalog, rounds, seededRandom(7)),
      review: new ReviewService(catalog, rounds, new MemoryRepository(database), logger),
      stats: new StatsService(catalog, new StatsRepository(database), new LeaderboardRepository(database)),
      daily,
    };
  };
  let bot: ReturnType<typeof process_>;

  const upload = (name: string, content: string) => {
    const url = `http://cdn.test/${files.size}/${name}`;
    const bytes = new TextEncoder().encode(content);
    files.set(url, bytes);
    return { name, url, size: bytes.length };
  };
  const importInto = (guildId: string, deck: string, name: string, content: string, over: Partial<ImportInput> = {}) =>
    bot.decks.import({ guildId, userId: ADMIN, deck, title: null, description: null, mode: 'add', attachment: upload(name, content), now: NOON, ...over });
  const quiz = (guildId: string | null, deckId: string, mode: 'flashcard' | 'choice' = 'flashcard', b = bot) =>
    b.quiz.startQuiz({ deckId, mode, userId: ALICE, guildId, channelId: CHANNEL, isPrivate: false, now: NOON });

  beforeAll(async () => {
    database = await testDatabase();
    shipped = await fixtureDecks();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    bot = process_();
  });
  afterEach(() => services.splice(0).forEach((s) => s.stop()));

  test('GIVEN two guilds import the same deck id THEN each sees only its own cards, and a DM sees neither', async () => {
    await importInto(GUILD_A, 'ml-exam', 'a.csv', CSV_A);
    await importInto(GUILD_B, 'ml-exam', 'b.csv', CSV_B);
    const a = await quiz(GUILD_A, 'ml-exam');
    const b = await quiz(GUILD_B, 'ml-exam');
    expect(a.card.question).toMatch(/the A course/);
    expect(b.card.question).toMatch(/the B course/);
    expect((await bot.catalog.forGuild(GUILD_A)).deck('ml-exam')!.cards).toHaveLength(4);
    expect((await bot.catalog.forGuild(GUILD_B)).deck('ml-exam')!.cards).toHaveLength(2);
    await expect(quiz(null, 'ml-exam')).rejects.toThrow(/There is no deck called "ml-exam"/);
    expect((await bot.catalog.forGuild(null)).decks.map((d) => d.id)).toEqual(shipped.map((d) => d.id));
    expect((await bot.stats.deckProgress(ALICE, GUILD_A)).map((p) => p.deck.handle ?? p.deck.id)).toEqual([...shipped.map((d) => d.id), 'ml-exam']);
    expect((await bot.decks.list(GUILD_B)).map((d) => [d.handle, d.cards.length, d.importedBy])).toEqual([['ml-exam', 2, ADMIN]]);
  });

  test('GIVEN a shipped deck id THEN importing it into a server is refused', async () => {
    await expect(importInto(GUILD_A, shipped[0]!.id, 'a.csv', CSV_A)).rejects.toThrow(new UserError(`\`${shipped[0]!.id}\` is the id of a deck that comes with deepcards; choose another id, e.g. ${shipped[0]!.id}-notes.`));
  });

  test('GIVEN add twice THEN the second import reports the existing cards as skipped and adds only new ones', async () => {
    await importInto(GUILD_A, 'ml-exam', 'a.csv', CSV_A);
    const again = await importInto(GUILD_A, 'ml-exam', 'a2.csv', `${CSV_A}\nWhat does the A course call a bias?,An offset`);
    expect(again.imported).toBe(1);
    expect(again.skipped).toHaveLength(4);
    expect(again.skipped[0]!.reason).toMatch(/same question, imported before/);
    expect(again.deck.cards).toHaveLength(5);
    expect(again.preview?.question).toBe('What does the A course call a bias?');
  });

  test('GIVEN imported cards without distractors THEN choice mode draws wrong options from the same deck', async () => {
    await importInto(GUILD_A, 'ml-exam', 'a.csv', CSV_A);
    const view = await quiz(GUILD_A, 'ml-exam', 'choice');
    const options = view.round.choiceOrder!;
    expect(options).toHaveLength(4);
    expect(options[view.round.correctIndex!]).toBe(view.card.answer);
    expect([...options].sort()).toEqual(['A knob', 'A penalty', 'A stage', 'A unit']);
  });

  test('GIVEN the daily challenge set to a server deck THEN it posts one of its cards with options from the deck', async () => {
    await importInto(GUILD_A, 'ml-exam', 'a.csv', CSV_A);
    await bot.daily.setup({ guildId: GUILD_A, channelId: CHANNEL, time: '18:00', timeZone: 'UTC', deck: 'ml-exam', userId: ADMIN, now: NOON });
    const posted = await bot.daily.postNow(GUILD_A, NOON);
    if (posted.kind !== 'posted') throw new Error(`expected a post, got ${posted.kind}`);
    expect(posted.challenge.deckId).toBe(`${GUILD_A}/ml-exam`);
    expect([...posted.challenge.options].sort()).toEqual(['A knob', 'A penalty', 'A stage', 'A unit']);
    const answered = await bot.daily.answer(posted.challenge.id, ALICE, posted.challenge.correctIndex, NOON);
    expect(answered.kind).toBe('answered');
    await expect(bot.daily.setup({ guildId: GUILD_B, channelId: CHANNEL, time: '18:00', timeZone: 'UTC', deck: 'ml-exam', userId: ADMIN, now: NOON })).rejects.toThrow(/no deck called "ml-exam"/);
  });

  test('GIVEN replace while a member has an open round on a removed card THEN the round answers "gone", history stays, nothing crashes', async () => {
    await importInto(GUILD_A, 'ml-exam', 'a.csv', CSV_A);
    const earlier = await quiz(GUILD_A, 'ml-exam');
    await bot.quiz.reveal(earlier.round.id, ALICE, NOON);
    expect((await bot.quiz.grade(earlier.round.id, ALICE, { grade: 'good' }, NOON)).kind).toBe('graded');
    const open = await quiz(GUILD_A, 'ml-exam');
    await bot.quiz.reveal(open.round.id, ALICE, NOON);

    // Another bot process replaces the deck: its cache is its own, and the first process must notice.
    const other = process_();
    const replaced = await other.decks.import({
      guildId: GUILD_A, userId: ADMIN, deck: 'ml-exam', title: null, description: null, mode: 'replace',
      attachment: upload('new.csv', 'question,answer\nWhat is entirely new in this deck?,Everything'), now: NOON,
    });
    expect(replaced.removed).toBe(4);
    expect(replaced.deck.cards).toHaveLength(1);

    expect(await bot.quiz.grade(open.round.id, ALICE, { grade: 'good' }, NOON)).toEqual({ kind: 'gone' });
    expect(await bot.quiz.reveal(earlier.round.id, ALICE, NOON)).toEqual({ kind: 'gone' });
    const [ledger] = await database.rows<{ n: number; points: number }>(sql`select count(*)::int as n, sum(points)::int as points from answers where guild_id = ${GUILD_A}`);
    expect(ledger).toEqual({ n: 1, points: 1 });
    expect((await quiz(GUILD_A, 'ml-exam')).card.question).toBe('What is entirely new in this deck?');
    // The removed card's memory is gone, so /review never picks a card that no longer exists, even once it would be due.
    const later = new Date(NOON.getTime() + 60 * 86_400_000);
    const next = await bot.review.start({ userId: ALICE, guildId: GUILD_A, channelId: CHANNEL, deck: 'ml-exam', now: later });
    expect('card' in next && next.card.question).toBe('What is entirely new in this deck?');
  });

  test('GIVEN /deck remove THEN the deck and its cards go, and the points earned stay', async () => {
    await importInto(GUILD_A, 'ml-exam', 'a.csv', CSV_A);
    const view = await quiz(GUILD_A, 'ml-exam');
    await bot.quiz.reveal(view.round.id, ALICE, NOON);
    await bot.quiz.grade(view.round.id, ALICE, { grade: 'easy' }, NOON);
    await bot.decks.remove(GUILD_A, 'ml-exam');
    await expect(quiz(GUILD_A, 'ml-exam')).rejects.toThrow(/no deck called "ml-exam"/);
    expect((await bot.stats.memberRecord(GUILD_A, ALICE, NOON)).points).toBe(1);
    await expect(bot.decks.remove(GUILD_A, 'ml-exam')).rejects.toThrow(/no deck called "ml-exam" any more/);
  });

  test(`GIVEN a server with ${UPLOAD_LIMITS.decksPerGuild} decks THEN one more is refused, and an existing one still takes cards`, async () => {
    const repository = new ServerDecksRepository(database);
    for (let i = 0; i < UPLOAD_LIMITS.decksPerGuild; i++) {
      await repository.write({
        guildId: GUILD_A, deckId: `deck-${i}`, title: `Deck ${i}`, description: 'd', color: 0, importedBy: ADMIN, importedAt: NOON, mode: 'add',
        cards: [{ cardId: `c-${i}`, question: `Question number ${i}?`, answer: 'a', explanation: null, choices: [] }],
        limits: { decks: UPLOAD_LIMITS.decksPerGuild, cards: UPLOAD_LIMITS.cardsPerGuild, cardsPerDeck: UPLOAD_LIMITS.cardsPerDeck },
      });
    }
    await expect(importInto(GUILD_A, 'one-more', 'a.csv', CSV_A)).rejects.toThrow(/already has 50 decks, the most it may have/);
    expect((await importInto(GUILD_A, 'deck-0', 'a.csv', CSV_A)).imported).toBe(4);
  });

  test('GIVEN a server near its card limit THEN an import that would pass it is refused and nothing is written', async () => {
    const repository = new ServerDecksRepository(database);
    const result = await repository.write({
      guildId: GUILD_A, deckId: 'big', title: 'Big', description: 'd', color: 0, importedBy: ADMIN, importedAt: NOON, mode: 'add',
      cards: Array.from({ length: 3 }, (_, i) => ({ cardId: `c-${i}`, question: `Question number ${i}?`, answer: 'a', explanation: null, choices: [] })),
      limits: { decks: 50, cards: 2, cardsPerDeck: 5_000 },
    });
    expect(result).toEqual({ kind: 'too-many-cards', cards: 3 });
    expect(await bot.decks.list(GUILD_A)).toEqual([]);
  });

  test('GIVEN /deck show THEN cards come five per page, and a page past the end shows the last', async () => {
    await importInto(GUILD_A, 'ml-exam', 'a.csv', [...CSV_A.split('\n'), 'What does the A course call a bias?,An offset', 'What does the A course call an epoch?,A lap'].join('\n'));
    const first = await bot.decks.page(GUILD_A, 'ml-exam', 0);
    expect([first.page, first.pages, first.cards.length]).toEqual([0, 2, 5]);
    const last = await bot.decks.page(GUILD_A, 'ml-exam', 9);
    expect([last.page, last.cards.map((c) => c.position)]).toEqual([1, [6]]);
  });
});
