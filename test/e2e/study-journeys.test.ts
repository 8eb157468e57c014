import { describe, expect, test } from 'vitest';
import type { FakeMember } from '../support/fake-discord/index.js';
import { E2E_DB_KIND, EPHEMERAL, buttonId, buttonLabels, embedText, messageOf, shippedAnswer, useStudyHall } from './support.js';

// Typed answers (a modal and its submit) and the /stats heatmap, against the built bot in a child process.
describe(`typed-answer and heatmap journeys against the built bot, on ${E2E_DB_KIND}`, () => {
  const hall = useStudyHall();
  const { member, press } = hall;

  const quiz = (user: FakeMember, options: Record<string, string>) =>
    hall.fake.command({ user, guildId: hall.guild.id, channelId: hall.channel.id, name: 'quiz', options });
  const cardIdOf = (message: { embeds?: { footer?: { text: string } }[] } | undefined) => message?.embeds?.[0]?.footer?.text.split(' · ')[0] ?? '';

  test('GIVEN /quiz cnn mode:typed THEN a modal takes the answer, a near miss is compared and graded by the member, a match is graded Good at once', async () => {
    const dana = member('dana');
    const first = await quiz(dana, { deck: 'cnn', mode: 'typed' });
    expect(buttonLabels(first.message)).toEqual(['Type your answer']);

    // Someone else cannot open it.
    const eve = member('eve');
    const refused = await press(eve, messageOf(first), buttonId(first.message, 'Type your answer'));
    expect(refused.message?.flags).toBe(EPHEMERAL);

    const modal = await press(dana, messageOf(first), buttonId(first.message, 'Type your answer'));
    expect(modal.callbackType).toBe(9);
    const answer = shippedAnswer(cardIdOf(first.message));
    // Drop the last word: close, but not the answer.
    const nearMiss = answer.split(' ').slice(0, -1).join(' ') || 'x';
    const compared = await hall.fake.submitModal({ modal, values: { answer: nearMiss } });
    expect(compared.callbackType).toBe(7);
    expect(embedText(compared.message)).toMatch(/\*\*\d+% match\*\*/);
    expect(embedText(compared.message)).toMatch(/__[^_]+__/);
    expect(buttonLabels(compared.message)).toEqual(['Again', 'Hard', 'Good', 'Easy']);
    const graded = await press(dana, messageOf(compared), buttonId(compared.message, 'Hard'));
    expect(embedText(graded.message)).toMatch(/You said \*\*Hard\*\*\./);

    const next = await press(dana, messageOf(graded), buttonId(graded.message, 'Next card'));
    expect(buttonLabels(next.message)).toEqual(['Type your answer']);
    const modal2 = await press(dana, messageOf(next), buttonId(next.message, 'Type your answer'));
    const right = await hall.fake.submitModal({ modal: modal2, values: { answer: shippedAnswer(cardIdOf(next.message)).toUpperCase() } });
    expect(embedText(right.message)).toMatch(/\*\*exact match\*\*/);
    expect(embedText(right.message)).toMatch(/You said \*\*Good\*\*\. \+1 point · 1 in this server\./);
  });

  test('GIVEN a member who studied today THEN /stats attaches the heatmap PNG as its image, with the day counted', async () => {
    const finn = member('finn');
    const card = await quiz(finn, { deck: 'rnn', mode: 'typed' });
    const modal = await press(finn, messageOf(card), buttonId(card.message, 'Type your answer'));
    await hall.fake.submitModal({ modal, values: { answer: shippedAnswer(cardIdOf(card.message)) } });
    const stats = await hall.fake.command({ user: finn, guildId: hall.guild.id, channelId: hall.channel.id, name: 'stats' });
    expect(stats.callbackType).toBe(4);
    expect(stats.message?.embeds[0]?.image?.url).toBe('attachment://study-heatmap.png');
    expect(stats.message?.attachments.map((a) => a.filename)).toEqual(['study-heatmap.png']);
    const upload = hall.fake.requestsMatching('POST', new RegExp(`/interactions/${stats.interactionId}/`))[0]?.files[0];
    expect(upload?.data.subarray(1, 4).toString()).toBe('PNG');
    expect(upload!.data.length).toBeLessThan(100 * 1024);
    expect(embedText(stats.message)).toMatch(/Days studied: 1 of the last 365/);
  });
});
