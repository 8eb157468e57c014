import { and, asc, eq, sql } from 'drizzle-orm';
import { timed, type Database } from '../client.js';
import { answers, answersToApply, cardMemory, memberSettings, memberStats } from '../schema.js';
import type { AnswerEffects, LedgerAnswer, StateBeforeAnswer } from '../../domain/answer-effects.js';
import { memberState, memberStateColumns } from './rounds-repository.js';
import { memoryCtes, memoryValues, p, periodPointsCte, totalsCte, totalsValues } from './shared-sql.js';

/** The oldest answer of a member still to apply, with the state it moves on from. */
export interface PendingAnswer {
  answer: LedgerAnswer;
  before: StateBeforeAnswer;
  /** What the state was read at, for the write to check: member_stats.answers and card_memory.reps, -1 when absent. */
  versions: { answers: number; reps: number };
}

/**
 * What applying one answer did: written (`last`: no later answer of the member was waiting when it was);
 * already applied (by another process); or the state moved since it was read.
 */
export type ApplyResult = 'applied' | 'applied-last' | 'not-pending' | 'stale';

/**
 * The answers recorded ahead of what derives from them (answers_to_apply), and the one statement that
 * applies one: its totals, week and month points, card memory and review log, gated on deleting its
 * row, so an answer is applied once however many processes try (see the table's comment).
 */
export class LedgerRepository {
  private readonly oldestQuery;
  private readonly applyStatement;
  private readonly applyDailyStatement;

  constructor(private readonly database: Database) {
    const db = database.db;
    this.oldestQuery = timed(
      'ledger_oldest_pending',
      db
        .select({
          answer: answers,
          ...memberStateColumns,
          answers: memberStats.answers,
        })
        .from(answersToApply)
        .innerJoin(answers, eq(answers.id, answersToApply.answerId))
        .leftJoin(memberStats, and(eq(memberStats.guildId, answers.guildId), eq(memberStats.userId, answers.userId)))
        .leftJoin(cardMemory, and(eq(cardMemory.userId, answers.userId), eq(cardMemory.cardId, answers.cardId)))
        .leftJoin(memberSettings, eq(memberSettings.userId, answers.userId))
        .where(eq(answersToApply.userId, p('userId')))
        .orderBy(asc(answersToApply.answerId))
        .limit(1)
        .prepare('ledger_oldest_pending'),
    );
    const statement = (daily: boolean) => sql`
      with gate as (
        delete from answers_to_apply
        where answer_id = ${p('answerId')}
          and coalesce((select s.answers from member_stats s where s.guild_id = ${p('t_guild_id')} and s.user_id = ${p('t_user_id')}), -1) = ${p('expectedAnswers')}::int
          and coalesce((select c.reps from card_memory c where c.user_id = ${p('t_user_id')} and c.card_id = ${p('m_card_id')}), -1) = ${p('expectedReps')}::int
        returning answer_id
      )${totalsCte('gate', daily)}${periodPointsCte('gate')}${memoryCtes('gate')}
      select (select count(*)::int from gate) as applied,
             exists (select 1 from answers_to_apply where user_id = ${p('t_user_id')} and answer_id > ${p('answerId')}) as more`;
    this.applyStatement = database.prepare<{ applied: number; more: boolean }>('ledger_apply', statement(false));
    this.applyDailyStatement = database.prepare<{ applied: number; more: boolean }>('ledger_apply_daily', statement(true));
  }

  /** The member's oldest answer still to apply, or undefined when every answer of theirs is applied. */
  async oldestPending(userId: string): Promise<PendingAnswer | undefined> {
    const [row] = await this.oldestQuery.execute({ userId });
    if (!row) return undefined;
    const a = row.answer;
    return {
      answer: {
        id: a.id,
        source: a.source,
        guildId: a.guildId,
        userId: a.userId,
        deckId: a.deckId,
        cardId: a.cardId,
        result: a.result,
        correct: a.correct,
        points: a.points,
        answeredAt: a.answeredAt,
        awardDay: a.awardDay,
        roundId: a.roundId,
        challengeId: a.challengeId,
      },
      before: memberState(row),
      versions: { answers: row.answers ?? -1, reps: row.memory?.reps ?? -1 },
    };
  }

  /** Writes what one answer derives, if it is still to apply and the state it was computed from still holds. */
  async apply(pending: PendingAnswer, effects: AnswerEffects): Promise<ApplyResult> {
    const a = pending.answer;
    const values = {
      answerId: a.id,
      expectedAnswers: pending.versions.answers,
      expectedReps: pending.versions.reps,
      ...totalsValues({ guildId: a.guildId, userId: a.userId, points: a.points, correct: a.correct, answeredAt: a.answeredAt, studyStreak: effects.studyStreak }, effects.dailyCorrect),
      ...memoryValues({ userId: a.userId, cardId: a.cardId, deckId: a.deckId, source: a.source, roundId: a.roundId, challengeId: a.challengeId, next: effects.next, log: effects.log }),
    };
    const [row] = await (effects.dailyCorrect === undefined ? this.applyStatement(values) : this.applyDailyStatement(values));
    if ((row?.applied ?? 0) > 0) return row?.more ? 'applied' : 'applied-last';
    return (await this.isPending(a.id)) ? 'stale' : 'not-pending';
  }

  private async isPending(answerId: number): Promise<boolean> {
    const rows = await this.database.rows<{ one: number }>(sql`select 1 as one from answers_to_apply where answer_id = ${answerId}`);
    return rows.length > 0;
  }

  /** Members with answers still to apply (at most `limit`): what a start, or the minute job, catches up on. */
  async pendingUsers(limit: number): Promise<string[]> {
    const rows = await this.database.rows<{ user_id: string }>(sql`select distinct user_id from answers_to_apply limit ${limit}`);
    return rows.map((r) => r.user_id);
  }
}
