import { InteractionContextType, MessageFlags } from 'discord.js';
import { SlashCommandBuilder } from '@discordjs/builders';
import type { QuizMode } from '../../domain/types.js';
import { renderQuestion } from '../render/quiz.js';
import { autocompleteDeck } from './deck-option.js';
import type { SlashCommand } from './types.js';

export const quizCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('quiz')
    .setDescription('Study a flashcard from a deck')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .addStringOption((o) =>
      o.setName('deck').setDescription('The deck to study, e.g. cnn').setRequired(true).setAutocomplete(true).setMaxLength(32),
    )
    .addStringOption((o) =>
      o
        .setName('mode')
        .setDescription('Flashcard (reveal and grade yourself), multiple choice, or typed (type the answer)')
        .addChoices({ name: 'flashcard', value: 'flashcard' }, { name: 'choice', value: 'choice' }, { name: 'typed', value: 'typed' }),
    )
    .addBooleanOption((o) => o.setName('private').setDescription('Only you see the card (default: the channel studies together)')),

  ephemeral: (interaction) => interaction.options.getBoolean('private') ?? false,
  async execute(interaction, ctx) {
    const isPrivate = interaction.options.getBoolean('private') ?? false;
    const view = await ctx.quiz.startQuiz({
      deckId: interaction.options.getString('deck', true),
      mode: (interaction.options.getString('mode') as QuizMode | null) ?? 'flashcard',
      userId: interaction.user.id,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      isPrivate,
      now: ctx.now(),
      interactionId: interaction.id,
    });
    await interaction.reply({ ...renderQuestion(view), ...(isPrivate ? { flags: MessageFlags.Ephemeral } : {}) });
  },

  autocomplete: (interaction, ctx) => autocompleteDeck(interaction, ctx),
};
