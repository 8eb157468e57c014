import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord.js';
import type { Period } from '../../domain/periods.js';
import { UserError } from '../../errors.js';
import type { BoardBy } from '../../services/leaderboard-service.js';
import { renderLeaderboard } from '../render/leaderboard.js';
import type { SlashCommand } from './types.js';

export const leaderboardCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('leaderboard')
    .setDescription("This server's top 10 and your rank")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName('period')
        .setDescription('Default: all time')
        .addChoices({ name: 'this week', value: 'week' }, { name: 'this month', value: 'month' }, { name: 'all time', value: 'all' }),
    )
    .addStringOption((o) =>
      o.setName('by').setDescription('Default: points').addChoices({ name: 'points', value: 'points' }, { name: 'daily streak', value: 'streak' }),
    ),

  async execute(interaction, ctx) {
    if (!interaction.guildId) throw new UserError('The leaderboard belongs to a server: run /leaderboard in a server channel.');
    // Every member's answers this process recorded count, however recent.
    await ctx.ledger.settleAll();
    const board = await ctx.leaderboard.leaderboard({
      guildId: interaction.guildId,
      period: (interaction.options.getString('period') as Period | null) ?? 'all',
      by: (interaction.options.getString('by') as BoardBy | null) ?? 'points',
      callerId: interaction.user.id,
      now: ctx.now(),
    });
    await interaction.reply(renderLeaderboard(board));
  },
};
