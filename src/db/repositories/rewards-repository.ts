import { and, asc, eq, sql } from 'drizzle-orm';
import type { ChampionPeriod, RewardKind } from '../../domain/rewards.js';
import type { IsoDate } from '../../domain/time.js';
import type { Database } from '../client.js';
import { dailySettings, roleGrants, roleRewards } from '../schema.js';

export interface RoleReward {
  guildId: string;
  roleId: string;
  roleName: string;
  kind: RewardKind;
  threshold: number | null;
  period: ChampionPeriod | null;
  championFor: IsoDate | null;
  pausedReason: string | null;
}

/** A member and a reward role they should hold (or no longer hold). */
export interface GrantTarget {
  guildId: string;
  roleId: string;
  roleName: string;
  userId: string;
}

export interface ChampionReward {
  guildId: string;
  roleId: string;
  roleName: string;
  period: ChampionPeriod;
  championFor: IsoDate | null;
  timeZone: string;
}

/**
 * The value a threshold reward compares, from a member_stats row `s` and reward `r`. A study streak
 * whose last day is before yesterday (UTC) is already broken, as currentStudyStreak says.
 */
const measured = (yesterday: IsoDate) => sql`case r.kind
    when 'points' then s.points
    when 'study_streak' then case when s.last_study_day >= ${yesterday}::date then s.study_streak else 0 end
    else s.daily_streak end`;

export class RewardsRepository {
  constructor(private readonly database: Database) {}

  /** Sets a reward up, or changes it; setting it up again clears a pause. */
  async saveReward(reward: Omit<RoleReward, 'pausedReason'> & { createdBy: string; createdAt: Date }): Promise<void> {
    const values = { ...reward, pausedReason: null };
    await this.database.db
      .insert(roleRewards)
      .values(values)
      .onConflictDoUpdate({
        target: [roleRewards.guildId, roleRewards.roleId],
        set: {
          roleName: values.roleName,
          kind: values.kind,
          threshold: values.threshold,
          period: values.period,
          championFor: values.championFor,
          pausedReason: null,
          createdBy: values.createdBy,
          createdAt: values.createdAt,
        },
      });
  }

  async listRewards(guildId: string): Promise<RoleReward[]> {
    return this.database.db
      .select({
        guildId: roleRewards.guildId,
        roleId: roleRewards.roleId,
        roleName: roleRewards.roleName,
        kind: roleRewards.kind,
        threshold: roleRewards.threshold,
        period: roleRewards.period,
        championFor: roleRewards.championFor,
        pausedReason: roleRewards.pausedReason,
      })
      .from(roleRewards)
      .where(eq(roleRewards.guildId, guildId))
      .orderBy(asc(roleRewards.kind), asc(roleRewards.threshold), asc(roleRewards.roleName));
  }

  /** Removes a reward and its grant records (members keep the role). False when there was none. */
  async removeReward(guildId: string, roleId: string): Promise<boolean> {
    const removed = await this.database.db
      .delete(roleRewards)
      .where(and(eq(roleRewards.guildId, guildId), eq(roleRewards.roleId, roleId)))
      .returning({ roleId: roleRewards.roleId });
    return removed.length > 0;
  }

  async pauseReward(guildId: string, roleId: string, reason: string): Promise<void> {
    await this.database.db
      .update(roleRewards)
      .set({ pausedReason: reason })
      .where(and(eq(roleRewards.guildId, guildId), eq(roleRewards.roleId, roleId)));
  }

  /** Threshold rewards of a guild the member has reached and not been given yet (paused ones aside). */
  async earnedBy(guildId: string, userId: string, yesterday: IsoDate): Promise<GrantTarget[]> {
    return this.earned(sql`and r.guild_id = ${guildId} and s.user_id = ${userId}`, yesterday, 50);
  }

  /** The same across every guild, for the minute sweep (thresholds reached without an answer, e.g. a daily streak). */
  async earnedAnywhere(yesterday: IsoDate, limit: number): Promise<GrantTarget[]> {
    return this.earned(sql``, yesterday, limit);
  }

  private async earned(filter: ReturnType<typeof sql>, yesterday: IsoDate, limit: number): Promise<GrantTarget[]> {
    const rows = await this.database.rows<{ guild_id: string; role_id: string; role_name: string; user_id: string }>(sql`
      select r.guild_id, r.role_id, r.role_name, s.user_id
      from role_rewards r join member_stats s on s.guild_id = r.guild_id
      where r.paused_reason is null and r.kind <> 'champion' ${filter}
        and ${measured(yesterday)} >= r.threshold
        and not exists (select 1 from role_grants g where g.guild_id = r.guild_id and g.role_id = r.role_id and g.user_id = s.user_id)
      order by r.guild_id, r.threshold, r.role_id, s.user_id
      limit ${limit}`);
    return rows.map(grantTarget);
  }

  /** Streak roles held by members whose streak has fallen below the threshold. */
  async brokenStreaks(yesterday: IsoDate, limit: number): Promise<GrantTarget[]> {
    const rows = await this.database.rows<{ guild_id: string; role_id: string; role_name: string; user_id: string }>(sql`
      select g.guild_id, g.role_id, r.role_name, g.user_id
      from role_grants g
      join role_rewards r on r.guild_id = g.guild_id and r.role_id = g.role_id
      left join member_stats s on s.guild_id = g.guild_id and s.user_id = g.user_id
      where r.paused_reason is null and r.kind in ('study_streak', 'daily_streak')
        and coalesce(${measured(yesterday)}, 0) < r.threshold
      order by g.guild_id, g.role_id, g.user_id
      limit ${limit}`);
    return rows.map(grantTarget);
  }

  /** Records that the member holds the role; false when a concurrent caller already did (only the first gives it). */
  async claimGrant(target: GrantTarget, now: Date): Promise<boolean> {
    const rows = await this.database.db
      .insert(roleGrants)
      .values({ guildId: target.guildId, roleId: target.roleId, userId: target.userId, grantedAt: now })
      .onConflictDoNothing()
      .returning({ userId: roleGrants.userId });
    return rows.length > 0;
  }

  /** Forgets a grant; false when a concurrent caller already did (only the first takes the role back). */
  async releaseGrant(target: Pick<GrantTarget, 'guildId' | 'roleId' | 'userId'>): Promise<boolean> {
    const rows = await this.database.db
      .delete(roleGrants)
      .where(and(eq(roleGrants.guildId, target.guildId), eq(roleGrants.roleId, target.roleId), eq(roleGrants.userId, target.userId)))
      .returning({ userId: roleGrants.userId });
    return rows.length > 0;
  }

  async holders(guildId: string, roleId: string): Promise<string[]> {
    const rows = await this.database.db
      .select({ userId: roleGrants.userId })
      .from(roleGrants)
      .where(and(eq(roleGrants.guildId, guildId), eq(roleGrants.roleId, roleId)));
    return rows.map((r) => r.userId);
  }

  /** Champion rewards that are not paused, with their guild's daily-challenge timezone (UTC without one). */
  async championRewards(): Promise<ChampionReward[]> {
    const rows = await this.database.db
      .select({
        guildId: roleRewards.guildId,
        roleId: roleRewards.roleId,
        roleName: roleRewards.roleName,
        period: roleRewards.period,
        championFor: roleRewards.championFor,
        timeZone: sql<string>`coalesce(${dailySettings.timeZone}, 'UTC')`,
      })
      .from(roleRewards)
      .leftJoin(dailySettings, eq(dailySettings.guildId, roleRewards.guildId))
      .where(and(eq(roleRewards.kind, 'champion'), sql`${roleRewards.pausedReason} is null`));
    return rows.map((r) => ({ ...r, period: r.period ?? 'week' }));
  }

  /** Compare-and-set of the period a champion was chosen for: one process wins each period boundary. */
  async claimChampionTurn(guildId: string, roleId: string, chosenFor: IsoDate | null, startsOn: IsoDate): Promise<boolean> {
    const rows = await this.database.db
      .update(roleRewards)
      .set({ championFor: startsOn })
      .where(
        and(
          eq(roleRewards.guildId, guildId),
          eq(roleRewards.roleId, roleId),
          sql`${roleRewards.championFor} is not distinct from ${chosenFor}::date`,
        ),
      )
      .returning({ roleId: roleRewards.roleId });
    return rows.length > 0;
  }

  /** The member with the most points in a week or month that began on `startsOn`; ties go to who got there first. */
  async periodLeader(guildId: string, period: ChampionPeriod, startsOn: IsoDate): Promise<string | undefined> {
    const rows = await this.database.rows<{ user_id: string }>(sql`
      select user_id from member_period_points
      where guild_id = ${guildId} and period = ${period} and starts_on = ${startsOn}::date and points > 0
      order by points desc, points_reached_at, user_id limit 1`);
    return rows[0]?.user_id;
  }

  async guildTimeZone(guildId: string): Promise<string> {
    const [row] = await this.database.db
      .select({ timeZone: dailySettings.timeZone })
      .from(dailySettings)
      .where(eq(dailySettings.guildId, guildId))
      .limit(1);
    return row?.timeZone ?? 'UTC';
  }
}

function grantTarget(r: { guild_id: string; role_id: string; role_name: string; user_id: string }): GrantTarget {
  return { guildId: r.guild_id, roleId: r.role_id, roleName: r.role_name, userId: r.user_id };
}
