import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType } from 'discord.js';
import { COLORS, message } from '../render/common.js';
import type { SlashCommand } from './types.js';

export const HELP_LINES = [
  '`/quiz deck [mode] [private]` — a flashcard from a deck; reveal, grade yourself, earn points. `mode:choice` asks it as multiple choice, `mode:typed` lets you type the answer and shows how close it was.',
  '`/review [deck]` — spaced repetition (FSRS): your most overdue card, then the next, until none is due. `typed:true` to type each answer. Works in DMs too.',
  '`/review-settings` — new cards per day, target retention, your timezone and a daily reminder DM.',
  '`/decks` — the decks, their size and how many of their cards you have answered.',
  '`/stats [member]` — points for the week, month and all time, accuracy per deck, study and daily streaks, and a calendar of your last 365 days.',
  '`/leaderboard [period] [by]` — the server\'s top 10 this week, this month or all time, by points or daily streak.',
  '`/daily setup|disable|status|now` — (Manage Server) a challenge posted every day at a local time; answer it for 10 points.',
  '`/rewards add|champion|list|remove` — (Manage Server) roles for points, study or daily streaks, and a weekly or monthly champion.',

  '`/game play deck [questions] [seconds]` · `/game stop` — a timed quiz the whole channel plays: 2 points a right answer, 1 more for the fastest.',
  '`/help` — this message.',
];

export const helpCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('help')
    .setDescription('What deepcards does and how to use it')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM),

  ephemeral: () => true,
  async execute(interaction) {
    await interaction.reply({
      ...message([
        {
          title: 'deepcards — study deep learning together',
          color: COLORS.neutral,
          description: [
            'Flashcards on CNNs, RNNs, embeddings, transformers and practical ML. Grade yourself honestly: points and streaks reward steady study.',
            '',
            ...HELP_LINES,
          ].join('\n'),
        },
      ]),
      flags: 64,
    });
  },
};
