import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { MemoryState, ReviewRecord } from '../../domain/srs.js';
import type { StudyStreak } from '../../domain/streak.js';
import type { AnswerSource } from '../../domain/types.js';

/** A member's card memory after an answer, and the FSRS log of that answer. */
export interface MemoryWrite {
  userId: string;
  cardId: string;
  deckId: string;
  source: AnswerSource;
  roundId: number | null;
  challengeId: number | null;
  next: MemoryState;
  log: ReviewRecord;
}

const ts = (d: Date | null) => (d ? d.toISOString() : null);
/** A named value of a statement built once (see Database.prepare). */
export const p = (name: string) => sql.placeholder(name);

/*
 * The CTEs below are shared by the statements that record an answer (a grade, a daily answer). Those
 * statements are on the bot's hottest paths, so each is built once with `sql.placeholder`s (see
 * Database.prepare) and every function here comes in two halves: the SQL, with a fixed shape, and the
 * values for its placeholders.
 */

/**
 * CTEs that store a member's new card memory and the review log, run only when `gate` (a CTE name)
 * returned a row, so they happen exactly when the answer itself was recorded. Starts with a comma.
 */
export function memoryCtes(gate: string): SQL {
  return sql`, memory as (
    insert into card_memory as c (user_id, card_id, deck_id, due, stability, difficulty, elapsed_days, scheduled_days, learning_steps, reps, lapses, state, last_review)
    select ${p('m_user_id')}, ${p('m_card_id')}, ${p('m_deck_id')}, ${p('m_due')}::timestamptz, ${p('m_stability')}, ${p('m_difficulty')},
           ${p('m_elapsed_days')}, ${p('m_scheduled_days')}, ${p('m_learning_steps')}, ${p('m_reps')}, ${p('m_lapses')}, ${p('m_state')},
           ${p('m_last_review')}::timestamptz
    from ${sql.raw(gate)} limit 1
    on conflict (user_id, card_id) do update set
      deck_id = excluded.deck_id, due = excluded.due, stability = excluded.stability, difficulty = excluded.difficulty,
      elapsed_days = excluded.elapsed_days, scheduled_days = excluded.scheduled_days, learning_steps = excluded.learning_steps,
      reps = excluded.reps, lapses = excluded.lapses, state = excluded.state, last_review = excluded.last_review
    returning 1
  ), logged as (
    insert into review_logs (user_id, card_id, deck_id, source, round_id, challenge_id, rating, state, due, stability, difficulty,
                             elapsed_days, last_elapsed_days, scheduled_days, learning_steps, review)
    select ${p('m_user_id')}, ${p('m_card_id')}, ${p('m_deck_id')}, ${p('l_source')}, ${p('l_round_id')}::bigint, ${p('l_challenge_id')}::bigint,
           ${p('l_rating')}, ${p('l_state')}, ${p('l_due')}::timestamptz, ${p('l_stability')}, ${p('l_difficulty')}, ${p('l_elapsed_days')},
           ${p('l_last_elapsed_days')}, ${p('l_scheduled_days')}, ${p('l_learning_steps')}, ${p('l_review')}::timestamptz
    from ${sql.raw(gate)} limit 1
    returning 1
  )`;
}

/** The values of {@link memoryCtes}' placeholders. */
export function memoryValues(m: MemoryWrite): Record<string, unknown> {
  const n = m.next;
  const l = m.log;
  return {
    m_user_id: m.userId,
    m_card_id: m.cardId,
    m_deck_id: m.deckId,
    m_due: ts(n.due),
    m_stability: n.stability,
    m_difficulty: n.difficulty,
    m_elapsed_days: n.elapsedDays,
    m_scheduled_days: n.scheduledDays,
    m_learning_steps: n.learningSteps,
    m_reps: n.reps,
    m_lapses: n.lapses,
    m_state: n.state,
    m_last_review: ts(n.lastReview),
    l_source: m.source,
    l_round_id: m.roundId,
    l_challenge_id: m.challengeId,
    l_rating: l.rating,
    l_state: l.state,
    l_due: ts(l.due),
    l_stability: l.stability,
    l_difficulty: l.difficulty,
    l_elapsed_days: l.elapsedDays,
    l_last_elapsed_days: l.lastElapsedDays,
    l_scheduled_days: l.scheduledDays,
    l_learning_steps: l.learningSteps,
    l_review: ts(l.review),
  };
}

export interface TotalsWrite {
  guildId: string | null;
  userId: string;
  points: number;
  correct: boolean;
  answeredAt: Date;
  studyStreak: StudyStreak;
}

/**
 * The upsert of a member's running totals in a guild, as a CTE named `totals` fed by `gate`; nothing
 * outside a guild. With `daily`, the daily streak columns move too (placeholder `t_daily_correct`).
 */
export function totalsCte(gate: string, daily: boolean): SQL {
  const dailyInsertColumns = daily ? sql`, daily_streak, best_daily_streak` : sql``;
  const dailyInsertValues = daily
    ? sql`, case when ${p('t_daily_correct')}::boolean then 1 else 0 end, case when ${p('t_daily_correct')}::boolean then 1 else 0 end`
    : sql``;
  const dailyUpdate = daily
    ? sql`,
          daily_streak = case when ${p('t_daily_correct')}::boolean then s.daily_streak + 1 else 0 end,
          best_daily_streak = greatest(s.best_daily_streak, case when ${p('t_daily_correct')}::boolean then s.daily_streak + 1 else 0 end)`
    : sql``;
  return sql`, totals as (
        insert into member_stats as s (guild_id, user_id, points, answers, correct, points_reached_at, study_streak, best_study_streak, last_study_day${dailyInsertColumns})
        select ${p('t_guild_id')}, ${p('t_user_id')}, ${p('t_points')}, 1, ${p('t_correct')},
               case when ${p('t_points')}::int > 0 then ${p('t_at')}::timestamptz end,
               ${p('t_streak')}, ${p('t_best_streak')}, ${p('t_last_study_day')}::date${dailyInsertValues}
        from ${sql.raw(gate)} where ${p('t_guild_id')}::text is not null
        on conflict (guild_id, user_id) do update set
          points = s.points + excluded.points,
          answers = s.answers + 1,
          correct = s.correct + excluded.correct,
          points_reached_at = coalesce(excluded.points_reached_at, s.points_reached_at),
          study_streak = excluded.study_streak,
          best_study_streak = greatest(s.best_study_streak, excluded.best_study_streak),
          last_study_day = excluded.last_study_day${dailyUpdate}
        returning *
      )`;
}

/** The values of {@link totalsCte}'s placeholders (`dailyCorrect` only for the daily variant). */
export function totalsValues(t: TotalsWrite, dailyCorrect?: boolean): Record<string, unknown> {
  return {
    t_guild_id: t.guildId,
    t_user_id: t.userId,
    t_points: t.points,
    t_correct: t.correct ? 1 : 0,
    t_at: t.answeredAt.toISOString(),
    t_streak: t.studyStreak.current,
    t_best_streak: t.studyStreak.best,
    t_last_study_day: t.studyStreak.lastDay,
    ...(dailyCorrect === undefined ? {} : { t_daily_correct: dailyCorrect }),
  };
}

/**
 * The member's running week and month points in the guild, keyed by the local date each period began
 * in the guild's daily-challenge timezone (UTC without one), as a CTE fed by `gate`. Only scoring
 * answers in a guild touch it; the period boards and /stats read it. Uses {@link totalsValues}'
 * guild, member, points and time.
 */
export function periodPointsCte(gate: string): SQL {
  return sql`, periods as (
        insert into member_period_points as p (guild_id, period, starts_on, user_id, points, points_reached_at)
        select ${p('t_guild_id')}, v.period, v.starts_on, ${p('t_user_id')}, ${p('t_points')}::int, ${p('t_at')}::timestamptz
        from (select 1 from ${sql.raw(gate)} where ${p('t_guild_id')}::text is not null and ${p('t_points')}::int > 0 limit 1) g,
             (select coalesce((select time_zone from daily_settings where guild_id = ${p('t_guild_id')}), 'UTC') as tz) z
             cross join lateral (values ('week', date_trunc('week', ${p('t_at')}::timestamptz at time zone z.tz)::date),
                                        ('month', date_trunc('month', ${p('t_at')}::timestamptz at time zone z.tz)::date)) v(period, starts_on)
        on conflict (guild_id, period, starts_on, user_id) do update
          set points = p.points + excluded.points, points_reached_at = excluded.points_reached_at
        returning 1
      )`;
}

/**
 * The CTE that queues the answers `gate` inserted (it returns their `id` and `user_id`) for
 * LedgerService to apply once the member has their reply. Starts with a comma.
 */
export function queuedCte(gate: string): SQL {
  return sql`, queued as (
        insert into answers_to_apply (answer_id, user_id)
        select id, user_id from ${sql.raw(gate)}
        returning 1
      )`;
}

/**
 * A member's all-time points in a guild once this answer (worth `points`) and every answer of theirs
 * still to apply are applied: what they see right after answering. Null outside a guild.
 *
 * The pending answers are found from the member's rows to apply (usually none or one), each answer
 * then read by its primary key. Written as a join, the planner was free to start from the guild's
 * answers instead, and a prepared statement's generic plan did that (an index scan over every answer
 * of the guild on each grade) while the tables had no statistics yet: see the test of this plan.
 */
export function totalAfterSql(guildId: Placeholder, userId: Placeholder, points: Placeholder): SQL {
  return sql`case when ${guildId}::text is null then null else
        coalesce((select s.points from member_stats s where s.guild_id = ${guildId} and s.user_id = ${userId}), 0)
        + coalesce((select sum((select a.points from answers a where a.id = q.answer_id and a.guild_id = ${guildId}))::int
                    from answers_to_apply q where q.user_id = ${userId}), 0)
        + ${points}::int end`;
}
