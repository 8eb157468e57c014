import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBotDatabase, REPO_ROOT, startBot, type BotDatabase, type BotProcess } from '../support/bot-process.js';
import { FakeDiscord, type FakeChannel, type FakeGuild, type FakeMember } from '../support/fake-discord/index.js';
import type { StoredMessage } from '../support/fake-discord/types.js';
import { buttonId, buttonLabels, messageOf, rightOption } from './support.js';

const run = promisify(execFile);
const COPY_SCRIPT = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'db-copy.js');
const COPY_TIMEOUT_MS = 60_000;
const LETTERS = ['A', 'B', 'C', 'D'];
const serverUrl = process.env.TEST_DATABASE_URL;

/** `npm run db:copy -- --to <url>` as the compiled script, with PGLITE_DIR pointing at the source. */
async function dbCopy(pgliteDir: string, to: string): Promise<{ code: number; output: string }> {
  const env = { ...process.env, PGLITE_DIR: pgliteDir, DATABASE_URL: '', NODE_OPTIONS: '' };
  try {
    const { stdout, stderr } = await run(process.execPath, [COPY_SCRIPT, '--to', to], { cwd: REPO_ROOT, env, timeout: COPY_TIMEOUT_MS });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

// A server's history on the embedded database (quiz, choice, review, settings, a daily challenge with
// answers), copied with db:copy to PostgreSQL; the bot then runs there and every member's /stats reads
// the same. Needs a PostgreSQL server, so it runs on the suite's PostgreSQL pass only.
describe.skipIf(!serverUrl)('db:copy from PGlite to PostgreSQL', () => {
  let fake: FakeDiscord;
  let source: BotDatabase;
  let target: BotDatabase;
  const bots: BotProcess[] = [];
  let guild: FakeGuild;
  let study: FakeChannel;
  let members: FakeMember[];

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    guild = fake.addGuild({ name: 'Moving Hall' });
    study = fake.addChannel(guild.id, { name: 'study' });
    source = await createBotDatabase({ prefix: 'deepcards_copy' });
    target = await createBotDatabase({ serverUrl, prefix: 'deepcards_copy' });
    members = ['ada', 'ben', 'cyd'].map((username) => fake.addMember(guild.id, { username }));
  });
  afterAll(async () => {
    for (const bot of bots) bot.kill();
    await Promise.all(bots.map((b) => b.exited));
    await fake.stop();
    await source.drop();
    await target.drop();
  });

  const command = (user: FakeMember, name: string, options: Record<string, string> = {}, subcommand?: string) =>
    fake.command({ user, guildId: guild.id, channelId: study.id, name, options, ...(subcommand ? { subcommand } : {}) });
  const press = (user: FakeMember, message: StoredMessage, label: string) => fake.press({ user, message: message.id, customId: buttonId(message, label) });
  const allStats = async () => {
    const seen: unknown[] = [];
    for (const user of members) seen.push((await command(user, 'stats')).message?.embeds[0]?.fields);
    seen.push((await command(members[0]!, 'leaderboard')).message?.embeds[0]?.description);
    return seen;
  };

  test('GIVEN a history on PGlite THEN db:copy moves it to an empty PostgreSQL, the bot runs there with the same /stats, and a second copy is refused', async () => {
    const [ada, ben, cyd] = members as [FakeMember, FakeMember, FakeMember];
    bots.push(await startBot({ fake, env: source.env, timeoutMs: 60_000 }));
    for (const [user, grade] of [[ada, 'Good'], [ben, 'Easy'], [ada, 'Again']] as const) {
      const card = messageOf(await command(user, 'quiz', { deck: 'cnn' }));
      await press(user, messageOf(await press(user, card, 'Reveal answer')), grade);
    }
    const choice = messageOf(await command(cyd, 'quiz', { deck: 'rnn', mode: 'choice' }));
    await press(cyd, choice, LETTERS[rightOption(choice)]!);
    await command(ben, 'review-settings', { new_per_day: '3' });
    const review = messageOf(await command(ben, 'review', { deck: 'ml' }));
    const revealed = messageOf(await press(ben, review, 'Reveal answer'));
    await press(ben, revealed, buttonLabels(revealed).find((l) => l.startsWith('Good'))!);
    const admin = fake.addMember(guild.id, { username: 'admin', permissions: ['ManageGuild'] });
    const daily = fake.addChannel(guild.id, { name: 'daily' });
    await command(admin, 'daily', { channel: daily.id, time: '18:00', timezone: 'Europe/Berlin', deck: 'cnn' }, 'setup');
    await command(admin, 'daily', {}, 'now');
    const post = fake.messages(daily.id).find((m) => m.embeds[0]?.footer?.text.startsWith('daily #'));
    expect(post).toBeDefined();
    const right = rightOption(post);
    await press(ada, post!, LETTERS[right]!);
    await press(cyd, post!, LETTERS[(right + 1) % 4]!);
    const before = await allStats();
    await bots[0]!.stop();

    const copied = await dbCopy(source.where, target.env.DATABASE_URL!);
    expect(copied.output).toMatch(/^OK: \d+ tables, \d+ rows copied and verified/m);
    expect(copied.code).toBe(0);
    expect(copied.output).toMatch(/^ {2}answers +\d+ rows {2}\d+ points$/m);
    const [pgPoints] = await target.query<{ points: string }>('select sum(points)::text as points from member_stats');
    const [litePoints] = await source.query<{ points: string }>('select sum(points)::text as points from member_stats');
    expect(pgPoints?.points).toBe(litePoints?.points);
    expect(Number(pgPoints?.points)).toBeGreaterThan(10);

    // The commands' registration hash came along, so the bot on PostgreSQL registers nothing anew.
    bots.push(await startBot({ fake, env: target.env, expectRegistration: false, timeoutMs: 60_000 }));
    expect(await allStats()).toEqual(before);
    // Identity sequences came along too: new rows do not collide with copied ones.
    const card = messageOf(await command(cyd, 'quiz', { deck: 'cnn' }));
    expect({ content: card.content, buttons: buttonLabels(card) }).toEqual({ content: '', buttons: ['Reveal answer'] });
    await bots[1]!.stop();

    const again = await dbCopy(source.where, target.env.DATABASE_URL!);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/^error: the target database already holds data \(in .*answers.*\); db:copy only copies into an empty database/m);
  }, 180_000);
});
