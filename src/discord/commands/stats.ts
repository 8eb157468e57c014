import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord.js';
import { UserError } from '../../errors.js';
import { renderStats } from '../render/stats.js';
import { withHeatmap } from '../render/stats-heatmap.js';
import type { SlashCommand } from './types.js';

export const statsCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('stats')
    .setDescription("A member's points, accuracy and streaks in this server")
    .setContexts(InteractionContextType.Guild)
    .addUserOption((o) => o.setName('member').setDescription('Whose stats (default: yours)')),

  async execute(interaction, ctx) {
    if (!interaction.guildId) throw new UserError('/stats counts points per server: run it in a server channel.');
    const user = interaction.options.getUser('member') ?? interaction.user;
    const now = ctx.now();
    // Another member's answers this process recorded count too (the caller's own are applied already).
    if (user.id !== interaction.user.id) await ctx.ledger.settleRecorded(user.id);
    const [record, srs, heatmap] = await Promise.all([
      ctx.stats.memberRecord(interaction.guildId, user.id, now),
      ctx.review.memberStats(user.id, now, interaction.guildId),
      ctx.heatmap.studyHeatmap(user.id, now),
    ]);
    await interaction.reply(withHeatmap(renderStats(record, user.displayName ?? user.username, srs), heatmap));
  },
};
