import type { ButtonInteraction } from 'discord.js';
import type { PressRefusal, RoundView } from '../../services/quiz-service.js';
import type { BotContext } from '../context.js';
import type { CustomId } from '../custom-id.js';
import { note } from '../render/common.js';
import { renderGraded, renderQuestion, renderRevealed } from '../render/quiz.js';

export const GONE_TEXT = 'This card is no longer available. Run /quiz again for a new one.';

/** The ephemeral answer to a press that changes nothing. */
export function refusalNote(refusal: PressRefusal): ReturnType<typeof note> {
  if (refusal.kind === 'gone') return note(GONE_TEXT);
  const command = refusal.view.round.source === 'review' ? '/review' : `/quiz deck:${refusal.view.deck.id}`;
  return note(`This card belongs to <@${refusal.view.round.ownerId}>. Run ${command} to get a card of your own.`);
}

function isRefusal(value: RoundView | PressRefusal): value is PressRefusal {
  return 'kind' in value;
}

export async function handleReveal(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'reveal' }>, ctx: BotContext): Promise<void> {
  const result = await ctx.quiz.reveal(id.roundId, interaction.user.id, ctx.now());
  if (isRefusal(result)) return void (await interaction.reply(refusalNote(result)));
  await interaction.update(renderRevealed(result));
}

export async function handleGrade(
  interaction: ButtonInteraction,
  id: Extract<CustomId, { action: 'grade' | 'choose' }>,
  ctx: BotContext,
): Promise<void> {
  const answer = id.action === 'grade' ? { grade: id.grade } : { choice: id.choice };
  const outcome = await ctx.quiz.grade(id.roundId, interaction.user.id, answer, ctx.now());
  switch (outcome.kind) {
    case 'gone':
    case 'not-owner':
      await interaction.reply(refusalNote(outcome));
      return;
    case 'already-graded':
      await interaction.reply(note('You already answered this card; it counts once. Press **Next card** or run /quiz for another.'));
      return;
    case 'graded':
      await interaction.update(renderGraded(outcome));
  }
}

export async function handleNext(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'next' }>, ctx: BotContext): Promise<void> {
  const result = await ctx.quiz.nextCard(id.roundId, interaction.user.id, ctx.now());
  if (isRefusal(result)) return void (await interaction.reply(refusalNote(result)));
  await interaction.update(renderQuestion(result));
}
