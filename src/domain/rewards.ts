import { periodStartDate } from './periods.js';
import { addDays, type IsoDate } from './time.js';

export type ThresholdKind = 'points' | 'study_streak' | 'daily_streak';
export type RewardKind = ThresholdKind | 'champion';
export type ChampionPeriod = 'week' | 'month';

/** Streak roles are taken back when the streak breaks; point roles stay once earned. */
export function isStreakKind(kind: RewardKind): boolean {
  return kind === 'study_streak' || kind === 'daily_streak';
}

/** What Discord says about a role and the bot when a reward is set up. */
export interface RoleSetupFacts {
  roleName: string;
  /** The @everyone role, which every member has. */
  isEveryone: boolean;
  /** Owned by an integration (a bot's own role, a booster role): nobody can give it. */
  managed: boolean;
  botCanManageRoles: boolean;
  /** Position of the bot's highest role. */
  botHighestPosition: number;
  rolePosition: number;
}

/**
 * Why the bot could not give this role, in one line saying what to fix; null when it can. Discord lets
 * a bot with Manage Roles give only roles strictly below its own highest role.
 */
export function roleSetupProblem(facts: RoleSetupFacts): string | null {
  if (facts.isEveryone) return 'Every member already has @everyone: pick another role.';
  if (facts.managed) return `**${facts.roleName}** is managed by an integration, so no bot can give it: pick another role.`;
  if (!facts.botCanManageRoles) return "Give deepcards' role the Manage Roles permission in Server Settings → Roles, then run /rewards again.";
  if (facts.rolePosition >= facts.botHighestPosition) {
    return `Move deepcards' role above **${facts.roleName}** in Server Settings → Roles, then run /rewards again.`;
  }
  return null;
}

/** The local start date of the period before the one starting on `startsOn`. */
export function previousPeriodStart(period: ChampionPeriod, startsOn: IsoDate): IsoDate {
  if (period === 'week') return addDays(startsOn, -7);
  const [year, month] = startsOn.split('-').map(Number) as [number, number];
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  return `${y}-${String(m).padStart(2, '0')}-01`;
}

/**
 * The champion to choose at `now`: once a new week or month has begun in the guild's timezone, the
 * role moves to the leader of the period before it. Null while the current period's champion is
 * already chosen (`chosenFor` is the start date of the period it was chosen at).
 */
export function championTurn(
  period: ChampionPeriod,
  now: Date,
  timeZone: string,
  chosenFor: IsoDate | null,
): { startsOn: IsoDate; previousStartsOn: IsoDate } | null {
  const startsOn = periodStartDate(period, now, timeZone)!;
  if (chosenFor !== null && chosenFor >= startsOn) return null;
  return { startsOn, previousStartsOn: previousPeriodStart(period, startsOn) };
}
