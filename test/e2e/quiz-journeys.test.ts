import { describe, expect, test } from 'vitest';
import type { FakeMember } from '../support/fake-discord/index.js';
import { E2E_DB_KIND, EPHEMERAL, buttonId, buttonLabels, embedText, field, messageOf, rightOption, useStudyHall } from './support.js';

// The real bot (`node dist/src/index.js`, as `npm start` runs it) in a child process, against a fake
// Discord and a database of its own, with the shipped decks. One bot process serves the whole file.
describe(`/quiz journeys against the built bot in a child process, on ${E2E_DB_KIND}`, () => {
  const hall = useStudyHall();
  const { e2e, member, press } = hall;

  const quiz = (user: FakeMember, options: Record<string, string> = { deck: 'cnn' }) =>
    hall.fake.command({ user, guildId: hall.guild.id, channelId: hall.channel.id, name: 'quiz', options });
  const stats = (user: FakeMember) => hall.fake.command({ user, guildId: hall.guild.id, channelId: hall.channel.id, name: 'stats' });

  test('GIVEN /quiz cnn, Reveal answer and Good THEN the point shows in /stats', async () => {
    const alice = member('alice');
    const card = await quiz(alice);
    expect(card.callbackType).toBe(4);
    expect(card.message?.flags ?? 0).toBe(0);
    expect(card.message?.embeds[0]?.title).toMatch(/^Convolutional networks · card \d+ of 52$/);
    expect(buttonLabels(card.message)).toEqual(['Reveal answer']);

    const revealed = await press(alice, messageOf(card), buttonId(card.message, 'Reveal answer'));
    expect(revealed.callbackType).toBe(7);
    expect(embedText(revealed.message)).toMatch(/\*\*Answer:\*\*/);
    expect(buttonLabels(revealed.message)).toEqual(['Again', 'Hard', 'Good', 'Easy']);

    const graded = await press(alice, messageOf(revealed), buttonId(revealed.message, 'Good'));
    expect(graded.callbackType).toBe(7);
    expect(embedText(graded.message)).toMatch(/You said \*\*Good\*\*\. \+1 point · 1 in this server\./);
    expect(buttonLabels(graded.message)).toEqual(['Next card']);

    const record = await stats(alice);
    expect(record.callbackType).toBe(4);
    expect(field(record.message, 'Points')).toBe('1');
  });

  test('GIVEN choice mode THEN the right option earns 2 points and a wrong one earns none', async () => {
    const chloe = member('chloe');
    const first = await quiz(chloe, { deck: 'cnn', mode: 'choice' });
    expect(buttonLabels(first.message)).toEqual(['A', 'B', 'C', 'D']);
    const right = rightOption(first.message);
    const r = await press(chloe, messageOf(first), buttonId(first.message, 'ABCD'[right]!));
    expect(r.callbackType).toBe(7);
    expect(embedText(r.message)).toMatch(new RegExp(`\\*\\*Right!\\*\\* The answer is ${'ABCD'[right]}\\. \\+2 points · 2 in this server\\.`));

    const second = await quiz(chloe, { deck: 'cnn', mode: 'choice' });
    const wrong = (rightOption(second.message) + 1) % 4;
    const w = await press(chloe, messageOf(second), buttonId(second.message, 'ABCD'[wrong]!));
    expect(w.callbackType).toBe(7);
    // The verdict line ends at the answer: no points. (The card's own text may say "point", e.g. "sampling points".)
    expect(embedText(w.message)).toMatch(/^\*\*Not quite\.\*\* The answer is [A-D]\.$/m);
    expect(embedText(w.message)).not.toMatch(/\+\d+ points?|No points/);

    const record = await stats(chloe);
    expect(field(record.message, 'Points')).toBe('2');
    expect(field(record.message, 'Answers')).toBe('2 (1 correct)');
  });

  test("GIVEN a member presses someone else's card THEN only they see a refusal and the card does not change", async () => {
    const dave = member('dave');
    const erin = member('erin');
    const card = messageOf(await quiz(dave));
    const refused = await press(erin, card, buttonId(card, 'Reveal answer'));
    expect(refused.callbackType).toBe(4);
    expect(refused.data?.flags).toBe(EPHEMERAL);
    expect(refused.data?.content).toBe(`This card belongs to <@${dave.id}>. Run /quiz deck:cnn to get a card of your own.`);
    expect(hall.fake.message(card.id)?.editCount).toBe(0);
    expect(hall.fake.message(card.id)?.embeds).toEqual(card.embeds);
    // The owner's card still works.
    const revealed = await press(dave, card, buttonId(card, 'Reveal answer'));
    expect(revealed.callbackType).toBe(7);
    expect(field((await stats(erin)).message, 'Answers')).toBe('0 (0 correct)');
  });

  test('GIVEN two presses of Good at the same moment THEN one answer is recorded and both presses are answered', async () => {
    const frank = member('frank');
    const card = messageOf(await quiz(frank));
    const revealed = messageOf(await press(frank, card, buttonId(card, 'Reveal answer')));
    const good = buttonId(revealed, 'Good');
    const [a, b] = await Promise.all([press(frank, revealed, good), press(frank, revealed, good)]);
    expect([a.callbackType, b.callbackType].sort()).toEqual([4, 7]);
    const note = [a, b].find((x) => x.callbackType === 4);
    expect(note?.data?.flags).toBe(EPHEMERAL);
    expect(note?.data?.content).toMatch(/already answered this card; it counts once/);
    const roundId = Number(good.split(':')[2]);
    const ledger = await e2e.inspect<{ n: number; points: number }>('select count(*)::int as n, coalesce(sum(points), 0)::int as points from answers where round_id = $1', [roundId]);
    expect(ledger).toEqual([{ n: 1, points: 1 }]);
    expect(field((await stats(frank)).message, 'Points')).toBe('1');
  }, 60_000);

  test('GIVEN the bot restarts between posting a card and the press THEN the press still works', async () => {
    const gina = member('gina');
    const card = messageOf(await quiz(gina));
    const exit = await e2e.bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(hall.fake.connected).toBe(false);
    // The same database: the commands are unchanged, so the new process registers nothing.
    const puts = hall.fake.requestsMatching('PUT', /\/commands$/).length;
    await e2e.relaunch();
    expect(hall.fake.requestsMatching('PUT', /\/commands$/)).toHaveLength(puts);

    const revealed = await press(gina, card, buttonId(card, 'Reveal answer'));
    expect(revealed.callbackType).toBe(7);
    expect(buttonLabels(revealed.message)).toEqual(['Again', 'Hard', 'Good', 'Easy']);
    const graded = await press(gina, messageOf(revealed), buttonId(revealed.message, 'Easy'));
    expect(embedText(graded.message)).toMatch(/You said \*\*Easy\*\*\. \+1 point · 1 in this server\./);
  }, 60_000);

  test('GIVEN an unknown deck THEN an ephemeral error lists the decks', async () => {
    const r = await quiz(member('hank'), { deck: 'nope' });
    expect(r.callbackType).toBe(4);
    expect(r.data?.flags).toBe(EPHEMERAL);
    expect(r.data?.content).toMatch(/^There is no deck called "nope"\. Try one of: /);
    for (const deck of ['clustering', 'cnn', 'embeddings', 'ml', 'regularization', 'rnn', 'transformers']) {
      expect(r.data?.content).toContain(`\`${deck}\``);
    }
  });

  test.each(['v1:rv:999999999', 'v1:gr:1:9', 'v1:zz:1', 'v9:rv:1', 'garbage'])(
    'GIVEN a bot message whose button has the custom id %j THEN pressing it gets an ephemeral "no longer available"',
    async (customId) => {
      const old = hall.fake.plantMessage(hall.channel.id, {
        embeds: [{ title: 'An old card' }],
        components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Reveal answer', custom_id: customId }] }],
      });
      const r = await press(member(`ivy-${customId.length}-${old.id.slice(-4)}`), old, customId);
      expect(r.callbackType).toBe(4);
      expect(r.data?.flags).toBe(EPHEMERAL);
      expect(r.data?.content).toBe('This card is no longer available. Run /quiz again for a new one.');
      expect(hall.fake.message(old.id)?.editCount).toBe(0);
    },
  );

  test('GIVEN SIGTERM THEN the bot closes its gateway connection and exits with code 0 within 5 s', async () => {
    const bot = e2e.bot;
    const exit = await bot.stop('SIGTERM', 5_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(5_000);
    expect(hall.fake.connected).toBe(false);
    expect(bot.output()).toContain('"msg":"stopped"');
    // Closing the gateway on purpose is not a lost connection.
    expect(bot.output()).not.toMatch(/lost the connection to Discord's gateway/);
  });
});
