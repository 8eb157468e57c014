import { sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { TEST_DB_KIND } from '../support/database.js';
import { buttonIds, buttonLabels, embedText } from '../support/harness.js';
import { useHarness } from '../support/use-harness.js';

const EPHEMERAL = 64;

describe(`/review through discord.js and a fake Discord, on ${TEST_DB_KIND}`, () => {
  const ctx = useHarness();

  const reviewCmd = (options: Record<string, string> = {}, guild = true) =>
    ctx.h.fake.command({ user: ctx.h.alice, ...(guild ? { guildId: ctx.h.guild.id, channelId: ctx.h.channel.id } : {}), name: 'review', options });
  const pressLabel = async (message: { id: string; components?: unknown[] }, prefix: string, user = ctx.h.alice) => {
    const labels = buttonLabels(message as never);
    const i = labels.findIndex((l) => l.startsWith(prefix));
    if (i < 0) throw new Error(`no ${prefix} in ${labels.join(', ')}`);
    return ctx.h.fake.press({ user, message: message.id, customId: buttonIds(message as never)[i]! });
  };

  test('GIVEN /review THEN cards come one after another with interval labels, until a summary says when the next is due', async () => {
    await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'review-settings', options: { new_per_day: 2 } });
    const first = await reviewCmd({ deck: 'alpha' });
    expect(first.data?.flags).toBe(EPHEMERAL);
    expect(first.message!.embeds![0]!.title).toMatch(/^Review · Alpha · card \d of 3$/);
    const revealed = await pressLabel(first.message!, 'Reveal answer');
    // Good and Easy graduate a new card to days (FSRS fuzzes them slightly); Again and Hard keep it within minutes.
    expect(buttonLabels(revealed.message)).toEqual(['Again · 1m', 'Hard · 2m', expect.stringMatching(/^Good · [1-3]d$/), expect.stringMatching(/^Easy · [5-9]d$/)]);
    const second = await pressLabel(revealed.message!, 'Good');
    expect(second.callbackType).toBe(7);
    expect(second.message!.embeds![0]!.description).toMatch(/^-# alpha-\w+: You said \*\*Good\*\*\. \+1 point.* Back in [1-3]d\.\n/);
    expect(buttonLabels(second.message)).toEqual(['Reveal answer']);
    const revealed2 = await pressLabel(second.message!, 'Reveal answer');
    const done = await pressLabel(revealed2.message!, 'Good');
    expect(embedText(done.message)).toMatch(/You reviewed \*\*2\*\* cards\. Nothing else is due right now\.\nNext card due <t:\d+:R>\.\nYou have met today's new-card limit/);
    expect(buttonLabels(done.message)).toEqual([]);
  });

  test('GIVEN someone else presses a review card THEN they are refused', async () => {
    const first = await reviewCmd();
    // Ephemeral: only alice can see it on Discord; the fake enforces that, so this checks the bot's own rule via a planted copy.
    const copy = ctx.h.fake.plantMessage(ctx.h.channel.id, { embeds: first.message!.embeds, components: first.message!.components });
    const r = await ctx.h.fake.press({ user: ctx.h.bob, message: copy.id, customId: buttonIds(first.message)[0]! });
    expect(r.data?.content).toMatch(/belongs to <@\d+>\. Run \/review to get a card of your own/);
  });

  test('GIVEN /review in a DM THEN it works and earns no points', async () => {
    const first = await reviewCmd({}, false);
    expect(first.callbackType).toBe(4);
    const revealed = await pressLabel(first.message!, 'Reveal answer');
    const next = await pressLabel(revealed.message!, 'Easy');
    expect(next.message!.embeds![0]!.description).not.toMatch(/point/);
    const [row] = await ctx.database.rows<{ n: number }>(sql`select count(*)::int as n from member_stats`);
    expect(row?.n).toBe(0);
    const [mem] = await ctx.database.rows<{ n: number }>(sql`select count(*)::int as n from card_memory`);
    expect(mem?.n).toBe(1);
  });

  test('GIVEN reviews THEN /stats shows cards due today and tomorrow, learned per deck and retention', async () => {
    const first = await reviewCmd({ deck: 'alpha' });
    const revealed = await pressLabel(first.message!, 'Reveal answer');
    await pressLabel(revealed.message!, 'Again');
    const stats = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'stats' });
    const fields = Object.fromEntries(stats.message!.embeds![0]!.fields!.map((f) => [f.name, f.value]));
    expect(fields['Due']).toBe('1 today · 0 tomorrow');
    expect(fields['Retention (30 days)']).toBe('—');
    expect(fields['Learned']).toMatch(/No cards learned yet/);
  });

  test('GIVEN /review-settings with a bad timezone THEN an ephemeral error suggests names and nothing is saved', async () => {
    const r = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'review-settings', options: { timezone: 'Europe/Pari' } });
    expect(r.data?.flags).toBe(EPHEMERAL);
    expect(r.data?.content).toMatch(/not an IANA timezone\. Did you mean `Europe\/Paris`/);
    const shown = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'review-settings' });
    expect(embedText(shown.message)).toMatch(/Timezone: UTC/);
  });
});
