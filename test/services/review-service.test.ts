import { sql } from 'drizzle-orm';
import pino from 'pino';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { MemoryRepository } from '../../src/db/repositories/memory-repository.js';
import { RoundsRepository } from '../../src/db/repositories/rounds-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import { review } from '../../src/domain/srs.js';
import type { Deck } from '../../src/domain/types.js';
import { UserError } from '../../src/errors.js';
import { QuizService, type RoundView } from '../../src/services/quiz-service.js';
import { DmClosedError, ReviewService, type DirectMessenger, type ReviewDone } from '../../src/services/review-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks, seededRandom } from '../support/fixtures.js';

const GUILD = '120000000000000001';
const OTHER_GUILD = '120000000000000002';
const CHANNEL = '220000000000000001';
const ALICE = '330000000000000001';
const BOB = '330000000000000002';
const T0 = new Date('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe(`spaced repetition on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let decks: Deck[];
  let quiz: QuizService;
  let reviews: ReviewService;
  let memory: MemoryRepository;

  beforeAll(async () => {
    database = await testDatabase();
    decks = await fixtureDecks();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    const library = new DeckLibrary(decks);
    const rounds = new RoundsRepository(database);
    memory = new MemoryRepository(database);
    quiz = new QuizService(library, rounds, seededRandom(5));
    reviews = new ReviewService(library, rounds, memory, pino({ level: 'silent' }));
  });

  const start = (now: Date, deck: string | null = null, userId = ALICE, guildId: string | null = GUILD) =>
    reviews.start({ userId, guildId, channelId: CHANNEL, deck, now });
  const asRound = (r: RoundView | ReviewDone): RoundView => {
    if ('kind' in r) throw new Error(`expected a card, got ${JSON.stringify(r)}`);
    return r;
  };
  /** Reviews whatever /review serves at `now` with a grade. */
  const reviewOnce = async (now: Date, grade: 'again' | 'hard' | 'good' | 'easy', deck: string | null = null, userId = ALICE, guildId: string | null = GUILD) => {
    const view = asRound(await start(now, deck, userId, guildId));
    const outcome = await quiz.grade(view.round.id, userId, { grade }, now);
    if (outcome.kind !== 'graded') throw new Error(outcome.kind);
    return { view, outcome };
  };

  test('GIVEN a graded card THEN every FSRS field survives the database round trip unchanged', async () => {
    const { view } = await reviewOnce(T0, 'good');
    const expected = review(null, 'good', T0).next;
    const stored = await memory.memory(ALICE, view.card.id);
    expect(stored).toEqual(expected);
    // And a second review from the stored state gives the same as from the in-memory one.
    const later = new Date(expected.due.getTime() + DAY);
    const fromStored = review(stored, 'hard', later);
    const fromMemory = review(expected, 'hard', later);
    expect(fromStored).toEqual(fromMemory);
    const [log] = await database.rows<Record<string, unknown>>(sql`select rating, state, stability, difficulty, elapsed_days, last_elapsed_days, scheduled_days, learning_steps, source from review_logs`);
    const expectedLog = review(null, 'good', T0).log;
    expect(log).toMatchObject({ rating: expectedLog.rating, state: expectedLog.state, scheduled_days: expectedLog.scheduledDays, learning_steps: expectedLog.learningSteps, source: 'review' });
    expect(Number(log!.stability)).toBe(expectedLog.stability);
  });

  test('GIVEN overdue, due and new cards THEN /review serves the most overdue, then the due one, then a new one', async () => {
    // Three cards learned on different days with Again (back in a minute) or Good (back in days).
    const first = await reviewOnce(T0, 'good'); // due ~2 days later
    const second = await reviewOnce(new Date(T0.getTime() + HOUR), 'good'); // due ~2 days + 1h later
    const later = new Date(T0.getTime() + 30 * DAY);
    const a = asRound(await start(later));
    expect(a.card.id).toBe(first.view.card.id);
    await quiz.grade(a.round.id, ALICE, { grade: 'good' }, later);
    const b = asRound(await start(later));
    expect(b.card.id).toBe(second.view.card.id);
    await quiz.grade(b.round.id, ALICE, { grade: 'good' }, later);
    const c = asRound(await start(later));
    expect([first.view.card.id, second.view.card.id]).not.toContain(c.card.id);
    expect(await memory.memory(ALICE, c.card.id)).toBeNull();
  });

  test("GIVEN today's new-card limit THEN /review stops serving new cards and says when the next card is due", async () => {
    await reviews.updateSettings(ALICE, { newPerDay: 2 }, T0);
    await reviewOnce(T0, 'good');
    await reviewOnce(T0, 'good');
    const done = await start(T0);
    expect(done).toMatchObject({ kind: 'done', newLeftToday: 0, newCardsRemain: true });
    expect((done as ReviewDone).nextDue?.getTime()).toBeGreaterThan(T0.getTime());
    // Tomorrow (UTC by default) the allowance is back.
    expect(asRound(await start(new Date(T0.getTime() + 13 * HOUR))).round.source).toBe('review');
  });

  test("GIVEN a member's timezone THEN \"today\" for the new-card limit is their local day", async () => {
    await reviews.updateSettings(ALICE, { newPerDay: 1, timeZone: 'Asia/Tokyo' }, T0);
    // 14:30 UTC is 23:30 in Tokyo; 15:30 UTC is already the next day there.
    await reviewOnce(new Date('2026-03-10T14:30:00Z'), 'good');
    expect(await start(new Date('2026-03-10T14:45:00Z'))).toMatchObject({ kind: 'done', newLeftToday: 0 });
    expect(asRound(await start(new Date('2026-03-10T15:30:00Z'))).card).toBeDefined();
  });

  test('GIVEN a deck filter THEN only that deck is served', async () => {
    for (let i = 0; i < 4; i++) {
      const { view } = await reviewOnce(T0, 'good', 'bare');
      expect(view.deck.id).toBe('bare');
    }
    expect(await start(T0, 'nope').catch((e: unknown) => e)).toBeInstanceOf(UserError);
  });

  test('GIVEN a review graded twice in a burst THEN one review is logged', async () => {
    const view = asRound(await start(T0));
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => quiz.grade(view.round.id, ALICE, { grade: 'good' }, T0)));
    expect(outcomes.filter((o) => o.kind === 'graded')).toHaveLength(1);
    const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from review_logs`);
    expect(row?.n).toBe(1);
  });

  test('GIVEN reviews in two servers and in DMs THEN they build one progress, and DMs earn no points', async () => {
    const inGuild = await reviewOnce(T0, 'again', null, ALICE, GUILD);
    const card = inGuild.view.card.id;
    // Again: back within minutes, whichever server or DM asks.
    const soon = new Date(T0.getTime() + 5 * 60_000);
    const inDm = asRound(await start(soon, null, ALICE, null));
    expect(inDm.card.id).toBe(card);
    const dm = await quiz.grade(inDm.round.id, ALICE, { grade: 'good' }, soon);
    expect(dm).toMatchObject({ kind: 'graded', points: 0, totalPoints: null });
    const inOther = asRound(await start(new Date(T0.getTime() + 30 * DAY), null, ALICE, OTHER_GUILD));
    expect(inOther.card.id).toBe(card);
    expect((await memory.memory(ALICE, card))?.reps).toBe(2);
  });

  test('GIVEN a /quiz flashcard grade and a choice answer THEN they update memory too (Good and Again)', async () => {
    const flash = await quiz.startQuiz({ deckId: 'alpha', mode: 'flashcard', userId: BOB, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: T0 });
    await quiz.grade(flash.round.id, BOB, { grade: 'easy' }, T0);
    expect((await memory.memory(BOB, flash.card.id))?.state).toBe(2);
    const choice = await quiz.startQuiz({ deckId: 'bare', mode: 'choice', userId: BOB, guildId: GUILD, channelId: CHANNEL, isPrivate: false, now: T0 });
    await quiz.grade(choice.round.id, BOB, { choice: (choice.round.correctIndex! + 1) % 4 }, T0);
    const [log] = await database.rows<{ rating: number; source: string }>(sql`select rating, source from review_logs where card_id = ${choice.card.id}`);
    expect(log).toEqual({ rating: 1, source: 'quiz' });
  });

  test.each([
    [{ newPerDay: 101 }, /new_per_day must be a whole number from 0 to 100/],
    [{ newPerDay: -1 }, /new_per_day/],
    [{ retention: 0.5 }, /retention must be between 0.70 and 0.97/],
    [{ retention: 0.99 }, /retention must be between/],
    [{ timeZone: 'Moon/Base' }, /not an IANA timezone/],
    [{ reminder: true }, /add reminder_hour/],
    [{ reminderHour: 24 }, /reminder_hour must be a whole hour from 0 to 23/],
  ])('GIVEN settings %o THEN they are refused with what to do and nothing changes', async (input, message) => {
    await expect(reviews.updateSettings(ALICE, input, T0)).rejects.toThrow(message);
    expect(await reviews.settings(ALICE)).toMatchObject({ newPerDay: 10, retention: 0.9, timeZone: 'UTC', reminderEnabled: false });
  });

  describe('reminder', () => {
    class Inbox implements DirectMessenger {
      sent: { userId: string; text: string }[] = [];
      closed = new Set<string>();
      async send(userId: string, text: string) {
        if (this.closed.has(userId)) throw new DmClosedError(userId);
        this.sent.push({ userId, text });
      }
    }

    test('GIVEN due cards and the reminder on THEN one DM is sent a day at the member\'s hour', async () => {
      for (let i = 0; i < 3; i++) await reviewOnce(T0, 'again');
      await reviews.updateSettings(ALICE, { reminder: true, reminderHour: 19, timeZone: 'Europe/Berlin' }, T0);
      const inbox = new Inbox();
      await reviews.sendReminders(new Date('2026-03-10T17:59:00Z'), inbox); // 18:59 Berlin
      expect(inbox.sent).toEqual([]);
      await reviews.sendReminders(new Date('2026-03-10T18:00:00Z'), inbox); // 19:00 Berlin
      await reviews.sendReminders(new Date('2026-03-10T18:01:00Z'), inbox);
      await reviews.sendReminders(new Date('2026-03-10T22:30:00Z'), inbox);
      expect(inbox.sent).toEqual([{ userId: ALICE, text: '3 cards are due — /review' }]);
      await reviews.sendReminders(new Date('2026-03-11T18:00:00Z'), inbox);
      expect(inbox.sent).toHaveLength(2);
    });

    test('GIVEN no card due at the first tick after the member\'s hour THEN the day is not used up, and a card due later that day still gets its DM', async () => {
      await reviews.updateSettings(ALICE, { reminder: true, reminderHour: 19, timeZone: 'Europe/Berlin' }, T0);
      const inbox = new Inbox();
      expect(await reviews.sendReminders(new Date('2026-03-10T18:00:00Z'), inbox)).toEqual({ sent: 0, disabled: 0 }); // 19:00 Berlin, none due
      await reviewOnce(new Date('2026-03-10T18:05:00Z'), 'again');
      expect(await reviews.sendReminders(new Date('2026-03-10T19:00:00Z'), inbox)).toEqual({ sent: 1, disabled: 0 });
      expect(inbox.sent).toEqual([{ userId: ALICE, text: '1 card is due — /review' }]);
      await reviews.sendReminders(new Date('2026-03-10T20:00:00Z'), inbox);
      expect(inbox.sent).toHaveLength(1);
    });

    test('GIVEN closed DMs THEN the reminder is turned off and not retried', async () => {
      await reviewOnce(T0, 'again');
      await reviews.updateSettings(ALICE, { reminder: true, reminderHour: 0 }, T0);
      const inbox = new Inbox();
      inbox.closed.add(ALICE);
      expect(await reviews.sendReminders(new Date(T0.getTime() + HOUR), inbox)).toEqual({ sent: 0, disabled: 1 });
      expect((await reviews.settings(ALICE)).reminderEnabled).toBe(false);
      inbox.closed.clear();
      expect(await reviews.sendReminders(new Date(T0.getTime() + DAY), inbox)).toEqual({ sent: 0, disabled: 0 });
    });

    test('GIVEN two bot processes ticking at once THEN the member gets one DM', async () => {
      await reviewOnce(T0, 'again');
      await reviews.updateSettings(ALICE, { reminder: true, reminderHour: 0 }, T0);
      const inbox = new Inbox();
      await Promise.all([reviews.sendReminders(new Date(T0.getTime() + HOUR), inbox), reviews.sendReminders(new Date(T0.getTime() + HOUR), inbox)]);
      expect(inbox.sent).toHaveLength(1);
    });
  });
});
