import { afterAll, describe, expect, test } from 'vitest';
import { startBot, type BotProcess } from '../support/bot-process.js';
import type { FakeMember } from '../support/fake-discord/index.js';
import { closedQuestion, FAST_GAME_ENV, TEST_GAME_SECOND_MS, openQuestion, questionPosts, scoreboardPosts, waitFor } from './game-support.js';
import { E2E_DB_KIND, buttonId, field, rightOption, useStudyHall } from './support.js';

const LETTERS = ['A', 'B', 'C', 'D'] as const;
const answerRight = (hall: ReturnType<typeof useStudyHall>, member: FakeMember, message: Parameters<typeof rightOption>[0] & { id: string }) =>
  hall.press(member, message, buttonId(message, LETTERS[rightOption(message)] as string));

// A game outlives its bot process: state is in the database, timers only make steps punctual.
describe(`/game across a crash and across processes, on ${E2E_DB_KIND}`, () => {
  const hall = useStudyHall({ env: FAST_GAME_ENV });
  const extra: BotProcess[] = [];
  afterAll(async () => {
    for (const bot of extra) bot.kill();
    await Promise.all(extra.map((b) => b.exited));
  });

  test('GIVEN a kill -9 mid-question THEN after the restart the overdue question closes at once, the game finishes, and every answer given before the crash is counted once', async () => {
    const { fake, guild } = hall;
    const channel = fake.addChannel(guild.id, { name: 'crash-night' });
    const [ann, ben] = [hall.member('ann-k'), hall.member('ben-k')];
    await fake.command({ user: ann, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'play', options: { deck: 'ml', questions: 5, seconds: 30 } });
    const q1 = await openQuestion(fake, channel.id, 1);
    expect((await answerRight(hall, ann, q1.message)).data?.content).toMatch(/^Locked in: [A-D]$/);
    expect((await hall.press(ben, q1.message, buttonId(q1.message, LETTERS[(rightOption(q1.message) + 1) % 4] as string))).data?.content).toMatch(/^Locked in/);

    hall.e2e.bot.kill();
    await hall.e2e.bot.exited;
    // Let question 1's deadline (30 game seconds) pass while no bot runs.
    await new Promise((resolve) => setTimeout(resolve, 30 * TEST_GAME_SECOND_MS + 500));
    expect(questionPosts(fake, channel.id).map((q) => q.closed)).toEqual([false]);

    await hall.e2e.relaunch();
    const readyAt = Date.now();
    const closed = await closedQuestion(fake, channel.id, 1, 10_000);
    // "At once": the catch-up runs as the restarted bot becomes ready, not at the next minute.
    expect(Date.now() - readyAt).toBeLessThan(3000);
    expect(field(closed.message, 'Result')).toBe('2 answered · 50% right');

    for (let n = 2; n <= 5; n++) {
      const q = await openQuestion(fake, channel.id, n);
      expect((await answerRight(hall, ann, q.message)).data?.content).toMatch(/^Locked in: [A-D]$/);
      expect((await answerRight(hall, ben, q.message)).data?.content).toMatch(/^Locked in: [A-D]$/);
    }
    const board = await waitFor(() => scoreboardPosts(fake, channel.id)[0], 'the scoreboard after the restart');
    // ann: 5 right, the fastest each time (she presses first): 15. ben: 4 right, never first: 8.
    expect(field(board, 'Top 10')).toBe(`1. <@${ann.id}> — 15 points (5 right, 5 fastest)\n2. <@${ben.id}> — 8 points (4 right)`);
    expect(questionPosts(fake, channel.id).map((q) => q.number)).toEqual([1, 2, 3, 4, 5]);
    const rows = await hall.e2e.inspect<{ user_id: string; n: number; distinct_questions: number }>(
      `select user_id, count(*)::int as n, count(distinct game_question_id)::int as distinct_questions from answers
       where source = 'game' and user_id = any($1) group by user_id order by user_id`,
      [[ann.id, ben.id]],
    );
    expect(rows.map((r) => [r.user_id, r.n, r.distinct_questions]).sort()).toEqual([[ann.id, 5, 5], [ben.id, 5, 5]].sort());
  }, 90_000);

  test.skipIf(E2E_DB_KIND === 'pglite')('GIVEN two bot processes on one PostgreSQL database THEN they run one game: every question is posted once and closed once', async () => {
    const { fake, guild } = hall;
    const second = await startBot({ fake, env: { ...hall.e2e.db.env, ...FAST_GAME_ENV }, expectRegistration: false });
    extra.push(second);
    const channel = fake.addChannel(guild.id, { name: 'twin-night' });
    const [cy, di] = [hall.member('cy-2'), hall.member('di-2')];
    await fake.command({ user: cy, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'play', options: { deck: 'cnn', questions: 5, seconds: 10 } });
    for (let n = 1; n <= 5; n++) {
      const q = await openQuestion(fake, channel.id, n);
      expect((await answerRight(hall, n % 2 ? cy : di, q.message)).data?.content).toMatch(/^Locked in: [A-D]$/);
    }
    const board = await waitFor(() => scoreboardPosts(fake, channel.id)[0], 'the scoreboard');
    // Let any late step of either process land before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(scoreboardPosts(fake, channel.id)).toHaveLength(1);
    const posts = questionPosts(fake, channel.id);
    expect(posts.map((q) => q.number)).toEqual([1, 2, 3, 4, 5]);
    expect(posts.every((q) => q.closed)).toBe(true);
    const gameId = posts[0]?.gameId;
    const logs = [hall.e2e.bot.output(), second.output()].join('\n').split('\n').filter((l) => l.includes(`"gameId":${gameId},`));
    const closes = logs.filter((l) => l.includes('"msg":"game question closed"')).map((l) => Number(/"number":(\d+)/.exec(l)?.[1]));
    const postsLogged = logs.filter((l) => l.includes('"msg":"game question posted"')).map((l) => Number(/"number":(\d+)/.exec(l)?.[1]));
    expect(closes.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(postsLogged.sort()).toEqual([1, 2, 3, 4, 5]);
    // Both processes took part (the test is about two, not one and a bystander).
    const byProcess = [hall.e2e.bot.output(), second.output()].map((out) => out.split('\n').filter((l) => l.includes(`"gameId":${gameId},`) && /game (question|scoreboard)/.test(l)).length);
    expect(byProcess.every((n) => n > 0)).toBe(true);
    expect(field(board, 'Top 10')).toContain(`<@${cy.id}> — 9 points (3 right, 3 fastest)`);
  }, 90_000);
});
