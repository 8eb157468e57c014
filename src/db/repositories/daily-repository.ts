import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { isUniqueViolation } from '../../errors.js';
import { answers, dailyChallenges, dailySettings } from '../schema.js';
import type { ShardAssignment } from '../../domain/shards.js';
import { p, queuedCte, totalAfterSql } from './shared-sql.js';

export type DailySettingsRow = typeof dailySettings.$inferSelect;
export type DailyChallengeRow = typeof dailyChallenges.$inferSelect;

/** A guild's settings with its latest challenge, for the scheduler's tick. */
export interface ScheduleRow {
  settings: DailySettingsRow;
  /** The local date of the guild's latest challenge. */
  lastDate: string | null;
  last: { id: number; status: 'claimed' | 'open' | 'closed'; claimedAt: Date; channelId: string } | null;
}

interface RawScheduleRow {
  guild_id: string;
  channel_id: string;
  time: string;
  time_zone: string;
  deck_id: string | null;
  enabled: boolean;
  starts_on: string;
  paused_reason: string | null;
  last_error: string | null;
  last_error_at: string | Date | null;
  updated_by: string;
  updated_at: string | Date;
  next_due_at: string | Date | null;
  last_id: string | number | null;
  last_date: string | null;
  last_status: string | null;
  last_claimed_at: string | Date | null;
  last_channel_id: string | null;
}

export interface DailyAnswerRecord {
  challengeId: number;
  guildId: string;
  userId: string;
  deckId: string;
  cardId: string;
  choice: number;
  correct: boolean;
  points: number;
  answeredAt: Date;
  awardDay: string;
  /** The challenge's right option as the answer was judged by: nothing is written unless it still is (with cardId). */
  correctIndex: number;
}

export type DailyAnswerWrite =
  | { kind: 'recorded'; dailyStreak: number; bestDailyStreak: number; totalPoints: number }
  | { kind: 'duplicate' }
  | { kind: 'closed' };

export interface ClosingSummary {
  answered: number;
  right: number;
  /** The first (up to three) members who answered right, in order. */
  firstRight: string[];
}


/** How many times a rebuild of period points runs when answers applied meanwhile keep getting in its way. */
const REBUILD_ATTEMPTS = 5;

export class DailyRepository {
  /* A daily answer's statement is built once, here: a burst of answers runs nothing else. */
  private readonly answerStatement;

  constructor(readonly database: Database) {
    this.answerStatement = database.prepare<{
      open: boolean;
      inserted: number;
      daily_streak: number | null;
      best_daily_streak: number | null;
      points: number | null;
    }>(
      'daily_record_answer',
      sql`
      with open_challenge as (
        select id from daily_challenges
        where id = ${p('challengeId')} and status = 'open' and card_id = ${p('cardId')} and correct_index = ${p('correctIndex')}::smallint
        for share
      ), inserted as (
        insert into answers (challenge_id, source, guild_id, user_id, deck_id, card_id, result, correct, choice, points, answered_at, award_day)
        select id, 'daily', ${p('guildId')}, ${p('userId')}, ${p('deckId')}, ${p('cardId')}, ${p('result')}, ${p('correct')}::boolean,
               ${p('choice')}::smallint, ${p('points')}::int, ${p('at')}::timestamptz, ${p('awardDay')}::date
        from open_challenge
        on conflict (challenge_id, user_id) do nothing
        returning id, user_id
      )${queuedCte('inserted')}, prior as (
        -- One row, zeros for a member without totals yet.
        select coalesce(max(s.daily_streak), 0) as streak, coalesce(max(s.best_daily_streak), 0) as best
        from member_stats s where s.guild_id = ${p('guildId')} and s.user_id = ${p('userId')}
      ), streak as (
        select case when ${p('correct')}::boolean then streak + 1 else 0 end as now, best from prior
      )
      select exists (select 1 from open_challenge) as open,
             (select count(*)::int from inserted) as inserted,
             (select now from streak) as daily_streak,
             (select greatest(best, now) from streak) as best_daily_streak,
             ${totalAfterSql(p('guildId'), p('userId'), p('points'))} as points`,
    );
  }

  async settings(guildId: string): Promise<DailySettingsRow | undefined> {
    const [row] = await this.database.db.select().from(dailySettings).where(eq(dailySettings.guildId, guildId)).limit(1);
    return row;
  }

  /** Saves a guild's settings, enabling it and clearing any pause. */
  async saveSettings(row: Omit<DailySettingsRow, 'enabled' | 'pausedReason' | 'lastError' | 'lastErrorAt'>): Promise<DailySettingsRow> {
    const values = { ...row, enabled: true, pausedReason: null, lastError: null, lastErrorAt: null };
    const [saved] = await this.database.db
      .insert(dailySettings)
      .values(values)
      .onConflictDoUpdate({ target: dailySettings.guildId, set: values })
      .returning();
    if (!saved) throw new Error('saving daily settings returned nothing');
    return saved;
  }

  /**
   * Recomputes a guild's running week and month points from the ledger in a new timezone: a period's
   * start is a local date, so a timezone change moves every boundary. Older periods are not shown
   * anywhere, so only the last two months are rebuilt.
   *
   * An answer applied by another connection between the delete and the insert (its reply went out just
   * before /daily setup) is counted by the insert, which reads the ledger afresh, and its row written by
   * the apply is in the way: the insert then fails on the key, and the whole rebuild runs again.
   */
  async rebuildPeriodPoints(guildId: string, timeZone: string, now: Date): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.rebuildPeriodPointsOnce(guildId, timeZone, now);
        return;
      } catch (error) {
        if (attempt >= REBUILD_ATTEMPTS || !isUniqueViolation(error, 'member_period_points_guild_id_period_starts_on_user_id_pk')) throw error;
      }
    }
  }

  private async rebuildPeriodPointsOnce(guildId: string, timeZone: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - 62 * 86_400_000).toISOString();
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`delete from member_period_points where guild_id = ${guildId}`);
      await tx.execute(sql`
        insert into member_period_points (guild_id, period, starts_on, user_id, points, points_reached_at)
        select a.guild_id, v.period, v.starts_on, a.user_id, sum(a.points)::int, max(a.answered_at)
        from answers a
        cross join lateral (values ('week', date_trunc('week', a.answered_at at time zone ${timeZone})::date),
                                   ('month', date_trunc('month', a.answered_at at time zone ${timeZone})::date)) v(period, starts_on)
        where a.guild_id = ${guildId} and a.points > 0 and a.answered_at >= ${since}::timestamptz
          -- An answer still to apply adds its points when it is applied (LedgerService), in the new zone.
          and not exists (select 1 from answers_to_apply q where q.answer_id = a.id)
        group by 1, 2, 3, 4`);
    });
  }

  async disable(guildId: string, by: string, now: Date): Promise<boolean> {
    const rows = await this.database.db
      .update(dailySettings)
      .set({ enabled: false, updatedBy: by, updatedAt: now })
      .where(eq(dailySettings.guildId, guildId))
      .returning({ guildId: dailySettings.guildId });
    return rows.length > 0;
  }

  async pause(guildId: string, reason: string, now: Date): Promise<void> {
    await this.database.db
      .update(dailySettings)
      .set({ pausedReason: reason, lastError: reason, lastErrorAt: now })
      .where(eq(dailySettings.guildId, guildId));
  }

  async recordError(guildId: string, error: string, now: Date): Promise<void> {
    await this.database.db.update(dailySettings).set({ lastError: error, lastErrorAt: now }).where(eq(dailySettings.guildId, guildId));
  }

  /**
   * The guilds the scheduler may have to act on at `now`, on the given shards (all when omitted):
   * enabled, unpaused and with `next_due_at` reached, read through its index, so a tick costs what is
   * due rather than what is configured. A guild holding a claim (perhaps left by a crash) stays due
   * until its post is recorded. A prefilter only: isDailyDue still decides on each row returned.
   */
  async schedulesToCheck(now: Date, shards?: ShardAssignment): Promise<ScheduleRow[]> {
    const at = now.toISOString();
    const onShards = shards && shards.count > 1
      ? sql`and ((s.guild_id::bigint >> 22) % ${shards.count}) = any(${`{${shards.ids.join(',')}}`}::int[])`
      : sql``;
    const rows = await this.database.rows<RawScheduleRow>(sql`
      select s.guild_id, s.channel_id, s.time, s.time_zone, s.deck_id, s.enabled, s.starts_on::text as starts_on,
             s.paused_reason, s.last_error, s.last_error_at, s.updated_by, s.updated_at, s.next_due_at,
             l.id as last_id, l.local_date::text as last_date, l.status as last_status, l.claimed_at as last_claimed_at,
             l.channel_id as last_channel_id
      from daily_settings s
      left join lateral (
        select c.id, c.local_date, c.status, c.claimed_at, c.channel_id from daily_challenges c
        where c.guild_id = s.guild_id order by c.local_date desc, c.id desc limit 1
      ) l on true
      where s.next_due_at <= ${at}::timestamptz and s.enabled and s.paused_reason is null ${onShards}`);
    return rows.map((r) => ({
      settings: {
        guildId: r.guild_id,
        channelId: r.channel_id,
        time: r.time,
        timeZone: r.time_zone,
        deckId: r.deck_id,
        enabled: r.enabled,
        startsOn: r.starts_on,
        pausedReason: r.paused_reason,
        lastError: r.last_error,
        lastErrorAt: r.last_error_at === null ? null : new Date(r.last_error_at),
        updatedBy: r.updated_by,
        updatedAt: new Date(r.updated_at),
        nextDueAt: r.next_due_at === null ? null : new Date(r.next_due_at),
      },
      lastDate: r.last_date,
      last:
        r.last_id === null
          ? null
          : { id: Number(r.last_id), status: r.last_status as 'claimed' | 'open' | 'closed', claimedAt: new Date(r.last_claimed_at as string), channelId: r.last_channel_id as string },
    }));
  }

  /** Stores when the scheduler next has to look at a guild (null: never, until set up again). */
  async setNextDue(guildId: string, at: Date | null): Promise<void> {
    await this.database.db.update(dailySettings).set({ nextDueAt: at }).where(eq(dailySettings.guildId, guildId));
  }

  async lastChallenge(guildId: string): Promise<DailyChallengeRow | undefined> {
    const [row] = await this.database.db
      .select()
      .from(dailyChallenges)
      .where(eq(dailyChallenges.guildId, guildId))
      .orderBy(desc(dailyChallenges.localDate), desc(dailyChallenges.id))
      .limit(1);
    return row;
  }

  async challenge(id: number): Promise<DailyChallengeRow | undefined> {
    const [row] = await this.database.db.select().from(dailyChallenges).where(eq(dailyChallenges.id, id)).limit(1);
    return row;
  }

  /** How often each card has been a challenge in this guild, for rotation. */
  async cardUsage(guildId: string): Promise<Map<string, number>> {
    const rows = await this.database.db
      .select({ cardId: dailyChallenges.cardId, uses: sql<number>`count(*)::int` })
      .from(dailyChallenges)
      .where(eq(dailyChallenges.guildId, guildId))
      .groupBy(dailyChallenges.cardId);
    return new Map(rows.map((r) => [r.cardId, Number(r.uses)]));
  }

  /**
   * Claims a challenge before it is posted. For a scheduled one, the unique (guild, local date)
   * decides between racing processes: the loser gets undefined and posts nothing.
   */
  async claim(
    row: Pick<DailyChallengeRow, 'guildId' | 'localDate' | 'kind' | 'channelId' | 'deckId' | 'cardId' | 'options' | 'correctIndex' | 'claimedAt'> & { interactionId?: string | null },
  ): Promise<DailyChallengeRow | undefined> {
    const [claimed] = await this.database.db
      .insert(dailyChallenges)
      .values({ ...row, status: 'claimed' })
      .onConflictDoNothing()
      .returning();
    return claimed;
  }

  /** Gives a claim back after a failed post, so the next tick tries again. */
  async release(id: number): Promise<void> {
    await this.database.db.delete(dailyChallenges).where(and(eq(dailyChallenges.id, id), eq(dailyChallenges.status, 'claimed')));
  }

  /**
   * Records the message of a claim. The claim's id is its fencing token: true only while that claim
   * still stands (or already holds this very message, adopted by a process that found it); false
   * once it was released and taken over, and then the message must go.
   */
  async markPosted(id: number, messageId: string, now: Date): Promise<boolean> {
    const rows = await this.database.db
      .update(dailyChallenges)
      .set({ status: 'open', messageId, postedAt: sql`coalesce(${dailyChallenges.postedAt}, ${now.toISOString()}::timestamptz)` })
      .where(
        and(
          eq(dailyChallenges.id, id),
          or(eq(dailyChallenges.status, 'claimed'), and(eq(dailyChallenges.status, 'open'), eq(dailyChallenges.messageId, messageId))),
        ),
      )
      .returning({ id: dailyChallenges.id });
    return rows.length > 0;
  }

  /** Challenges of a guild still open (or stuck claimed) before the given one, oldest first. */
  async openBefore(guildId: string, id: number): Promise<DailyChallengeRow[]> {
    return this.database.db
      .select()
      .from(dailyChallenges)
      .where(and(eq(dailyChallenges.guildId, guildId), lt(dailyChallenges.id, id), inArray(dailyChallenges.status, ['open', 'claimed'])))
      .orderBy(asc(dailyChallenges.id));
  }

  /**
   * Closes a challenge: answers stop, and every member of the guild whose streak was running but who
   * did not answer it right loses the streak at once. Returns undefined when it was already closed.
   */
  async close(id: number, now: Date): Promise<ClosingSummary | undefined> {
    const rows = await this.database.rows<{ guild_id: string }>(sql`
      with closed as (
        update daily_challenges set status = 'closed', closed_at = ${now.toISOString()}::timestamptz
        where id = ${id} and status <> 'closed'
        returning guild_id
      ), broken as (
        update member_stats s set daily_streak = 0
        from closed
        where s.guild_id = closed.guild_id and s.daily_streak > 0
          and not exists (select 1 from answers a where a.challenge_id = ${id} and a.user_id = s.user_id and a.correct)
        returning s.user_id
      )
      select guild_id, (select count(*) from broken)::int as broken from closed`);
    if (!rows[0]) return undefined;
    return { ...(await this.counts(id)), firstRight: await this.firstRight(id, 3) };
  }

  /** How many members answered a challenge, and how many of them right. */
  async counts(challengeId: number): Promise<{ answered: number; right: number }> {
    const [row] = await this.database.db
      .select({
        answered: sql<number>`count(*)::int`,
        right: sql<number>`(count(*) filter (where ${answers.correct}))::int`,
      })
      .from(answers)
      .where(eq(answers.challengeId, challengeId));
    return { answered: Number(row?.answered ?? 0), right: Number(row?.right ?? 0) };
  }

  async firstRight(challengeId: number, limit: number): Promise<string[]> {
    const rows = await this.database.db
      .select({ userId: answers.userId })
      .from(answers)
      .where(and(eq(answers.challengeId, challengeId), eq(answers.correct, true)))
      .orderBy(asc(answers.answeredAt), asc(answers.id))
      .limit(limit);
    return rows.map((r) => r.userId);
  }

  async memberAnswer(challengeId: number, userId: string): Promise<{ choice: number | null; correct: boolean } | undefined> {
    const [row] = await this.database.db
      .select({ choice: answers.choice, correct: answers.correct })
      .from(answers)
      .where(and(eq(answers.challengeId, challengeId), eq(answers.userId, userId)))
      .limit(1);
    return row;
  }

  /**
   * Records a daily answer in one statement: only while the challenge is open, once per member (the
   * unique (challenge, member) index), in the ledger with its row to apply (LedgerService writes the
   * totals, streaks and memory after the reply); it returns the daily streak and points the member
   * will have once it is applied. It writes only while the challenge still has the card and right
   * option the answer was judged by (`closed` otherwise). The challenge row is only
   * share-locked, so a burst of answers does not queue on it, while closing waits for answers in flight.
   */
  async recordAnswer(a: DailyAnswerRecord): Promise<DailyAnswerWrite> {
    const rows = await this.answerStatement({
      challengeId: a.challengeId,
      guildId: a.guildId,
      userId: a.userId,
      deckId: a.deckId,
      cardId: a.cardId,
      result: a.correct ? 'right' : 'wrong',
      correct: a.correct,
      choice: a.choice,
      points: a.points,
      at: a.answeredAt.toISOString(),
      awardDay: a.awardDay,
      correctIndex: a.correctIndex,
    });
    const row = rows[0];
    if (!row?.open) return { kind: 'closed' };
    if (!row.inserted) return { kind: 'duplicate' };
    return { kind: 'recorded', dailyStreak: row.daily_streak ?? 0, bestDailyStreak: row.best_daily_streak ?? 0, totalPoints: row.points ?? 0 };
  }
}
