import { SlashCommandBuilder } from '@discordjs/builders';
import { ApplicationIntegrationType, InteractionContextType, MessageFlags } from 'discord.js';
import { searchTimeZones } from '../../domain/timezones.js';
import { renderQuestion } from '../render/quiz.js';
import { renderReviewDone, renderSrsSettings } from '../render/review.js';
import { autocompleteDeck } from './deck-option.js';
import type { SlashCommand } from './types.js';

export const reviewCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('review')
    .setDescription('Spaced repetition: your most overdue card, then the next, until none is due')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addStringOption((o) => o.setName('deck').setDescription('Only this deck (default: all decks)').setAutocomplete(true).setMaxLength(32))
    .addBooleanOption((o) => o.setName('typed').setDescription('Type each answer instead of revealing it (default: off)')),

  ephemeral: () => true,
  async execute(interaction, ctx) {
    const result = await ctx.review.start({
      userId: interaction.user.id,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      deck: interaction.options.getString('deck'),
      typed: interaction.options.getBoolean('typed') ?? false,
      now: ctx.now(),
    });
    const view = 'kind' in result ? renderReviewDone(result) : renderQuestion(result);
    await interaction.reply({ ...view, flags: MessageFlags.Ephemeral });
  },

  autocomplete: (interaction, ctx) => autocompleteDeck(interaction, ctx),
};

/**
 * Discord does not let one command take both options (/review [deck]) and subcommands
 * (/review settings), so the settings are their own command.
 */
export const reviewSettingsCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('review-settings')
    .setDescription('Your spaced-repetition settings: new cards per day, retention, timezone, reminder')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addIntegerOption((o) => o.setName('new_per_day').setDescription('New cards a day, 0–100 (default 10)').setMinValue(0).setMaxValue(100))
    .addNumberOption((o) => o.setName('retention').setDescription('Target recall when a card comes back, 0.70–0.97 (default 0.90)').setMinValue(0.7).setMaxValue(0.97))
    .addStringOption((o) => o.setName('timezone').setDescription('Your IANA timezone, e.g. Europe/Berlin (for "today")').setAutocomplete(true).setMaxLength(64))
    .addBooleanOption((o) => o.setName('reminder').setDescription('A daily DM when cards are due'))
    .addIntegerOption((o) => o.setName('reminder_hour').setDescription('Hour of the reminder, 0–23 in your timezone').setMinValue(0).setMaxValue(23)),

  ephemeral: () => true,
  async execute(interaction, ctx) {
    const o = interaction.options;
    const input = {
      newPerDay: o.getInteger('new_per_day'),
      retention: o.getNumber('retention'),
      timeZone: o.getString('timezone'),
      reminder: o.getBoolean('reminder'),
      reminderHour: o.getInteger('reminder_hour'),
    };
    const changing = Object.values(input).some((v) => v !== null);
    const settings = changing
      ? await ctx.review.updateSettings(interaction.user.id, input, ctx.now())
      : await ctx.review.settings(interaction.user.id);
    await interaction.reply({ ...renderSrsSettings(settings, changing), flags: MessageFlags.Ephemeral });
  },

  async autocomplete(interaction) {
    await interaction.respond(searchTimeZones(String(interaction.options.getFocused())).map((z) => ({ name: z, value: z })));
  },
};
