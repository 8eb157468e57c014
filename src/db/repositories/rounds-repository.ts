import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { answers, cardMemory, memberSettings, memberStats, rounds } from '../schema.js';
import { DEFAULT_RETENTION, type MemoryState } from '../../domain/srs.js';
import { memoryCtes, periodPointsCte, totalsCte, type MemoryWrite } from './shared-sql.js';
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
  /** The owner's memory of the card; null for a card they never answered. */
  memory: MemoryState | null;
  /** The owner's desired retention. */
  retention: number;
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
  /** The option pressed, in choice mode. */
  choice: number | null;
  points: number;
  answeredAt: Date;
  awardDay: string;
  /** The study streak after this answer (written only when the answer is recorded). */
  studyStreak: StudyStreak;
  /** The card's memory after this answer. */
  memory: MemoryWrite | null;
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
        memory: cardMemory,
        retention: memberSettings.retention,
      })
      .from(rounds)
      .leftJoin(memberStats, and(eq(memberStats.guildId, rounds.guildId), eq(memberStats.userId, rounds.ownerId)))
      .leftJoin(cardMemory, and(eq(cardMemory.userId, rounds.ownerId), eq(cardMemory.cardId, rounds.cardId)))
      .leftJoin(memberSettings, eq(memberSettings.userId, rounds.ownerId))
      .where(eq(rounds.id, id))
      .limit(1);
    if (!row) return undefined;
    return {
      round: row.round,
      earnedToday: row.earnedToday,
      studyStreak: { current: row.studyStreak ?? 0, best: row.bestStudyStreak ?? 0, lastDay: row.lastStudyDay },
      memory: row.memory ? memoryFromRow(row.memory) : null,
      retention: row.retention ?? DEFAULT_RETENTION,
    };
  }

  /**
   * Records a grade in one statement: marks the round answered (only if it was not), appends the
   * answer to the ledger, adds to the member's totals and stores the card's new memory. Two presses
   * at once record one answer: the conditional update serialises them and the ledger's unique round
   * id backs it.
   */
  async recordGrade(g: GradeRecord): Promise<GradeOutcome> {
    const at = g.answeredAt.toISOString();
    const rows = await this.database.rows<{ recorded: number; total_points: number | null }>(sql`
      with claimed as (
        update rounds set answered_at = ${at}::timestamptz
        where id = ${g.roundId} and answered_at is null
        returning id
      ), inserted as (
        insert into answers (round_id, source, guild_id, user_id, deck_id, card_id, result, correct, choice, points, answered_at, award_day)
        select id, ${g.source}, ${g.guildId}, ${g.userId}, ${g.deckId}, ${g.cardId}, ${g.result}, ${g.correct}, ${g.choice}, ${g.points},
               ${at}::timestamptz, ${g.awardDay}::date
        from claimed
        on conflict (round_id) do nothing
        returning guild_id, user_id
      )${totalsCte('inserted', { guildId: g.guildId, userId: g.userId, points: g.points, correct: g.correct, answeredAt: g.answeredAt, studyStreak: g.studyStreak })}${periodPointsCte('inserted', { guildId: g.guildId, userId: g.userId, points: g.points, answeredAt: g.answeredAt })}${memoryCtes('inserted', g.memory)}
      select (select count(*)::int from inserted) as recorded, (select points from totals) as total_points`);
    const row = rows[0];
    return { recorded: (row?.recorded ?? 0) > 0, totalPoints: row?.total_points ?? null };
  }
}

export function memoryFromRow(row: typeof cardMemory.$inferSelect): MemoryState {
  return {
    due: row.due,
    stability: row.stability,
    difficulty: row.difficulty,
    elapsedDays: row.elapsedDays,
    scheduledDays: row.scheduledDays,
    learningSteps: row.learningSteps,
    reps: row.reps,
    lapses: row.lapses,
    state: row.state,
    lastReview: row.lastReview,
  };
}
