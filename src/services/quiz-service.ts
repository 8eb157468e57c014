import type { DeckSource } from '../decks/library.js';
import { quizCandidates, recentWindow } from '../domain/card-pick.js';
import { buildChoiceSet } from '../domain/choices.js';
import type { Random } from '../domain/random.js';
import { awardedPoints, isCorrect } from '../domain/scoring.js';
import { effectsOf } from '../domain/answer-effects.js';
import { utcDay } from '../domain/time.js';
import { compareTypedAnswer, TYPED_ANSWER_MAX_LENGTH, type TypedComparison } from '../domain/typed-answer.js';
import { deckHandle, QUIZ_MODES, type AnswerResult, type Card, type Deck, type Grade, type QuizMode } from '../domain/types.js';
import type { Round, RoundForGrading, RoundsRepository } from '../db/repositories/rounds-repository.js';
import { LedgerService } from './ledger-service.js';
import { silentLogger } from '../logger.js';
import { isUniqueViolation, UserError } from '../errors.js';

/** A card on screen: what renderers need to draw a round. */
export interface RoundView {
  round: Round;
  deck: Deck;
  card: Card;
}

export type PressRefusal =
  /** The custom id points at no round (deleted, or from another installation). */
  | { kind: 'gone' }
  /** Someone other than the member who ran the command pressed. */
  | { kind: 'not-owner'; view: RoundView };

export type GradeOutcome =
  | PressRefusal
  | { kind: 'already-graded'; view: RoundView }
  /** This very press was graded already, by another process that received it too: show nothing. */
  | { kind: 'delivered-twice' }
  | {
      kind: 'graded';
      view: RoundView;
      result: AnswerResult;
      /** The option pressed, in choice mode. */
      chosen: number | undefined;
      correct: boolean;
      points: number;
      /** True when the card had already earned points today, so this answer earned none. */
      alreadyEarnedToday: boolean;
      totalPoints: number | null;
      studyStreak: number;
      /** When the card comes back for review after this answer. */
      nextDue: Date;
    };

/** What a typed answer's modal submit led to. */
export type TypedOutcome =
  | PressRefusal
  | { kind: 'already-answered'; view: RoundView }
  /** The same submit delivered again (to another process, or resent): it has been answered already. */
  | { kind: 'delivered-twice' }
  /** Compared, and left to the member to grade (the comparison suggests a grade). */
  | { kind: 'compared'; view: RoundView; comparison: TypedComparison }
  /** Compared and graded Good at once (an exact match, or a match on a short answer). */
  | (Extract<GradeOutcome, { kind: 'graded' }> & { comparison: TypedComparison });

export interface StartQuizInput {
  deckId: string;
  mode: QuizMode;
  userId: string;
  guildId: string | null;
  channelId: string;
  isPrivate: boolean;
  now: Date;
  /** The Discord interaction asking: delivered twice (two processes, a resend), it still serves one round. */
  interactionId?: string;
}

/** Reads made at reveal and kept for the grade; beyond this many, the oldest go. */
const MAX_PREFETCHED = 2_000;

export class QuizService {
  /** What grading needs, read when a round was revealed: consumed by the grade, checked by its write. */
  private readonly prefetched = new Map<number, { today: string; read: Promise<RoundForGrading | undefined> }>();

  constructor(
    private readonly decks: DeckSource,
    private readonly rounds: RoundsRepository,
    private readonly random: Random,
    /** Where recorded grades are applied; by default at once, before grade() returns (the bot defers it: see app.ts). */
    private readonly ledger: LedgerService = LedgerService.immediate(rounds.database, silentLogger),
  ) {}

  async requireDeck(guildId: string | null, deckId: string): Promise<Deck> {
    const deck = await this.decks.resolve(guildId, deckId);
    if (deck) return deck;
    const list = (await this.decks.forGuild(guildId)).handles().map((id) => `\`${id}\``).join(', ');
    throw new UserError(`There is no deck called "${deckId.slice(0, 40)}". Try one of: ${list}.`);
  }

  /** Serves a new card of a deck to a member and records the round. */
  async startQuiz(input: StartQuizInput): Promise<RoundView> {
    // Discord offers only the listed modes; a forged request can send anything, and nothing else is stored.
    if (!QUIZ_MODES.includes(input.mode)) {
      throw new UserError(`"${String(input.mode).slice(0, 20)}" is not a quiz mode. Use mode:flashcard, mode:choice or mode:typed.`);
    }
    return this.serve(await this.requireDeck(input.guildId, input.deckId), input);
  }

  /**
   * "Next card": another card of the same deck, in the same mode and privacy, for the same member.
   * `pressedIn` (the guild the press came from, null for a DM) must be the round's, when given.
   */
  async nextCard(roundId: number, userId: string, now: Date, pressedIn?: string | null, interactionId?: string): Promise<RoundView | PressRefusal> {
    const previous = await this.resolve(roundId, userId, pressedIn);
    if ('kind' in previous) return previous;
    const { round, deck } = previous;
    return this.serve(deck, {
      deckId: deckHandle(deck),
      mode: round.mode,
      userId,
      guildId: round.guildId,
      channelId: round.channelId,
      isPrivate: round.isPrivate,
      now,
      ...(interactionId === undefined ? {} : { interactionId }),
    });
  }

  /** "Type your answer": the round, if this member may still type an answer for it. */
  async typedPrompt(roundId: number, userId: string, pressedIn?: string | null): Promise<RoundView | PressRefusal | { kind: 'already-answered'; view: RoundView }> {
    const view = await this.resolve(roundId, userId, pressedIn);
    if ('kind' in view) return view;
    // Only a typed round has the button; any other round takes no typed answer.
    if (view.round.mode !== 'typed') return { kind: 'gone' };
    if (view.round.typedAnswer !== null || view.round.answeredAt !== null) return { kind: 'already-answered', view };
    return view;
  }

  /**
   * A typed answer from the modal: stored with the round (once), compared with the card's answer, and
   * graded Good at once when it matches (see compareTypedAnswer); otherwise the member grades it.
   */
  async submitTyped(roundId: number, userId: string, text: string, now: Date, pressedIn?: string | null, interactionId?: string): Promise<TypedOutcome> {
    const typed = text.slice(0, TYPED_ANSWER_MAX_LENGTH);
    const round = await this.rounds.recordTypedAnswer(roundId, userId, typed, now, pressedIn);
    if (!round) {
      const current = await this.resolve(roundId, userId, pressedIn);
      if ('kind' in current) return current;
      return current.round.mode === 'typed' ? { kind: 'already-answered', view: current } : { kind: 'gone' };
    }
    const view = await this.viewOf(round);
    if (!view) return { kind: 'gone' };
    const comparison = compareTypedAnswer(typed, view.card.answer);
    if (!comparison.autoGood) return { kind: 'compared', view, comparison };
    const outcome = await this.grade(roundId, userId, { grade: 'good' }, now, pressedIn, interactionId);
    if (outcome.kind !== 'graded') return outcome.kind === 'already-graded' ? { kind: 'already-answered', view: outcome.view } : outcome;
    return { ...outcome, comparison };
  }

  /**
   * The answer side of a flashcard, for its owner. A reveal changes nothing a member could lose, so it
   * waits on one read and no write: the read of the round with what grading it needs, which the grade
   * then uses (see grade()). {@link recordReveal} stores when it was revealed, once the member has it.
   */
  async reveal(roundId: number, userId: string, now: Date, pressedIn?: string | null): Promise<RoundView | PressRefusal> {
    const today = utcDay(now);
    const found = await this.rounds.findForGrading(roundId, today);
    const view = await this.ownedView(found?.round, userId, pressedIn);
    if (found && !('kind' in view)) this.keepForGrade(roundId, today, Promise.resolve(found));
    return view;
  }

  /** Stores when a round was first revealed (after the reveal has been answered; nothing waits on it). */
  async recordReveal(roundId: number, userId: string, now: Date, pressedIn?: string | null): Promise<void> {
    await this.rounds.markRevealed(roundId, userId, now, pressedIn);
  }

  /**
   * Reads what grading a round needs, while the member reads it, so that their grade makes one round
   * trip instead of two (see grade()). Call it once the member has their answer (a typed answer's
   * comparison). Resolves when the read is done; a failed read only means the grade reads afresh.
   */
  readAheadForGrade(roundId: number, now: Date): Promise<void> {
    const today = utcDay(now);
    const read = this.rounds.findForGrading(roundId, today).catch(() => undefined);
    this.keepForGrade(roundId, today, read);
    return read.then(() => undefined);
  }

  private keepForGrade(roundId: number, today: string, read: Promise<RoundForGrading | undefined>): void {
    this.prefetched.set(roundId, { today, read });
    // Rounds revealed and never graded: keep the newest only.
    for (const oldest of this.prefetched.keys()) {
      if (this.prefetched.size <= MAX_PREFETCHED) break;
      this.prefetched.delete(oldest);
    }
  }

  /**
   * Grades a flashcard with the member's self-grade, or a choice by its index (0–3), from what
   * {@link readAheadForGrade} read when there is one, else from a fresh read. The grade is recorded in
   * the ledger at once; what derives from it (totals, streak, memory) is applied after the reply (see
   * LedgerService), so the streak and next due date shown are computed here from the same read.
   */
  async grade(
    roundId: number,
    userId: string,
    answer: { grade: Grade } | { choice: number },
    now: Date,
    pressedIn?: string | null,
    interactionId?: string,
  ): Promise<GradeOutcome> {
    const today = utcDay(now);
    const prefetched = await this.takePrefetched(roundId, today);
    if (prefetched && !pressedElsewhere(prefetched.round, pressedIn)) {
      const outcome = await this.gradeFrom(prefetched, roundId, userId, answer, now, today, interactionId);
      // Only a recorded grade is taken from the read made at reveal; anything else is decided afresh.
      if (outcome.kind === 'graded') return outcome;
    }
    const found = await this.rounds.findForGrading(roundId, today);
    // A press from another guild than the round's (only a forged request can make one) finds nothing.
    if (found && pressedElsewhere(found.round, pressedIn)) return { kind: 'gone' };
    const outcome = await this.gradeFrom(found, roundId, userId, answer, now, today, interactionId);
    if (outcome.kind !== 'already-graded' || !interactionId) return outcome;
    // Answered meanwhile: by this very press, received by another process too?
    const round = await this.rounds.findById(roundId);
    return round?.answeredInteractionId === interactionId ? { kind: 'delivered-twice' } : outcome;
  }

  private async gradeFrom(
    found: RoundForGrading | undefined,
    roundId: number,
    userId: string,
    answer: { grade: Grade } | { choice: number },
    now: Date,
    today: string,
    interactionId: string | undefined,
  ): Promise<GradeOutcome> {
    if (!found) return { kind: 'gone' };
    const view = await this.viewOf(found.round);
    if (!view) return { kind: 'gone' };
    if (found.round.ownerId !== userId) return { kind: 'not-owner', view };
    if (found.round.answeredAt) {
      return interactionId && found.round.answeredInteractionId === interactionId ? { kind: 'delivered-twice' } : { kind: 'already-graded', view };
    }

    const result = resultOf(found.round, answer);
    if (!result) return { kind: 'already-graded', view };
    const correct = isCorrect(result);
    const points = found.round.guildId ? awardedPoints(found.round.source, result, found.earnedToday) : 0;
    const record = {
      roundId,
      source: found.round.source,
      guildId: found.round.guildId,
      userId,
      deckId: view.deck.id,
      cardId: view.card.id,
      result,
      correct,
      choice: chosenOf(answer) ?? null,
      answeredAt: now,
      awardDay: today,
      roundCreatedAt: found.round.createdAt,
      interactionId: interactionId ?? null,
    };
    let outcome;
    let earned = points;
    try {
      outcome = await this.rounds.recordGrade({ ...record, points });
    } catch (error) {
      // Another round of the same card earned its points today a moment ago: record this one with none.
      if (!isOncePerDayViolation(error)) throw error;
      earned = 0;
      outcome = await this.rounds.recordGrade({ ...record, points: 0 });
    }
    if (outcome.recorded) await this.ledger.recorded(userId);
    // Shown now, and applied after the reply by the same rule from the same state (see LedgerService).
    const { studyStreak, next } = effectsOf({ source: found.round.source, result, correct, answeredAt: now, awardDay: today }, found);
    const alreadyEarnedToday = earned === points ? found.earnedToday && correct : true;
    return this.graded(view, result, chosenOf(answer), correct, earned, alreadyEarnedToday, outcome, studyStreak.current, next.due);
  }

  /** What was read at reveal (once: a second press reads afresh), unless the UTC day has changed since. */
  private async takePrefetched(roundId: number, today: string): Promise<RoundForGrading | undefined> {
    const entry = this.prefetched.get(roundId);
    if (!entry) return undefined;
    this.prefetched.delete(roundId);
    return entry.today === today ? entry.read : undefined;
  }

  private graded(
    view: RoundView,
    result: AnswerResult,
    chosen: number | undefined,
    correct: boolean,
    points: number,
    alreadyEarnedToday: boolean,
    outcome: { recorded: boolean; totalPoints: number | null },
    studyStreak: number,
    nextDue: Date,
  ): GradeOutcome {
    if (!outcome.recorded) return { kind: 'already-graded', view };
    return { kind: 'graded', view, result, chosen, correct, points, alreadyEarnedToday, totalPoints: outcome.totalPoints, studyStreak, nextDue };
  }

  /**
   * Picks a card the member was not served recently and records the round, in one statement: the
   * candidates go to the database in random order (with their choice sets in choice mode) and it
   * takes the first one outside the member's recent rounds of the deck (see quizCandidates).
   */
  private async serve(deck: Deck, input: StartQuizInput): Promise<RoundView> {
    const candidates = quizCandidates(deck, this.random).map((card) => {
      const choiceSet = input.mode === 'choice' ? buildChoiceSet(card, deck, this.random) : undefined;
      return { cardId: card.id, choiceOrder: choiceSet?.options ?? null, correctIndex: choiceSet?.correctIndex ?? null };
    });
    const round = await this.rounds.createQuizRound({
      ownerId: input.userId,
      guildId: input.guildId,
      channelId: input.channelId,
      deckId: deck.id,
      mode: input.mode,
      isPrivate: input.isPrivate,
      createdAt: input.now,
      candidates,
      recentWindow: recentWindow(deck),
      interactionId: input.interactionId ?? null,
    });
    const card = deck.cards.find((c) => c.id === round.cardId);
    if (!card) throw new Error(`the database picked card ${round.cardId}, which is not in deck ${deck.id}`);
    return { round, deck, card };
  }

  private async resolve(roundId: number, userId: string, pressedIn: string | null | undefined): Promise<RoundView | PressRefusal> {
    return this.ownedView(await this.rounds.findById(roundId), userId, pressedIn);
  }

  /** A round as its owner sees it: gone when missing, pressed in another guild, or its card removed; refused to anyone else. */
  private async ownedView(round: Round | undefined, userId: string, pressedIn: string | null | undefined): Promise<RoundView | PressRefusal> {
    const view = round && !pressedElsewhere(round, pressedIn) && (await this.viewOf(round));
    if (!view) return { kind: 'gone' };
    if (view.round.ownerId !== userId) return { kind: 'not-owner', view };
    return view;
  }

  /** The deck and card of a round; undefined when its deck or card was removed since. */
  async viewOf(round: Round): Promise<RoundView | undefined> {
    const found = await this.decks.deckAndCard(round.deckId, round.cardId);
    return found && { round, ...found };
  }
}

function resultOf(round: Round, answer: { grade: Grade } | { choice: number }): AnswerResult | undefined {
  // A typed round is graded like a flashcard, once the member has typed their answer.
  if ('grade' in answer) return round.mode === 'flashcard' || (round.mode === 'typed' && round.typedAnswer !== null) ? answer.grade : undefined;
  if (round.mode !== 'choice' || round.correctIndex === null) return undefined;
  return answer.choice === round.correctIndex ? 'right' : 'wrong';
}


function chosenOf(answer: { grade: Grade } | { choice: number }): number | undefined {
  return 'choice' in answer ? answer.choice : undefined;
}

function isOncePerDayViolation(error: unknown): boolean {
  return isUniqueViolation(error, 'answers_card_points_once_a_day');
}

/** True when a press came from a guild (or DM) other than the round's; `undefined` means "not checked". */
function pressedElsewhere(round: Round, pressedIn: string | null | undefined): boolean {
  return pressedIn !== undefined && round.guildId !== pressedIn;
}
