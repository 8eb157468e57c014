import { describe, expect, test } from 'vitest';
import { describeReward, renderEarnedRoles, renderRewardList } from '../../src/discord/render/rewards.js';
import type { RewardView } from '../../src/services/rewards-service.js';

const reward = (over: Partial<RewardView>): RewardView => ({
  guildId: '1',
  roleId: '2',
  roleName: 'Scholar',
  kind: 'points',
  threshold: 100,
  period: null,
  championFor: null,
  pausedReason: null,
  ...over,
});

describe('role reward texts', () => {
  test.each([
    [reward({}), '**Scholar** at 100 points (kept)'],
    [reward({ threshold: 1 }), '**Scholar** at 1 point (kept)'],
    [reward({ kind: 'study_streak', threshold: 7, roleName: 'Regular' }), '**Regular** at a 7-day study streak (taken back when it breaks)'],
    [reward({ kind: 'daily_streak', threshold: 3, roleName: 'Sharp' }), '**Sharp** at 3 daily challenges right in a row (taken back when it breaks)'],
    [reward({ kind: 'champion', threshold: null, period: 'month', roleName: 'Champion' }), '**Champion** to the leader of each month'],
  ])('GIVEN %o THEN it reads "%s"', (r, text) => {
    expect(describeReward(r)).toBe(text);
  });

  test('GIVEN a role name with markdown THEN the announcement escapes it and mentions nobody', () => {
    expect(renderEarnedRoles(['*Top*', 'Scholar'])).toBe('🎖 You earned **\\*Top\\***\n🎖 You earned **Scholar**');
  });

  test('GIVEN a paused reward THEN the list shows the reason under it and no reward is pinged', () => {
    const view = renderRewardList([reward({ pausedReason: 'Discord refused.' }), reward({ roleId: '3', roleName: 'Other', threshold: 5 })]);
    expect(view.embeds[0]?.description).toBe('• **Scholar** at 100 points (kept)\n  ⏸ Paused: Discord refused.\n• **Other** at 5 points (kept)');
    expect(view.allowedMentions).toEqual({ parse: [] });
  });
});
