import { dailyCommand } from './daily.js';
import { deckCommand } from './deck.js';
import { decksCommand } from './decks.js';
import { gameCommand } from './game.js';
import { helpCommand } from './help.js';
import { leaderboardCommand } from './leaderboard.js';
import { quizCommand } from './quiz.js';
import { reviewCommand, reviewSettingsCommand } from './review.js';
import { rewardsCommand } from './rewards.js';
import { statsCommand } from './stats.js';
import type { SlashCommand } from './types.js';

/** Every slash command the bot registers, in the order /help lists them. */
export const COMMANDS: readonly SlashCommand[] = [
  quizCommand,
  reviewCommand,
  reviewSettingsCommand,
  decksCommand,
  deckCommand,
  statsCommand,
  leaderboardCommand,
  dailyCommand,
  rewardsCommand,

  gameCommand,
  helpCommand,
];
