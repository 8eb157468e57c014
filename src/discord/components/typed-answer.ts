import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { TYPED_ANSWER_INPUT_ID, type CustomId, type ModalCustomId } from '../custom-id.js';
import { note, type MessageView } from '../render/common.js';
import { renderTypedCompared } from '../render/quiz.js';
import { renderTypedAnswerModal } from '../render/typed-answer.js';
import { announceEarnedRoles, gradedView, refusalNote } from './quiz-buttons.js';

export const ALREADY_TYPED_TEXT = 'You already answered this card; it counts once. Press **Next card** or run /quiz for another.';

/** "Type your answer": opens the modal, for the round's owner only. */
export async function handleTypePrompt(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'type' }>, ctx: BotContext): Promise<void> {
  const result = await ctx.quiz.typedPrompt(id.roundId, interaction.user.id, interaction.guildId);
  if ('kind' in result) {
    await interaction.reply(result.kind === 'already-answered' ? note(ALREADY_TYPED_TEXT) : refusalNote(result));
    return;
  }
  await interaction.showModal(renderTypedAnswerModal(result.round.id));
}

/**
 * The modal's submit: the card shows the member's answer beside the right one. A match is graded Good
 * at once; otherwise the grade buttons follow, the suggested one primary.
 */
export async function handleTypedSubmit(interaction: ModalSubmitInteraction, id: ModalCustomId, ctx: BotContext): Promise<void> {
  const now = ctx.now();
  const text = interaction.fields.getTextInputValue(TYPED_ANSWER_INPUT_ID);
  const outcome = await ctx.quiz.submitTyped(id.roundId, interaction.user.id, text, now, interaction.guildId, interaction.id);
  const answer = async (view: MessageView) => {
    // A modal opened from a card's button edits that card (the only place the modal comes from).
    if (interaction.isFromMessage()) await interaction.update(view);
    else await interaction.reply(view);
  };
  switch (outcome.kind) {
    case 'gone':
    case 'not-owner':
      await interaction.reply(refusalNote(outcome));
      return;
    case 'already-answered':
      await interaction.reply(note(ALREADY_TYPED_TEXT));
      return;
    case 'delivered-twice':
      return;
    case 'compared': {
      const labels = outcome.view.round.source === 'review' ? await ctx.review.gradeLabels(outcome.view, now) : undefined;
      await answer(renderTypedCompared(outcome.view, outcome.comparison, labels));
      // The member grades next: read what that needs while they read the comparison.
      void ctx.quiz.readAheadForGrade(outcome.view.round.id, now);
      return;
    }
    case 'graded':
      await answer(await gradedView(outcome, ctx, now));
      await announceEarnedRoles(interaction, outcome, ctx, now);
  }
}
