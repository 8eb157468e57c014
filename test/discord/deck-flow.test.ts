import { describe, expect, test } from 'vitest';
import { parseDeckFile } from '../../src/decks/loader.js';
import { attachmentDownloader } from '../../src/decks/upload/download.js';
import { UploadError } from '../../src/decks/upload/errors.js';
import { TEST_DB_KIND } from '../support/database.js';
import { buildApkg, REALISTIC_NOTES } from '../support/anki-fixtures.js';
import { buttonIds, buttonLabels, embedText } from '../support/harness.js';
import { useHarness } from '../support/use-harness.js';

const EPHEMERAL = 64;
const CSV = [
  'question,answer,explanation',
  'What does the course call a neuron?,A unit,',
  'What does the course call a layer?,A stage,',
  'What does the course call a weight?,A knob,',
  'What does the course call a loss?,A penalty,',
  'What does the course call a bias?,An offset,',
  'What does the course call an epoch?,A lap,',
  'short,x,',
].join('\n');

describe(`/deck through discord.js and a fake Discord, on ${TEST_DB_KIND}`, () => {
  const ctx = useHarness();
  const attach = (filename: string, data: string | Uint8Array) => ctx.h.fake.addAttachment({ filename, data });
  const deck = (subcommand: string, options: Record<string, string | { type: number; value: string }>, user = ctx.h.admin) =>
    ctx.h.fake.command({ user, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'deck', subcommand, options });
  const importFile = async (deckId: string, filename: string, data: string | Uint8Array, extra: Record<string, string> = {}, user = ctx.h.admin) => {
    const r = await deck('import', { file: { type: 11, value: attach(filename, data).id }, deck: deckId, ...extra }, user);
    return { r, reply: r.callbackType === 5 ? await r.waitForEdit() : r.message };
  };

  test('GIVEN /deck import of a CSV THEN the reply is deferred, then edited with imported, skipped lines and a preview', async () => {
    const { r, reply } = await importFile('course-csv', 'course.csv', CSV, { title: 'Course' });
    expect(r.callbackType).toBe(5);
    expect(r.message?.flags ?? 0).toBe(EPHEMERAL | 128);
    const text = embedText(reply);
    expect(text).toMatch(/^Course · 6 cards$/m);
    expect(text).toMatch(/Imported 6 cards into `course-csv`; 1 skipped\./);
    expect(text).toMatch(/Skipped: line 8: the question is 5 characters; at least 10 are needed/);
    expect(text).toMatch(/Preview: > What does the course call a neuron\?\n\*\*Answer:\*\* A unit/);

    const quiz = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', options: { deck: 'course-csv', mode: 'choice' } });
    expect(quiz.message?.embeds?.[0]?.title).toMatch(/^Course · card \d of 6$/);
    expect(buttonLabels(quiz.message)).toEqual(['A', 'B', 'C', 'D']);
    // Members see the card's id within its deck, not the guild-scoped id it is stored by.
    expect(quiz.message?.embeds?.[0]?.footer?.text).toMatch(/^course-csv-[a-z0-9-]+ · choice$/);
  });

  test('GIVEN an .apkg THEN media dropped are counted in the summary', async () => {
    const { reply } = await importFile('anki-deck', 'ml.apkg', await buildApkg(REALISTIC_NOTES, 'anki21b'));
    expect(embedText(reply)).toMatch(/Imported 6 cards into `anki-deck`; 0 skipped\.\n2 media references \(images, sounds\) dropped/);
  });

  test('GIVEN a download that outlasts the interaction’s 2.5 s database budget THEN the import still writes its cards', async () => {
    const hold = ctx.h.fake.inject({ method: 'GET', path: /^\/attachments\// }, { delayMs: 3_000 });
    const { reply } = await importFile('slow-deck', 'course.csv', CSV);
    expect(hold.hits).toBe(1);
    expect(embedText(reply)).toMatch(/Imported 6 cards into `slow-deck`; 1 skipped\./);
  });

  test('GIVEN a member without Manage Server THEN /deck import is refused in one private line, before any download', async () => {
    const downloads = () => ctx.h.fake.requestsMatching('GET', /\/attachments\//).length;
    const before = downloads();
    const r = await deck('import', { file: { type: 11, value: attach('x.csv', CSV).id }, deck: 'nope' }, ctx.h.alice);
    expect(r.callbackType).toBe(4);
    expect(r.message?.flags).toBe(EPHEMERAL);
    expect(r.message?.content).toMatch(/^Only members with the Manage Server permission can import or remove/);
    expect(downloads()).toBe(before);
  });

  test('GIVEN a file that is not what its name says THEN the deferred reply becomes one line saying what to change', async () => {
    const { reply } = await importFile('bad-apkg', 'deck.apkg', 'question,answer\n');
    expect(reply?.content).toMatch(/^This file is not an Anki package \(an \.apkg is a zip file\)\. Export the deck again/);
    expect(reply?.content).not.toContain('\n');
    expect(reply?.embeds ?? []).toEqual([]);
  });

  test('GIVEN the CDN holds a download past the timeout THEN the download gives up with one line', async () => {
    const file = attach('slow.csv', CSV);
    const hold = ctx.h.fake.inject({ method: 'GET', path: /^\/attachments\// }, { delayMs: 3_000 });
    const started = Date.now();
    await expect(attachmentDownloader(300)(file.url, 1_000_000)).rejects.toThrow(new UploadError('Downloading the attachment took longer than 0 s. Try again in a moment.'));
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(hold.hits).toBe(1);
  });

  test('GIVEN an attachment larger than the limit THEN the download stops and says how large a file may be', async () => {
    const file = attach('big.csv', 'x'.repeat(3_000_000));
    await expect(attachmentDownloader()(file.url, 2 * 1024 * 1024)).rejects.toThrow(new UploadError('The attachment is larger than 2 MB. Split it into several decks.'));
  });

  test('GIVEN /deck show THEN five cards a page, privately, with Previous and Next', async () => {
    await importFile('show-deck', 'course.csv', CSV);
    const first = await deck('show', { deck: 'show-deck' }, ctx.h.alice);
    expect(first.message?.flags).toBe(EPHEMERAL);
    expect(embedText(first.message)).toMatch(/show-deck · page 1 of 2$/);
    expect(buttonLabels(first.message)).toEqual(['Previous', 'Next']);
    const next = await ctx.h.fake.press({ user: ctx.h.alice, message: first.message!.id, customId: buttonIds(first.message)[1]! });
    expect(next.callbackType).toBe(7);
    expect(embedText(next.message)).toMatch(/\*\*6\.\*\* > What does the course call an epoch\?/);
    expect(embedText(next.message)).toMatch(/page 2 of 2$/);
  });

  test('GIVEN /deck export THEN the YAML attachment loads as a deck file and imports back as the same cards', async () => {
    await importFile('round-trip', 'course.csv', CSV);
    const r = await deck('export', { deck: 'round-trip' }, ctx.h.alice);
    const file = r.message?.attachments?.[0];
    expect(file?.filename).toBe('round-trip.yaml');
    const yaml = ctx.h.fake.attachmentData(file!.url)!.toString('utf8');
    const loaded = parseDeckFile('round-trip.yaml', yaml);
    expect(loaded.problems).toEqual([]);
    expect(loaded.deck?.cards).toHaveLength(6);
    const { reply } = await importFile('round-trip-2', 'round-trip.yaml', yaml);
    expect(embedText(reply)).toMatch(/Imported 6 cards into `round-trip-2`; 0 skipped/);
  });

  test('GIVEN /deck remove and the confirmation THEN the deck goes; /deck list and /quiz no longer see it', async () => {
    await importFile('gone-deck', 'course.csv', CSV);
    const listed = await deck('list', {}, ctx.h.alice);
    expect(embedText(listed.message)).toMatch(new RegExp(`\`gone-deck\` — 6 cards, imported by <@${ctx.h.admin.id}>`));
    const asked = await deck('remove', { deck: 'gone-deck' });
    expect(asked.message?.content).toMatch(/^Remove `gone-deck`.*Points already earned stay\./);
    const refused = await deck('remove', { deck: 'gone-deck' }, ctx.h.alice);
    expect(refused.message?.content).toMatch(/^Only members with the Manage Server permission/);
    const done = await ctx.h.fake.press({ user: ctx.h.admin, message: asked.message!.id, customId: buttonIds(asked.message)[0]! });
    expect(done.message?.content).toBe('Removed `gone-deck` and its 6 cards. Points already earned stay.');
    const quiz = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', options: { deck: 'gone-deck' } });
    expect(quiz.message?.content).toMatch(/^There is no deck called "gone-deck"/);
  });

  test('GIVEN a server deck THEN autocomplete offers it in that server and a DM does not', async () => {
    await importFile('auto-deck', 'course.csv', CSV, { title: 'Autocomplete course' });
    const inGuild = await ctx.h.fake.autocomplete({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', focused: { name: 'deck', value: 'auto' } });
    expect(inGuild.data?.choices).toEqual([{ name: 'Autocomplete course (auto-deck) · 6 cards', value: 'auto-deck' }]);
    const inDm = await ctx.h.fake.autocomplete({ user: ctx.h.alice, name: 'quiz', focused: { name: 'deck', value: 'auto' } });
    expect(inDm.data?.choices).toEqual([]);
    const dmQuiz = await ctx.h.fake.command({ user: ctx.h.alice, name: 'quiz', options: { deck: 'auto-deck' } });
    expect(dmQuiz.message?.content).toMatch(/^There is no deck called "auto-deck"/);
  });
});
