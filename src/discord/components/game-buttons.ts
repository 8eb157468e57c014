import type { ButtonInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import type { CustomId } from '../custom-id.js';
import { renderGameAnswer, renderMyScore } from '../render/game.js';

export async function handleGameAnswer(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'game' }>, ctx: BotContext): Promise<void> {
  const outcome = await ctx.game.answer(id.questionId, interaction.user.id, id.choice, ctx.now());
  await interaction.reply(renderGameAnswer(outcome));
}

/** "My score" on a scoreboard: the private "your score" needs an interaction of the member's own. */
export async function handleGameScore(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'gameScore' }>, ctx: BotContext): Promise<void> {
  await interaction.reply(renderMyScore(await ctx.game.myScore(id.gameId, interaction.user.id)));
}
