import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { RoundsRepository, type NewQuizRound } from '../../src/db/repositories/rounds-repository.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';

const CARDS = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
const T0 = Date.parse('2026-03-10T12:00:00Z');

/** The pick the statement must make: the first candidate not served recently, else the first candidate. */
function expectedPick(candidates: readonly string[], recentlyServed: readonly string[]): string | undefined {
  return candidates.find((id) => !recentlyServed.includes(id)) ?? candidates[0];
}

describe(`rounds repository on ${TEST_DB_KIND}: the quiz pick`, () => {
  let database: Database;
  let rounds: RoundsRepository;

  beforeAll(async () => {
    database = await testDatabase();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    rounds = new RoundsRepository(database);
  });

  const quizRound = (ownerId: string, order: readonly string[], recentWindow: number, minute: number, over: Partial<NewQuizRound> = {}) =>
    rounds.createQuizRound({
      ownerId,
      guildId: 'g',
      channelId: 'ch',
      deckId: 'd',
      mode: 'flashcard',
      isPrivate: false,
      createdAt: new Date(T0 + minute * 60_000),
      candidates: order.map((cardId) => ({ cardId, choiceOrder: null, correctIndex: null })),
      recentWindow,
      ...over,
    });

  /** A round of `cardId` served to `ownerId` at minute `minute`, as any earlier round would be. */
  const served = (ownerId: string, cardId: string, minute: number, deckId = 'd') =>
    rounds.create({
      source: 'quiz',
      ownerId,
      guildId: 'g',
      channelId: 'ch',
      deckId,
      cardId,
      mode: 'flashcard',
      choiceOrder: null,
      correctIndex: null,
      isPrivate: false,
      createdAt: new Date(T0 + minute * 60_000),
    });

  test('GIVEN any history and candidate order THEN the statement picks the first candidate not served recently, and records it', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...CARDS), { maxLength: 12 }),
        fc.shuffledSubarray(CARDS, { minLength: 1 }),
        fc.integer({ min: 0, max: 8 }),
        async (history, order, window) => {
          const owner = `member-${run++}`;
          for (const [minute, cardId] of history.entries()) await served(owner, cardId, minute);
          // Rounds of another member, and of another deck, hold nothing back.
          await served(`${owner}-other`, order[0]!, history.length);
          await served(owner, order[0]!, history.length, 'other-deck');
          const newestFirst = [...history].reverse().slice(0, window);

          const round = await quizRound(owner, order, window, history.length + 1);

          expect(round.cardId).toBe(expectedPick(order, newestFirst));
          const [stored] = await database.rows<{ card_id: string; n: number }>(
            sql`select card_id, (select count(*)::int from rounds where owner_id = ${owner} and deck_id = 'd') as n from rounds where id = ${round.id}`,
          );
          expect(stored).toEqual({ card_id: round.cardId, n: history.length + 1 });
        },
      ),
      { numRuns: 40 },
    );
  });

  test.each([
    ['none served', [], 'b'],
    ['b and a served', ['b', 'a'], 'c'],
    ['every candidate served', ['c', 'b', 'a'], 'b'],
  ])('GIVEN candidates b, a, c and %s lately THEN the statement picks %s', async (_label, servedOldestFirst, expected) => {
    for (const [minute, cardId] of servedOldestFirst.entries()) await served('alice', cardId, minute);
    const round = await quizRound('alice', ['b', 'a', 'c'], 3, servedOldestFirst.length);
    expect(round.cardId).toBe(expected);
  });

  test('GIVEN choice mode THEN the round keeps the choice set of the card it picked', async () => {
    await served('alice', 'c0', 0);
    const choiceOf = (cardId: string, correctIndex: number) => ({ cardId, choiceOrder: [`${cardId}-A`, `${cardId}-B`, `${cardId}-C`, `${cardId}-D`], correctIndex });

    const round = await quizRound('alice', [], 1, 1, { mode: 'choice', candidates: [choiceOf('c0', 0), choiceOf('c1', 2), choiceOf('c2', 3)] });

    expect(round).toMatchObject({ cardId: 'c1', choiceOrder: ['c1-A', 'c1-B', 'c1-C', 'c1-D'], correctIndex: 2, mode: 'choice', revealedAt: null, answeredAt: null });
    // What the bot built from the statement's answer is what the database holds.
    expect(await rounds.findById(round.id)).toEqual(round);
  });
});
