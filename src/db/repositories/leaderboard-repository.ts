import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { answers, dailySettings, memberStats } from '../schema.js';

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
      .orderBy(sql`${memberStats.points} desc, ${memberStats.pointsReachedAt} asc nulls last, ${memberStats.userId}`)
      .limit(limit);
    return rows.map((r, i) => ({ rank: i + 1, ...r }));
  }

  /** A member's all-time rank, counted through the points index rather than by ranking everyone. */
  async rankAllTime(guildId: string, userId: string): Promise<BoardRow | undefined> {
    const rows = await this.database.rows<{ rank: number; user_id: string; points: number; daily_streak: number; best_daily_streak: number }>(sql`
      select 1 + (
               select count(*) from member_stats o
               where o.guild_id = s.guild_id and o.points > 0
                 and (o.points > s.points
                      or (o.points = s.points and (o.points_reached_at < s.points_reached_at
                          or (o.points_reached_at = s.points_reached_at and o.user_id < s.user_id))))
             )::int as rank,
             s.user_id, s.points, s.daily_streak, s.best_daily_streak
      from member_stats s
      where s.guild_id = ${guildId} and s.user_id = ${userId} and s.points > 0`);
    const r = rows[0];
    return r && { rank: r.rank, userId: r.user_id, points: r.points, dailyStreak: r.daily_streak, bestDailyStreak: r.best_daily_streak };
  }

  /**
   * The top of a period board and the caller's row, from the ledger since `since`, in one query.
   * Ties go to whoever reached the score first (their last scoring answer came earlier).
   */
  async period(guildId: string, since: Date, limit: number, callerId: string): Promise<BoardRow[]> {
    const rows = await this.database.rows<{ rank: number; user_id: string; points: number }>(sql`
      with totals as (
        select user_id, sum(points)::int as points, max(answered_at) filter (where points > 0) as reached
        from answers
        where guild_id = ${guildId} and answered_at >= ${since.toISOString()}::timestamptz
        group by user_id
        having sum(points) > 0
      ), ranked as (
        select user_id, points, row_number() over (order by points desc, reached asc, user_id)::int as rank from totals
      )
      select rank, user_id, points from ranked where rank <= ${limit} or user_id = ${callerId} order by rank`);
    return rows.map((r) => ({ rank: r.rank, userId: r.user_id, points: r.points, dailyStreak: 0, bestDailyStreak: 0 }));
  }

  /** The daily-streak board: current streak first, best streak beside it. */
  async topStreaks(guildId: string, limit: number): Promise<BoardRow[]> {
    const rows = await this.database.db
      .select({ userId: memberStats.userId, points: memberStats.points, dailyStreak: memberStats.dailyStreak, bestDailyStreak: memberStats.bestDailyStreak })
      .from(memberStats)
      .where(and(eq(memberStats.guildId, guildId), gt(memberStats.dailyStreak, 0)))
      .orderBy(sql`${memberStats.dailyStreak} desc, ${memberStats.bestDailyStreak} desc, ${memberStats.userId}`)
      .limit(limit);
    return rows.map((r, i) => ({ rank: i + 1, ...r }));
  }

  async rankStreak(guildId: string, userId: string): Promise<BoardRow | undefined> {
    const rows = await this.database.rows<{ rank: number; user_id: string; points: number; daily_streak: number; best_daily_streak: number }>(sql`
      select 1 + (
               select count(*) from member_stats o
               where o.guild_id = s.guild_id and o.daily_streak > 0
                 and (o.daily_streak > s.daily_streak
                      or (o.daily_streak = s.daily_streak and (o.best_daily_streak > s.best_daily_streak
                          or (o.best_daily_streak = s.best_daily_streak and o.user_id < s.user_id))))
             )::int as rank,
             s.user_id, s.points, s.daily_streak, s.best_daily_streak
      from member_stats s
      where s.guild_id = ${guildId} and s.user_id = ${userId} and s.daily_streak > 0`);
    const r = rows[0];
    return r && { rank: r.rank, userId: r.user_id, points: r.points, dailyStreak: r.daily_streak, bestDailyStreak: r.best_daily_streak };
  }

  /** A member's points since two instants (week and month), from the ledger. */
  async memberPeriodPoints(guildId: string, userId: string, week: Date, month: Date): Promise<{ week: number; month: number }> {
    const earliest = week < month ? week : month;
    const [row] = await this.database.db
      .select({
        week: sql<number>`coalesce(sum(${answers.points}) filter (where ${answers.answeredAt} >= ${week.toISOString()}::timestamptz), 0)::int`,
        month: sql<number>`coalesce(sum(${answers.points}) filter (where ${answers.answeredAt} >= ${month.toISOString()}::timestamptz), 0)::int`,
      })
      .from(answers)
      .where(and(eq(answers.guildId, guildId), eq(answers.userId, userId), sql`${answers.answeredAt} >= ${earliest.toISOString()}::timestamptz`));
    return { week: Number(row?.week ?? 0), month: Number(row?.month ?? 0) };
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
