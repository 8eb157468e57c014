import { and, eq, gt, or, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { answers, dailySettings, memberPeriodPoints, memberStats } from '../schema.js';

export interface BoardRow {
  rank: number;
  userId: string;
  points: number;
  dailyStreak: number;
  bestDailyStreak: number;
}

export interface DeckRecord {
  deckId: string;
  answers: number;
  correct: number;
}

/** A member_stats row with its rank, as the rank queries return it. */
interface RankRow {
  rank: number;
  user_id: string;
  points: number;
  daily_streak: number;
  best_daily_streak: number;
}

function boardRow(r: RankRow): BoardRow {
  return { rank: r.rank, userId: r.user_id, points: r.points, dailyStreak: r.daily_streak, bestDailyStreak: r.best_daily_streak };
}

export class LeaderboardRepository {
  constructor(private readonly database: Database) {}

  async guildTimeZone(guildId: string): Promise<string | undefined> {
    const [row] = await this.database.db
      .select({ timeZone: dailySettings.timeZone })
      .from(dailySettings)
      .where(eq(dailySettings.guildId, guildId))
      .limit(1);
    return row?.timeZone;
  }

  /** All-time top by points, from the running totals. Ties go to whoever reached the score first. */
  async topAllTime(guildId: string, limit: number): Promise<BoardRow[]> {
    const rows = await this.database.db
      .select({ userId: memberStats.userId, points: memberStats.points, dailyStreak: memberStats.dailyStreak, bestDailyStreak: memberStats.bestDailyStreak })
      .from(memberStats)
      .where(and(eq(memberStats.guildId, guildId), gt(memberStats.points, 0)))
      .orderBy(sql`${memberStats.points} desc nulls last, ${memberStats.pointsReachedAt} asc nulls last, ${memberStats.userId}`)
      .limit(limit);
    return rows.map((r, i) => ({ rank: i + 1, ...r }));
  }

  /**
   * A member's all-time rank: the members with more points, plus those with as many who got there
   * first, each counted as one index range (the sort orders above match member_stats' indexes).
   */
  async rankAllTime(guildId: string, userId: string): Promise<BoardRow | undefined> {
    const rows = await this.database.rows<RankRow>(sql`
      select 1 + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.points > s.points)::int
               + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.points = s.points
                    and (o.points_reached_at, o.user_id) < (s.points_reached_at, s.user_id))::int as rank,
             s.user_id, s.points, s.daily_streak, s.best_daily_streak
      from member_stats s
      where s.guild_id = ${guildId} and s.user_id = ${userId} and s.points > 0`);
    return rows[0] && boardRow(rows[0]);
  }

  /**
   * The top of a week or month board and the caller's row, in one statement, from the running period
   * totals. Ties go to whoever reached the score first.
   */
  async period(guildId: string, period: 'week' | 'month', startsOn: string, limit: number, callerId: string): Promise<BoardRow[]> {
    const rows = await this.database.rows<{ rank: number; user_id: string; points: number }>(sql`
      with top as (
        select user_id, points, points_reached_at from member_period_points
        where guild_id = ${guildId} and period = ${period} and starts_on = ${startsOn}::date and points > 0
        order by points desc nulls last, points_reached_at, user_id limit ${limit}
      )
      select (row_number() over (order by points desc, points_reached_at, user_id))::int as rank, user_id, points from top
      union all
      select 1 + (select count(*) from member_period_points o
                  where o.guild_id = s.guild_id and o.period = s.period and o.starts_on = s.starts_on and o.points > s.points)::int
               + (select count(*) from member_period_points o
                  where o.guild_id = s.guild_id and o.period = s.period and o.starts_on = s.starts_on and o.points = s.points
                    and (o.points_reached_at, o.user_id) < (s.points_reached_at, s.user_id))::int,
             s.user_id, s.points
      from member_period_points s
      where s.guild_id = ${guildId} and s.period = ${period} and s.starts_on = ${startsOn}::date and s.user_id = ${callerId} and s.points > 0
        and not exists (select 1 from top where top.user_id = s.user_id)
      order by rank`);
    return rows.map((r) => ({ rank: r.rank, userId: r.user_id, points: r.points, dailyStreak: 0, bestDailyStreak: 0 }));
  }

  /** The daily-streak board: current streak first, best streak beside it. */
  async topStreaks(guildId: string, limit: number): Promise<BoardRow[]> {
    const rows = await this.database.db
      .select({ userId: memberStats.userId, points: memberStats.points, dailyStreak: memberStats.dailyStreak, bestDailyStreak: memberStats.bestDailyStreak })
      .from(memberStats)
      .where(and(eq(memberStats.guildId, guildId), gt(memberStats.dailyStreak, 0)))
      .orderBy(sql`${memberStats.dailyStreak} desc nulls last, ${memberStats.bestDailyStreak} desc nulls last, ${memberStats.userId}`)
      .limit(limit);
    return rows.map((r, i) => ({ rank: i + 1, ...r }));
  }

  async rankStreak(guildId: string, userId: string): Promise<BoardRow | undefined> {
    const rows = await this.database.rows<RankRow>(sql`
      select 1 + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.daily_streak > s.daily_streak)::int
               + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.daily_streak = s.daily_streak
                    and o.best_daily_streak > s.best_daily_streak)::int
               + (select count(*) from member_stats o where o.guild_id = s.guild_id and o.daily_streak = s.daily_streak
                    and o.best_daily_streak = s.best_daily_streak and o.user_id < s.user_id)::int as rank,
             s.user_id, s.points, s.daily_streak, s.best_daily_streak
      from member_stats s
      where s.guild_id = ${guildId} and s.user_id = ${userId} and s.daily_streak > 0`);
    return rows[0] && boardRow(rows[0]);
  }

  /** A member's points in the current week and month (periods starting on the given local dates). */
  async memberPeriodPoints(guildId: string, userId: string, weekStartsOn: string, monthStartsOn: string): Promise<{ week: number; month: number }> {
    const rows = await this.database.db
      .select({ period: memberPeriodPoints.period, points: memberPeriodPoints.points })
      .from(memberPeriodPoints)
      .where(
        and(
          eq(memberPeriodPoints.guildId, guildId),
          eq(memberPeriodPoints.userId, userId),
          or(
            and(eq(memberPeriodPoints.period, 'week'), eq(memberPeriodPoints.startsOn, weekStartsOn)),
            and(eq(memberPeriodPoints.period, 'month'), eq(memberPeriodPoints.startsOn, monthStartsOn)),
          ),
        ),
      );
    return {
      week: rows.find((r) => r.period === 'week')?.points ?? 0,
      month: rows.find((r) => r.period === 'month')?.points ?? 0,
    };
  }

  async memberDecks(guildId: string, userId: string): Promise<DeckRecord[]> {
    const rows = await this.database.db
      .select({
        deckId: answers.deckId,
        answers: sql<number>`count(*)::int`,
        correct: sql<number>`(count(*) filter (where ${answers.correct}))::int`,
      })
      .from(answers)
      .where(and(eq(answers.guildId, guildId), eq(answers.userId, userId)))
      .groupBy(answers.deckId);
    return rows.map((r) => ({ deckId: r.deckId, answers: Number(r.answers), correct: Number(r.correct) }));
  }
}
