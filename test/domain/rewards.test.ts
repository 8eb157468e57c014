import { describe, expect, test } from 'vitest';
import { championTurn, previousPeriodStart, roleSetupProblem, type RoleSetupFacts } from '../../src/domain/rewards.js';

const fine: RoleSetupFacts = { roleName: 'Scholar', isEveryone: false, managed: false, botCanManageRoles: true, botHighestPosition: 5, rolePosition: 3 };

describe('role setup', () => {
  test('GIVEN a role below the bot and Manage Roles THEN it can be a reward', () => {
    expect(roleSetupProblem(fine)).toBeNull();
  });

  test.each([
    ['a role above the bot', { rolePosition: 7 }, "Move deepcards' role above **Scholar** in Server Settings → Roles, then run /rewards again."],
    ['a role level with the bot', { rolePosition: 5 }, "Move deepcards' role above **Scholar** in Server Settings → Roles, then run /rewards again."],
    ['no Manage Roles', { botCanManageRoles: false }, "Give deepcards' role the Manage Roles permission in Server Settings → Roles, then run /rewards again."],
    ['an integration role', { managed: true }, '**Scholar** is managed by an integration, so no bot can give it: pick another role.'],
    ['@everyone', { isEveryone: true, rolePosition: 0 }, 'Every member already has @everyone: pick another role.'],
  ])('GIVEN %s THEN setup is refused with one line saying what to fix', (_, change, line) => {
    expect(roleSetupProblem({ ...fine, ...change })).toBe(line);
  });
});

describe('champion turns', () => {
  test.each([
    ['week', '2026-03-09', '2026-03-02'],
    ['month', '2026-03-01', '2026-02-01'],
    ['month', '2026-01-01', '2025-12-01'],
  ] as const)('GIVEN a %s starting %s THEN the previous one started %s', (period, start, previous) => {
    expect(previousPeriodStart(period, start)).toBe(previous);
  });

  test('GIVEN a week champion chosen for the week of Mon 2 March in Berlin THEN nothing is due until Monday 00:00 Berlin, then last week is judged', () => {
    // Monday 9 March 00:00 in Berlin is Sunday 8 March 23:00 UTC.
    expect(championTurn('week', new Date('2026-03-08T22:59:00Z'), 'Europe/Berlin', '2026-03-02')).toBeNull();
    expect(championTurn('week', new Date('2026-03-08T23:00:00Z'), 'Europe/Berlin', '2026-03-02')).toEqual({
      startsOn: '2026-03-09',
      previousStartsOn: '2026-03-02',
    });
    // Once chosen for the new week, nothing more is due in it.
    expect(championTurn('week', new Date('2026-03-12T12:00:00Z'), 'Europe/Berlin', '2026-03-09')).toBeNull();
  });

  test('GIVEN a month champion in New York THEN it turns at local midnight of the 1st, not UTC midnight', () => {
    expect(championTurn('month', new Date('2026-04-01T03:59:00Z'), 'America/New_York', '2026-03-01')).toBeNull();
    expect(championTurn('month', new Date('2026-04-01T04:00:00Z'), 'America/New_York', '2026-03-01')).toEqual({
      startsOn: '2026-04-01',
      previousStartsOn: '2026-03-01',
    });
  });
});
