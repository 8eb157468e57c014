import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { buildCustomId } from '../../src/discord/custom-id.js';
import { TEST_DB_KIND } from '../support/database.js';
import { buttonIds, buttonLabels, embedText } from '../support/harness.js';
import { useHarness } from '../support/use-harness.js';

const EPHEMERAL = 64;

describe(`/quiz through discord.js and a fake Discord, on ${TEST_DB_KIND}`, () => {
  const ctx = useHarness();

  const quiz = (options: Record<string, string | boolean> = { deck: 'alpha' }, user = ctx.h.alice) =>
    ctx.h.fake.command({ user, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', options });
  const press = (message: { id: string }, customId: string, user = ctx.h.alice) => ctx.h.fake.press({ user, message: message.id, customId });
  const idOf = (message: { components?: unknown[] } | undefined, label: string) => {
    const i = buttonLabels(message as never).findIndex((l) => l.startsWith(label));
    if (i < 0) throw new Error(`no button ${label}: ${buttonLabels(message as never).join(', ')}`);
    return buttonIds(message as never)[i]!;
  };

  test('GIVEN startup THEN the commands were registered with Discord by bulk overwrite', () => {
    const put = ctx.h.fake.requestsMatching('PUT', /\/applications\/\d+\/commands$/);
    expect(put).toHaveLength(1);
    expect((put[0]!.body as { name: string }[]).map((c) => c.name).sort()).toEqual(['daily', 'deck', 'decks', 'game', 'help', 'leaderboard', 'quiz', 'review', 'review-settings', 'rewards', 'stats']);
  });

  test('GIVEN a restart with unchanged commands THEN they are not registered again', async () => {
    const before = ctx.h.fake.requestsMatching('PUT', /\/commands$/).length;
    const second = await ctx.h.startApp();
    expect(ctx.h.fake.requestsMatching('PUT', /\/commands$/).length).toBe(before);
    await second.stop(500);
    ctx.h.apps.splice(ctx.h.apps.indexOf(second), 1);
  });

  test('GIVEN /quiz alpha THEN a public embed with the card and a Reveal answer button is the direct reply', async () => {
    const r = await quiz();
    expect(r.callbackType).toBe(4);
    expect(r.message?.flags ?? 0).toBe(0);
    expect(r.data?.allowed_mentions).toEqual({ parse: [] });
    const embed = r.message!.embeds![0]!;
    expect(embed.title).toMatch(/^Alpha · card [1-3] of 3$/);
    expect(embed.color).toBe(0x112233);
    expect(embed.footer?.text).toMatch(/^alpha-\w+ · flashcard$/);
    expect(buttonLabels(r.message)).toEqual(['Reveal answer']);
    expect(buttonIds(r.message)[0]).toMatch(/^v1:rv:\d+$/);
  });

  test('GIVEN reveal and Good THEN the answer and grade buttons show, then 1 point that /stats reports', async () => {
    const card = (await quiz()).message!;
    const revealed = await press(card, buttonIds(card)[0]!);
    expect(revealed.callbackType).toBe(7);
    expect(embedText(revealed.message)).toMatch(/\*\*Answer:\*\*/);
    expect(embedText(revealed.message)).toMatch(/How did you do\?/);
    expect(buttonLabels(revealed.message)).toEqual(['Again', 'Hard', 'Good', 'Easy']);
    const graded = await press(revealed.message!, idOf(revealed.message, 'Good'));
    expect(graded.callbackType).toBe(7);
    expect(embedText(graded.message)).toMatch(/You said \*\*Good\*\*\. \+1 point · 1 in this server/);
    expect(buttonLabels(graded.message)).toEqual(['Next card']);
    const stats = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'stats' });
    const points = stats.message!.embeds![0]!.fields!.find((f) => f.name === 'Points');
    expect(points?.value).toBe('1');
  });

  test('GIVEN choice mode THEN four options A–D are shown and a right press earns 2 points, a wrong one 0', async () => {
    const right = (await quiz({ deck: 'alpha', mode: 'choice' })).message!;
    expect(buttonLabels(right)).toEqual(['A', 'B', 'C', 'D']);
    expect(right.embeds![0]!.description).toMatch(/\*\*A\.\*\* .+\n\*\*B\.\*\* .+\n\*\*C\.\*\* .+\n\*\*D\.\*\* .+/);
    const [round] = await ctx.database.rows<{ correct_index: number }>(sql`select correct_index from rounds order by id desc limit 1`);
    const r = await press(right, buttonIds(right)[round!.correct_index]!);
    expect(embedText(r.message)).toMatch(/\*\*Right!\*\*.*\+2 points/);
    const wrong = (await quiz({ deck: 'alpha', mode: 'choice' })).message!;
    const [round2] = await ctx.database.rows<{ correct_index: number }>(sql`select correct_index from rounds order by id desc limit 1`);
    const w = await press(wrong, buttonIds(wrong)[(round2!.correct_index + 1) % 4]!);
    expect(embedText(w.message)).toMatch(/\*\*Not quite\.\*\* The answer is [A-D]\./);
    expect(embedText(w.message)).not.toMatch(/point/);
    const [total] = await ctx.database.rows<{ points: number }>(sql`select points from member_stats`);
    expect(total?.points).toBe(2);
  });

  test('GIVEN another member presses THEN they get an ephemeral note and the card does not change', async () => {
    const card = (await quiz()).message!;
    const r = await press(card, buttonIds(card)[0]!, ctx.h.bob);
    expect(r.callbackType).toBe(4);
    expect(r.data?.flags).toBe(EPHEMERAL);
    expect(r.data?.content).toMatch(/belongs to <@\d+>\. Run \/quiz deck:alpha to get a card of your own/);
    expect(ctx.h.fake.message(card.id)?.editCount).toBe(0);
  });

  test('GIVEN a double press on Good THEN one answer and one point are recorded, and both presses are answered', async () => {
    const card = (await quiz()).message!;
    const revealed = (await press(card, buttonIds(card)[0]!)).message!;
    const good = idOf(revealed, 'Good');
    const [a, b] = await Promise.all([press(revealed, good), press(revealed, good)]);
    expect([a.callbackType, b.callbackType].sort()).toEqual([4, 7]);
    const note = [a, b].find((x) => x.callbackType === 4)!;
    expect(note.data?.content).toMatch(/already answered/);
    const [ledger] = await ctx.database.rows<{ n: number; points: number }>(sql`select count(*)::int as n, sum(points)::int as points from answers`);
    expect(ledger).toEqual({ n: 1, points: 1 });
  });

  test('GIVEN a second app instance on the same ctx.database THEN it grades a round the first one created', async () => {
    const card = (await quiz()).message!;
    const revealed = (await press(card, buttonIds(card)[0]!)).message!;
    const first = ctx.h.apps[0]!;
    await first.stop(500);
    ctx.h.apps.splice(0, 1);
    await ctx.h.startApp();
    const graded = await press(revealed, idOf(revealed, 'Easy'));
    expect(embedText(graded.message)).toMatch(/You said \*\*Easy\*\*\. \+1 point/);
  });

  test('GIVEN an unknown deck THEN an ephemeral error lists the decks', async () => {
    const r = await quiz({ deck: 'nope' });
    expect(r.data?.flags).toBe(EPHEMERAL);
    expect(r.data?.content).toMatch(/no deck called "nope"\. Try one of: `alpha`, `bare`/);
  });

  test('GIVEN private:true THEN the card is ephemeral and still works', async () => {
    const r = await quiz({ deck: 'alpha', private: true });
    expect(r.message?.flags).toBe(EPHEMERAL);
    const revealed = await press(r.message!, buttonIds(r.message)[0]!);
    expect(buttonLabels(revealed.message)).toEqual(['Again', 'Hard', 'Good', 'Easy']);
  });

  test.each(['v1:rv:999999', 'v1:zz:1', 'garbage', 'v9:rv:1'])('GIVEN a button with custom id %j THEN an ephemeral "no longer available" note', async (customId) => {
    // A message carrying an unknown or malformed id, as an old or foreign message would.
    const old = ctx.h.fake.plantMessage(ctx.h.channel.id, {
      embeds: [{ title: 'An old card' }],
      components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Reveal answer', custom_id: customId }] }],
    });
    const r = await press(old, customId);
    expect(r.data?.flags).toBe(EPHEMERAL);
    expect(r.data?.content).toBe('This card is no longer available. Run /quiz again for a new one.');
  });

  test('GIVEN Next card THEN the message shows another card of the deck', async () => {
    const card = (await quiz({ deck: 'alpha', mode: 'choice' })).message!;
    const graded = (await press(card, buttonIds(card)[0]!)).message!;
    const next = await press(graded, idOf(graded, 'Next card'));
    expect(next.callbackType).toBe(7);
    expect(buttonLabels(next.message)).toEqual(['A', 'B', 'C', 'D']);
    expect(next.message!.embeds![0]!.footer!.text).not.toBe(card.embeds![0]!.footer!.text);
  });

  test('GIVEN autocomplete on the deck option THEN matching decks are suggested', async () => {
    const r = await ctx.h.fake.autocomplete({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', focused: { name: 'deck', value: 'al' } });
    expect(r.callbackType).toBe(8);
    expect(r.data?.choices?.map((c) => c.value)).toEqual(['alpha']);
  });

  test('GIVEN /decks, /help THEN each answers with an embed', async () => {
    const decks = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'decks' });
    expect(embedText(decks.message)).toMatch(/Alpha.*3 cards, you answered 0/);
    const help = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'help' });
    expect(embedText(help.message)).toMatch(/\/quiz deck/);
  });

  test('GIVEN a reveal id built for a real round THEN it carries no answer text', async () => {
    const card = (await quiz()).message!;
    const [round] = await ctx.database.rows<{ id: number }>(sql`select id::int from rounds order by id desc limit 1`);
    expect(buttonIds(card)).toEqual([buildCustomId({ action: 'reveal', roundId: round!.id })]);
  });
});
