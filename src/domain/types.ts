/** A flashcard as members study it. */
export interface Card {
  id: string;
  deckId: string;
  question: string;
  answer: string;
  explanation: string | undefined;
  /** Exactly three wrong options, or empty when the deck author gave none (e.g. imported cards). */
  choices: readonly string[];
  /** 1-based position in its deck, for "card 12 of 34". */
  position: number;
}

export interface Deck {
  /** How rounds, answers and memories refer to the deck; a server deck's is `<guildId>/<handle>`. */
  id: string;
  /** What members type for a server deck (e.g. `ml-exam`); absent for shipped decks, whose id is typed. */
  handle?: string;
  title: string;
  description: string;
  color: number;
  cards: readonly Card[];
}

/** Flashcard: reveal and grade yourself; choice: A–D; typed: type the answer in a modal, then compare. */
export type QuizMode = 'flashcard' | 'choice' | 'typed';
export const QUIZ_MODES: readonly string[] = ['flashcard', 'choice', 'typed'] satisfies QuizMode[];

/** Self-grades of a flashcard, in the order the buttons show them. */
export const GRADES = ['again', 'hard', 'good', 'easy'] as const;
export type Grade = (typeof GRADES)[number];

export const CHOICE_LETTERS = ['A', 'B', 'C', 'D'] as const;
export type ChoiceLetter = (typeof CHOICE_LETTERS)[number];

/** What a graded answer was: a flashcard self-grade, or a choice that was right or wrong. */
export type AnswerResult = Grade | 'right' | 'wrong';

export type AnswerSource = 'quiz' | 'review' | 'daily' | 'game';

/** The name members type and see for a deck. */
export function deckHandle(deck: Pick<Deck, 'id' | 'handle'>): string {
  return deck.handle ?? deck.id;
}
