import { expect, test, describe } from 'vitest';
import { E2E_DB_KIND, buttonId, embedText, messageOf, useStudyHall } from './support.js';

const CALLBACK = /^\/interactions\/\d+\/[^/]+\/callback$/;

// A grade is answered once its ledger row is committed; totals, streak and memory are applied right
// after the answer has gone (LedgerService). A process killed in between loses none of them.
describe(`answers recorded but not yet applied, across a kill -9, on ${E2E_DB_KIND}`, () => {
  const hall = useStudyHall();

  test('GIVEN the bot is killed right after answering a grade, before applying it THEN after the restart the totals, streak, memory and review log equal what the ledger implies, each answer counted once', async () => {
    const { fake, guild, channel } = hall;
    const ada = hall.member('ada-ledger');
    const study = async () => {
      const card = messageOf(await fake.command({ user: ada, guildId: guild.id, channelId: channel.id, name: 'quiz', options: { deck: 'cnn' } }));
      return messageOf(await hall.press(ada, card, buttonId(card, 'Reveal answer')));
    };
    const first = await study();
    expect(embedText(messageOf(await hall.press(ada, first, buttonId(first, 'Good'))))).toMatch(/\+1 point · 1 in this server/);

    // The second grade: Discord takes the answer and holds its response, as if the bot died just after sending it.
    const second = await study();
    fake.inject({ method: 'POST', path: CALLBACK }, { holdAnswerMs: 60_000 });
    const pressed = hall.press(ada, second, buttonId(second, 'Good')).catch(() => undefined);
    const shown = await waitFor(() => {
      const text = embedText(fake.message(second.id));
      return /in this server/.test(text) ? text : undefined;
    });
    expect(shown).toMatch(/\+1 point · 2 in this server/);
    hall.e2e.bot.kill();
    await hall.e2e.bot.exited;
    void pressed;

    // What the killed process left: both answers in the ledger, the second not applied.
    const left = await hall.e2e.inspect<{ ledger: number; to_apply: number; answers: number | null }>(
      `select (select count(*)::int from answers where user_id = $1) as ledger,
              (select count(*)::int from answers_to_apply where user_id = $1) as to_apply,
              (select answers from member_stats where user_id = $1) as answers`,
      [ada.id],
    );
    expect(left).toEqual([{ ledger: 2, to_apply: 1, answers: 1 }]);
    // On PGlite, inspect() has started the bot again already (it reads the folder between two runs).
    if (E2E_DB_KIND === 'postgres') await hall.e2e.relaunch();

    const [after] = await hall.e2e.inspect<{
      ledger: number;
      ledger_points: number;
      to_apply: number;
      answers: number;
      correct: number;
      points: number;
      study_streak: number;
      reps: number;
      logs: number;
      week_points: number;
    }>(
      `select (select count(*)::int from answers where user_id = $1) as ledger,
              (select sum(points)::int from answers where user_id = $1) as ledger_points,
              (select count(*)::int from answers_to_apply where user_id = $1) as to_apply,
              s.answers, s.correct, s.points, s.study_streak,
              (select sum(reps)::int from card_memory where user_id = $1) as reps,
              (select count(*)::int from review_logs where user_id = $1) as logs,
              (select points from member_period_points where user_id = $1 and period = 'week') as week_points
       from member_stats s where s.user_id = $1`,
      [ada.id],
    );
    expect(after).toEqual({ ledger: 2, ledger_points: 2, to_apply: 0, answers: 2, correct: 2, points: 2, study_streak: 1, reps: 2, logs: 2, week_points: 2 });
    // And what the member reads agrees with what they were shown.
    const stats = await fake.command({ user: ada, guildId: guild.id, channelId: channel.id, name: 'stats' });
    expect(stats.message?.embeds?.[0]?.fields?.find((f) => f.name === 'Points')?.value).toBe('2');
  }, 90_000);
});

async function waitFor<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('waited in vain');
    await new Promise((r) => setTimeout(r, 20));
  }
}
