import { escapeMarkdown } from 'discord.js';
import type { RewardView } from '../../services/rewards-service.js';
import { COLORS, message, type MessageView } from './common.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "**Scholar** at 100 points", "**Regular** at a 7-day study streak", "**Champion** to the leader of each week". */
export function describeReward(reward: Pick<RewardView, 'roleName' | 'kind' | 'threshold' | 'period'>): string {
  const role = `**${escapeMarkdown(reward.roleName)}**`;
  const n = reward.threshold ?? 0;
  switch (reward.kind) {
    case 'champion':
      return `${role} to the leader of each ${reward.period}`;
    case 'points':
      return `${role} at ${plural(n, 'point')} (kept)`;
    case 'study_streak':
      return `${role} at a ${n}-day study streak (taken back when it breaks)`;
    case 'daily_streak':
      return `${role} at ${plural(n, 'daily challenge')} right in a row (taken back when it breaks)`;
  }
}

export function renderRewardList(rewards: readonly RewardView[]): MessageView {
  if (rewards.length === 0) {
    return message([{ title: 'Role rewards', description: 'No rewards yet. Add one with /rewards add or /rewards champion.', color: COLORS.neutral }]);
  }
  const lines = rewards.map((r) => `• ${describeReward(r)}${r.pausedReason ? `\n  ⏸ Paused: ${r.pausedReason}` : ''}`);
  const paused = rewards.some((r) => r.pausedReason);
  return message([{ title: 'Role rewards', description: lines.join('\n'), color: paused ? COLORS.warning : COLORS.neutral }]);
}

/** The line a graded answer's follow-up carries: "🎖 You earned **Scholar**". */
export function renderEarnedRoles(roleNames: readonly string[]): string {
  return roleNames.map((name) => `🎖 You earned **${escapeMarkdown(name)}**`).join('\n');
}
