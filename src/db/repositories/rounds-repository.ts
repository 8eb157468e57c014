import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { answers, memberStats, rounds } from '../schema.js';
import type { AnswerResult, AnswerSource } from '../../domain/types.js';
import type { StudyStreak } from '../../domain/streak.js';

export type Round = typeof rounds.$inferSelect;
export type NewRound = typeof rounds.$inferInsert;

/** A round with what grading it needs to know, read in one round trip. */
export interface RoundForGrading {
  round: Round;
  /** Whether this card already earned the member points today in this guild. */
  earnedToday: boolean;
  studyStreak: StudyStreak;
}

export interface GradeRecord {
  roundId: number;
  source: AnswerSource;
  guildId: string | null;
  userId: string;
  deckId: string;
  cardId: string;
  result: AnswerResult;
  correct: boolean;
  points: number;
  answeredAt: Date;
  awardDay: string;
  /** The study streak after this answer (written only when the answer is recorded). */
  studyStreak: StudyStreak;
}

export interface GradeOutcome {
  /** False when the round had already been graded: nothing was written. */
  recorded: boolean;
  /** The member's all-time points in this guild after the answer, when in a guild. */
  totalPoints: number | null;
}

export class RoundsRepository {
  constructor(private readonly database: Database) {}

  async create(round: NewRound): Promise<Round> {
    const [row] = await this.database.db.insert(rounds).values(round).returning();
    if (!row) throw new Error('insert into rounds returned nothing');
    return row;
  }

  async findById(id: number): Promise<Round | undefined> {
    const [row] = await this.database.db.select().from(rounds).where(eq(rounds.id, id)).limit(1);
    return row;
  }

  /** Card ids most recently served to a member in a deck, newest first. */
  async recentCardIds(ownerId: string, deckId: string, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const rows = await this.database.db
      .select({ cardId: rounds.cardId })
      .from(rounds)
      .where(and(eq(rounds.ownerId, ownerId), eq(rounds.deckId, deckId)))
      .orderBy(desc(rounds.createdAt))
      .limit(limit);
    return rows.map((r) => r.cardId);
  }

  /** Marks a round revealed by its owner and returns it; undefined when it is not that owner's round. */
  async revealOwned(id: number, ownerId: string, now: Date): Promise<Round | undefined> {
    const [row] = await this.database.db
      .update(rounds)
      .set({ revealedAt: sql`coalesce(${rounds.revealedAt}, ${now.toISOString()}::timestamptz)` })
      .where(and(eq(rounds.id, id), eq(rounds.ownerId, ownerId)))
      .returning();
    return row;
  }

  async findForGrading(id: number, today: string): Promise<RoundForGrading | undefined> {
    const [row] = await this.database.db
      .select({
        round: rounds,
        earnedToday: sql<boolean>`exists (
          select 1 from ${answers} a
          where a.guild_id = ${rounds.guildId} and a.user_id = ${rounds.ownerId} and a.card_id = ${rounds.cardId}
            and a.award_day = ${today}::date and a.points > 0 and a.source <> 'daily')`,
        studyStreak: memberStats.studyStreak,
        bestStudyStreak: memberStats.bestStudyStreak,
        lastStudyDay: memberStats.lastStudyDay,
      })
      .from(rounds)
      .leftJoin(memberStats, and(eq(memberStats.guildId, rounds.guildId), eq(memberStats.userId, rounds.ownerId)))
      .where(eq(rounds.id, id))
      .limit(1);
    if (!row) return undefined;
    return {
      round: row.round,
      earnedToday: row.earnedToday,
      studyStreak: { current: row.studyStreak ?? 0, best: row.bestStudyStreak ?? 0, lastDay: row.lastStudyDay },
    };
  }

  /**
   * Records a grade in one statement: marks the round answered (only if it was not), appends the
   * answer to the ledger and adds to the member's totals. Two presses at once record one answer:
   * the conditional update serialises them and the ledger's unique round id backs it.
   */
  async recordGrade(g: GradeRecord): Promise<GradeOutcome> {
    const at = g.answeredAt.toISOString();
    const rows = await this.database.rows<{ recorded: number; total_points: number | null }>(sql`
      with claimed as (
        update rounds set answered_at = ${at}::timestamptz
        where id = ${g.roundId} and answered_at is null
        returning id
      ), inserted as (
        insert into answers (round_id, source, guild_id, user_id, deck_id, card_id, result, correct, points, answered_at, award_day)
        select id, ${g.source}, ${g.guildId}, ${g.userId}, ${g.deckId}, ${g.cardId}, ${g.result}, ${g.correct}, ${g.points},
               ${at}::timestamptz, ${g.awardDay}::date
        from claimed
        on conflict (round_id) do nothing
        returning guild_id, user_id
      ), totals as (
        insert into member_stats as s (guild_id, user_id, points, answers, correct, points_reached_at, study_streak, best_study_streak, last_study_day)
        select guild_id, user_id, ${g.points}, 1, ${g.correct ? 1 : 0},
               case when ${g.points}::int > 0 then ${at}::timestamptz end,
               ${g.studyStreak.current}, ${g.studyStreak.best}, ${g.studyStreak.lastDay}::date
        from inserted where guild_id is not null
        on conflict (guild_id, user_id) do update set
          points = s.points + excluded.points,
          answers = s.answers + 1,
          correct = s.correct + excluded.correct,
          points_reached_at = coalesce(excluded.points_reached_at, s.points_reached_at),
          study_streak = excluded.study_streak,
          best_study_streak = greatest(s.best_study_streak, excluded.best_study_streak),
          last_study_day = excluded.last_study_day
        returning points
      )
      select (select count(*)::int from inserted) as recorded, (select points from totals) as total_points`);
    const row = rows[0];
    return { recorded: (row?.recorded ?? 0) > 0, totalPoints: row?.total_points ?? null };
  }
}
