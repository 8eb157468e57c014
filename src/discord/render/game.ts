import { ButtonStyle } from 'discord.js';
import { letterAt } from '../../domain/choices.js';
import type { GameAnswerOutcome, GameQuestionView, MyScore, ScoreboardView } from '../../services/game-service.js';
import { buildCustomId } from '../custom-id.js';
import { COLORS, button, field, message, note, type MessageView } from './common.js';

const SCOREBOARD_SIZE = 10;

/** The footer that names a question: the card id first (as on /quiz cards), then the game and its place. */
export function questionFooter(gameId: number, number: number, cardId: string): string {
  return `${cardId} · ${questionMarker(gameId, number)}`;
}

export function questionMarker(gameId: number, number: number): string {
  return `game #${gameId} · question ${number}`;
}

export function scoreboardMarker(gameId: number): string {
  return `game #${gameId} · scoreboard`;
}

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

function optionLines(view: GameQuestionView, reveal: boolean): string {
  const { options, correctIndex } = view.question;
  return options
    .map((option, i) => {
      const line = `**${letterAt(i)}.** ${option}`;
      if (!reveal) return line;
      return i === correctIndex ? `✅ ${line}` : `▫️ ${line}`;
    })
    .join('\n');
}

/** The first line of an explanation, short enough for a line under the result. */
function oneLine(text: string | undefined): string {
  const first = (text ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return first.length > 200 ? `${first.slice(0, 199)}…` : first;
}

/** A question as the channel sees it: open with A–D, countdown and count; closed with the result. */
export function renderGameQuestion(view: GameQuestionView): MessageView {
  const { game, question, card, deck, closing } = view;
  const closed = question.status === 'closed';
  const footer = { text: questionFooter(game.id, view.number, card.id) };
  const title = `Game · ${deck.title} · question ${view.number} of ${view.total}`;
  const buttons = question.options.map((_, i) =>
    button(buildCustomId({ action: 'game', questionId: question.id, choice: i }), letterAt(i), ButtonStyle.Secondary, closed),
  );
  if (!closed) {
    const deadline = question.deadline ? `Closes <t:${unix(question.deadline)}:R>` : 'Opening…';
    return message(
      [
        {
          title,
          color: deck.color,
          description: `${card.question}\n\n${optionLines(view, false)}`,
          fields: [field('Time', deadline, true), field('Answers', `${view.answered ?? 0} answered`, true)],
          footer,
        },
      ],
      [buttons],
    );
  }
  const answered = closing?.answered ?? 0;
  const right = closing?.right ?? 0;
  const share = answered > 0 ? Math.round((right / answered) * 100) : 0;
  const fastest = closing?.fastest ?? [];
  return message(
    [
      {
        title: `${title} · closed`,
        color: COLORS.neutral,
        description: [card.question, optionLines(view, true), `**Answer:** ${letterAt(question.correctIndex)} — ${card.answer}`, oneLine(card.explanation)]
          .filter(Boolean)
          .join('\n\n'),
        fields: [
          field('Result', `${answered} answered · ${share}% right`),
          field('Fastest right', fastest.length > 0 ? fastest.map((f, i) => `${i + 1}. <@${f.userId}> · ${(f.ms / 1000).toFixed(1)} s`).join('\n') : 'Nobody this time.'),
        ],
        footer,
      },
    ],
    [buttons],
  );
}

/** The scoreboard after the last question (or /game stop): top 10, the winner, and a "My score" button. */
export function renderScoreboard(view: ScoreboardView): MessageView {
  const { game, deck, lines } = view;
  const top = lines.slice(0, SCOREBOARD_SIZE);
  const winner = lines[0];
  const head = winner && winner.points > 0 ? `🏆 <@${winner.userId}> wins with ${winner.points} points!` : 'Nobody scored this time.';
  const board = top.map((l, i) => `${i + 1}. <@${l.userId}> — ${l.points} points (${l.right} right${l.fastest > 0 ? `, ${l.fastest} fastest` : ''})`).join('\n');
  return message(
    [
      {
        title: `${view.stopped ? 'Game stopped' : 'Game over'} · ${deck.title}`,
        color: COLORS.right,
        description: [head, `${view.asked} of ${game.questionCount} questions · ${lines.length} players`].join('\n'),
        fields: [field('Top 10', board || 'No answers.')],
        footer: { text: scoreboardMarker(game.id) },
      },
    ],
    [[button(buildCustomId({ action: 'gameScore', gameId: game.id }), 'My score', ButtonStyle.Primary)]],
  );
}

/** The private reply to a press on a game question. */
export function renderGameAnswer(outcome: GameAnswerOutcome): MessageView & { flags: 64 } {
  switch (outcome.kind) {
    case 'locked':
      return note(`Locked in: ${letterAt(outcome.choice)}`);
    case 'duplicate':
      return note(`You already locked in ${outcome.choice === null ? 'an answer' : letterAt(outcome.choice)}. One answer per question; the result shows when it closes.`);
    case 'closed':
      return note('This question has closed, so answers no longer count. Watch for the next one.');
    case 'gone':
      return note('This game is no longer available. Start a new one with /game play.');
  }
}

export function renderMyScore(score: MyScore): MessageView & { flags: 64 } {
  if (score.kind === 'none') return note('You did not answer any question in this game. Join the next one!');
  const { line, rank, players } = score;
  return note(
    `Your score: **${line.points} points** · ${line.right} right of ${line.answered} answered${line.fastest > 0 ? ` · ${line.fastest} fastest` : ''} · rank ${rank} of ${players}.`,
  );
}
