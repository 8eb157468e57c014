import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { TEST_DB_KIND } from '../support/database.js';
import type { FakeRole } from '../support/fake-discord/index.js';
import { buttonIds, buttonLabels, embedText } from '../support/harness.js';
import { useHarness } from '../support/use-harness.js';

const EPHEMERAL = 64;
const BOT_PERMISSIONS = ['ViewChannel', 'SendMessages', 'EmbedLinks', 'ReadMessageHistory'] as const;

describe(`/rewards through discord.js and a fake Discord, on ${TEST_DB_KIND}`, () => {
  const ctx = useHarness('2026-03-10T12:00:00Z');
  let scholar: FakeRole;
  const rewards = (subcommand: string, options: Record<string, string | number> = {}, user = ctx.h.admin) =>
    ctx.h.fake.command({ user, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'rewards', subcommand, options });
  /** The bot's own role: where it sits and whether it has Manage Roles. */
  const botRole = (position: number, manageRoles: boolean) =>
    ctx.h.fake.updateRole(ctx.h.guild.id, ctx.h.guild.botRoleId, { position, permissions: manageRoles ? [...BOT_PERMISSIONS, 'ManageRoles'] : [...BOT_PERMISSIONS] });
  /** Alice studies one flashcard and grades it Good (+1 point); resolves with the grade's interaction. */
  const studyOneCard = async () => {
    const card = (await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', options: { deck: 'alpha' } })).message!;
    const revealed = (await ctx.h.fake.press({ user: ctx.h.alice, message: card.id, customId: buttonIds(card)[0]! })).message!;
    const good = buttonIds(revealed)[buttonLabels(revealed).indexOf('Good')]!;
    return ctx.h.fake.press({ user: ctx.h.alice, message: revealed.id, customId: good });
  };
  const rolePuts = () => ctx.h.fake.requestsMatching('PUT', new RegExp(`/guilds/${ctx.h.guild.id}/members/${ctx.h.alice.id}/roles/${scholar.id}$`));

  beforeAll(() => {
    scholar = ctx.h.fake.addRole(ctx.h.guild.id, { name: 'Scholar', position: 2 });
  });
  beforeEach(async () => {
    await ctx.database.db.execute(sql`truncate role_rewards, role_grants`);
    ctx.h.fake.updateMember(ctx.h.guild.id, ctx.h.alice.id, { roles: ctx.h.fake.member(ctx.h.guild.id, ctx.h.alice.id)!.roles.filter((r) => r !== scholar.id) });
    ctx.h.fake.clearRequests();
  });

  test('GIVEN the bot\'s role below Scholar THEN /rewards add is refused with one line saying what to fix, and nothing is saved', async () => {
    botRole(1, true);
    const r = await rewards('add', { role: scholar.id, kind: 'points', threshold: 1 });
    expect(r.data?.flags).toBe(EPHEMERAL);
    expect(r.data?.content).toBe("Move deepcards' role above **Scholar** in Server Settings → Roles, then run /rewards again.");
    const saved = await ctx.database.rows<{ n: number }>(sql`select count(*)::int as n from role_rewards`);
    expect(saved[0]?.n).toBe(0);
  });

  test('GIVEN a 1-point Scholar reward THEN the first point gives the role once (PUT recorded) and a follow-up announces it without mentions', async () => {
    botRole(5, true);
    const added = await rewards('add', { role: scholar.id, kind: 'points', threshold: 1 });
    expect(added.data?.content).toBe('Reward set: **Scholar** at 1 point (kept).');
    const graded = await studyOneCard();
    expect(embedText(graded.message)).toMatch(/\+1 point/);
    await vi.waitFor(() => expect(graded.followUps()).toHaveLength(1), { timeout: 5_000 });
    const [announcement] = graded.followUps();
    expect(announcement?.content).toBe('🎖 You earned **Scholar**');
    const post = ctx.h.fake.requestsMatching('POST', new RegExp(`/webhooks/\\d+/${graded.token}$`));
    expect((post[0]?.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    expect(rolePuts().map((p) => p.status)).toEqual([204]);
    expect(ctx.h.fake.member(ctx.h.guild.id, ctx.h.alice.id)?.roles).toContain(scholar.id);
    // A second point announces nothing and asks Discord nothing more.
    const again = await studyOneCard();
    await again.settled({ quietMs: 300 });
    expect(again.followUps()).toEqual([]);
    expect(rolePuts()).toHaveLength(1);
  });

  test('GIVEN the bot loses Manage Roles after setup THEN the 50013 pauses the reward, /rewards list shows why, and later answers do not retry', async () => {
    botRole(5, true);
    await rewards('add', { role: scholar.id, kind: 'points', threshold: 1 });
    botRole(5, false);
    const graded = await studyOneCard();
    await vi.waitFor(async () => {
      const [row] = await ctx.database.rows<{ paused_reason: string | null }>(sql`select paused_reason from role_rewards`);
      expect(row?.paused_reason).toMatch(/Missing Permissions/);
    }, { timeout: 5_000 });
    expect(rolePuts().map((p) => p.status)).toEqual([403]);
    expect(graded.followUps()).toEqual([]);
    const list = await rewards('list');
    expect(embedText(list.message)).toMatch(/Scholar\*\* at 1 point \(kept\)\n {2}⏸ Paused: Discord refused to give \*\*Scholar\*\* \(Missing Permissions\)/);
    const again = await studyOneCard();
    await again.settled({ quietMs: 300 });
    await ctx.h.apps[0]!.tick();
    expect(rolePuts()).toHaveLength(1);
  });
});
