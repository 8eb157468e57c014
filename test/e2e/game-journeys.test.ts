import { describe, expect, test } from 'vitest';
import { Faults, type FakeMember } from '../support/fake-discord/index.js';
import { closedQuestion, expectedGamePoints, FAST_GAME_ENV, TEST_GAME_SECOND_MS, openQuestion, questionPosts, scoreboardPosts, waitFor } from './game-support.js';
import { E2E_DB_KIND, EPHEMERAL, buttonId, field, rightOption, useStudyHall } from './support.js';

const LETTERS = ['A', 'B', 'C', 'D'] as const;

// /game through the built bot in a child process, with one game second shortened (TEST_GAME_SECOND_MS).
describe(`/game journeys against the built bot in a child process, on ${E2E_DB_KIND}`, () => {
  const hall = useStudyHall({ env: FAST_GAME_ENV });

  test('GIVEN 4 members play 5 questions with right, wrong and missing answers and a double press THEN each press is locked in privately, each question closes with its result, and the scoreboard and the pool count every answer once', async () => {
    const { fake, guild } = hall;
    const channel = fake.addChannel(guild.id, { name: 'quiz-night' });
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => hall.member(`${n}-g`)) as [FakeMember, FakeMember, FakeMember, FakeMember];
    const names = new Map([alice, bob, carol, dave].map((m) => [m.id, m]));
    // Per question, who presses in which order and whether right; dave misses questions 1 and 3. From
    // question 2 on, a question closes early once everyone who joined has answered it (dave joins on 2).
    const plan: [FakeMember, boolean][][] = [
      [[alice, true], [bob, false], [carol, true]],
      [[bob, true], [dave, true], [alice, true], [carol, false]],
      [[carol, true], [alice, true], [bob, false]],
      [[dave, true], [alice, false], [bob, true], [carol, true]],
      [[alice, true], [bob, true], [carol, true], [dave, false]],
    ];

    const started = await fake.command({ user: alice, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'play', options: { deck: 'cnn', questions: 5, seconds: 30 } });
    expect(started.data?.flags ?? 0).toBe(0);
    expect(started.data?.content).toMatch(/started a game: 5 questions from \*\*.+\*\*, 30 s each/);

    for (const [index, presses] of plan.entries()) {
      const q = await openQuestion(fake, channel.id, index + 1);
      expect(field(q.message, 'Answers')).toBe('0 answered');
      expect(field(q.message, 'Time')).toMatch(/^Closes <t:\d+:R>$/);
      const right = rightOption(q.message);
      for (const [member, isRight] of presses) {
        const choice = isRight ? right : (right + 1) % 4;
        const reply = await hall.press(member, q.message, buttonId(q.message, LETTERS[choice] as string));
        expect(reply.data?.flags).toBe(EPHEMERAL);
        expect(reply.data?.content).toBe(`Locked in: ${LETTERS[choice]}`);
      }
      if (index === 2) {
        const again = await hall.press(alice, q.message, buttonId(q.message, LETTERS[(right + 2) % 4] as string));
        expect(again.data?.flags).toBe(EPHEMERAL);
        expect(again.data?.content).toBe(`You already locked in ${LETTERS[right]}. One answer per question; the result shows when it closes.`);
      }
      const closed = await closedQuestion(fake, channel.id, index + 1);
      const rightCount = presses.filter(([, r]) => r).length;
      expect(field(closed.message, 'Result')).toBe(`${presses.length} answered · ${Math.round((rightCount / presses.length) * 100)}% right`);
      const fastest = presses.filter(([, r]) => r).slice(0, 3).map(([m]) => m.id);
      expect([...(field(closed.message, 'Fastest right') ?? '').matchAll(/<@(\d+)> · \d+\.\d s/g)].map((m) => m[1])).toEqual(fastest);
    }

    const board = await waitFor(() => scoreboardPosts(fake, channel.id)[0], 'the scoreboard');
    const expected = expectedGamePoints(plan.map((presses) => presses.map(([m, r]) => [m.id, r] as const)));
    const ranked = [...expected.entries()].sort((a, b) => b[1] - a[1]);
    expect(board.embeds[0]?.title).toMatch(/^Game over · /);
    expect(board.embeds[0]?.description).toContain(`🏆 <@${ranked[0]?.[0]}> wins with ${ranked[0]?.[1]} points!`);
    const lines = [...(field(board, 'Top 10') ?? '').matchAll(/^\d+\. <@(\d+)> — (\d+) points/gm)].map((m) => [m[1], Number(m[2])]);
    expect(lines).toEqual(ranked);
    expect(questionPosts(fake, channel.id)).toHaveLength(5);

    const mine = await hall.press(bob, board, buttonId(board, 'My score'));
    expect(mine.data?.flags).toBe(EPHEMERAL);
    const bobRank = ranked.findIndex(([id]) => id === bob.id) + 1;
    expect(mine.data?.content).toMatch(new RegExp(`^Your score: \\*\\*${expected.get(bob.id)} points\\*\\* · 3 right of 5 answered .*rank ${bobRank} of 4\\.$`));

    // The pool: first game of these members, so the once-a-day rule takes nothing; every answer is in the ledger once.
    const ledger = await hall.e2e.inspect<{ user_id: string; answers: number; points: number }>(
      `select user_id, count(*)::int as answers, sum(points)::int as points from answers where source = 'game' and user_id = any($1) group by user_id`,
      [[...names.keys()]],
    );
    expect(Object.fromEntries(ledger.map((r) => [r.user_id, [r.answers, r.points]]))).toEqual(
      Object.fromEntries([...names.keys()].map((id) => [id, [plan.flat().filter(([m]) => m.id === id).length, expected.get(id)]])),
    );
  }, 90_000);

  test('GIVEN a game running in a channel THEN a second /game there says where it is, only its starter or Manage Messages may stop it, and stopping posts the scoreboard so far', async () => {
    const { fake, guild } = hall;
    const channel = fake.addChannel(guild.id, { name: 'arena' });
    const [erin, frank] = [hall.member('erin-g'), hall.member('frank-g')];
    const moderator = fake.addMember(guild.id, { username: 'mod-g', permissions: ['ManageMessages'] });
    await fake.command({ user: erin, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'play', options: { deck: 'rnn', seconds: 60 } });
    const q1 = await openQuestion(fake, channel.id, 1);
    expect(q1.message.embeds[0]?.title).toMatch(/question 1 of 10$/);
    await hall.press(erin, q1.message, buttonId(q1.message, LETTERS[rightOption(q1.message)] as string));

    const second = await fake.command({ user: frank, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'play', options: { deck: 'cnn' } });
    expect(second.data?.flags).toBe(EPHEMERAL);
    expect(second.data?.content).toBe(
      `A game is already running in this channel (https://discord.com/channels/${guild.id}/${channel.id}/${q1.message.id}), started by <@${erin.id}>. Join it, or wait for its scoreboard; it can be ended with /game stop.`,
    );

    const refused = await fake.command({ user: frank, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'stop' });
    expect(refused.data?.flags).toBe(EPHEMERAL);
    expect(refused.data?.content).toBe(`Only <@${erin.id}>, who started this game, or a member with Manage Messages can stop it.`);

    const stopped = await fake.command({ user: moderator, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'stop' });
    expect(stopped.data?.flags).toBe(EPHEMERAL);
    expect(stopped.data?.content).toBe('Stopping the game: the scoreboard so far follows.');
    const board = await waitFor(() => scoreboardPosts(fake, channel.id)[0], 'the scoreboard after /game stop', 10_000);
    expect(board.embeds[0]?.title).toMatch(/^Game stopped · /);
    expect(board.embeds[0]?.description).toContain(`🏆 <@${erin.id}> wins with 3 points!`);
    expect(board.embeds[0]?.description).toContain('1 of 10 questions · 1 players');
    expect(questionPosts(fake, channel.id).map((q) => q.closed)).toEqual([true]);

    // The channel is free again.
    const next = await fake.command({ user: frank, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'play', options: { deck: 'cnn' } });
    expect(next.data?.flags ?? 0).toBe(0);
    const byStarter = await fake.command({ user: frank, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'stop' });
    expect(byStarter.data?.content).toBe('Stopping the game: the scoreboard so far follows.');
    await waitFor(() => scoreboardPosts(fake, channel.id).length === 2, 'the second game\'s scoreboard', 10_000);
  }, 60_000);

  test('GIVEN the edit of a question\'s count is rate limited for 30 s THEN the question still closes on time and the next follows on time, and counts are edited at most every 2 s', async () => {
    const { fake, guild } = hall;
    const channel = fake.addChannel(guild.id, { name: 'busy' });
    const players = ['hal-g', 'ivy-g', 'jon-g', 'kim-g'].map((n) => hall.member(n));
    await fake.command({ user: players[0] as FakeMember, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'play', options: { deck: 'ml', questions: 5, seconds: 30 } });
    const q1 = await openQuestion(fake, channel.id, 1);
    const questionPath = `/channels/${channel.id}/messages/${q1.message.id}`;
    const limited = fake.inject({ method: 'PATCH', path: questionPath, times: 1 }, Faults.rateLimited(30));
    for (const player of players) {
      expect((await hall.press(player, q1.message, buttonId(q1.message, 'A'))).data?.content).toBe('Locked in: A');
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    const q2 = await openQuestion(fake, channel.id, 2, 30_000);
    expect(limited.hits).toBe(1);
    const posts = fake.requestsMatching('POST', `/channels/${channel.id}/messages`).map((r) => r.time);
    // Question 1 lasts 30 game seconds and the next follows 3 later, well before the 429's 30 s are over.
    expect((posts[1] ?? Infinity) - (posts[0] ?? 0)).toBeLessThan(33 * TEST_GAME_SECOND_MS + 5000);
    const late = await hall.press(players[1] as FakeMember, q1.message, buttonId(q1.message, 'B'));
    expect(late.data?.content).toBe('This question has closed, so answers no longer count. Watch for the next one.');
    await fake.command({ user: players[0] as FakeMember, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'stop' });
    const closed = await closedQuestion(fake, channel.id, 1, 45_000);
    expect(field(closed.message, 'Result')).toMatch(/^4 answered · (0|100)% right$/);
    const countEdits = fake
      .requestsMatching('PATCH', questionPath)
      .filter((r) => JSON.stringify(r.body).includes('"name":"Answers"'))
      .map((r) => r.time);
    for (let i = 1; i < countEdits.length; i++) expect((countEdits[i] as number) - (countEdits[i - 1] as number)).toBeGreaterThanOrEqual(1900);
    expect(q2.number).toBe(2);
  }, 120_000);

  test('GIVEN a channel where the bot cannot embed links THEN /game says so in one private line and posts nothing', async () => {
    const { fake, guild } = hall;
    const channel = fake.addChannel(guild.id, {
      name: 'no-embeds',
      permissionOverwrites: [{ id: fake.botUser.id, type: 'member', deny: ['EmbedLinks'] }],
    });
    const gina = hall.member('gina-g');
    const refused = await fake.command({ user: gina, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'play', options: { deck: 'cnn' } });
    expect(refused.data?.flags).toBe(EPHEMERAL);
    expect(refused.data?.content).toBe('I cannot run a game here: I am missing Embed Links in this channel. Ask an admin to grant it, or play in another channel.');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.messages(channel.id).filter((m) => !m.ephemeralFor)).toHaveLength(0);
  });
});
