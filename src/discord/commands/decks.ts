import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord.js';
import { renderDecks } from '../render/stats.js';
import type { SlashCommand } from './types.js';

export const decksCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('decks')
    .setDescription('The decks you can study, and how many of their cards you have answered')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM),

  async execute(interaction, ctx) {
    await interaction.reply(renderDecks(await ctx.stats.deckProgress(interaction.user.id, interaction.guildId)));
  },
};
