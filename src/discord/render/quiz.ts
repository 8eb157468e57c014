import { ButtonStyle, type APIEmbed } from 'discord.js';
import { cardLabel } from '../../domain/server-ids.js';
import { letterAt } from '../../domain/choices.js';
import { compareTypedAnswer, type TypedComparison } from '../../domain/typed-answer.js';
import { GRADES, type Grade } from '../../domain/types.js';
import type { GradeOutcome, RoundView } from '../../services/quiz-service.js';
import { buildCustomId } from '../custom-id.js';
import { typedAnswerBlock } from './typed-answer.js';
import { COLORS, button, message, type MessageView } from './common.js';

const GRADE_LABEL: Record<Grade, string> = { again: 'Again', hard: 'Hard', good: 'Good', easy: 'Easy' };
const GRADE_STYLE = {
  again: ButtonStyle.Danger,
  hard: ButtonStyle.Secondary,
  good: ButtonStyle.Success,
  easy: ButtonStyle.Primary,
} as const;

/** Labels for the grade buttons; /review adds when the card would come back. */
export type GradeLabels = Partial<Record<Grade, string>>;

function header(view: RoundView): Pick<APIEmbed, 'title' | 'color' | 'footer'> {
  const { deck, card, round } = view;
  return {
    title: `${round.source === 'review' ? 'Review · ' : ''}${deck.title} · card ${card.position} of ${deck.cards.length}`,
    color: deck.color,
    footer: { text: `${cardLabel(card.id)} · ${round.source === 'review' ? 'review' : round.mode}` },
  };
}

function optionLines(view: RoundView, marks?: { chosen: number }): string {
  const options = view.round.choiceOrder ?? [];
  return options
    .map((option, i) => {
      const letter = letterAt(i);
      if (!marks) return `**${letter}.** ${option}`;
      if (i === view.round.correctIndex) return `✅ **${letter}.** ${option}`;
      if (i === marks.chosen) return `❌ ~~**${letter}.** ${option}~~`;
      return `▫️ **${letter}.** ${option}`;
    })
    .join('\n');
}

function answerBlock(view: RoundView): string {
  const { card } = view;
  return [`**Answer:** ${card.answer}`, card.explanation].filter(Boolean).join('\n\n');
}

/**
 * A new card: the question with Reveal answer, or with four options A–D in choice mode. A review
 * session shows how the previous card went as a preface.
 */
export function renderQuestion(view: RoundView, preface?: string): MessageView {
  const { round } = view;
  const card = preface ? { ...view.card, question: `-# ${preface}\n${view.card.question}` } : view.card;
  if (round.mode === 'choice') {
    const choices = (round.choiceOrder ?? []).map((_, i) =>
      button(buildCustomId({ action: 'choose', roundId: round.id, choice: i }), letterAt(i), ButtonStyle.Secondary),
    );
    return message([{ ...header(view), description: `${card.question}\n\n${optionLines(view)}` }], [choices]);
  }
  if (round.mode === 'typed') {
    return message(
      [{ ...header(view), description: card.question }],
      [[button(buildCustomId({ action: 'type', roundId: round.id }), 'Type your answer', ButtonStyle.Primary)]],
    );
  }
  return message(
    [{ ...header(view), description: card.question }],
    [[button(buildCustomId({ action: 'reveal', roundId: round.id }), 'Reveal answer', ButtonStyle.Primary)]],
  );
}

/**
 * A typed answer that was not graded at once: the member's answer beside the right one, and the four
 * grade buttons with the grade the score suggests as the primary one.
 */
export function renderTypedCompared(view: RoundView, comparison: TypedComparison, labels: GradeLabels = {}): MessageView {
  const { round, card } = view;
  const grades = GRADES.map((g) =>
    button(
      buildCustomId({ action: 'grade', roundId: round.id, grade: g }),
      labels[g] ?? GRADE_LABEL[g],
      g === comparison.suggested ? ButtonStyle.Primary : ButtonStyle.Secondary,
    ),
  );
  const body = `${card.question}\n\n${typedAnswerBlock(round.typedAnswer ?? '', comparison)}\n\n${answerBlock(view)}`;
  return message([{ ...header(view), description: `${body}\n\n**How did you do?** (suggested: ${GRADE_LABEL[comparison.suggested]})` }], [grades]);
}

/** The revealed flashcard: answer, explanation and the four grade buttons. */
export function renderRevealed(view: RoundView, labels: GradeLabels = {}): MessageView {
  const { round, card } = view;
  const grades = GRADES.map((g) =>
    button(buildCustomId({ action: 'grade', roundId: round.id, grade: g }), labels[g] ?? GRADE_LABEL[g], GRADE_STYLE[g]),
  );
  return message(
    [{ ...header(view), description: `${card.question}\n\n${answerBlock(view)}\n\n**How did you do?**` }],
    [grades],
  );
}

/** The card after grading: what was recorded and the Next card button. */
export function renderGraded(outcome: Extract<GradeOutcome, { kind: 'graded' }>): MessageView {
  const { view } = outcome;
  const { round, card } = view;
  const verdict = gradeVerdict(outcome);
  const body =
    round.mode === 'choice'
      ? `${card.question}\n\n${optionLines(view, { chosen: chosenIndex(outcome) })}\n\n${card.explanation ?? ''}`.trim()
      : `${card.question}\n\n${typedPart(view)}${answerBlock(view)}`;
  const color = round.mode === 'choice' ? (outcome.correct ? COLORS.right : COLORS.wrong) : view.deck.color;
  return message(
    [{ ...header(view), color, description: `${body}\n\n${verdict}` }],
    [[button(buildCustomId({ action: 'next', roundId: round.id }), 'Next card', ButtonStyle.Primary)]],
  );
}

/** A graded typed round shows the comparison again, from the answer stored with the round. */
function typedPart(view: RoundView): string {
  const typed = view.round.typedAnswer;
  if (view.round.mode !== 'typed' || typed === null) return '';
  return `${typedAnswerBlock(typed, compareTypedAnswer(typed, view.card.answer))}\n\n`;
}

function chosenIndex(outcome: Extract<GradeOutcome, { kind: 'graded' }>): number {
  const { round } = outcome.view;
  if (outcome.result === 'right') return round.correctIndex ?? -1;
  return outcome.chosen ?? -1;
}

export function gradeVerdict(outcome: Extract<GradeOutcome, { kind: 'graded' }>): string {
  const { round } = outcome.view;
  const head =
    round.mode === 'choice'
      ? outcome.correct
        ? `**Right!** The answer is ${letterAt(round.correctIndex ?? 0)}.`
        : `**Not quite.** The answer is ${letterAt(round.correctIndex ?? 0)}.`
      : `You said **${GRADE_LABEL[outcome.result as Grade]}**.`;
  const parts = [head];
  if (round.guildId === null) {
    // Points are counted per server; a card studied in DMs builds memory, not points.
  } else if (outcome.points > 0) {
    parts.push(`+${outcome.points} point${outcome.points === 1 ? '' : 's'}${outcome.totalPoints !== null ? ` · ${outcome.totalPoints} in this server` : ''}.`);
  } else if (outcome.alreadyEarnedToday) {
    parts.push('No points: this card already earned you points today (UTC). Try another card!');
  }
  if (outcome.studyStreak > 1) parts.push(`Study streak: ${outcome.studyStreak} days.`);
  return parts.join(' ');
}
