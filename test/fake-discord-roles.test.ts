import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type FakeGuild, type FakeMember } from './support/fake-discord/index.js';

describe('FakeDiscord member roles: PUT and DELETE /guilds/:guild/members/:user/roles/:role', () => {
  let fake: FakeDiscord;
  let guild: FakeGuild;
  let alice: FakeMember;
  const call = (method: 'PUT' | 'DELETE', roleId: string, userId = alice.id) =>
    fetch(`${fake.apiUrl}/v10/guilds/${guild.id}/members/${userId}/roles/${roleId}`, { method, headers: { authorization: `Bot ${fake.token}` } });

  beforeAll(async () => {
    fake = await FakeDiscord.start({});
    guild = fake.addGuild({ name: 'Roles' });
    alice = fake.addMember(guild.id, { username: 'alice' });
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('GIVEN Manage Roles and a role below the bot THEN PUT gives it, DELETE takes it back, and both are recorded', async () => {
    fake.updateRole(guild.id, guild.botRoleId, { position: 5, permissions: ['ManageRoles'] });
    const role = fake.addRole(guild.id, { name: 'Scholar', position: 2 });
    expect((await call('PUT', role.id)).status).toBe(204);
    expect(fake.member(guild.id, alice.id)?.roles).toContain(role.id);
    expect((await call('DELETE', role.id)).status).toBe(204);
    expect(fake.member(guild.id, alice.id)?.roles).not.toContain(role.id);
    const path = `/guilds/${guild.id}/members/${alice.id}/roles/${role.id}`;
    expect([...fake.requestsMatching('PUT', path), ...fake.requestsMatching('DELETE', path)].map((r) => `${r.method} ${r.status}`)).toEqual(['PUT 204', 'DELETE 204']);
  });

  it.each([
    ['a role above the bot', { position: 5, permissions: ['ManageRoles'] as const }, 9, 50013],
    ['a role level with the bot', { position: 5, permissions: ['ManageRoles'] as const }, 5, 50013],
    ['no Manage Roles', { position: 5, permissions: ['SendMessages'] as const }, 2, 50013],
  ])('GIVEN %s THEN PUT answers 403 with Discord code %i', async (_, bot, rolePosition, code) => {
    fake.updateRole(guild.id, guild.botRoleId, { position: bot.position, permissions: [...bot.permissions] });
    const role = fake.addRole(guild.id, { name: `r${rolePosition}`, position: rolePosition });
    const response = await call('PUT', role.id);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code });
    expect(fake.member(guild.id, alice.id)?.roles).not.toContain(role.id);
  });

  it('GIVEN an unknown role or member THEN 10011 and 10007', async () => {
    fake.updateRole(guild.id, guild.botRoleId, { position: 5, permissions: ['ManageRoles'] });
    const role = fake.addRole(guild.id, { name: 'Known', position: 1 });
    expect(await (await call('PUT', '1')).json()).toMatchObject({ code: 10011 });
    expect(await (await call('PUT', role.id, '2')).json()).toMatchObject({ code: 10007 });
  });
});
