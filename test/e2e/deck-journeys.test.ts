import { describe, expect, test } from 'vitest';
import { E2E_DB_KIND, buttonId, buttonLabels, embedText, field, messageOf, useStudyHall } from './support.js';

// The built bot in a child process: it downloads the attachment from the fake Discord's CDN URL.
describe(`/deck journeys against the built bot in a child process, on ${E2E_DB_KIND}`, () => {
  const hall = useStudyHall();
  const { member, press } = hall;

  test('GIVEN an admin imports a CSV with /deck import THEN a member studies it with /quiz, grades Good, and /stats shows the point', async () => {
    const admin = hall.fake.addMember(hall.guild.id, { username: 'deck-admin', permissions: ['ManageGuild'] });
    const file = hall.fake.addAttachment({
      filename: 'ml-exam.csv',
      data: 'front,back,extra\n"What does a ReLU output for a negative input?",Zero,"max(0, x)"\nWhich optimiser keeps per-parameter learning rates?,Adam,\n',
    });
    const imported = await hall.fake.command({
      user: admin,
      guildId: hall.guild.id,
      channelId: hall.channel.id,
      name: 'deck',
      subcommand: 'import',
      options: { file: { type: 11, value: file.id }, deck: 'ml-exam', title: 'ML exam' },
    });
    expect(imported.callbackType).toBe(5);
    expect(embedText(await imported.waitForEdit(10_000))).toMatch(/Imported 2 cards into `ml-exam`; 0 skipped\./);

    const dana = member('dana');
    const card = await hall.fake.command({ user: dana, guildId: hall.guild.id, channelId: hall.channel.id, name: 'quiz', options: { deck: 'ml-exam' } });
    expect(card.message?.embeds[0]?.title).toMatch(/^ML exam · card [12] of 2$/);
    const revealed = await press(dana, messageOf(card), buttonId(card.message, 'Reveal answer'));
    expect(embedText(revealed.message)).toMatch(/\*\*Answer:\*\* (Zero|Adam)/);
    const graded = await press(dana, messageOf(revealed), buttonId(revealed.message, 'Good'));
    expect(embedText(graded.message)).toMatch(/You said \*\*Good\*\*\. \+1 point · 1 in this server\./);
    expect(buttonLabels(graded.message)).toEqual(['Next card']);

    const stats = await hall.fake.command({ user: dana, guildId: hall.guild.id, channelId: hall.channel.id, name: 'stats' });
    expect(field(stats.message, 'Points')).toBe('1');
    expect(field(stats.message, 'By deck')).toMatch(/\*\*ML exam\*\*: 1 answered · 100% right/);
  });
});
