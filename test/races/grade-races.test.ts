import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { RoundsRepository } from '../../src/db/repositories/rounds-repository.js';
import { DailyRepository } from '../../src/db/repositories/daily-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import { QuizService } from '../../src/services/quiz-service.js';
import { LedgerRepository } from '../../src/db/repositories/ledger-repository.js';
import { LedgerService } from '../../src/services/ledger-service.js';
import { pino } from 'pino';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { numberedDeck, seededRandom } from '../support/fixtures.js';

const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';
const ALICE = '300000000000000001';
const NOON = new Date('2026-03-10T12:00:00Z');

/*
 * Race tests in the manner of PostgreSQL's isolation tests: each "session" is one press (or one bot
 * process), and the name says how they interleave.
 */
describe(`grades of one member racing each other on ${TEST_DB_KIND}`, () => {
  let database: Database;
  const deck = numberedDeck(40);
  const service = () => new QuizService(new DeckLibrary([deck]), new RoundsRepository(database), seededRandom(3));

  beforeAll(async () => {
    database = await testDatabase();
  });
  beforeEach(async () => {
    await resetDatabase(database);
  });

  async function revealedRounds(quiz: QuizService, n: number, readAhead: boolean) {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const view = await quiz.startQuiz({ deckId: 'd', mode: 'flashcard', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
      await quiz.reveal(view.round.id, ALICE, NOON);
      if (readAhead) await quiz.readAheadForGrade(view.round.id, NOON);
      ids.push(view.round.id);
    }
    return ids;
  }

  const totals = async () => {
    const [ledger] = await database.rows<{ n: number; points: number }>(sql`select count(*)::int as n, coalesce(sum(points), 0)::int as points from answers`);
    const [stats] = await database.rows<{ answers: number; points: number }>(sql`select answers, points from member_stats where guild_id = ${GUILD} and user_id = ${ALICE}`);
    const [memory] = await database.rows<{ n: number }>(sql`select count(*)::int as n from card_memory where user_id = ${ALICE}`);
    return { ledger, stats, memory: memory?.n };
  };

  test.each([
    { readAhead: true, label: 'each read ahead at its reveal' },
    { readAhead: false, label: 'each read at its grade' },
  ])(
    'GIVEN session A … session T each hold a revealed round of ALICE ($label), WHEN all 20 press Good at the same moment THEN all 20 are graded and the totals count 20',
    async ({ readAhead }) => {
      const quiz = service();
      const ids = await revealedRounds(quiz, 20, readAhead);
      const outcomes = await Promise.allSettled(ids.map((id) => quiz.grade(id, ALICE, { grade: 'good' }, NOON)));
      const kinds = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.kind : `error: ${String(o.reason)}`));
      expect(kinds).toEqual(Array.from({ length: 20 }, () => 'graded'));
      expect(await totals()).toEqual({ ledger: { n: 20, points: 20 }, stats: { answers: 20, points: 20 }, memory: 20 });
    },
  );

  test('GIVEN two bot processes A and B on one database WHEN session A grades 10 rounds of ALICE while session B grades 10 others THEN all 20 count once', async () => {
    const a = service();
    const b = service();
    const ids = await revealedRounds(a, 20, false);
    const presses = ids.map((id, i) => (i % 2 === 0 ? a : b).grade(id, ALICE, { grade: 'good' }, NOON));
    const outcomes = await Promise.allSettled(presses);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.kind : String(o.reason)))).toEqual(Array.from({ length: 20 }, () => 'graded'));
    expect(await totals()).toEqual({ ledger: { n: 20, points: 20 }, stats: { answers: 20, points: 20 }, memory: 20 });
  });

  test('GIVEN grades recorded with their application deferred (as the bot does) WHEN processes A, B and C apply ALICE\'s answers at the same moment THEN each answer is applied once, in order, and equals grading with nothing deferred', async () => {
    const deferred = () => new LedgerService(new LedgerRepository(database), pino({ level: 'silent' }));
    const [ledgerA, ledgerB, ledgerC] = [deferred(), deferred(), deferred()];
    const quiz = new QuizService(new DeckLibrary([deck]), new RoundsRepository(database), seededRandom(3), ledgerA);
    // Two grades of the same card, so the order of applying them shows in its memory.
    const ids = await revealedRounds(quiz, 6, true);
    const again = await quiz.startQuiz({ deckId: 'd', mode: 'flashcard', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
    const [firstCard] = await database.rows<{ card_id: string }>(sql`select card_id from rounds where id = ${ids[0]}`);
    await database.rows(sql`update rounds set card_id = ${firstCard!.card_id} where id = ${again.round.id}`);
    const shown: (number | null)[] = [];
    for (const [i, id] of [...ids, again.round.id].entries()) {
      const outcome = await quiz.grade(id, ALICE, { grade: i % 2 ? 'good' : 'hard' }, new Date(NOON.getTime() + i * 60_000));
      shown.push(outcome.kind === 'graded' ? outcome.totalPoints : null);
    }
    // Recorded, not applied: what the member was shown already counts every answer (Hard earns none).
    const ledgerPoints = await database.rows<{ points: number }>(sql`select points from answers order by id`);
    expect(shown).toEqual(ledgerPoints.map((_, i) => ledgerPoints.slice(0, i + 1).reduce((sum, r) => sum + r.points, 0)));
    expect(shown.at(-1)).toBe(3);
    expect((await totals()).stats).toBeUndefined();
    expect(await Promise.all([ledgerA.settle(ALICE), ledgerB.settle(ALICE), ledgerC.settle(ALICE)]).then((n) => n.reduce((a, b) => a + b))).toBe(7);
    const applied = await totals();
    expect(applied).toEqual({ ledger: { n: 7, points: 3 }, stats: { answers: 7, points: 3 }, memory: 6 });
    const [logs] = await database.rows<{ n: number }>(sql`select count(*)::int as n from review_logs where user_id = ${ALICE}`);
    expect(logs?.n).toBe(7);
    const [memory] = await database.rows<{ reps: number; due: Date }>(sql`select reps, due from card_memory where user_id = ${ALICE} and card_id = ${firstCard!.card_id}`);

    // The same grades, with nothing deferred, on a fresh database: the same memory of the twice-graded card.
    await resetDatabase(database);
    const immediate = new QuizService(new DeckLibrary([deck]), new RoundsRepository(database), seededRandom(3));
    const ids2 = await revealedRounds(immediate, 6, true);
    const again2 = await immediate.startQuiz({ deckId: 'd', mode: 'flashcard', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
    await database.rows(sql`update rounds set card_id = ${firstCard!.card_id} where id = ${again2.round.id}`);
    for (const [i, id] of [...ids2, again2.round.id].entries()) await immediate.grade(id, ALICE, { grade: i % 2 ? 'good' : 'hard' }, new Date(NOON.getTime() + i * 60_000));
    const [memory2] = await database.rows<{ reps: number; due: Date }>(sql`select reps, due from card_memory where user_id = ${ALICE} and card_id = ${firstCard!.card_id}`);
    expect(memory).toEqual(memory2);
    expect(memory?.reps).toBe(2);
  });

  test('GIVEN a graded answer not yet applied WHEN the guild\'s week and month points are rebuilt for a new timezone THEN applying it afterwards counts it once', async () => {
    const ledger = new LedgerService(new LedgerRepository(database), pino({ level: 'silent' }));
    const quiz = new QuizService(new DeckLibrary([deck]), new RoundsRepository(database), seededRandom(3), ledger);
    const [first, second] = await revealedRounds(quiz, 2, true);
    await quiz.grade(first!, ALICE, { grade: 'good' }, NOON);
    await ledger.settle(ALICE);
    await quiz.grade(second!, ALICE, { grade: 'good' }, NOON);
    // The second is in the ledger, still to apply, when /daily setup changes the zone.
    await new DailyRepository(database).rebuildPeriodPoints(GUILD, 'Asia/Tokyo', NOON);
    await ledger.settle(ALICE);
    const periods = await database.rows<{ period: string; points: number }>(
      sql`select period, points from member_period_points where guild_id = ${GUILD} and user_id = ${ALICE} order by period`,
    );
    expect(periods).toEqual([
      { period: 'month', points: 2 },
      { period: 'week', points: 2 },
    ]);
  });

  // PGlite runs one statement at a time: nothing can be applied in the middle of the rebuild there.
  test.skipIf(TEST_DB_KIND === 'pglite')(
    'GIVEN a first answer not yet applied WHEN it is applied while the rebuild is between its delete and its insert THEN the rebuild still succeeds and counts it once',
    async () => {
      const ledger = new LedgerService(new LedgerRepository(database), pino({ level: 'silent' }));
      const quiz = new QuizService(new DeckLibrary([deck]), new RoundsRepository(database), seededRandom(3), ledger);
      const [id] = await revealedRounds(quiz, 1, true);
      await quiz.grade(id!, ALICE, { grade: 'good' }, NOON);
      // Holds the rebuild for a moment right after its delete, as a busy database might.
      await database.rows(sql.raw(`create or replace function test_hold_rebuild() returns trigger language plpgsql as $$ begin perform pg_sleep(0.3); return null; end $$`));
      await database.rows(sql.raw(`create trigger test_hold_rebuild after delete on member_period_points for each statement execute function test_hold_rebuild()`));
      try {
        const rebuilt = new DailyRepository(database).rebuildPeriodPoints(GUILD, 'UTC', NOON);
        await new Promise((resolve) => setTimeout(resolve, 100));
        // The answer is applied (its week and month rows written) while the rebuild waits.
        expect(await ledger.settle(ALICE)).toBe(1);
        await rebuilt;
      } finally {
        await database.rows(sql.raw('drop trigger if exists test_hold_rebuild on member_period_points'));
        await database.rows(sql.raw('drop function if exists test_hold_rebuild()'));
      }
      const periods = await database.rows<{ period: string; points: number }>(
        sql`select period, points from member_period_points where guild_id = ${GUILD} and user_id = ${ALICE} order by period`,
      );
      expect(periods).toEqual([
        { period: 'month', points: 1 },
        { period: 'week', points: 1 },
      ]);
    },
  );

  test('GIVEN a graded answer not yet applied WHEN its round is deleted (taking the answer along) THEN its row to apply goes too, and applying finds nothing', async () => {
    const ledger = new LedgerService(new LedgerRepository(database), pino({ level: 'silent' }));
    const quiz = new QuizService(new DeckLibrary([deck]), new RoundsRepository(database), seededRandom(3), ledger);
    const [id] = await revealedRounds(quiz, 1, true);
    await quiz.grade(id!, ALICE, { grade: 'good' }, NOON);
    const toApply = () => database.rows<{ n: number }>(sql`select count(*)::int as n from answers_to_apply`);
    expect(await toApply()).toEqual([{ n: 1 }]);
    await database.rows(sql`delete from rounds where id = ${id}`);
    expect(await toApply()).toEqual([{ n: 0 }]);
    expect(await ledger.settle(ALICE)).toBe(0);
    expect((await totals()).stats).toBeUndefined();
  });
});
