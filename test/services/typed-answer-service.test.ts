import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { MemoryRepository } from '../../src/db/repositories/memory-repository.js';
import { RoundsRepository } from '../../src/db/repositories/rounds-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import type { Deck } from '../../src/domain/types.js';
import { QuizService, type TypedOutcome } from '../../src/services/quiz-service.js';
import { ReviewService } from '../../src/services/review-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks, seededRandom } from '../support/fixtures.js';
import pino from 'pino';

const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';
const ALICE = '300000000000000001';
const BOB = '300000000000000002';
const NOON = new Date('2026-03-10T12:00:00Z');
const LATER = new Date('2026-03-10T12:00:30Z');

describe(`typed answers in the quiz service, on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let decks: Deck[];
  let quiz: QuizService;
  let review: ReviewService;

  const start = () => quiz.startQuiz({ deckId: 'alpha', mode: 'typed', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
  const ledger = () => database.rows<{ n: number; points: number }>(sql`select count(*)::int as n, coalesce(sum(points), 0)::int as points from answers`);
  const stored = (id: number) => database.rows<{ typed_answer: string | null; answered_at: unknown }>(sql`select typed_answer, answered_at from rounds where id = ${id}`);
  const expectKind = <K extends TypedOutcome['kind']>(o: TypedOutcome, kind: K): Extract<TypedOutcome, { kind: K }> => {
    if (o.kind !== kind) throw new Error(`expected ${kind}, got ${o.kind}`);
    return o as Extract<TypedOutcome, { kind: K }>;
  };

  beforeAll(async () => {
    database = await testDatabase();
    decks = await fixtureDecks();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    const library = new DeckLibrary(decks);
    const rounds = new RoundsRepository(database);
    quiz = new QuizService(library, rounds, seededRandom(7));
    review = new ReviewService(library, rounds, new MemoryRepository(database), pino({ level: 'silent' }));
  });

  test('GIVEN an exact match after normalisation THEN it is graded Good at once: 1 point, FSRS memory, the answer kept with the round', async () => {
    const view = await start();
    const typed = `  ${view.card.answer.toUpperCase()}!! `;
    const outcome = expectKind(await quiz.submitTyped(view.round.id, ALICE, typed, LATER), 'graded');
    expect(outcome.result).toBe('good');
    expect(outcome.points).toBe(1);
    expect(outcome.totalPoints).toBe(1);
    expect(outcome.comparison.exact).toBe(true);
    expect(await ledger()).toEqual([{ n: 1, points: 1 }]);
    expect(await stored(view.round.id)).toEqual([expect.objectContaining({ typed_answer: typed })]);
    const [log] = await database.rows<{ rating: number; source: string }>(sql`select rating, source from review_logs`);
    expect(log).toEqual({ rating: 3, source: 'quiz' });
  });

  test('GIVEN a wrong answer THEN nothing is graded yet, the suggested grade is Again, and the member’s own grade then follows the flashcard rules', async () => {
    const view = await start();
    const outcome = expectKind(await quiz.submitTyped(view.round.id, ALICE, 'no idea at all, sorry', LATER), 'compared');
    expect(outcome.comparison.suggested).toBe('again');
    expect(await ledger()).toEqual([{ n: 0, points: 0 }]);
    expect(await stored(view.round.id)).toEqual([{ typed_answer: 'no idea at all, sorry', answered_at: null }]);
    const graded = await quiz.grade(view.round.id, ALICE, { grade: 'easy' }, LATER);
    expect(graded).toMatchObject({ kind: 'graded', result: 'easy', points: 1 });
    expect(await ledger()).toEqual([{ n: 1, points: 1 }]);
  });

  test('GIVEN a flashcard round THEN it takes no typed answer', async () => {
    const view = await quiz.startQuiz({ deckId: 'alpha', mode: 'flashcard', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
    expect(await quiz.typedPrompt(view.round.id, ALICE)).toEqual({ kind: 'gone' });
    expect(await quiz.submitTyped(view.round.id, ALICE, view.card.answer, LATER)).toEqual({ kind: 'gone' });
    expect(await stored(view.round.id)).toEqual([{ typed_answer: null, answered_at: null }]);
  });

  test('GIVEN a typed round before any answer was typed THEN a grade press records nothing', async () => {
    const view = await start();
    expect((await quiz.grade(view.round.id, ALICE, { grade: 'good' }, LATER)).kind).toBe('already-graded');
    expect(await ledger()).toEqual([{ n: 0, points: 0 }]);
  });

  test("GIVEN a modal submit by someone else THEN it is refused and the owner's round is untouched", async () => {
    const view = await start();
    expect(await quiz.typedPrompt(view.round.id, BOB)).toMatchObject({ kind: 'not-owner' });
    const outcome = await quiz.submitTyped(view.round.id, BOB, view.card.answer, LATER);
    expect(outcome).toMatchObject({ kind: 'not-owner' });
    expect(await stored(view.round.id)).toEqual([{ typed_answer: null, answered_at: null }]);
    expect(await ledger()).toEqual([{ n: 0, points: 0 }]);
    expect(await quiz.typedPrompt(view.round.id, ALICE)).toMatchObject({ round: { id: view.round.id } });
  });

  test('GIVEN two submits of one round at once THEN one answer is kept and recorded, the other records nothing', async () => {
    const view = await start();
    const [a, b] = await Promise.all([
      quiz.submitTyped(view.round.id, ALICE, view.card.answer, LATER),
      quiz.submitTyped(view.round.id, ALICE, 'something else entirely', LATER),
    ]);
    expect([a, b].filter((o) => o.kind === 'already-answered')).toHaveLength(1);
    const [row] = await stored(view.round.id);
    const winner = a.kind === 'already-answered' ? b : a;
    expect(row?.typed_answer).toBe(winner.kind === 'graded' ? view.card.answer : 'something else entirely');
    expect((await ledger())[0]!.n).toBe(winner.kind === 'graded' ? 1 : 0);
  });

  test('GIVEN a round already graded THEN a late submit records nothing', async () => {
    const view = await start();
    expectKind(await quiz.submitTyped(view.round.id, ALICE, view.card.answer, LATER), 'graded');
    expect((await quiz.submitTyped(view.round.id, ALICE, view.card.answer, LATER)).kind).toBe('already-answered');
    expect(await quiz.typedPrompt(view.round.id, ALICE)).toMatchObject({ kind: 'already-answered' });
    expect(await ledger()).toEqual([{ n: 1, points: 1 }]);
  });

  test('GIVEN /review typed THEN its rounds are typed, and the session stays typed after a grade', async () => {
    const first = await review.start({ userId: ALICE, guildId: GUILD, channelId: CHANNEL, deck: 'alpha', typed: true, now: NOON });
    if ('kind' in first) throw new Error('expected a card');
    expect(first.round.mode).toBe('typed');
    const graded = expectKind(await quiz.submitTyped(first.round.id, ALICE, first.card.answer, LATER), 'graded');
    expect(graded.view.round.source).toBe('review');
    const next = await review.continueAfter(graded.view.round, LATER);
    if ('kind' in next) throw new Error('expected a second card');
    expect(next.round.mode).toBe('typed');
  });
});
