import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { DailyRepository } from '../../src/db/repositories/daily-repository.js';
import { RoundsRepository } from '../../src/db/repositories/rounds-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import type { Deck } from '../../src/domain/types.js';
import { DailyService } from '../../src/services/daily-service.js';
import { QuizService } from '../../src/services/quiz-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks, seededRandom } from '../support/fixtures.js';
import { MemoryPublisher } from '../support/memory-publisher.js';

const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';
const ALICE = '300000000000000001';
const NOON = new Date('2026-03-10T12:00:00Z');
const interaction = (n: number) => `90000000000000000${n}`;

/** The same interaction delivered to two bot processes (overlapping during a deploy, or resent by Discord). */
describe(`one interaction received by two processes on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let decks: Deck[];
  const dailies: DailyService[] = [];

  const quizProcess = (seed: number) => new QuizService(new DeckLibrary(decks), new RoundsRepository(database), seededRandom(seed));
  const count = async (query: ReturnType<typeof sql>) => (await database.rows<{ n: number }>(query))[0]?.n;

  beforeAll(async () => {
    database = await testDatabase();
    decks = await fixtureDecks();
  });
  beforeEach(async () => {
    await resetDatabase(database);
  });
  afterEach(() => dailies.splice(0).forEach((d) => d.stop()));

  test('GIVEN session A and session B each receive the same 10 /quiz interactions at once THEN 10 rounds are served, and both processes show the same round for each', async () => {
    const a = quizProcess(1);
    const b = quizProcess(2);
    const start = (p: QuizService, n: number) =>
      p.startQuiz({ deckId: 'alpha', mode: 'choice', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON, interactionId: interaction(n) });
    const views = await Promise.all(Array.from({ length: 10 }, (_, n) => Promise.all([start(a, n), start(b, n)])));
    expect(await count(sql`select count(*)::int as n from rounds`)).toBe(10);
    for (const [fromA, fromB] of views) {
      expect(fromB.round.id).toBe(fromA.round.id);
      expect(fromB.card.id).toBe(fromA.card.id);
      expect(fromB.round.correctIndex).toBe(fromA.round.correctIndex);
    }
  });

  test('GIVEN session A serves a Next card press, then session B receives the same press THEN one new round is served', async () => {
    const a = quizProcess(1);
    const b = quizProcess(2);
    const first = await a.startQuiz({ deckId: 'alpha', mode: 'flashcard', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
    const fromA = await a.nextCard(first.round.id, ALICE, NOON, GUILD, interaction(7));
    const fromB = await b.nextCard(first.round.id, ALICE, NOON, GUILD, interaction(7));
    expect(await count(sql`select count(*)::int as n from rounds`)).toBe(2);
    expect('round' in fromB && 'round' in fromA && fromB.round.id === fromA.round.id).toBe(true);
  });

  test.each([
    { order: 'at once', together: true },
    { order: 'A, then B', together: false },
  ])('GIVEN ALICE\'s only press on a round delivered to session A and session B ($order) THEN one grade is recorded and the other process shows nothing (never "You already answered")', async ({ together }) => {
    const a = quizProcess(1);
    const b = quizProcess(2);
    const view = await a.startQuiz({ deckId: 'alpha', mode: 'flashcard', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
    const press = (p: QuizService) => p.grade(view.round.id, ALICE, { grade: 'good' }, NOON, GUILD, interaction(5));
    const outcomes = together ? await Promise.all([press(a), press(b)]) : [await press(a), await press(b)];
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['delivered-twice', 'graded']);
    expect(await count(sql`select count(*)::int as n from answers`)).toBe(1);
    // A second, different press on the answered card still says it counts once.
    expect((await b.grade(view.round.id, ALICE, { grade: 'easy' }, NOON, GUILD, interaction(6))).kind).toBe('already-graded');
  });

  test('GIVEN session A and session B each receive the same 3 /daily now interactions at once THEN 3 challenges are posted, not 6', async () => {
    const publisher = new MemoryPublisher();
    const make = (seed: number) => {
      const d = new DailyService(new DeckLibrary(decks), new DailyRepository(database), publisher, seededRandom(seed), pino({ level: 'silent' }), { countRefreshMs: 60_000 });
      dailies.push(d);
      return d;
    };
    const a = make(1);
    const b = make(2);
    await a.setup({ guildId: GUILD, channelId: CHANNEL, time: '18:00', timeZone: 'UTC', deck: 'alpha', userId: ALICE, now: NOON });
    const results = [];
    for (let n = 0; n < 3; n++) {
      const at = new Date(NOON.getTime() + n * 60_000);
      results.push(...(await Promise.all([a.postNow(GUILD, at, interaction(n)), b.postNow(GUILD, at, interaction(n))])));
    }
    expect(results.filter((r) => r.kind === 'posted')).toHaveLength(3);
    expect(results.filter((r) => r.kind === 'taken')).toHaveLength(3);
    expect(publisher.postsIn(CHANNEL)).toHaveLength(3);
    expect(await count(sql`select count(*)::int as n from daily_challenges`)).toBe(3);
  });
});
