import { and, eq, isNull, sql } from 'drizzle-orm';
import { timed, type Database } from '../client.js';
import { answers, cardMemory, memberSettings, memberStats, rounds } from '../schema.js';
import type { LedgerAnswer } from '../../domain/answer-effects.js';
import { DEFAULT_RETENTION, type MemoryState } from '../../domain/srs.js';
import { p, queuedCte, totalAfterSql } from './shared-sql.js';
import type { StudyStreak } from '../../domain/streak.js';

export type Round = typeof rounds.$inferSelect;
/** A round to serve: every column but the id and the times of its reveal and answer. */
export type NewRound = Omit<typeof rounds.$inferInsert, 'id' | 'revealedAt' | 'answeredAt' | 'reviewedBefore' | 'reviewDeck'> &
  Partial<Pick<typeof rounds.$inferInsert, 'reviewedBefore' | 'reviewDeck'>>;


/** A quiz round to serve, whose card the database picks among `candidates` (see createQuizRound). */
export interface NewQuizRound {
  ownerId: string;
  guildId: string | null;
  channelId: string;
  deckId: string;
  mode: Round['mode'];
  isPrivate: boolean;
  createdAt: Date;
  /** The deck's cards in the order to try them, each with its choice set in choice mode. */
  candidates: readonly { cardId: string; choiceOrder: string[] | null; correctIndex: number | null }[];
  /** How many of the member's latest rounds of the deck hold their cards back. */
  recentWindow: number;
  /** The interaction that asked for it: a second delivery of it gets the same round, not another. */
  interactionId?: string | null;
}

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

/** A grade to record: its row of the answer ledger (before it has an id), and how to claim its round. */
export type GradeRecord = Omit<LedgerAnswer, 'id' | 'roundId' | 'challengeId'> & {
  roundId: number;
  /** The option pressed, in choice mode. */
  choice: number | null;
  /** When the round that was read was created: with its id, owner and card, that it is still that round. */
  roundCreatedAt: Date;
  /** The press that graded it, kept on the round so the same press delivered again is recognised. */
  interactionId?: string | null;
};

export interface GradeOutcome {
  /** False when nothing was written: the round had already been graded (or is gone). */
  recorded: boolean;
  /** The member's all-time points in this guild after the answer, when in a guild. */
  totalPoints: number | null;
}

export class RoundsRepository {
  /*
   * The statements of /quiz, reveal and grade are built once, here (drizzle's prepared queries):
   * building a statement of a few joins costs more than its round trip to PostgreSQL.
   */
  private readonly insertRound;
  private readonly quizRoundStatement;
  private readonly revealRound;
  private readonly roundForGrading;
  private readonly gradeStatement;

  constructor(readonly database: Database) {
    const db = database.db;
    this.insertRound = timed(
      'rounds_insert',
      db
        .insert(rounds)
        .values({
          source: p('source'),
          ownerId: p('ownerId'),
          guildId: p('guildId'),
          channelId: p('channelId'),
          deckId: p('deckId'),
          cardId: p('cardId'),
          mode: p('mode'),
          choiceOrder: p('choiceOrder'),
          correctIndex: p('correctIndex'),
          isPrivate: p('isPrivate'),
          createdAt: p('createdAt'),
          reviewedBefore: p('reviewedBefore'),
          reviewDeck: p('reviewDeck'),
        })
        .returning()
        .prepare('rounds_insert'),
    );
    // The candidates travel as one JSON text (the same on postgres.js and PGlite); a card absent from
    // the recent rounds sorts first (false < true), and among those the candidates' order decides.
    this.quizRoundStatement = database.prepare<{ id: string; card_id: string }>(
      'rounds_insert_quiz',
      sql`
      with recent as (
        select card_id from rounds
        where owner_id = ${p('ownerId')} and deck_id = ${p('deckId')}
        order by created_at desc
        limit ${p('recentWindow')}::int
      ), picked as (
        select c.value ->> 'id' as card_id, c.value -> 'order' as choice_order, (c.value ->> 'correct')::smallint as correct_index
        from jsonb_array_elements(${p('candidates')}::text::jsonb) with ordinality as c(value, ord)
        order by (c.value ->> 'id') in (select card_id from recent), c.ord
        limit 1
      )
      insert into rounds (source, owner_id, guild_id, channel_id, deck_id, card_id, mode, choice_order, correct_index, is_private, created_at, interaction_id)
      select 'quiz', ${p('ownerId')}, ${p('guildId')}, ${p('channelId')}, ${p('deckId')}, card_id, ${p('mode')}, choice_order, correct_index,
             ${p('isPrivate')}::boolean, ${p('createdAt')}::timestamptz, ${p('interactionId')}::text
      from picked
      on conflict (interaction_id) do nothing
      returning id::text as id, card_id`,
    );
    this.revealRound = timed(
      'rounds_reveal',
      db
        .update(rounds)
        .set({ revealedAt: sql`coalesce(${rounds.revealedAt}, ${p('now')}::timestamptz)` })
        .where(
          and(
            eq(rounds.id, p('id')),
            eq(rounds.ownerId, p('ownerId')),
            sql`(not ${p('checkGuild')}::boolean or ${rounds.guildId} is not distinct from ${p('guildId')}::text)`,
          ),
        )
        .prepare('rounds_reveal'),
    );
    this.roundForGrading = timed(
      'rounds_for_grading',
      db
        .select({
          round: rounds,
          earnedToday: sql<boolean>`exists (
            select 1 from ${answers} a
            where a.guild_id = ${rounds.guildId} and a.user_id = ${rounds.ownerId} and a.card_id = ${rounds.cardId}
              and a.award_day = ${p('today')}::date and a.points > 0 and a.source <> 'daily')`,
          ...memberStateColumns,
        })
        .from(rounds)
        .leftJoin(memberStats, and(eq(memberStats.guildId, rounds.guildId), eq(memberStats.userId, rounds.ownerId)))
        .leftJoin(cardMemory, and(eq(cardMemory.userId, rounds.ownerId), eq(cardMemory.cardId, rounds.cardId)))
        .leftJoin(memberSettings, eq(memberSettings.userId, rounds.ownerId))
        .where(eq(rounds.id, p('id')))
        .limit(1)
        .prepare('rounds_for_grading'),
    );
    // The grade answers the member as soon as the round is claimed and its answer is in the ledger
    // (with its row to apply); totals, memory and the review log follow once the reply has gone (see
    // LedgerService). The total shown is the member's applied points, plus their answers still to
    // apply, plus this one: what the totals will be once applied.
    this.gradeStatement = database.prepare<{ recorded: number; total_points: number | null }>(
      'rounds_record_grade',
      sql`
      with claimed as (
        update rounds set answered_at = ${p('at')}::timestamptz, answered_interaction_id = ${p('interactionId')}::text
        where id = ${p('roundId')} and answered_at is null
          and owner_id = ${p('userId')} and card_id = ${p('cardId')} and created_at = ${p('createdAt')}::timestamptz
        returning id
      ), inserted as (
        insert into answers (round_id, source, guild_id, user_id, deck_id, card_id, result, correct, choice, points, answered_at, award_day)
        select id, ${p('source')}, ${p('guildId')}, ${p('userId')}, ${p('deckId')}, ${p('cardId')}, ${p('result')}, ${p('correct')}::boolean,
               ${p('choice')}::smallint, ${p('points')}::int, ${p('at')}::timestamptz, ${p('awardDay')}::date
        from claimed
        on conflict (round_id) do nothing
        returning id, user_id
      )${queuedCte('inserted')}
      select (select count(*)::int from inserted) as recorded, ${totalAfterSql(p('guildId'), p('userId'), p('points'))} as total_points`,
    );
  }

  async create(round: NewRound): Promise<Round> {
    const [row] = await this.insertRound.execute({ reviewedBefore: 0, reviewDeck: null, ...round });
    if (!row) throw new Error('insert into rounds returned nothing');
    return row;
  }

  async findById(id: number): Promise<Round | undefined> {
    const [row] = await this.database.db.select().from(rounds).where(eq(rounds.id, id)).limit(1);
    return row;
  }

  /**
   * Serves a quiz round in one statement: picks the first of `candidates` whose card is not among the
   * member's last `recentWindow` rounds of the deck (the first candidate when all are) and records it.
   */
  async createQuizRound(r: NewQuizRound): Promise<Round> {
    if (r.candidates.length === 0) throw new Error(`deck ${r.deckId} has no cards to serve`);
    const [row] = await this.quizRoundStatement({
      ownerId: r.ownerId,
      guildId: r.guildId,
      channelId: r.channelId,
      deckId: r.deckId,
      mode: r.mode,
      isPrivate: r.isPrivate,
      createdAt: r.createdAt.toISOString(),
      recentWindow: r.recentWindow,
      candidates: JSON.stringify(r.candidates.map((c) => (c.choiceOrder ? { id: c.cardId, order: c.choiceOrder, correct: c.correctIndex } : { id: c.cardId }))),
      interactionId: r.interactionId ?? null,
    });
    if (!row && r.interactionId) {
      // Another process served this very interaction: its round is the answer, not a second one.
      const [served] = await this.database.db.select().from(rounds).where(eq(rounds.interactionId, r.interactionId)).limit(1);
      if (served) return served;
    }
    const picked = row && r.candidates.find((c) => c.cardId === row.card_id);
    if (!row || !picked) throw new Error('insert into rounds returned no card of the candidates');
    return {
      id: Number(row.id),
      source: 'quiz',
      ownerId: r.ownerId,
      guildId: r.guildId,
      channelId: r.channelId,
      deckId: r.deckId,
      cardId: picked.cardId,
      mode: r.mode,
      choiceOrder: picked.choiceOrder,
      correctIndex: picked.correctIndex,
      isPrivate: r.isPrivate,
      createdAt: r.createdAt,
      revealedAt: null,
      answeredAt: null,
      reviewedBefore: 0,
      reviewDeck: null,
      interactionId: r.interactionId ?? null,
      answeredInteractionId: null,
      typedAnswer: null,
      typedAt: null,
    };
  }

  /**
   * Stores what the owner typed for a typed-mode round, once: undefined when the round is not theirs,
   * not in typed mode, already graded or already has an answer (a second modal submit), or (when
   * `guildId` is given: null for a DM) not a round of that guild.
   */
  async recordTypedAnswer(id: number, ownerId: string, text: string, now: Date, guildId?: string | null): Promise<Round | undefined> {
    const [row] = await this.database.db
      .update(rounds)
      .set({ typedAnswer: text, typedAt: now, revealedAt: sql`coalesce(${rounds.revealedAt}, ${now.toISOString()}::timestamptz)` })
      .where(and(eq(rounds.id, id), eq(rounds.ownerId, ownerId), eq(rounds.mode, 'typed'), isNull(rounds.typedAnswer), isNull(rounds.answeredAt), guildId === undefined ? undefined : sql`${rounds.guildId} is not distinct from ${guildId}`))
      .returning();
    return row;
  }

  /**
   * Records when a round was first revealed by its owner (a later reveal keeps the first time); nothing
   * when it is not that owner's round, or (when `guildId` is given: null for a DM) not a round of that guild.
   */
  async markRevealed(id: number, ownerId: string, now: Date, guildId?: string | null): Promise<void> {
    await this.revealRound.execute({ id, ownerId, now: now.toISOString(), checkGuild: guildId !== undefined, guildId: guildId ?? null });
  }

  async findForGrading(id: number, today: string): Promise<RoundForGrading | undefined> {
    const [row] = await this.roundForGrading.execute({ id, today });
    if (!row) return undefined;
    return {
      round: row.round,
      earnedToday: row.earnedToday,
      ...memberState(row),
    };
  }

  /**
   * Records a grade in one statement: marks the round answered (only if it was not) and appends the
   * answer to the ledger, with its row to apply (LedgerService applies it to the member's totals and
   * memory after the reply). Two presses at once record one answer: the conditional update serialises
   * them and the ledger's unique round id backs it.
   */
  async recordGrade(g: GradeRecord): Promise<GradeOutcome> {
    const [row] = await this.gradeStatement({
      at: g.answeredAt.toISOString(),
      roundId: g.roundId,
      source: g.source,
      guildId: g.guildId,
      userId: g.userId,
      deckId: g.deckId,
      cardId: g.cardId,
      result: g.result,
      correct: g.correct,
      choice: g.choice,
      points: g.points,
      awardDay: g.awardDay,
      createdAt: g.roundCreatedAt.toISOString(),
      interactionId: g.interactionId ?? null,
    });
    return { recorded: (row?.recorded ?? 0) > 0, totalPoints: row?.total_points ?? null };
  }
}

/** The columns {@link memberState} reads, from member_stats, card_memory and member_settings left-joined. */
export const memberStateColumns = {
  studyStreak: memberStats.studyStreak,
  bestStudyStreak: memberStats.bestStudyStreak,
  lastStudyDay: memberStats.lastStudyDay,
  memory: cardMemory,
  retention: memberSettings.retention,
};

/**
 * A member's study streak, memory of a card and retention as answering needs them, from a row of
 * member_stats, card_memory and member_settings left-joined (absent rows read as a first answer).
 */
export function memberState(row: {
  studyStreak: number | null;
  bestStudyStreak: number | null;
  lastStudyDay: string | null;
  memory: typeof cardMemory.$inferSelect | null;
  retention: number | null;
}): { studyStreak: StudyStreak; memory: MemoryState | null; retention: number } {
  return {
    studyStreak: { current: row.studyStreak ?? 0, best: row.bestStudyStreak ?? 0, lastDay: row.lastStudyDay },
    memory: row.memory ? memoryFromRow(row.memory) : null,
    retention: row.retention ?? DEFAULT_RETENTION,
  };
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
