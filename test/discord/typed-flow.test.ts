import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { TEST_DB_KIND } from '../support/database.js';
import type { InteractionResult } from '../support/fake-discord/index.js';
import { buttonIds, buttonLabels, embedText } from '../support/harness.js';
import { useHarness } from '../support/use-harness.js';

const EPHEMERAL = 64;
const PRIMARY = 1;

describe(`typed answers through discord.js, the router and a fake Discord, on ${TEST_DB_KIND}`, () => {
  const ctx = useHarness();

  const typedCard = async (user = ctx.h.alice) =>
    (await ctx.h.fake.command({ user, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', options: { deck: 'alpha', mode: 'typed' } })).message!;
  const open = (message: { id: string }, user = ctx.h.alice) => ctx.h.fake.press({ user, message: message.id, customId: buttonIds(message as never)[0]! });
  const submit = (modal: InteractionResult, answer: string, user?: typeof ctx.h.alice) => ctx.h.fake.submitModal({ modal, values: { answer }, ...(user ? { user } : {}) });
  const cardAnswer = async () => {
    const [row] = await ctx.database.rows<{ card_id: string }>(sql`select card_id from rounds order by id desc limit 1`);
    return (await ctx.h.apps[0]!.context.decks.cardById(row!.card_id))!.answer;
  };
  const points = () => ctx.database.rows<{ n: number }>(sql`select coalesce(sum(points), 0)::int as n from answers`);

  test('GIVEN /quiz mode:typed THEN the card has a Type your answer button that opens a modal with one 400-character paragraph input', async () => {
    const card = await typedCard();
    expect(buttonLabels(card)).toEqual(['Type your answer']);
    expect(buttonIds(card)[0]).toMatch(/^v1:ty:\d+$/);
    expect(card.embeds[0]!.footer?.text).toMatch(/· typed$/);
    const modal = await open(card);
    expect(modal.callbackType).toBe(9);
    expect(modal.data?.custom_id).toMatch(/^v1:ta:\d+$/);
    expect(modal.data?.components).toEqual([
      { type: 18, label: 'Your answer', component: { type: 4, custom_id: 'answer', style: 2, max_length: 400, required: true } },
    ]);
  });

  test('GIVEN the right answer typed THEN the card shows both answers and is graded Good with its point', async () => {
    const card = await typedCard();
    const answer = await cardAnswer();
    const graded = await submit(await open(card), answer.toLowerCase());
    expect(graded.callbackType).toBe(7);
    expect(graded.message?.id).toBe(card.id);
    const text = embedText(graded.message);
    expect(text).toContain(`**Your answer:**`);
    expect(text).toMatch(/\*\*exact match\*\*/);
    expect(text).toContain(`**Answer:** ${answer}`);
    expect(text).toMatch(/You said \*\*Good\*\*\. \+1 point · 1 in this server/);
    expect(buttonLabels(graded.message)).toEqual(['Next card']);
  });

  test('GIVEN a wrong answer THEN the differences and score show, with the suggested grade as the one primary button', async () => {
    const card = await typedCard();
    const compared = await submit(await open(card), 'banana *bold* <@123>');
    expect(compared.callbackType).toBe(7);
    const text = embedText(compared.message);
    expect(text).toMatch(/\*\*\d{1,2}% match\*\*/);
    expect(text).toContain('banana \\*bold\\*');
    expect(text).toMatch(/~~banana bold 123~~/);
    expect(buttonLabels(compared.message)).toEqual(['Again', 'Hard', 'Good', 'Easy']);
    const styles = (compared.message!.components[0]!.components ?? []).map((b) => b.style);
    expect(styles).toEqual([PRIMARY, 2, 2, 2]);
    expect(await points()).toEqual([{ n: 0 }]);
    const graded = await ctx.h.fake.press({ user: ctx.h.alice, message: card.id, customId: buttonIds(compared.message)[2]! });
    expect(embedText(graded.message)).toMatch(/You said \*\*Good\*\*\. \+1 point/);
    expect(embedText(graded.message)).toContain('~~banana bold 123~~');
  });

  test("GIVEN bob presses alice's Type your answer, or submits her modal THEN only he sees a refusal and nothing is recorded", async () => {
    const card = await typedCard();
    const refused = await open(card, ctx.h.bob);
    expect(refused.callbackType).toBe(4);
    expect(refused.message?.flags).toBe(EPHEMERAL);
    expect(refused.message?.content).toMatch(/belongs to <@\d+>/);
    const crafted = await submit(await open(card), await cardAnswer(), ctx.h.bob);
    expect(crafted.callbackType).toBe(4);
    expect(crafted.message?.flags).toBe(EPHEMERAL);
    expect(crafted.message?.content).toMatch(/belongs to/);
    expect(ctx.h.fake.message(card.id)?.embeds[0]?.description).not.toContain('Your answer');
    expect(await points()).toEqual([{ n: 0 }]);
  });

  test('GIVEN the modal opened twice and both submitted THEN the second submit records nothing and says so', async () => {
    const card = await typedCard();
    const first = await open(card);
    const second = await open(card);
    await submit(first, await cardAnswer());
    const again = await submit(second, await cardAnswer());
    expect(again.callbackType).toBe(4);
    expect(again.message?.flags).toBe(EPHEMERAL);
    expect(again.message?.content).toMatch(/already answered/);
    expect(await points()).toEqual([{ n: 1 }]);
    expect(buttonLabels(ctx.h.fake.message(card.id))).toEqual(['Next card']);
  });

  test('GIVEN /review typed:true THEN the card asks to type the answer, and a typed answer moves on to the next due card', async () => {
    const r = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'review', options: { deck: 'alpha', typed: true } });
    expect(r.message?.flags).toBe(EPHEMERAL);
    expect(buttonLabels(r.message)).toEqual(['Type your answer']);
    const modal = await open(r.message!);
    const compared = await submit(modal, 'something unrelated');
    expect(buttonLabels(compared.message).map((l) => l.split(' · ')[0])).toEqual(['Again', 'Hard', 'Good', 'Easy']);
    const next = await ctx.h.fake.press({ user: ctx.h.alice, message: compared.message!.id, customId: buttonIds(compared.message)[0]! });
    expect(`${next.message?.content ?? ''}\n${embedText(next.message)}`).toMatch(/You said \*\*Again\*\*/);
    expect(buttonLabels(next.message)).toEqual(['Type your answer']);
  });
});
