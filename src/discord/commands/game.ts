import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { GAME_LIMITS } from '../../domain/game.js';
import { UserError } from '../../errors.js';
import { note } from '../render/common.js';
import { autocompleteDeck } from './deck-option.js';
import type { SlashCommand } from './types.js';

const NEEDED = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
] as const;

export const gameCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('game')
    .setDescription('A timed quiz the whole channel plays')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('play')
        .setDescription('Start a game in this channel')
        .addStringOption((o) => o.setName('deck').setDescription('The deck to play, e.g. cnn').setRequired(true).setAutocomplete(true).setMaxLength(32))
        .addIntegerOption((o) =>
          o
            .setName('questions')
            .setDescription(`How many questions (default ${GAME_LIMITS.questions.default})`)
            .setMinValue(GAME_LIMITS.questions.min)
            .setMaxValue(GAME_LIMITS.questions.max),
        )
        .addIntegerOption((o) =>
          o
            .setName('seconds')
            .setDescription(`Seconds per question (default ${GAME_LIMITS.seconds.default})`)
            .setMinValue(GAME_LIMITS.seconds.min)
            .setMaxValue(GAME_LIMITS.seconds.max),
        ),
    )
    .addSubcommand((s) => s.setName('stop').setDescription('End the game in this channel (its starter, or Manage Messages)')),

  ephemeral: (interaction) => interaction.options.getSubcommand(false) === 'stop',
  async execute(interaction, ctx) {
    const guildId = interaction.guildId;
    if (!guildId) throw new UserError('A game belongs to a server channel: run /game play there.');
    if (interaction.options.getSubcommand(true) === 'stop') {
      await ctx.game.stop({
        channelId: interaction.channelId,
        userId: interaction.user.id,
        canManageMessages: interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false,
      });
      await interaction.reply(note('Stopping the game: the scoreboard so far follows.'));
      return;
    }
    await requireBotCanPostHere(interaction);
    const started = await ctx.game.start({
      guildId,
      channelId: interaction.channelId,
      deckId: interaction.options.getString('deck', true),
      questions: interaction.options.getInteger('questions'),
      seconds: interaction.options.getInteger('seconds'),
      userId: interaction.user.id,
    });
    await interaction.reply({
      content: `<@${interaction.user.id}> started a game: ${started.questions} questions from **${started.deck.title}**, ${started.game.seconds} s each. Press A–D to lock in; the first question is coming up!`,
      allowedMentions: { parse: [] },
    });
  },

  autocomplete: (interaction, ctx) => autocompleteDeck(interaction, ctx),
};

/** The bot must be able to post the game here: refused in one private line before anything starts. */
async function requireBotCanPostHere(interaction: ChatInputCommandInteraction): Promise<void> {
  const permissions = interaction.appPermissions;
  const missing = NEEDED.filter(([flag]) => !permissions.has(flag)).map(([, name]) => name);
  if (missing.length > 0) {
    throw new UserError(`I cannot run a game here: I am missing ${missing.join(', ')} in this channel. Ask an admin to grant ${missing.length === 1 ? 'it' : 'them'}, or play in another channel.`);
  }
}
