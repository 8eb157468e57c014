import type { GrantTarget, RewardsRepository, RoleReward } from '../db/repositories/rewards-repository.js';
import { periodStartDate } from '../domain/periods.js';
import {
  championTurn,
  roleSetupProblem,
  type ChampionPeriod,
  type RoleSetupFacts,
  type ThresholdKind,
} from '../domain/rewards.js';
import { addDays, utcDay } from '../domain/time.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Why Discord refused a role change. */
export type RoleChangeFailure = 'missing-permissions' | 'unknown-role' | 'unknown-member' | 'other';

/** Gives and takes roles on Discord; never throws for a refusal, it says which one. */
export interface RoleGateway {
  addRole(guildId: string, userId: string, roleId: string): Promise<RoleChangeFailure | null>;
  removeRole(guildId: string, userId: string, roleId: string): Promise<RoleChangeFailure | null>;
}

export type RewardView = RoleReward;

/** At most this many grants and this many removals per minute tick: a large backlog drains over a few ticks. */
export const SWEEP_BATCH = 100;

export interface SweepResult {
  granted: number;
  removed: number;
  championsMoved: number;
}

export class RewardsService {
  constructor(
    private readonly rewards: RewardsRepository,
    private readonly roles: RoleGateway,
    private readonly logger: Logger,
  ) {}

  /** Sets up a points or streak reward; refuses with what to fix when the bot could not give the role. */
  async addThreshold(input: {
    guildId: string;
    setup: RoleSetupFacts & { roleId: string };
    kind: ThresholdKind;
    threshold: number;
    userId: string;
    now: Date;
  }): Promise<RoleReward> {
    if (!Number.isInteger(input.threshold) || input.threshold < 1) throw new UserError('The threshold must be a whole number of at least 1.');
    return this.save(input, { kind: input.kind, threshold: input.threshold, period: null, championFor: null });
  }

  /**
   * Sets up a champion role for a week or month. The first champion is chosen when the next period
   * begins: the current one is marked as already chosen.
   */
  async addChampion(input: { guildId: string; setup: RoleSetupFacts & { roleId: string }; period: ChampionPeriod; userId: string; now: Date }): Promise<RoleReward> {
    const timeZone = await this.rewards.guildTimeZone(input.guildId);
    const championFor = periodStartDate(input.period, input.now, timeZone);
    return this.save(input, { kind: 'champion', threshold: null, period: input.period, championFor });
  }

  private async save(
    input: { guildId: string; setup: RoleSetupFacts & { roleId: string }; userId: string; now: Date },
    what: Pick<RoleReward, 'kind' | 'threshold' | 'period' | 'championFor'>,
  ): Promise<RoleReward> {
    const problem = roleSetupProblem(input.setup);
    if (problem) throw new UserError(problem);
    const reward = { guildId: input.guildId, roleId: input.setup.roleId, roleName: input.setup.roleName, ...what };
    await this.rewards.saveReward({ ...reward, createdBy: input.userId, createdAt: input.now });
    return { ...reward, pausedReason: null };
  }

  list(guildId: string): Promise<RewardView[]> {
    return this.rewards.listRewards(guildId);
  }

  async remove(guildId: string, roleId: string): Promise<void> {
    if (!(await this.rewards.removeReward(guildId, roleId))) {
      throw new UserError('That role is not a reward here. /rewards list shows the rewards of this server.');
    }
  }

  /**
   * Gives a member every threshold role they have just reached, each exactly once however many answers
   * race (the grant row is claimed before Discord is asked). Returns the names of the roles given.
   * Call it after the answer's reply, never before: it waits on Discord.
   */
  async grantEarned(guildId: string, userId: string, now: Date): Promise<string[]> {
    const due = await this.rewards.earnedBy(guildId, userId, addDays(utcDay(now), -1));
    const given: string[] = [];
    for (const target of due) if (await this.grant(target, now)) given.push(target.roleName);
    return given;
  }

  /** The minute job: grants reached without an answer, streak roles whose streak broke, champions at a new period. */
  async sweep(now: Date): Promise<SweepResult> {
    const yesterday = addDays(utcDay(now), -1);
    let granted = 0;
    for (const target of await this.rewards.earnedAnywhere(yesterday, SWEEP_BATCH)) if (await this.grant(target, now)) granted++;
    let removed = 0;
    for (const target of await this.rewards.brokenStreaks(yesterday, SWEEP_BATCH)) if (await this.revoke(target, now)) removed++;
    let championsMoved = 0;
    for (const reward of await this.rewards.championRewards()) if (await this.moveChampion(reward, now)) championsMoved++;
    return { granted, removed, championsMoved };
  }

  private async moveChampion(reward: Awaited<ReturnType<RewardsRepository['championRewards']>>[number], now: Date): Promise<boolean> {
    const turn = championTurn(reward.period, now, reward.timeZone, reward.championFor);
    if (!turn) return false;
    // Only the process that moves the period on hands the role over.
    if (!(await this.rewards.claimChampionTurn(reward.guildId, reward.roleId, reward.championFor, turn.startsOn))) return false;
    const leader = await this.rewards.periodLeader(reward.guildId, reward.period, turn.previousStartsOn);
    const holders = await this.rewards.holders(reward.guildId, reward.roleId);
    for (const userId of holders) {
      if (userId !== leader && !(await this.revoke({ ...reward, userId }, now))) return true;
    }
    if (leader && !holders.includes(leader)) await this.grant({ ...reward, userId: leader }, now);
    return true;
  }

  /** True when the role was given by this call. */
  private async grant(target: GrantTarget, now: Date): Promise<boolean> {
    if (!(await this.rewards.claimGrant(target, now))) return false;
    const failure = await this.roles.addRole(target.guildId, target.userId, target.roleId);
    if (failure === null) return true;
    // A member who left keeps the record, so the sweep does not ask Discord again every minute.
    if (failure !== 'unknown-member') await this.rewards.releaseGrant(target);
    await this.refused(target, failure, 'give', now);
    return false;
  }

  /** True when the role was taken back by this call (or the member has left). */
  private async revoke(target: GrantTarget, now: Date): Promise<boolean> {
    if (!(await this.rewards.releaseGrant(target))) return false;
    const failure = await this.roles.removeRole(target.guildId, target.userId, target.roleId);
    if (failure === null || failure === 'unknown-member') return true;
    // Still held: record it again so the removal is retried once the reward runs again.
    await this.rewards.claimGrant(target, now);
    await this.refused(target, failure, 'take back', now);
    return false;
  }

  /** A refusal that repeating cannot fix pauses the reward, so it is not retried every minute. */
  private async refused(target: GrantTarget, failure: RoleChangeFailure, action: string, now: Date): Promise<void> {
    const log = { guildId: target.guildId, roleId: target.roleId, userId: target.userId, failure };
    if (failure === 'missing-permissions') {
      this.logger.warn(log, 'role reward paused: missing permissions');
      await this.rewards.pauseReward(
        target.guildId,
        target.roleId,
        `Discord refused to ${action} **${target.roleName}** (Missing Permissions) on ${utcDay(now)}: give deepcards Manage Roles and move its role above **${target.roleName}**, then run /rewards add again.`,
      );
    } else if (failure === 'unknown-role') {
      this.logger.warn(log, 'role reward paused: role deleted');
      await this.rewards.pauseReward(target.guildId, target.roleId, `The role was deleted on ${utcDay(now)}: /rewards remove it, or set up another role.`);
    } else if (failure === 'other') {
      this.logger.error(log, 'role change failed; it is tried again later');
    }
  }
}
