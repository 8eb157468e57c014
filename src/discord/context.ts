import type { DeckSource } from '../decks/library.js';
import type { Logger } from '../logger.js';
import type { QuizService } from '../services/quiz-service.js';
import type { DailyService } from '../services/daily-service.js';
import type { GameService } from '../services/game-service.js';
import type { LeaderboardService } from '../services/leaderboard-service.js';
import type { ReviewService } from '../services/review-service.js';
import type { RewardsService } from '../services/rewards-service.js';
import type { ServerDeckService } from '../services/server-deck-service.js';
import type { StatsService } from '../services/stats-service.js';
import type { HeatmapService } from '../services/heatmap-service.js';
import type { LedgerService } from '../services/ledger-service.js';

/** What command and button handlers may use: services and the clock, never the database. */
export interface BotContext {
  decks: DeckSource;
  quiz: QuizService;
  stats: StatsService;
  daily: DailyService;
  game: GameService;
  leaderboard: LeaderboardService;
  review: ReviewService;
  rewards: RewardsService;

  heatmap: HeatmapService;
  serverDecks: ServerDeckService;
  /** Applies recorded answers to totals and memory; the router runs it after each interaction is answered. */
  ledger: LedgerService;
  now: () => Date;
  logger: Logger;
}
