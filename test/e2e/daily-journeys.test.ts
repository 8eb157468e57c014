import { beforeAll, describe, expect, test } from 'vitest';
import { Faults, type FakeChannel, type FakeDiscord, type FakeGuild, type FakeMember } from '../support/fake-discord/index.js';
import type { StoredMessage } from '../support/fake-discord/types.js';
import {
  E2E_DB_KIND,
  EPHEMERAL,
  buttonId,
  buttonLabels,
  buttonsDisabled,
  embedText,
  field,
  messageOf,
  quietDailyTime,
  rightOption,
  useBot,
} from './support.js';

const LETTERS = ['A', 'B', 'C', 'D'];
const TIME = quietDailyTime();
const PAUSED_REASON = 'Missing Permissions in the channel (View Channel, Send Messages, Embed Links)';

// The daily challenge through the built bot in a child process: setup, posting, answers, the board,
// closing, and a failing guild that must not hold up the others. One bot process serves the file.
describe(`daily challenge journeys against the built bot in a child process, on ${E2E_DB_KIND}`, () => {
  const e2e = useBot();
  let fake: FakeDiscord;

  beforeAll(() => {
    fake = e2e.fake;
  });

  /** A server with a study channel, a daily channel, an admin (Manage Server) and members. */
  const server = (name: string, members: string[]) => {
    const guild = fake.addGuild({ name });
    const study = fake.addChannel(guild.id, { name: 'study' });
    const daily = fake.addChannel(guild.id, { name: 'daily' });
    const admin = fake.addMember(guild.id, { username: `${name}-admin`, permissions: ['ManageGuild'] });
    const people = Object.fromEntries(members.map((m) => [m, fake.addMember(guild.id, { username: m })]));
    return { guild, study, daily, admin, people };
  };
  const run = (guild: FakeGuild, channel: FakeChannel, user: FakeMember, name: string, options: Record<string, string> = {}, subcommand?: string) =>
    fake.command({ user, guildId: guild.id, channelId: channel.id, name, options, ...(subcommand ? { subcommand } : {}) });
  const daily = (guild: FakeGuild, channel: FakeChannel, user: FakeMember, subcommand: string, options: Record<string, string> = {}) =>
    run(guild, channel, user, 'daily', options, subcommand);
  const setupOptions = (channel: FakeChannel) => ({ channel: channel.id, time: TIME, timezone: 'Europe/Berlin', deck: 'cnn' });
  const challengePosts = (channel: FakeChannel): StoredMessage[] =>
    fake.messages(channel.id).filter((m) => m.embeds[0]?.footer?.text.startsWith('daily #'));

  test('GIVEN a member without Manage Server THEN /daily setup is refused privately and nothing is saved', async () => {
    const s = server('Book Club', ['bob']);
    const refused = await daily(s.guild, s.study, s.people.bob!, 'setup', setupOptions(s.daily));
    expect(refused.callbackType).toBe(4);
    expect(refused.data?.flags).toBe(EPHEMERAL);
    expect(refused.data?.content).toMatch(/^Only members with the Manage Server permission can change the daily challenge\./);

    const status = await daily(s.guild, s.study, s.admin, 'status');
    expect(status.data?.flags).toBe(EPHEMERAL);
    expect(embedText(status.message)).toMatch(/Not set up in this server/);
  });

  test('GIVEN an admin posts the daily challenge THEN answers are scored privately, /leaderboard ranks the members, and the next post closes it', async () => {
    const s = server('Study Hall', ['alice', 'bob', 'carol']);
    const { alice, bob, carol } = s.people as Record<'alice' | 'bob' | 'carol', FakeMember>;

    // bob studies a flashcard first (+1), so the board is not just the order of the daily answers.
    const card = messageOf(await run(s.guild, s.study, bob, 'quiz', { deck: 'cnn' }));
    const revealed = messageOf(await fake.press({ user: bob, message: card.id, customId: buttonId(card, 'Reveal answer') }));
    await fake.press({ user: bob, message: revealed.id, customId: buttonId(revealed, 'Good') });

    const setup = await daily(s.guild, s.study, s.admin, 'setup', setupOptions(s.daily));
    expect(setup.data?.flags).toBe(EPHEMERAL);
    expect(setup.data?.content).toBe(`Daily challenge set: <#${s.daily.id}> at ${TIME} (Europe/Berlin). Use \`/daily now\` to post the first one right away.`);

    const now = await daily(s.guild, s.study, s.admin, 'now');
    expect(now.data?.content).toBe(`Posted today's challenge in <#${s.daily.id}>.`);
    const [post] = challengePosts(s.daily);
    expect(post).toBeDefined();
    expect(buttonLabels(post)).toEqual(LETTERS);
    expect(buttonsDisabled(post)).toEqual([false, false, false, false]);
    const right = rightOption(post);
    const wrong = (right + 1) % 4;

    const answer = (user: FakeMember, choice: number) => fake.press({ user, message: post!.id, customId: buttonId(post, LETTERS[choice]!) });
    for (const [user, choice] of [[alice, right], [bob, right], [carol, wrong]] as const) {
      const verdict = await answer(user, choice);
      expect(verdict.callbackType).toBe(4);
      expect(verdict.data?.flags).toBe(EPHEMERAL);
      expect(embedText(verdict.data)).toMatch(choice === right ? /^Daily challenge\n✅ \*\*Right!\*\* \+10 points\./ : /^Daily challenge\n❌ \*\*Not this time\.\*\* You chose/);
    }
    const again = await answer(alice, wrong);
    expect(again.data?.flags).toBe(EPHEMERAL);
    expect(again.data?.content).toMatch(/^You already answered: [A-D] — .+\. One answer per member/);

    const board = await run(s.guild, s.study, carol, 'leaderboard');
    expect(board.callbackType).toBe(4);
    expect(board.data?.allowed_mentions).toEqual({ parse: [] });
    expect(board.message?.embeds[0]?.description?.split('\n')).toEqual([`🥇 <@${bob.id}> — 11 pts`, `🥈 <@${alice.id}> — 10 pts`]);

    const next = await daily(s.guild, s.study, s.admin, 'now');
    expect(next.data?.content).toBe(`Posted today's challenge in <#${s.daily.id}>.`);
    const closed = fake.message(post!.id);
    expect(closed?.embeds[0]?.title).toMatch(/ · closed$/);
    expect(buttonsDisabled(closed)).toEqual([true, true, true, true]);
    expect(field(closed, 'Result')).toBe('3 answered · 67% right');
    expect(field(closed, 'First right')).toBe(`1. <@${alice.id}>\n2. <@${bob.id}>`);
    const posts = challengePosts(s.daily);
    expect(posts).toHaveLength(2);
    expect(buttonsDisabled(posts[1])).toEqual([false, false, false, false]);
  });

  test('GIVEN a post fails with Missing Permissions THEN that guild is paused and another guild still posts', async () => {
    const a = server('Night Owls', []);
    const b = server('Early Birds', []);
    for (const s of [a, b]) {
      const setup = await daily(s.guild, s.study, s.admin, 'setup', setupOptions(s.daily));
      expect(setup.data?.content).toMatch(/^Daily challenge set:/);
    }
    const fault = fake.inject({ method: 'POST', path: `/channels/${a.daily.id}/messages`, times: 3 }, Faults.discordError(50013));

    const failed = await daily(a.guild, a.study, a.admin, 'now');
    expect(failed.data?.flags).toBe(EPHEMERAL);
    expect(failed.data?.content).toBe(
      `Could not post the challenge: ${PAUSED_REASON}. The daily challenge is paused until you fix that and run /daily setup.`,
    );
    expect(fault.hits).toBe(1);
    fault.remove();
    expect(challengePosts(a.daily)).toHaveLength(0);

    const status = await daily(a.guild, a.study, a.admin, 'status');
    expect(field(status.message, 'State')).toBe(`**Paused:** ${PAUSED_REASON} — fix it, then run /daily setup`);
    expect(field(status.message, 'Last error')).toMatch(new RegExp(`^${PAUSED_REASON.replace(/[()]/g, '\\$&')} · <t:\\d+:R>$`));
    const stillPaused = await daily(a.guild, a.study, a.admin, 'now');
    expect(stillPaused.data?.content).toBe(`The daily challenge is paused: ${PAUSED_REASON}. Fix it, then run /daily setup again.`);

    const other = await daily(b.guild, b.study, b.admin, 'now');
    expect(other.data?.content).toBe(`Posted today's challenge in <#${b.daily.id}>.`);
    expect(challengePosts(b.daily)).toHaveLength(1);
    expect(field((await daily(b.guild, b.study, b.admin, 'status')).message, 'State')).toBe('Enabled');
  });
});
