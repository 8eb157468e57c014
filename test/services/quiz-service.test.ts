import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { RoundsRepository } from '../../src/db/repositories/rounds-repository.js';
import { LedgerRepository } from '../../src/db/repositories/ledger-repository.js';
import { LedgerService } from '../../src/services/ledger-service.js';
import { pino } from 'pino';
import { LeaderboardRepository } from '../../src/db/repositories/leaderboard-repository.js';
import { StatsRepository } from '../../src/db/repositories/stats-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import { recentWindow } from '../../src/domain/card-pick.js';
import type { Deck } from '../../src/domain/types.js';
import { UserError } from '../../src/errors.js';
import { QuizService, type GradeOutcome } from '../../src/services/quiz-service.js';
import { StatsService } from '../../src/services/stats-service.js';
import { countingDatabase, resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks, numberedDeck, seededRandom } from '../support/fixtures.js';

const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';
const ALICE = '300000000000000001';
const BOB = '300000000000000002';
const NOON = new Date('2026-03-10T12:00:00Z');

describe(`quiz service on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let decks: Deck[];
  let quiz: QuizService;
  let stats: StatsService;

  const makeServices = () => {
    const library = new DeckLibrary(decks);
    return {
      quiz: new QuizService(library, new RoundsRepository(database), seededRandom(7)),
      stats: new StatsService(library, new StatsRepository(database), new LeaderboardRepository(database)),
    };
  };
  const start = (mode: 'flashcard' | 'choice' = 'flashcard', userId = ALICE, now = NOON, deckId = 'alpha') =>
    quiz.startQuiz({ deckId, mode, userId, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now });
  const graded = (o: GradeOutcome) => {
    if (o.kind !== 'graded') throw new Error(`expected graded, got ${o.kind}`);
    return o;
  };
  const ledger = () => database.rows<{ n: number; points: number }>(sql`select count(*)::int as n, coalesce(sum(points), 0)::int as points from answers`);

  beforeAll(async () => {
    database = await testDatabase();
    decks = await fixtureDecks();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    ({ quiz, stats } = makeServices());
  });

  test('GIVEN /quiz THEN a round row records owner, guild, channel, deck, card, mode and time', async () => {
    const view = await start('choice');
    const [row] = await database.rows<Record<string, unknown>>(sql`select owner_id, guild_id, channel_id, deck_id, card_id, mode, choice_order, correct_index, created_at, answered_at from rounds`);
    expect(row).toMatchObject({ owner_id: ALICE, guild_id: GUILD, channel_id: CHANNEL, deck_id: 'alpha', card_id: view.card.id, mode: 'choice', answered_at: null });
    expect(new Date(String(row!.created_at)).toISOString()).toBe(NOON.toISOString());
    const order = (typeof row!.choice_order === 'string' ? JSON.parse(row!.choice_order) : row!.choice_order) as string[];
    expect(order).toHaveLength(4);
    expect(order[Number(row!.correct_index)]).toBe(view.card.answer);
    expect([...order].sort()).toEqual([view.card.answer, ...view.card.choices].sort());
  });

  test('GIVEN a member quizzing one deck again and again THEN no card comes back within the recent window, and each pass has its own order', async () => {
    const deck = numberedDeck(12);
    const many = new QuizService(new DeckLibrary([deck]), new RoundsRepository(database), seededRandom(11));
    const served: string[] = [];
    for (let i = 0; i < 48; i++) {
      const view = await many.startQuiz({ deckId: 'd', mode: 'flashcard', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: new Date(NOON.getTime() + i * 60_000) });
      served.push(view.card.id);
    }
    const window = recentWindow(deck);
    for (let i = window; i < served.length; i++) expect(served.slice(i - window, i)).not.toContain(served[i]);
    const passes = [0, 1, 2, 3].map((k) => served.slice(k * 12, k * 12 + 12).join());
    expect(new Set(passes).size).toBe(4);
  });

  test('GIVEN an unknown deck THEN a UserError lists the decks', async () => {
    await expect(start('flashcard', ALICE, NOON, 'nope')).rejects.toThrow(UserError);
    await expect(start('flashcard', ALICE, NOON, 'nope')).rejects.toThrow(/`alpha`, `bare`/);
  });

  test('GIVEN a flashcard graded Good THEN it earns 1 point and stats show it', async () => {
    const view = await start();
    const outcome = graded(await quiz.grade(view.round.id, ALICE, { grade: 'good' }, NOON));
    expect(outcome).toMatchObject({ points: 1, totalPoints: 1, correct: true, studyStreak: 1 });
    const record = await stats.memberRecord(GUILD, ALICE, NOON);
    expect(record).toMatchObject({ points: 1, answers: 1, correct: 1, accuracy: 1, studyStreak: { current: 1, best: 1 } });
  });

  test.each([
    ['again', 0],
    ['hard', 0],
    ['easy', 1],
  ] as const)('GIVEN a flashcard graded %s THEN it earns %i points', async (grade, points) => {
    const view = await start();
    expect(graded(await quiz.grade(view.round.id, ALICE, { grade }, NOON)).points).toBe(points);
  });

  test('GIVEN choice mode THEN the right option earns 2 points and a wrong one 0', async () => {
    const right = await start('choice');
    const r = graded(await quiz.grade(right.round.id, ALICE, { choice: right.round.correctIndex! }, NOON));
    expect(r).toMatchObject({ result: 'right', points: 2 });
    const wrong = await start('choice');
    const w = graded(await quiz.grade(wrong.round.id, ALICE, { choice: (wrong.round.correctIndex! + 1) % 4 }, NOON));
    expect(w).toMatchObject({ result: 'wrong', points: 0, correct: false });
    expect((await stats.memberRecord(GUILD, ALICE, NOON)).points).toBe(2);
  });

  test('GIVEN another member presses THEN the round is refused and nothing changes', async () => {
    const view = await start();
    expect((await quiz.reveal(view.round.id, BOB, NOON) as { kind: string }).kind).toBe('not-owner');
    expect((await quiz.grade(view.round.id, BOB, { grade: 'good' }, NOON)).kind).toBe('not-owner');
    expect((await ledger())[0]).toEqual({ n: 0, points: 0 });
  });

  test('GIVEN a graded round THEN a second grade records nothing more', async () => {
    const view = await start();
    graded(await quiz.grade(view.round.id, ALICE, { grade: 'good' }, NOON));
    expect((await quiz.grade(view.round.id, ALICE, { grade: 'easy' }, NOON)).kind).toBe('already-graded');
    expect((await ledger())[0]).toEqual({ n: 1, points: 1 });
  });

  test('GIVEN two presses at the same moment THEN one answer is recorded and points are awarded once', async () => {
    const view = await start();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => quiz.grade(view.round.id, ALICE, { grade: 'good' }, NOON)),
    );
    expect(outcomes.filter((o) => o.kind === 'graded')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'already-graded')).toHaveLength(5);
    expect((await ledger())[0]).toEqual({ n: 1, points: 1 });
    expect((await stats.memberRecord(GUILD, ALICE, NOON)).answers).toBe(1);
  });

  test('GIVEN the ledger THEN the database itself refuses a second answer for a round', async () => {
    const view = await start();
    graded(await quiz.grade(view.round.id, ALICE, { grade: 'good' }, NOON));
    await expect(
      database.db.execute(sql`insert into answers (round_id, source, guild_id, user_id, deck_id, card_id, result, correct, points, answered_at, award_day)
        values (${view.round.id}, 'quiz', ${GUILD}, ${ALICE}, 'alpha', ${view.card.id}, 'good', true, 0, now(), current_date)`),
    ).rejects.toThrow();
  });

  test('GIVEN a card that earned points today THEN repeating it the same UTC day earns nothing, and the next day it earns again', async () => {
    const first = await start();
    graded(await quiz.grade(first.round.id, ALICE, { grade: 'good' }, NOON));
    // Serve the same card again by asking until it comes up.
    const again = await serveCard(first.card.id, NOON);
    const repeat = graded(await quiz.grade(again.round.id, ALICE, { grade: 'easy' }, new Date('2026-03-10T23:59:00Z')));
    expect(repeat).toMatchObject({ points: 0, alreadyEarnedToday: true });
    const tomorrow = await serveCard(first.card.id, new Date('2026-03-11T00:01:00Z'));
    const next = graded(await quiz.grade(tomorrow.round.id, ALICE, { grade: 'good' }, new Date('2026-03-11T00:01:00Z')));
    expect(next).toMatchObject({ points: 1, totalPoints: 2, studyStreak: 2 });
  });

  test('GIVEN a card revealed, then the same card answered in another round THEN the grade is computed again from the newer memory and totals', async () => {
    const first = await start();
    await quiz.reveal(first.round.id, ALICE, NOON);
    await quiz.readAheadForGrade(first.round.id, NOON);
    // What the reveal read for grading is now out of date: the card gets reviewed and a point earned elsewhere.
    const other = await serveCard(first.card.id, NOON);
    graded(await quiz.grade(other.round.id, ALICE, { grade: 'good' }, NOON));
    const late = graded(await quiz.grade(first.round.id, ALICE, { grade: 'good' }, new Date('2026-03-10T12:05:00Z')));

    expect(late).toMatchObject({ points: 0, alreadyEarnedToday: true, totalPoints: 1 });
    const [memory] = await database.rows<{ reps: number }>(sql`select reps from card_memory where user_id = ${ALICE} and card_id = ${first.card.id}`);
    expect(memory?.reps).toBe(2);
    const [logs] = await database.rows<{ n: number }>(sql`select count(*)::int as n from review_logs where user_id = ${ALICE} and card_id = ${first.card.id}`);
    expect(logs?.n).toBe(2);
    const [totals] = await database.rows<{ answers: number }>(sql`select answers from member_stats where guild_id = ${GUILD} and user_id = ${ALICE}`);
    expect(totals?.answers).toBe(2);
  });

  test('GIVEN a card revealed before UTC midnight and graded after THEN "earned today" and the streak are those of the new day', async () => {
    const evening = new Date('2026-03-10T23:59:30Z');
    const first = await start('flashcard', ALICE, evening);
    graded(await quiz.grade(first.round.id, ALICE, { grade: 'good' }, evening));
    const again = await serveCard(first.card.id, evening);
    await quiz.reveal(again.round.id, ALICE, evening);
    await quiz.readAheadForGrade(again.round.id, evening);
    const afterMidnight = graded(await quiz.grade(again.round.id, ALICE, { grade: 'good' }, new Date('2026-03-11T00:00:30Z')));
    expect(afterMidnight).toMatchObject({ points: 1, alreadyEarnedToday: false, totalPoints: 2, studyStreak: 2 });
  });

  test('GIVEN a study streak THEN a missed UTC day shows it broken and the best is kept', async () => {
    for (const day of ['2026-03-01', '2026-03-02', '2026-03-03']) {
      const view = await start('flashcard', ALICE, new Date(`${day}T08:00:00Z`));
      graded(await quiz.grade(view.round.id, ALICE, { grade: 'hard' }, new Date(`${day}T08:00:00Z`)));
    }
    expect((await stats.memberRecord(GUILD, ALICE, new Date('2026-03-04T10:00:00Z'))).studyStreak).toEqual({ current: 3, best: 3 });
    expect((await stats.memberRecord(GUILD, ALICE, new Date('2026-03-05T10:00:00Z'))).studyStreak).toEqual({ current: 0, best: 3 });
  });

  test('GIVEN a round created by one app instance THEN a fresh instance on the same database grades it', async () => {
    const view = await start();
    const second = makeServices();
    expect(await second.quiz.reveal(view.round.id, ALICE, NOON)).toMatchObject({ card: { id: view.card.id } });
    expect(graded(await second.quiz.grade(view.round.id, ALICE, { grade: 'good' }, NOON)).points).toBe(1);
  });

  test('GIVEN Next card THEN another card of the same deck is served to the same member', async () => {
    const view = await start('choice');
    graded(await quiz.grade(view.round.id, ALICE, { choice: 0 }, NOON));
    const next = await quiz.nextCard(view.round.id, ALICE, NOON);
    expect(next).toMatchObject({ deck: { id: 'alpha' }, round: { mode: 'choice', ownerId: ALICE } });
    expect((next as { card: { id: string } }).card.id).not.toBe(view.card.id);
    expect((await quiz.nextCard(view.round.id, BOB, NOON) as { kind: string }).kind).toBe('not-owner');
  });

  test('GIVEN a deck without distractors THEN choice mode draws wrong options from other answers in the deck', async () => {
    const view = await start('choice', ALICE, NOON, 'bare');
    const options = view.round.choiceOrder!;
    expect(new Set(options).size).toBe(4);
    expect(options).toContain(view.card.answer);
    const answers = decks.find((d) => d.id === 'bare')!.cards.map((c) => c.answer);
    for (const option of options) expect(answers).toContain(option);
  });

  test('GIVEN a reveal THEN nothing is written before its answer, and recordReveal keeps the time of the first reveal by its owner', async () => {
    const view = await start();
    const revealedAt = async () => (await database.rows<{ at: string | Date | null }>(sql`select revealed_at as at from rounds where id = ${view.round.id}`))[0]?.at ?? null;
    expect(await quiz.reveal(view.round.id, ALICE, NOON)).toMatchObject({ card: { id: view.card.id } });
    expect(await revealedAt()).toBeNull();

    // Someone else's press, or one from another guild than the round's, records nothing.
    await quiz.recordReveal(view.round.id, BOB, NOON);
    await quiz.recordReveal(view.round.id, ALICE, NOON, '100000000000000999');
    expect(await revealedAt()).toBeNull();

    await quiz.recordReveal(view.round.id, ALICE, NOON, GUILD);
    await quiz.recordReveal(view.round.id, ALICE, new Date('2026-03-10T12:05:00Z'));
    expect(new Date(String(await revealedAt())).toISOString()).toBe(NOON.toISOString());
  });

  test('GIVEN a round id that does not exist THEN every press reports it gone', async () => {
    expect(await quiz.reveal(999, ALICE, NOON)).toEqual({ kind: 'gone' });
    expect(await quiz.grade(999, ALICE, { grade: 'good' }, NOON)).toEqual({ kind: 'gone' });
    expect(await quiz.nextCard(999, ALICE, NOON)).toEqual({ kind: 'gone' });
  });

  test('GIVEN the /quiz, reveal and grade paths THEN /quiz, a reveal and a grade after a reveal each wait on one statement', async () => {
    const counting = await countingDatabase();
    try {
      // As in the bot: what a grade derives is applied after the reply, not before it.
      const deferred = new LedgerService(new LedgerRepository(counting.database), pino({ level: 'silent' }));
      const counted = new QuizService(new DeckLibrary(decks), new RoundsRepository(counting.database), seededRandom(3), deferred);
      const trips = async (run: () => Promise<unknown>) => {
        counting.queries.length = 0;
        await run();
        return counting.queries.length;
      };
      let view!: Awaited<ReturnType<QuizService['startQuiz']>>;
      expect(await trips(async () => (view = await counted.startQuiz({ deckId: 'alpha', mode: 'flashcard', userId: ALICE, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON })))).toBe(1);
      // The reveal reads the round with what its grade will need; once it is answered, when it was revealed is stored.
      expect(await trips(() => counted.reveal(view.round.id, ALICE, NOON))).toBe(1);
      expect(await trips(() => counted.recordReveal(view.round.id, ALICE, NOON))).toBe(1);
      // The grade uses the reveal's read: it waits on its one write.
      expect(await trips(() => counted.grade(view.round.id, ALICE, { grade: 'good' }, NOON))).toBe(1);
      // "Next card" reads the round it was pressed on, then serves like /quiz.
      expect(await trips(() => counted.nextCard(view.round.id, ALICE, NOON))).toBe(2);
      // Choice mode has no reveal: its grade reads, then writes.
      const choice = await counted.startQuiz({ deckId: 'alpha', mode: 'choice', userId: BOB, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: NOON });
      expect(await trips(() => counted.grade(choice.round.id, BOB, { choice: choice.round.correctIndex! }, NOON))).toBe(2);
      expect((await ledger())[0]).toEqual({ n: 2, points: 3 });
      // Applying a grade afterwards: read the oldest answer to apply with its state, then write it (which
      // also says that nothing else of ALICE waits); a pass with nothing to apply reads once.
      expect(await trips(() => deferred.settle(ALICE))).toBe(2);
      expect(await trips(() => deferred.settle(ALICE))).toBe(1);
    } finally {
      await counting.database.close();
    }
  });

  async function serveCard(cardId: string, now: Date) {
    for (let i = 0; i < 30; i++) {
      const view = await start('flashcard', ALICE, now);
      if (view.card.id === cardId) return view;
    }
    throw new Error(`card ${cardId} never came up`);
  }
});
