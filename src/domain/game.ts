import { awardedPoints } from './scoring.js';

/** What /game accepts, and its defaults. */
export const GAME_LIMITS = {
  questions: { min: 5, max: 30, default: 10 },
  seconds: { min: 10, max: 60, default: 20 },
} as const;

/** Game points: a right answer, and one more for the fastest right answer to a question. */
export const GAME_POINTS = { right: 2, fastest: 1 } as const;

/** The pause between a question closing and the next one, in game seconds. */
export const NEXT_QUESTION_DELAY_SECONDS = 3;

/** When a question posted at `postedAt` closes at the latest; `secondMs` is one game second (1000 outside tests). */
export function questionDeadline(postedAt: Date, seconds: number, secondMs = 1000): Date {
  return new Date(postedAt.getTime() + seconds * secondMs);
}

/** When the question after one closed at `closedAt` is posted. */
export function nextQuestionAt(closedAt: Date, secondMs = 1000): Date {
  return new Date(closedAt.getTime() + NEXT_QUESTION_DELAY_SECONDS * secondMs);
}

/**
 * Whether an open question closes now: its deadline has passed, or everyone who has joined the game
 * (answered an earlier question) has answered this one. Before anyone has joined, only the deadline
 * closes it: the first question gives the channel its full time to join.
 */
export function isQuestionOver(q: { deadline: Date; joined: number; waitingFor: number }, now: Date): boolean {
  if (now.getTime() >= q.deadline.getTime()) return true;
  return q.joined > 0 && q.waitingFor === 0;
}

/** An answer to a game question, as the scoreboard sees it. */
export interface GameAnswer {
  /** Ledger id: the order answers were recorded in, for ties at the same instant. */
  id: number;
  questionId: number;
  userId: string;
  correct: boolean;
  answeredAt: Date;
}

const byTime = (a: GameAnswer, b: GameAnswer) => a.answeredAt.getTime() - b.answeredAt.getTime() || a.id - b.id;

/** The right answers to one question, fastest first (the first earns the fastest bonus). */
export function rightAnswersInOrder(answers: readonly GameAnswer[]): GameAnswer[] {
  return answers.filter((a) => a.correct).sort(byTime);
}

export interface ScoreLine {
  userId: string;
  points: number;
  right: number;
  answered: number;
  fastest: number;
  /** When the member reached their points: ties go to whoever got there first. */
  reachedAt: Date | null;
}

/**
 * The game's scoreboard: every right answer 2 points, the fastest right answer to each question 1
 * more (the once-a-day rule of the ledger does not apply here: the game itself stays fair). Ordered
 * by points, then by whoever reached them first (earlier right answers win), then by member id.
 */
export function buildScoreboard(answers: readonly GameAnswer[]): ScoreLine[] {
  const lines = new Map<string, ScoreLine>();
  const fastestIds = new Set<number>();
  const byQuestion = new Map<number, GameAnswer[]>();
  for (const a of answers) byQuestion.set(a.questionId, [...(byQuestion.get(a.questionId) ?? []), a]);
  for (const group of byQuestion.values()) {
    const first = rightAnswersInOrder(group)[0];
    if (first) fastestIds.add(first.id);
  }
  for (const a of [...answers].sort(byTime)) {
    const line = lines.get(a.userId) ?? { userId: a.userId, points: 0, right: 0, answered: 0, fastest: 0, reachedAt: null };
    line.answered++;
    if (a.correct) {
      line.right++;
      line.points += GAME_POINTS.right;
      line.reachedAt = a.answeredAt;
      if (fastestIds.has(a.id)) {
        line.fastest++;
        line.points += GAME_POINTS.fastest;
      }
    }
    lines.set(a.userId, line);
  }
  return [...lines.values()].sort(
    (a, b) =>
      b.points - a.points ||
      (a.reachedAt?.getTime() ?? Infinity) - (b.reachedAt?.getTime() ?? Infinity) ||
      (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
}

/**
 * Points a game answer adds to the server's pool (the ledger): a right answer 2, but a card earns
 * points once per member per UTC day across quiz, review and game, so replaying games farms nothing.
 */
export function gameLedgerPoints(correct: boolean, alreadyEarnedForCardToday: boolean): number {
  return awardedPoints('game', correct ? 'right' : 'wrong', alreadyEarnedForCardToday);
}

/** The fastest bonus follows the answer into the pool only when that answer itself earned points there. */
export function fastestLedgerBonus(answerLedgerPoints: number): number {
  return answerLedgerPoints > 0 ? GAME_POINTS.fastest : 0;
}

/** Which cards a game asks: the first `count` of the shuffled deck (fewer when the deck is smaller). */
export function gameQuestionCount(requested: number, deckSize: number): number {
  return Math.max(0, Math.min(requested, deckSize));
}
