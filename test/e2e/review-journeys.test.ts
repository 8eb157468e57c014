import { describe, expect, test } from 'vitest';
import { E2E_DB_KIND, EPHEMERAL, buttonId, buttonLabels, embedText, field, messageOf, useStudyHall } from './support.js';

// The /review loop against the built bot in a child process, in a server and in DMs.
describe(`/review journeys against the built bot in a child process, on ${E2E_DB_KIND}`, () => {
  const hall = useStudyHall();
  const { member, press } = hall;

  test('GIVEN /review with two new cards a day THEN each card is revealed with its intervals and graded, until a summary says when the next is due', async () => {
    const rosa = member('rosa');
    const settings = await hall.fake.command({ user: rosa, guildId: hall.guild.id, channelId: hall.channel.id, name: 'review-settings', options: { new_per_day: 2 } });
    expect(settings.data?.flags).toBe(EPHEMERAL);
    expect(field(settings.message, 'New cards per day')).toBe('2');

    let card = messageOf(await hall.fake.command({ user: rosa, guildId: hall.guild.id, channelId: hall.channel.id, name: 'review', options: { deck: 'rnn' } }));
    expect(card.flags).toBe(EPHEMERAL);
    const seen: string[] = [];
    for (const grade of ['Good', 'Again']) {
      expect(card.embeds[0]?.title).toMatch(/^Review · RNNs and LSTMs · card \d+ of \d+$/);
      seen.push(card.embeds[0]!.footer!.text);
      const revealed = messageOf(await press(rosa, card, buttonId(card, 'Reveal answer')));
      const labels = buttonLabels(revealed);
      expect(labels).toEqual([expect.stringMatching(/^Again · \d+m$/), expect.stringMatching(/^Hard · \d+m$/), expect.stringMatching(/^Good · \d+d$/), expect.stringMatching(/^Easy · \d+d$/)]);
      const next = await press(rosa, revealed, buttonId(revealed, labels.find((l) => l.startsWith(grade))!));
      expect(next.callbackType).toBe(7);
      card = messageOf(next);
    }
    expect(new Set(seen).size).toBe(2);
    expect(embedText(card)).toMatch(/You reviewed \*\*2\*\* cards\. Nothing else is due right now\.\nNext card due <t:\d+:R>\./);
    expect(buttonLabels(card)).toEqual([]);

    const stats = await hall.fake.command({ user: rosa, guildId: hall.guild.id, channelId: hall.channel.id, name: 'stats' });
    expect(field(stats.message, 'Points')).toBe('1');
    expect(field(stats.message, 'Due')).toBe('1 today · 0 tomorrow');
  });

  test('GIVEN /review in a DM THEN the same loop works there and earns no points', async () => {
    const sam = member('sam');
    const first = messageOf(await hall.fake.command({ user: sam, name: 'review' }));
    expect(first.embeds[0]?.title).toMatch(/^Review · /);
    const revealed = messageOf(await press(sam, first, buttonId(first, 'Reveal answer')));
    const next = messageOf(await press(sam, revealed, buttonLabels(revealed).map((l) => buttonId(revealed, l))[2]!));
    expect(next.embeds[0]?.description).toMatch(/^-# [a-z0-9-]+: You said \*\*Good\*\*\. Back in \d+d\./);
    const stats = await hall.fake.command({ user: sam, guildId: hall.guild.id, channelId: hall.channel.id, name: 'stats' });
    expect(field(stats.message, 'Points')).toBe('0');
    expect(field(stats.message, 'Learned')).toMatch(/: 1\/\d+$/);
  });
});
