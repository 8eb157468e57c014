import { periodStart, periodStartDate, type Period } from '../domain/periods.js';
import type { BoardRow, LeaderboardRepository } from '../db/repositories/leaderboard-repository.js';

export type BoardBy = 'points' | 'streak';

export interface Leaderboard {
  period: Period;
  by: BoardBy;
  timeZone: string;
  since: Date | null;
  top: BoardRow[];
  /** The caller's row when they are ranked but outside the top. */
  caller: BoardRow | undefined;
}

export const BOARD_SIZE = 10;

export class LeaderboardService {
  constructor(private readonly boards: LeaderboardRepository) {}

  async leaderboard(input: { guildId: string; period: Period; by: BoardBy; callerId: string; now: Date }): Promise<Leaderboard> {
    const { guildId, callerId } = input;
    // The streak board is about the current run, whatever the period.
    const period = input.by === 'streak' ? 'all' : input.period;
    const timeZone = (await this.boards.guildTimeZone(guildId)) ?? 'UTC';
    const since = periodStart(period, input.now, timeZone);
    let top: BoardRow[];
    let caller: BoardRow | undefined;
    if (input.by === 'streak') {
      top = await this.boards.topStreaks(guildId, BOARD_SIZE);
      caller = top.some((r) => r.userId === callerId) ? undefined : await this.boards.rankStreak(guildId, callerId);
    } else if (since === null) {
      top = await this.boards.topAllTime(guildId, BOARD_SIZE);
      caller = top.some((r) => r.userId === callerId) ? undefined : await this.boards.rankAllTime(guildId, callerId);
    } else {
      const startsOn = periodStartDate(period, input.now, timeZone) as string;
      const rows = await this.boards.period(guildId, period as 'week' | 'month', startsOn, BOARD_SIZE, callerId);
      top = rows.filter((r) => r.rank <= BOARD_SIZE);
      caller = rows.find((r) => r.rank > BOARD_SIZE);
    }
    return { period, by: input.by, timeZone, since, top, caller };
  }
}
