import type { ButtonInteraction } from 'discord.js';
import { cardLabel } from '../../domain/server-ids.js';
import type { PressRefusal, RoundView } from '../../services/quiz-service.js';
import type { BotContext } from '../context.js';
import type { CustomId } from '../custom-id.js';
import { note } from '../render/common.js';
import { gradeVerdict, renderGraded, renderQuestion, renderRevealed } from '../render/quiz.js';
import { renderReviewDone } from '../render/review.js';
import { formatInterval } from '../../domain/srs.js';
import { deckHandle } from '../../domain/types.js';
import type { GradeOutcome } from '../../services/quiz-service.js';

export const GONE_TEXT = 'This card is no longer available. Run /quiz again for a new one.';

/** The ephemeral answer to a press that changes nothing. */
export function refusalNote(refusal: PressRefusal): ReturnType<typeof note> {
  if (refusal.kind === 'gone') return note(GONE_TEXT);
  const command = refusal.view.round.source === 'review' ? '/review' : `/quiz deck:${deckHandle(refusal.view.deck)}`;
  return note(`This card belongs to <@${refusal.view.round.ownerId}>. Run ${command} to get a card of your own.`);
}

function isRefusal(value: RoundView | PressRefusal): value is PressRefusal {
  return 'kind' in value;
}

export async function handleReveal(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'reveal' }>, ctx: BotContext): Promise<void> {
  const now = ctx.now();
  const result = await ctx.quiz.reveal(id.roundId, interaction.user.id, now);
  if (isRefusal(result)) return void (await interaction.reply(refusalNote(result)));
  const labels = result.round.source === 'review' ? await ctx.review.gradeLabels(result, now) : undefined;
  await interaction.update(renderRevealed(result, labels));
  // The member grades next: read what that needs while they read the answer.
  void ctx.quiz.readAheadForGrade(result.round.id, now);
}

export async function handleGrade(
  interaction: ButtonInteraction,
  id: Extract<CustomId, { action: 'grade' | 'choose' }>,
  ctx: BotContext,
): Promise<void> {
  const answer = id.action === 'grade' ? { grade: id.grade } : { choice: id.choice };
  const now = ctx.now();
  const outcome = await ctx.quiz.grade(id.roundId, interaction.user.id, answer, now);
  switch (outcome.kind) {
    case 'gone':
    case 'not-owner':
      await interaction.reply(refusalNote(outcome));
      return;
    case 'already-graded':
      await interaction.reply(note('You already answered this card; it counts once. Press **Next card** or run /quiz for another.'));
      return;
    case 'graded': {
      if (outcome.view.round.source !== 'review') {
        await interaction.update(renderGraded(outcome));
        return;
      }
      // A review session moves straight on to the next due card.
      const next = await ctx.review.continueAfter(outcome.view.round, now);
      const preface = reviewVerdict(outcome, now);
      if ('kind' in next) await interaction.update({ ...renderReviewDone(next), content: preface });
      else await interaction.update(renderQuestion(next, preface));
    }
  }
}

export async function handleNext(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'next' }>, ctx: BotContext): Promise<void> {
  const result = await ctx.quiz.nextCard(id.roundId, interaction.user.id, ctx.now());
  if (isRefusal(result)) return void (await interaction.reply(refusalNote(result)));
  await interaction.update(renderQuestion(result));
}

function reviewVerdict(outcome: Extract<GradeOutcome, { kind: 'graded' }>, now: Date): string {
  const back = formatInterval(outcome.nextDue.getTime() - now.getTime());
  return `${cardLabel(outcome.view.card.id)}: ${gradeVerdict(outcome)} Back in ${back}.`;
}
