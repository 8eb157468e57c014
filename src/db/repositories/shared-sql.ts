import { sql, type SQL } from 'drizzle-orm';
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

/**
 * CTEs that store a member's new card memory and the review log, run only when `gate` (a CTE name)
 * returned a row, so they happen exactly when the answer itself was recorded. Starts with a comma.
 */
export function memoryCtes(gate: string, m: MemoryWrite | null): SQL {
  if (!m) return sql``;
  const n = m.next;
  const l = m.log;
  return sql`, memory as (
    insert into card_memory as c (user_id, card_id, deck_id, due, stability, difficulty, elapsed_days, scheduled_days, learning_steps, reps, lapses, state, last_review)
    select ${m.userId}, ${m.cardId}, ${m.deckId}, ${ts(n.due)}::timestamptz, ${n.stability}, ${n.difficulty}, ${n.elapsedDays}, ${n.scheduledDays},
           ${n.learningSteps}, ${n.reps}, ${n.lapses}, ${n.state}, ${ts(n.lastReview)}::timestamptz
    from ${sql.raw(gate)} limit 1
    on conflict (user_id, card_id) do update set
      deck_id = excluded.deck_id, due = excluded.due, stability = excluded.stability, difficulty = excluded.difficulty,
      elapsed_days = excluded.elapsed_days, scheduled_days = excluded.scheduled_days, learning_steps = excluded.learning_steps,
      reps = excluded.reps, lapses = excluded.lapses, state = excluded.state, last_review = excluded.last_review
    returning 1
  ), logged as (
    insert into review_logs (user_id, card_id, deck_id, source, round_id, challenge_id, rating, state, due, stability, difficulty,
                             elapsed_days, last_elapsed_days, scheduled_days, learning_steps, review)
    select ${m.userId}, ${m.cardId}, ${m.deckId}, ${m.source}, ${m.roundId}, ${m.challengeId}, ${l.rating}, ${l.state}, ${ts(l.due)}::timestamptz,
           ${l.stability}, ${l.difficulty}, ${l.elapsedDays}, ${l.lastElapsedDays}, ${l.scheduledDays}, ${l.learningSteps}, ${ts(l.review)}::timestamptz
    from ${sql.raw(gate)} limit 1
    returning 1
  )`;
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
 * The upsert of a member's running totals in a guild, as a CTE named `totals` fed by `gate`.
 * With `daily`, the daily streak columns move too.
 */
export function totalsCte(gate: string, t: TotalsWrite, daily?: { correct: boolean }): SQL {
  const at = t.answeredAt.toISOString();
  const dailyInsertColumns = daily ? sql`, daily_streak, best_daily_streak` : sql``;
  const dailyInsertValues = daily ? sql`, ${daily.correct ? 1 : 0}, ${daily.correct ? 1 : 0}` : sql``;
  const dailyUpdate = daily
    ? sql`,
          daily_streak = case when ${daily.correct} then s.daily_streak + 1 else 0 end,
          best_daily_streak = greatest(s.best_daily_streak, case when ${daily.correct} then s.daily_streak + 1 else 0 end)`
    : sql``;
  return sql`, totals as (
        insert into member_stats as s (guild_id, user_id, points, answers, correct, points_reached_at, study_streak, best_study_streak, last_study_day${dailyInsertColumns})
        select ${t.guildId}, ${t.userId}, ${t.points}, 1, ${t.correct ? 1 : 0},
               case when ${t.points}::int > 0 then ${at}::timestamptz end,
               ${t.studyStreak.current}, ${t.studyStreak.best}, ${t.studyStreak.lastDay}::date${dailyInsertValues}
        from ${sql.raw(gate)} where ${t.guildId}::text is not null
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

/**
 * The member's running week and month points in the guild, keyed by the local date each period began
 * in the guild's daily-challenge timezone (UTC without one), as a CTE fed by `gate`. Only scoring
 * answers touch it; the period boards and /stats read it.
 */
export function periodPointsCte(gate: string, t: { guildId: string | null; userId: string; points: number; answeredAt: Date }): SQL {
  if (t.guildId === null || t.points <= 0) return sql``;
  const at = t.answeredAt.toISOString();
  return sql`, periods as (
        insert into member_period_points as p (guild_id, period, starts_on, user_id, points, points_reached_at)
        select ${t.guildId}, v.period, v.starts_on, ${t.userId}, ${t.points}::int, ${at}::timestamptz
        from (select 1 from ${sql.raw(gate)} limit 1) g,
             (select coalesce((select time_zone from daily_settings where guild_id = ${t.guildId}), 'UTC') as tz) z
             cross join lateral (values ('week', date_trunc('week', ${at}::timestamptz at time zone z.tz)::date),
                                        ('month', date_trunc('month', ${at}::timestamptz at time zone z.tz)::date)) v(period, starts_on)
        on conflict (guild_id, period, starts_on, user_id) do update
          set points = p.points + excluded.points, points_reached_at = excluded.points_reached_at
        returning 1
      )`;
}
