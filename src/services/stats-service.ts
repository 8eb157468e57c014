import type { DeckSource } from '../decks/library.js';
import { currentStudyStreak } from '../domain/streak.js';
import { utcDay } from '../domain/time.js';
import type { Deck } from '../domain/types.js';
import type { StatsRepository } from '../db/repositories/stats-repository.js';
import type { DeckRecord, LeaderboardRepository } from '../db/repositories/leaderboard-repository.js';
import { periodStartDate } from '../domain/periods.js';

export interface MemberRecord {
  userId: string;
  points: number;
  answers: number;
  correct: number;
  /** Share of correct answers, 0–1, or null before the first answer. */
  accuracy: number | null;
  studyStreak: { current: number; best: number };
  dailyStreak: { current: number; best: number };
  weekPoints: number;
  monthPoints: number;
  /** Answers and correct answers per deck, in this guild. */
  decks: (DeckRecord & { title: string })[];
}

export interface DeckProgress {
  deck: Deck;
  answered: number;
}

export class StatsService {
  constructor(
    private readonly decks: DeckSource,
    private readonly stats: StatsRepository,
    private readonly boards: LeaderboardRepository,
  ) {}

  async memberRecord(guildId: string, userId: string, now: Date): Promise<MemberRecord> {
    const timeZone = (await this.boards.guildTimeZone(guildId)) ?? 'UTC';
    const week = periodStartDate('week', now, timeZone) as string;
    const month = periodStartDate('month', now, timeZone) as string;
    const [library, row, periods, decks] = await Promise.all([
      this.decks.forGuild(guildId),
      this.stats.memberTotals(guildId, userId),
      this.boards.memberPeriodPoints(guildId, userId, week, month),
      this.boards.memberDecks(guildId, userId),
    ]);
    const answers = row?.answers ?? 0;
    const correct = row?.correct ?? 0;
    return {
      userId,
      points: row?.points ?? 0,
      answers,
      correct,
      accuracy: answers > 0 ? correct / answers : null,
      studyStreak: {
        current: row ? currentStudyStreak({ current: row.studyStreak, best: row.bestStudyStreak, lastDay: row.lastStudyDay }, utcDay(now)) : 0,
        best: row?.bestStudyStreak ?? 0,
      },
      dailyStreak: { current: row?.dailyStreak ?? 0, best: row?.bestDailyStreak ?? 0 },
      weekPoints: periods.week,
      monthPoints: periods.month,
      decks: decks
        .map((d) => ({ ...d, title: library.deck(d.deckId)?.title ?? d.deckId }))
        .sort((a, b) => b.answers - a.answers || a.deckId.localeCompare(b.deckId)),
    };
  }

  /** /decks: the decks the member sees where they asked (shipped ones in DMs), with how many cards they answered. */
  async deckProgress(userId: string, guildId: string | null = null): Promise<DeckProgress[]> {
    const [library, answered] = await Promise.all([this.decks.forGuild(guildId), this.stats.answeredCardsByDeck(userId)]);
    return library.decks.map((deck) => ({ deck, answered: answered.get(deck.id) ?? 0 }));
  }
}
