import type { ButtonInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import type { CustomId } from '../custom-id.js';
import { note } from '../render/common.js';
import { renderDailyVerdict } from '../render/daily.js';

export async function handleDailyAnswer(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'daily' }>, ctx: BotContext): Promise<void> {
  const outcome = await ctx.daily.answer(id.challengeId, interaction.user.id, id.choice, ctx.now(), interaction.guildId);
  if (outcome.kind === 'gone') {
    await interaction.reply(note('This challenge is no longer available. A new one is posted every day.'));
    return;
  }
  await interaction.reply(renderDailyVerdict(outcome));
}
