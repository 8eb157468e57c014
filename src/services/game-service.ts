import { randomUUID } from 'node:crypto';
import type { DeckSource } from '../decks/library.js';
import { buildChoiceSet } from '../domain/choices.js';
import {
  GAME_LIMITS,
  buildScoreboard,
  gameLedgerPoints,
  gameQuestionCount,
  isQuestionOver,
  nextQuestionAt,
  questionDeadline,
  type ScoreLine,
} from '../domain/game.js';
import { shuffled, type Random } from '../domain/random.js';
import { review } from '../domain/srs.js';
import { extendStudyStreak } from '../domain/streak.js';
import { utcDay } from '../domain/time.js';
import type { Card, Deck } from '../domain/types.js';
import type { GameClaim, GameQuestionRow, GameRepository, GameRow } from '../db/repositories/game-repository.js';
import { outsideBudget } from '../deadlines.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { PublishError } from './daily-service.js';

/** A question as its message shows it: open with a count, or closed with the result. */
export interface GameQuestionView {
  game: GameRow;
  question: GameQuestionRow;
  card: Card;
  deck: Deck;
  /** 1-based. */
  number: number;
  total: number;
  /** Open: members who have answered so far. */
  answered?: number;
  closing?: { answered: number; right: number; fastest: { userId: string; ms: number }[] };
}

export interface ScoreboardView {
  game: GameRow;
  deck: Deck;
  lines: ScoreLine[];
  asked: number;
  stopped: boolean;
}

/** The Discord side of /game, implemented in discord/. */
export interface GamePublisher {
  postQuestion(channelId: string, view: GameQuestionView): Promise<string>;
  /** `signal` aborts an edit that is no longer wanted (a count superseded by the close). */
  editQuestion(channelId: string, messageId: string, view: GameQuestionView, signal?: AbortSignal): Promise<void>;
  postScoreboard(channelId: string, view: ScoreboardView): Promise<string>;
  /** Finds a question or scoreboard message posted before a crash kept it from being recorded. */
  findQuestion(channelId: string, gameId: number, number: number): Promise<string | undefined>;
  findScoreboard(channelId: string, gameId: number): Promise<string | undefined>;
}

export type GameAnswerOutcome =
  | { kind: 'gone' }
  | { kind: 'closed' }
  | { kind: 'duplicate'; choice: number | null }
  | { kind: 'locked'; choice: number };

export type MyScore = { kind: 'none' } | { kind: 'scored'; line: ScoreLine; rank: number; players: number; finished: boolean };

export interface GameOptions {
  /** One game second in ms: 1000, except in tests that play fast. */
  secondMs: number;
  /** Shortest interval between edits of a question's "N answered". */
  countRefreshMs: number;
  /** How long a claim on advancing a game lasts before another process may take it over. */
  claimTtlMs: number;
  /** A count edit still unanswered after this long is given up (a rate limit must not hold it). */
  countEditTimeoutMs: number;
  now: () => Date;
}

export const DEFAULT_GAME_OPTIONS: Omit<GameOptions, 'now'> = { secondMs: 1000, countRefreshMs: 2000, claimTtlMs: 30_000, countEditTimeoutMs: 2500 };
/** How soon a process that found a game claimed by another looks again. */
const CLAIM_RETRY_MS = 500;
/** How soon a failed step (Discord or the database away) is tried again. */
const STEP_RETRY_MS = 5000;

/**
 * Runs /game: the database holds every game, question, deadline and answer, and each step (close a
 * question, post the next, post the scoreboard) is taken under a fenced claim, so with any number of
 * processes each happens once. Local timers only make steps happen on time; the game tick
 * (catchUp) picks up games after a restart or from another process.
 */
export class GameService {
  private readonly holder = `${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly timers = new Map<number, { at: number; timer: NodeJS.Timeout }>();
  private readonly countTimers = new Map<number, NodeJS.Timeout>();
  private readonly lastCountEdit = new Map<number, number>();
  private readonly edits = new Map<number, { chain: Promise<void>; abort?: AbortController }>();
  private stopped = false;

  constructor(
    private readonly decks: DeckSource,
    private readonly repo: GameRepository,
    private readonly publisher: GamePublisher,
    private readonly random: Random,
    private readonly logger: Logger,
    private readonly options: GameOptions,
  ) {}

  /** Starts a game in a channel; a second game in the same channel is refused with a link to the first. */
  async start(input: { guildId: string; channelId: string; deckId: string; questions: number | null; seconds: number | null; userId: string }): Promise<{ game: GameRow; deck: Deck; questions: number }> {
    const deck = await this.decks.resolve(input.guildId, input.deckId);
    if (!deck) throw new UserError(`There is no deck called "${input.deckId.slice(0, 40)}". Pick one from the list, or see them all with /decks.`);
    const requested = input.questions ?? GAME_LIMITS.questions.default;
    const seconds = input.seconds ?? GAME_LIMITS.seconds.default;
    if (requested < GAME_LIMITS.questions.min || requested > GAME_LIMITS.questions.max) {
      throw new UserError(`A game has ${GAME_LIMITS.questions.min} to ${GAME_LIMITS.questions.max} questions; try questions:${GAME_LIMITS.questions.default}.`);
    }
    if (seconds < GAME_LIMITS.seconds.min || seconds > GAME_LIMITS.seconds.max) {
      throw new UserError(`Each question lasts ${GAME_LIMITS.seconds.min} to ${GAME_LIMITS.seconds.max} seconds; try seconds:${GAME_LIMITS.seconds.default}.`);
    }
    const count = gameQuestionCount(requested, deck.cards.length);
    if (count === 0) throw new UserError(`The deck "${deck.id}" has no cards to play. Pick another deck.`);
    const cards = shuffled(deck.cards, this.random).slice(0, count);
    const questions = cards.map((card) => ({ deckId: deck.id, cardId: card.id, ...buildChoiceSet(card, deck, this.random) }));
    const now = this.options.now();
    const created = await this.repo.create(
      { guildId: input.guildId, channelId: input.channelId, deckId: deck.id, startedBy: input.userId, questionCount: count, seconds, createdAt: now },
      questions,
    );
    if (!created.created) throw new UserError(await this.alreadyRunning(created.running));
    this.arm(created.game.id, now);
    return { game: created.game, deck, questions: count };
  }

  /** /game stop: the starter, or a member who may manage messages, ends the game with the scoreboard so far. */
  async stop(input: { channelId: string; userId: string; canManageMessages: boolean }): Promise<GameRow> {
    const game = await this.repo.runningInChannel(input.channelId);
    if (!game) throw new UserError('No game is running in this channel. Start one with /game play.');
    if (game.startedBy !== input.userId && !input.canManageMessages) {
      throw new UserError(`Only <@${game.startedBy}>, who started this game, or a member with Manage Messages can stop it.`);
    }
    await this.repo.requestStop(game.id, input.userId);
    this.arm(game.id, this.options.now());
    return game;
  }

  async answer(questionId: number, userId: string, choice: number, now: Date): Promise<GameAnswerOutcome> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const today = utcDay(now);
      const context = await this.repo.answerContext(questionId, userId, today);
      if (!context) return { kind: 'gone' };
      const q = context.question;
      if (q.status !== 'open' || !q.deadline || now.getTime() >= q.deadline.getTime()) return { kind: 'closed' };
      const correct = choice === q.correctIndex;
      const reviewed = review(context.memory, correct ? 'right' : 'wrong', now, context.retention);
      const written = await this.repo.recordAnswer({
        questionId,
        guildId: context.guildId,
        userId,
        deckId: q.deckId,
        cardId: q.cardId,
        choice,
        correct,
        points: gameLedgerPoints(correct, context.earnedToday),
        answeredAt: now,
        awardDay: today,
        studyStreak: extendStudyStreak(context.studyStreak, today),
        memory: { userId, cardId: q.cardId, deckId: q.deckId, source: 'game', roundId: null, challengeId: null, next: reviewed.next, log: reviewed.log },
      });
      if (written.kind === 'raced') continue;
      if (written.kind === 'closed') return { kind: 'closed' };
      if (written.kind === 'duplicate') return { kind: 'duplicate', choice: (await this.repo.memberChoice(questionId, userId)) ?? null };
      if (isQuestionOver({ deadline: q.deadline, joined: written.joined, waitingFor: written.waitingFor }, now)) this.arm(q.gameId, now);
      else this.scheduleCountEdit(q);
      return { kind: 'locked', choice };
    }
    throw new Error(`a game answer to question ${questionId} raced twice with the once-a-day rule`);
  }

  /** A member's own line of a game's scoreboard (the "My score" button). */
  async myScore(gameId: number, userId: string): Promise<MyScore> {
    const [game, answers] = await Promise.all([this.repo.game(gameId), this.repo.gameAnswers(gameId)]);
    const lines = buildScoreboard(answers);
    const index = lines.findIndex((l) => l.userId === userId);
    const line = lines[index];
    if (!line) return { kind: 'none' };
    return { kind: 'scored', line, rank: index + 1, players: lines.length, finished: game?.status !== 'running' };
  }

  /** Takes up every running game this process is not already timing: after a restart, or one another process started. */
  async catchUp(): Promise<void> {
    if (this.stopped) return;
    for (const id of await this.repo.runningGameIds()) {
      if (!this.timers.has(id)) await this.advance(id);
    }
  }

  /** Stops timers and waits (bounded) for message edits in flight (shutdown, tests). */
  async shutdown(timeoutMs = 2000): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const timer of this.countTimers.values()) clearTimeout(timer);
    this.countTimers.clear();
    await Promise.race([Promise.allSettled([...this.edits.values()].map((e) => e.chain)), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** Does whatever is due in a game now, under a claim, and arms the timer for what comes next. */
  async advance(gameId: number): Promise<void> {
    if (this.stopped) return;
    const now = this.options.now();
    let wakeAt: Date | undefined;
    try {
      const claim = await this.repo.claim(gameId, this.holder, now, this.options.claimTtlMs);
      if (!claim) {
        const game = await this.repo.game(gameId);
        if (game?.status === 'running') wakeAt = new Date(now.getTime() + CLAIM_RETRY_MS);
      } else {
        try {
          wakeAt = await this.step(claim);
        } finally {
          await this.repo.release(claim);
        }
      }
    } catch (error) {
      this.logger.warn({ err: error, gameId }, 'a game step failed; trying again shortly');
      wakeAt = new Date(now.getTime() + STEP_RETRY_MS);
    }
    if (wakeAt) this.arm(gameId, wakeAt);
    else this.disarm(gameId);
  }

  private async step(claim: GameClaim): Promise<Date | undefined> {
    for (;;) {
      const now = this.options.now();
      const game = await this.repo.game(claim.gameId);
      if (!game || game.status !== 'running') return undefined;
      const questions = await this.repo.questions(game.id);
      const current = questions.filter((q) => q.status !== 'pending').at(-1);
      if (current?.status === 'open' && !current.messageId) {
        if (!(await this.publishQuestion(claim, game, current, questions.length, true))) return undefined;
        continue;
      }
      if (current?.status === 'open' && current.deadline) {
        const tally = await this.repo.tally(current.id);
        if (!game.stopRequestedBy && !isQuestionOver({ deadline: current.deadline, joined: tally.joined, waitingFor: tally.waitingFor }, now)) {
          return current.deadline;
        }
        if (!(await this.repo.closeQuestion(claim, current.id, now, nextQuestionAt(now, this.options.secondMs)))) return undefined;
        this.logger.info({ gameId: game.id, questionId: current.id, number: current.position + 1 }, 'game question closed');
        this.showClosed(game, { ...current, status: 'closed', closedAt: now }, questions.length);
        continue;
      }
      const next = questions.find((q) => q.status === 'pending');
      if (game.stopRequestedBy || !next) {
        await this.finishGame(claim, game, questions.filter((q) => q.status === 'closed').length, now);
        return undefined;
      }
      if (game.nextAt && now.getTime() < game.nextAt.getTime()) return game.nextAt;
      const deadline = questionDeadline(now, game.seconds, this.options.secondMs);
      if (!(await this.repo.open(claim, next.id, now, deadline))) return undefined;
      if (!(await this.publishQuestion(claim, game, { ...next, status: 'open', postedAt: now, deadline }, questions.length, false))) return undefined;
    }
  }

  /** Posts an open question (or finds the post a crash left unrecorded) and records its message. */
  private async publishQuestion(claim: GameClaim, game: GameRow, q: GameQuestionRow, total: number, recovering: boolean): Promise<boolean> {
    const now = this.options.now();
    const view = await this.viewOf(game, q, total);
    if (!view) {
      await this.repo.finish(claim, 'stopped', null, now);
      this.logger.warn({ gameId: game.id, cardId: q.cardId }, 'a game card is no longer loaded; the game was stopped');
      return false;
    }
    let messageId = recovering ? await this.publisher.findQuestion(game.channelId, game.id, q.position + 1).catch(() => undefined) : undefined;
    try {
      messageId ??= await this.publisher.postQuestion(game.channelId, { ...view, answered: 0 });
    } catch (error) {
      if (error instanceof PublishError && error.permanent) {
        await this.repo.finish(claim, 'stopped', null, now);
        this.logger.warn({ gameId: game.id, reason: error.reason }, 'a game could not post in its channel and was stopped');
        return false;
      }
      throw error;
    }
    const opened = await this.repo.recordMessage(claim, q.id, messageId);
    if (opened) this.logger.info({ gameId: game.id, questionId: q.id, number: q.position + 1, messageId }, 'game question posted');
    return opened;
  }

  private async finishGame(claim: GameClaim, game: GameRow, asked: number, now: Date): Promise<void> {
    const deck = await this.decks.deckById(game.deckId);
    const stopped = game.stopRequestedBy !== null;
    let messageId: string | null = null;
    if (deck) {
      const view: ScoreboardView = { game, deck, lines: buildScoreboard(await this.repo.gameAnswers(game.id)), asked, stopped };
      messageId = (await this.publisher.findScoreboard(game.channelId, game.id).catch(() => undefined)) ?? (await this.publisher.postScoreboard(game.channelId, view));
    }
    if (await this.repo.finish(claim, stopped ? 'stopped' : 'finished', messageId, now)) {
      this.logger.info({ gameId: game.id, messageId, stopped }, 'game scoreboard posted');
    }
  }

  /** Edits a closed question's message to its result, after (and cancelling) any count edit of it. */
  private showClosed(game: GameRow, q: GameQuestionRow, total: number): void {
    clearTimeout(this.countTimers.get(q.id));
    this.countTimers.delete(q.id);
    this.lastCountEdit.delete(q.id);
    this.enqueueEdit(q.id, async () => {
      const view = await this.viewOf(game, q, total);
      if (!view || !q.messageId) return;
      await this.publisher.editQuestion(game.channelId, q.messageId, { ...view, closing: await this.closingOf(q) });
    }, true);
  }

  private async closingOf(q: GameQuestionRow): Promise<NonNullable<GameQuestionView['closing']>> {
    const [tally, fastest] = await Promise.all([this.repo.tally(q.id), this.repo.fastestRight(q.id, 3)]);
    const postedAt = q.postedAt?.getTime() ?? 0;
    return { answered: tally.answered, right: tally.right, fastest: fastest.map((f) => ({ userId: f.userId, ms: Math.max(0, f.answeredAt.getTime() - postedAt) })) };
  }

  /** At most one count edit per question every countRefreshMs; none once the question closed. */
  private scheduleCountEdit(q: GameQuestionRow): void {
    if (this.countTimers.has(q.id) || this.stopped) return;
    const since = Date.now() - (this.lastCountEdit.get(q.id) ?? 0);
    const timer = outsideBudget(() =>
      setTimeout(() => {
        this.countTimers.delete(q.id);
        this.lastCountEdit.set(q.id, Date.now());
        void this.refreshCount(q.id);
      }, Math.max(0, this.options.countRefreshMs - since)),
    );
    timer.unref();
    this.countTimers.set(q.id, timer);
  }

  private async refreshCount(questionId: number): Promise<void> {
    try {
      const q = await this.repo.question(questionId);
      if (!q || q.status !== 'open' || !q.messageId || !q.deadline) return;
      const tally = await this.repo.tally(questionId);
      // Answers racing each other may each have missed the other: this fresh count settles an early close.
      if (isQuestionOver({ deadline: q.deadline, joined: tally.joined, waitingFor: tally.waitingFor }, this.options.now())) {
        this.arm(q.gameId, this.options.now());
        return;
      }
      const game = await this.repo.game(q.gameId);
      const view = game && (await this.viewOf(game, q, game.questionCount));
      if (!view || !q.messageId) return;
      const messageId = q.messageId;
      this.enqueueEdit(questionId, async (signal) => {
        await this.publisher.editQuestion(game.channelId, messageId, { ...view, answered: tally.answered }, signal);
        // Another process may have closed it meanwhile, its result edit landing before this one: put the result back.
        const after = await this.repo.question(questionId);
        if (after?.status === 'closed') await this.publisher.editQuestion(game.channelId, messageId, { ...view, question: after, closing: await this.closingOf(after) });
      }, false);
    } catch (error) {
      this.logger.warn({ err: error, questionId }, 'could not refresh a game question count');
    }
  }

  /**
   * Edits of one message run one after another, so a late count never overwrites the result. A count
   * edit gets a deadline and is aborted when the result edit arrives: a rate-limited count never
   * holds the result back.
   */
  private enqueueEdit(questionId: number, edit: (signal: AbortSignal) => Promise<void>, isClose: boolean): void {
    const entry = this.edits.get(questionId) ?? { chain: Promise.resolve() };
    if (isClose) entry.abort?.abort();
    const abort = new AbortController();
    const timeout = isClose ? undefined : setTimeout(() => abort.abort(), this.options.countEditTimeoutMs);
    if (!isClose) entry.abort = abort;
    entry.chain = entry.chain
      .then(() => (abort.signal.aborted ? undefined : edit(abort.signal)))
      .catch((error: unknown) => {
        if (!abort.signal.aborted) this.logger.warn({ err: error, questionId }, isClose ? 'could not show a closed game question' : 'could not edit a game question count');
      })
      .finally(() => {
        clearTimeout(timeout);
        if (isClose) this.edits.delete(questionId);
      });
    this.edits.set(questionId, entry);
  }

  private arm(gameId: number, at: Date): void {
    if (this.stopped) return;
    const existing = this.timers.get(gameId);
    if (existing && existing.at <= at.getTime()) return;
    if (existing) clearTimeout(existing.timer);
    const timer = outsideBudget(() =>
      setTimeout(() => {
        this.timers.delete(gameId);
        void this.advance(gameId);
      }, Math.max(0, at.getTime() - this.options.now().getTime())),
    );
    timer.unref();
    this.timers.set(gameId, { at: at.getTime(), timer });
  }

  private disarm(gameId: number): void {
    clearTimeout(this.timers.get(gameId)?.timer);
    this.timers.delete(gameId);
  }

  private async alreadyRunning(running: GameRow | undefined): Promise<string> {
    if (!running) return 'A game is starting in this channel right now. Join it, or start yours when it ends.';
    const posted = (await this.repo.questions(running.id)).filter((q) => q.messageId).at(-1);
    const where = posted?.messageId ? ` (https://discord.com/channels/${running.guildId}/${running.channelId}/${posted.messageId})` : '';
    return `A game is already running in this channel${where}, started by <@${running.startedBy}>. Join it, or wait for its scoreboard; it can be ended with /game stop.`;
  }

  private async viewOf(game: GameRow, question: GameQuestionRow, total: number): Promise<GameQuestionView | undefined> {
    const found = await this.decks.deckAndCard(question.deckId, question.cardId);
    return found ? { game, question, card: found.card, deck: found.deck, number: question.position + 1, total } : undefined;
  }
}
