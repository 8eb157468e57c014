import { MessageFlags, type ModalSubmitInteraction, type ButtonInteraction } from 'discord.js';
import { cardLabel } from '../../domain/server-ids.js';
import type { PressRefusal, RoundView } from '../../services/quiz-service.js';
import type { BotContext } from '../context.js';
import type { CustomId } from '../custom-id.js';
import { note, type MessageView } from '../render/common.js';
import { gradeVerdict, renderGraded, renderQuestion, renderRevealed } from '../render/quiz.js';
import { renderReviewDone } from '../render/review.js';
import { renderEarnedRoles } from '../render/rewards.js';
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
  const result = await ctx.quiz.reveal(id.roundId, interaction.user.id, now, interaction.guildId);
  if (isRefusal(result)) return void (await interaction.reply(refusalNote(result)));
  const labels = result.round.source === 'review' ? await ctx.review.gradeLabels(result, now) : undefined;
  await interaction.update(renderRevealed(result, labels));
  // When it was revealed is stored once the member has the answer, and nothing waits on it: the reveal
  // is done with at its reply, so its end (which applies the member's recorded answers) does not run
  // into their grade. Failing to store it loses nothing they did.
  void ctx.quiz.recordReveal(result.round.id, interaction.user.id, now, interaction.guildId).catch((error: unknown) => {
    ctx.logger.warn({ err: error, roundId: result.round.id }, 'could not record when a card was revealed');
  });
}

export async function handleGrade(
  interaction: ButtonInteraction,
  id: Extract<CustomId, { action: 'grade' | 'choose' }>,
  ctx: BotContext,
): Promise<void> {
  const answer = id.action === 'grade' ? { grade: id.grade } : { choice: id.choice };
  const now = ctx.now();
  const outcome = await ctx.quiz.grade(id.roundId, interaction.user.id, answer, now, interaction.guildId, interaction.id);
  switch (outcome.kind) {
    case 'delivered-twice':
      // Another process received this press too and answers it; a second answer would be refused (40060).
      return;
    case 'gone':
    case 'not-owner':
      await interaction.reply(refusalNote(outcome));
      return;
    case 'already-graded':
      await interaction.reply(note('You already answered this card; it counts once. Press **Next card** or run /quiz for another.'));
      return;
    case 'graded':
      await interaction.update(await gradedView(outcome, ctx, now));
      await announceEarnedRoles(interaction, outcome, ctx, now);
  }
}

/** The card after its grade: the verdict and Next card, or in a review session the next due card. */
export async function gradedView(outcome: Extract<GradeOutcome, { kind: 'graded' }>, ctx: BotContext, now: Date): Promise<MessageView> {
  if (outcome.view.round.source !== 'review') return renderGraded(outcome);
  // A review session moves straight on to the next due card: the memory of this one must be applied first.
  await ctx.ledger.settle(outcome.view.round.ownerId);
  const next = await ctx.review.continueAfter(outcome.view.round, now);
  const preface = reviewVerdict(outcome, now);
  return 'kind' in next ? { ...renderReviewDone(next), content: preface } : renderQuestion(next, preface);
}

/**
 * Role rewards are given after the grade has been answered, so waiting on Discord's role endpoint
 * never delays the grade; a role given announces itself in a follow-up to the same message.
 */
export async function announceEarnedRoles(interaction: ButtonInteraction | ModalSubmitInteraction, outcome: Extract<GradeOutcome, { kind: 'graded' }>, ctx: BotContext, now: Date): Promise<void> {
  const guildId = outcome.view.round.guildId;
  if (!guildId) return;
  let earned: string[];
  try {
    // Roles go by points: the ones this grade earned are applied first.
    await ctx.ledger.settle(interaction.user.id);
    earned = await ctx.rewards.grantEarned(guildId, interaction.user.id, now);
  } catch (error) {
    // The grade is recorded and shown: a failure here must not reach the router, whose apology would say otherwise.
    ctx.logger.error({ err: error, guildId, userId: interaction.user.id }, 'role rewards after a grade failed; the minute job tries again');
    return;
  }
  if (earned.length === 0) return;
  await interaction.followUp({
    content: renderEarnedRoles(earned),
    allowedMentions: { parse: [] },
    ...(outcome.view.round.isPrivate ? { flags: MessageFlags.Ephemeral as const } : {}),
  });
}

export async function handleNext(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'next' }>, ctx: BotContext): Promise<void> {
  const result = await ctx.quiz.nextCard(id.roundId, interaction.user.id, ctx.now(), interaction.guildId, interaction.id);
  if (isRefusal(result)) return void (await interaction.reply(refusalNote(result)));
  await interaction.update(renderQuestion(result));
}

function reviewVerdict(outcome: Extract<GradeOutcome, { kind: 'graded' }>, now: Date): string {
  const back = formatInterval(outcome.nextDue.getTime() - now.getTime());
  return `${cardLabel(outcome.view.card.id)}: ${gradeVerdict(outcome)} Back in ${back}.`;
}
