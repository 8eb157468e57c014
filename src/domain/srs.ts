import type { State} from 'ts-fsrs';
import { createEmptyCard, fsrs, generatorParameters, Rating, type Card as FsrsCard, type FSRS, type Grade as FsrsGrade } from 'ts-fsrs';
import { addDays, type IsoDate } from './time.js';
import { zonedInstant } from './daily-schedule.js';
import type { AnswerResult, Grade } from './types.js';

/** Everything ts-fsrs needs to schedule one card for one member. */
export interface MemoryState {
  due: Date;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: State;
  lastReview: Date | null;
}

/** One review as FSRS logged it: the state the card was in, and the rating. */
export interface ReviewRecord {
  rating: FsrsGrade;
  state: State;
  due: Date;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  lastElapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  review: Date;
}

export const DEFAULT_RETENTION = 0.9;
export const RETENTION_RANGE = { min: 0.7, max: 0.97 } as const;
export const NEW_PER_DAY_RANGE = { min: 0, max: 100 } as const;
export const DEFAULT_NEW_PER_DAY = 10;

const RATING: Record<Grade, FsrsGrade> = { again: Rating.Again, hard: Rating.Hard, good: Rating.Good, easy: Rating.Easy };

/** The FSRS rating of a graded answer: the four self-grades map one to one; a right choice is Good, a wrong one Again. */
export function ratingOf(result: AnswerResult): FsrsGrade {
  if (result === 'right') return Rating.Good;
  if (result === 'wrong') return Rating.Again;
  return RATING[result];
}

const schedulers = new Map<number, FSRS>();

/**
 * One learning step of a minute: Again brings a new card back within minutes, while Good graduates it
 * straight to FSRS's first interval (days), as a learner who recalled it expects. A lapse relearns
 * after ten minutes.
 */
export const LEARNING_STEPS = ['1m'] as const;
export const RELEARNING_STEPS = ['10m'] as const;

/** An FSRS-6 scheduler for a desired retention, cached (each member picks one of a few values). */
function scheduler(retention: number): FSRS {
  const key = Math.round(retention * 1000) / 1000;
  let f = schedulers.get(key);
  if (!f) {
    f = fsrs(
      generatorParameters({
        request_retention: key,
        enable_fuzz: true,
        enable_short_term: true,
        learning_steps: [...LEARNING_STEPS],
        relearning_steps: [...RELEARNING_STEPS],
      }),
    );
    schedulers.set(key, f);
  }
  return f;
}

function toFsrs(state: MemoryState | null, now: Date): FsrsCard {
  if (!state) return createEmptyCard(now);
  return {
    due: state.due,
    stability: state.stability,
    difficulty: state.difficulty,
    elapsed_days: state.elapsedDays,
    scheduled_days: state.scheduledDays,
    learning_steps: state.learningSteps,
    reps: state.reps,
    lapses: state.lapses,
    state: state.state,
    ...(state.lastReview ? { last_review: state.lastReview } : {}),
  };
}

function fromFsrs(card: FsrsCard): MemoryState {
  return {
    due: card.due,
    stability: card.stability,
    difficulty: card.difficulty,
    elapsedDays: card.elapsed_days,
    scheduledDays: card.scheduled_days,
    learningSteps: card.learning_steps,
    reps: card.reps,
    lapses: card.lapses,
    state: card.state,
    lastReview: card.last_review ?? null,
  };
}

/** Applies one review to a card's memory (a card never seen is new) and returns the next state and the log. */
export function review(state: MemoryState | null, result: AnswerResult, now: Date, retention = DEFAULT_RETENTION): { next: MemoryState; log: ReviewRecord } {
  const item = scheduler(retention).next(toFsrs(state, now), now, ratingOf(result));
  const { log } = item;
  return {
    next: fromFsrs(item.card),
    log: {
      rating: log.rating as FsrsGrade,
      state: log.state,
      due: log.due,
      stability: log.stability,
      difficulty: log.difficulty,
      elapsedDays: log.elapsed_days,
      lastElapsedDays: log.last_elapsed_days,
      scheduledDays: log.scheduled_days,
      learningSteps: log.learning_steps,
      review: log.review,
    },
  };
}

/** When the card would come back for each grade, for the grade buttons' labels. */
export function previewIntervals(state: MemoryState | null, now: Date, retention = DEFAULT_RETENTION): Record<Grade, number> {
  const preview = scheduler(retention).repeat(toFsrs(state, now), now);
  const after = (rating: FsrsGrade) => preview[rating].card.due.getTime() - now.getTime();
  return { again: after(Rating.Again), hard: after(Rating.Hard), good: after(Rating.Good), easy: after(Rating.Easy) };
}

/** A short interval label: 1m, 8m, 3h, 3d, 2mo, 1.5y. */
export function formatInterval(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours}h`;
  const days = Math.round(hours / 24);
  if (days < 31) return `${days}d`;
  const months = days / 30.44;
  if (months < 12) return `${Math.round(months)}mo`;
  const years = days / 365.25;
  return `${years < 10 ? Math.round(years * 10) / 10 : Math.round(years)}y`;
}

/** The instants a member's local day (in their timezone) begins and ends, for "due today" and new-card limits. */
export function localDayBounds(day: IsoDate, timeZone: string): { start: Date; end: Date } {
  return { start: zonedInstant(day, '00:00', timeZone), end: zonedInstant(addDays(day, 1), '00:00', timeZone) };
}

export type ReviewPick =
  | { kind: 'due'; cardId: string }
  | { kind: 'new'; cardId: string }
  | { kind: 'none'; nextDue: Date | null; newLeftToday: number };

/**
 * What /review serves next: the most overdue due card; else the next new card while today's new-card
 * allowance lasts (cards in deck order); else nothing, with when the next card is due.
 */
export function pickReview(input: {
  /** The member's earliest-due card in scope, if any. */
  earliest: { cardId: string; due: Date } | undefined;
  now: Date;
  /** Cards in scope, in study order. */
  cardIds: readonly string[];
  /** Cards the member already has a memory of. */
  known: ReadonlySet<string>;
  newPerDay: number;
  newToday: number;
}): ReviewPick {
  const { earliest, now } = input;
  if (earliest && earliest.due.getTime() <= now.getTime()) return { kind: 'due', cardId: earliest.cardId };
  const newLeftToday = Math.max(0, input.newPerDay - input.newToday);
  if (newLeftToday > 0) {
    const fresh = input.cardIds.find((id) => !input.known.has(id));
    if (fresh) return { kind: 'new', cardId: fresh };
  }
  return { kind: 'none', nextDue: earliest?.due ?? null, newLeftToday };
}
