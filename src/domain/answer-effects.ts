import { review, type MemoryState, type ReviewRecord } from './srs.js';
import { extendStudyStreak, type StudyStreak } from './streak.js';
import type { AnswerResult, AnswerSource } from './types.js';
import type { IsoDate } from './time.js';

/** One row of the answer ledger, as what derives from it needs it. */
export interface LedgerAnswer {
  id: number;
  source: AnswerSource;
  /** Null for a review in DMs. */
  guildId: string | null;
  userId: string;
  deckId: string;
  cardId: string;
  result: AnswerResult;
  correct: boolean;
  points: number;
  answeredAt: Date;
  /** The UTC day of the answer. */
  awardDay: IsoDate;
  roundId: number | null;
  challengeId: number | null;
}

/** What a member had when the answer is applied: the state the answer moves on from. */
export interface StateBeforeAnswer {
  studyStreak: StudyStreak;
  /** Their memory of the card; null for a card never answered. */
  memory: MemoryState | null;
  retention: number;
}

/** What an answer changes besides its ledger row, computed from the state before it. */
export interface AnswerEffects {
  studyStreak: StudyStreak;
  /** The card's memory after the answer, and FSRS's log of it. */
  next: MemoryState;
  log: ReviewRecord;
  /** A daily answer moves the daily streak: up when right, back to 0 when wrong; other answers leave it. */
  dailyCorrect: boolean | undefined;
}

/**
 * The effects of one ledger answer on the member's study streak and card memory, at the moment it was
 * answered: applying the ledger in order to the state before it gives the same memory and streak as
 * computing them when the member answered (which is what a grade shows: see QuizService).
 */
export function effectsOf(answer: Pick<LedgerAnswer, 'source' | 'result' | 'correct' | 'answeredAt' | 'awardDay'>, before: StateBeforeAnswer): AnswerEffects {
  const { next, log } = review(before.memory, answer.result, answer.answeredAt, before.retention);
  return {
    studyStreak: extendStudyStreak(before.studyStreak, answer.awardDay),
    next,
    log,
    dailyCorrect: answer.source === 'daily' ? answer.correct : undefined,
  };
}
