import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { TEST_DB_KIND } from '../support/database.js';
import { buttonIds } from '../support/harness.js';
import { useHarness } from '../support/use-harness.js';

describe(`/stats with the study heatmap, on ${TEST_DB_KIND}`, () => {
  const ctx = useHarness('2026-03-10T12:00:00Z');
  const stats = (user = ctx.h.alice) => ctx.h.fake.command({ user, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'stats' });
  const uploaded = (interactionId: string) => {
    const request = ctx.h.fake.requestsMatching('POST', new RegExp(`/interactions/${interactionId}/[^/]+/callback$`))[0];
    return request?.files ?? [];
  };
  const field = (message: { embeds: { fields?: { name: string; value: string }[] }[] } | undefined, name: string) =>
    message?.embeds[0]?.fields?.find((f) => f.name === name)?.value;

  test('GIVEN a member with no history THEN /stats attaches an empty calendar as the embed image', async () => {
    const r = await stats();
    expect(r.callbackType).toBe(4);
    const [file] = uploaded(r.interactionId);
    expect(file?.filename).toBe('study-heatmap.png');
    expect(file!.data.length).toBeLessThan(100 * 1024);
    expect(PNG.sync.read(file!.data).width).toBeGreaterThan(700);
    expect(r.message?.attachments.map((a) => a.filename)).toEqual(['study-heatmap.png']);
    expect(r.message?.embeds[0]?.image?.url).toBe('attachment://study-heatmap.png');
    expect(field(r.message, 'Days studied')).toBe('0 of the last 365');
    expect(field(r.message, 'Calendar streak')).toBe('0 days · best 0 days');
    expect(field(r.message, 'Busiest day')).toBe('—');
  });

  test('GIVEN cards graded on two days in the member’s timezone THEN the calendar counts them there', async () => {
    await ctx.h.fake.command({ user: ctx.h.alice, name: 'review-settings', options: { timezone: 'America/St_Johns' } });
    const grade = async () => {
      const card = (await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', options: { deck: 'alpha' } })).message!;
      const revealed = await ctx.h.fake.press({ user: ctx.h.alice, message: card.id, customId: buttonIds(card)[0]! });
      await ctx.h.fake.press({ user: ctx.h.alice, message: card.id, customId: buttonIds(revealed.message)[2]! });
    };
    // 02:00 UTC on the 10th is still the 9th in St John's (UTC−3:30); 04:00 UTC is the 10th.
    ctx.h.clock.set('2026-03-10T02:00:00Z');
    await grade();
    ctx.h.clock.set('2026-03-10T04:00:00Z');
    await grade();
    await grade();
    const r = await stats();
    expect(field(r.message, 'Days studied')).toBe('2 of the last 365');
    expect(field(r.message, 'Calendar streak')).toBe('2 days · best 2 days');
    expect(field(r.message, 'Busiest day')).toBe('Tue 10 Mar 2026 · 2 cards');
    expect(r.message?.embeds[0]?.footer?.text).toMatch(/Calendar days in America\/St_Johns\.$/);
  });
});
