import { sql } from 'drizzle-orm';
import pino from 'pino';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { DailyRepository } from '../../src/db/repositories/daily-repository.js';
import { RoundsRepository } from '../../src/db/repositories/rounds-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import type { QuizMode } from '../../src/domain/types.js';
import { UserError } from '../../src/errors.js';
import { DailyService } from '../../src/services/daily-service.js';
import { QuizService } from '../../src/services/quiz-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks, seededRandom } from '../support/fixtures.js';
import { MemoryPublisher } from '../support/memory-publisher.js';

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000009';
const CHANNEL = '200000000000000001';
const ALICE = '300000000000000001';
const NOON = new Date('2026-03-10T12:00:00Z');

/** Fields only a forged request could set (Discord itself never sends them) are still checked. */
describe(`forged requests on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let library: DeckLibrary;
  let quiz: QuizService;

  const count = async (table: 'answers' | 'rounds') =>
    (await database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]?.n;

  beforeAll(async () => {
    database = await testDatabase();
    library = new DeckLibrary(await fixtureDecks());
  });
  beforeEach(async () => {
    await resetDatabase(database);
    quiz = new QuizService(library, new RoundsRepository(database), seededRandom(5));
  });

  test.each([
    ['another server', OTHER_GUILD],
    ['a DM', null],
  ])('GIVEN ALICE\'s round in one server WHEN her press arrives from %s THEN reveal, grade and Next card find nothing, and nothing is recorded', async (_where, pressedIn) => {
    const flash = await quiz.startQuiz({ deckId: 'alpha', mode: 'flashcard', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
    expect(await quiz.reveal(flash.round.id, ALICE, NOON, pressedIn)).toEqual({ kind: 'gone' });
    expect((await database.rows<{ revealed_at: unknown }>(sql`select revealed_at from rounds where id = ${flash.round.id}`))[0]?.revealed_at).toBeNull();
    expect(await quiz.grade(flash.round.id, ALICE, { grade: 'easy' }, NOON, pressedIn)).toEqual({ kind: 'gone' });
    expect(await quiz.nextCard(flash.round.id, ALICE, NOON, pressedIn)).toEqual({ kind: 'gone' });
    expect(await count('answers')).toBe(0);
    expect(await count('rounds')).toBe(1);
    // From its own server the same presses work.
    expect((await quiz.grade(flash.round.id, ALICE, { grade: 'easy' }, NOON, GUILD)).kind).toBe('graded');
  });

  test('GIVEN a daily challenge of one server WHEN a press arrives from another server THEN it finds nothing and nothing is recorded', async () => {
    const publisher = new MemoryPublisher();
    const daily = new DailyService(library, new DailyRepository(database), publisher, seededRandom(2), pino({ level: 'silent' }), { countRefreshMs: 60_000 });
    try {
      await daily.setup({ guildId: GUILD, channelId: CHANNEL, time: '18:00', timeZone: 'UTC', deck: 'alpha', userId: ALICE, now: NOON });
      const posted = await daily.postNow(GUILD, NOON);
      if (posted.kind !== 'posted') throw new Error(`expected a post, got ${posted.kind}`);
      expect(await daily.answer(posted.challenge.id, ALICE, posted.challenge.correctIndex, NOON, OTHER_GUILD)).toEqual({ kind: 'gone' });
      expect(await count('answers')).toBe(0);
      expect((await daily.answer(posted.challenge.id, ALICE, posted.challenge.correctIndex, NOON, GUILD)).kind).toBe('answered');
    } finally {
      daily.stop();
    }
  });

  test.each(['quick', 'FLASHCARD', ''])('GIVEN /quiz with mode %j (Discord offers only flashcard and choice) THEN it is refused before anything is stored', async (mode) => {
    const start = quiz.startQuiz({ deckId: 'alpha', mode: mode as QuizMode, userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
    await expect(start).rejects.toThrow(UserError);
    await expect(start).rejects.toThrow(/is not a quiz mode\. Use mode:flashcard, mode:choice or mode:typed/);
    expect(await count('rounds')).toBe(0);
  });
});
