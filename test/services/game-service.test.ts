import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { GameRepository } from '../../src/db/repositories/game-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import { DEFAULT_GAME_OPTIONS, GameService, type GamePublisher, type GameQuestionView, type ScoreboardView } from '../../src/services/game-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { numberedDeck, seededRandom, TestClock } from '../support/fixtures.js';

const GUILD = '110000000000000001';
const CHANNEL = '210000000000000001';
const HOST = '310000000000000000';
const ANN = '320000000000000001';
const BEN = '320000000000000002';

class MemoryGamePublisher implements GamePublisher {
  readonly questions: GameQuestionView[] = [];
  readonly boards: ScoreboardView[] = [];
  readonly edits: GameQuestionView[] = [];
  postQuestion(_channelId: string, view: GameQuestionView) {
    this.questions.push(view);
    return Promise.resolve(`9${String(this.questions.length).padStart(17, '0')}`);
  }
  editQuestion(_c: string, _m: string, view: GameQuestionView) {
    this.edits.push(view);
    return Promise.resolve();
  }
  postScoreboard(_channelId: string, view: ScoreboardView) {
    this.boards.push(view);
    return Promise.resolve(`8${String(this.boards.length).padStart(17, '0')}`);
  }
  findQuestion() {
    return Promise.resolve(undefined);
  }
  findScoreboard() {
    return Promise.resolve(undefined);
  }
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(`/game points in the server's pool on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let publisher: MemoryGamePublisher;
  let clock: TestClock;
  let service: GameService;

  beforeAll(async () => {
    database = await testDatabase();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    publisher = new MemoryGamePublisher();
    clock = new TestClock(new Date('2026-03-10T12:00:00Z'));
    service = new GameService(new DeckLibrary([numberedDeck(5)]), new GameRepository(database), publisher, seededRandom(3), pino({ level: 'silent' }), {
      ...DEFAULT_GAME_OPTIONS,
      now: clock.now,
    });
  });
  afterEach(() => service.shutdown(100));

  /** Starts a game of the 5-card deck, has `answers` given to its first question, then stops it: the scoreboard. */
  const playFirstQuestion = async (answers: [string, 'right' | 'wrong'][]) => {
    const before = publisher.boards.length;
    const { game } = await service.start({ guildId: GUILD, channelId: CHANNEL, deckId: 'd', questions: 5, seconds: 20, userId: HOST });
    const q = await until(() => publisher.questions.find((v) => v.game.id === game.id && v.number === 1), 'the first question');
    for (const [userId, how] of answers) {
      clock.advance(100);
      const choice = how === 'right' ? q.question.correctIndex : (q.question.correctIndex + 1) % 4;
      expect(await service.answer(q.question.id, userId, choice, clock.now())).toEqual({ kind: 'locked', choice });
    }
    await service.stop({ channelId: CHANNEL, userId: HOST, canManageMessages: false });
    const board = await until(() => publisher.boards[before], 'the scoreboard');
    return { q, board };
  };
  const poolPoints = async (userId: string) => {
    const [row] = await database.rows<{ points: number }>(sql`select points from member_stats where guild_id = ${GUILD} and user_id = ${userId}`);
    return Number(row?.points ?? 0);
  };

  test('GIVEN a game question answered right THEN the pool gets 2 points, and the fastest right answer 1 more', async () => {
    const { board } = await playFirstQuestion([[ANN, 'right'], [BEN, 'right']]);
    expect(board.lines.map((l) => [l.userId, l.points])).toEqual([[ANN, 3], [BEN, 2]]);
    expect(await poolPoints(ANN)).toBe(3);
    expect(await poolPoints(BEN)).toBe(2);
    const ledger = await database.rows<{ user_id: string; points: number; source: string }>(
      sql`select user_id, points, source from answers order by user_id`,
    );
    expect(ledger.map((r) => [r.user_id, Number(r.points), r.source])).toEqual([[ANN, 3, 'game'], [BEN, 2, 'game']]);
  });

  test('GIVEN a card already scored today THEN a second game on it adds nothing to the pool (nor its fastest bonus), while its scoreboard still counts it', async () => {
    const first = await playFirstQuestion([[ANN, 'right']]);
    expect(await poolPoints(ANN)).toBe(3);
    // The second game asks the same five cards: play until the question on the card ann scored comes up.
    const { game } = await service.start({ guildId: GUILD, channelId: CHANNEL, deckId: 'd', questions: 5, seconds: 20, userId: HOST });
    // The test clock runs ahead of the process's timers, so the game is stepped by hand, a second at a
    // time (a step that finds the game claimed by a timer's step just tries again a second later).
    const stepTo = async (number: number) => {
      for (let i = 0; i < 200; i++) {
        const found = publisher.questions.find((v) => v.game.id === game.id && v.number === number);
        if (found) return found;
        clock.advance(1000);
        await service.advance(game.id);
      }
      throw new Error(`question ${number} of game 2 never came`);
    };
    let q = await stepTo(1);
    while (q.card.id !== first.q.card.id) q = await stepTo(q.number + 1);
    clock.advance(100);
    expect(await service.answer(q.question.id, ANN, q.question.correctIndex, clock.now())).toEqual({ kind: 'locked', choice: q.question.correctIndex });
    await service.stop({ channelId: CHANNEL, userId: HOST, canManageMessages: false });
    // The test clock jumped ahead of the timers armed on the way: take the step by hand.
    await service.advance(game.id);
    const board = await until(() => publisher.boards[1], 'the second scoreboard');
    expect(board.lines.map((l) => [l.userId, l.points, l.right, l.fastest])).toEqual([[ANN, 3, 1, 1]]);
    expect(await poolPoints(ANN)).toBe(3);
    const [again] = await database.rows<{ points: number }>(
      sql`select a.points from answers a join game_questions g on g.id = a.game_question_id where g.game_id = ${game.id} and a.user_id = ${ANN}`,
    );
    expect(Number(again?.points)).toBe(0);
  });

  test('GIVEN an answer after the deadline that no process has closed yet THEN it is refused and counts nowhere', async () => {
    const { game } = await service.start({ guildId: GUILD, channelId: CHANNEL, deckId: 'd', questions: 5, seconds: 20, userId: HOST });
    const q = await until(() => publisher.questions.find((v) => v.game.id === game.id), 'question 1');
    clock.advance(20_000);
    expect(await service.answer(q.question.id, ANN, q.question.correctIndex, clock.now())).toEqual({ kind: 'closed' });
    const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from answers`);
    expect(Number(row?.n)).toBe(0);
  });
});
