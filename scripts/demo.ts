// `npm run demo`: the real bot (src/index.ts, run by tsx in a child process) against the fake Discord
// on 127.0.0.1, on a throwaway embedded PGlite database, driven through a scripted session. Prints
// what each member typed and what they saw. Needs no token, no network and no build.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createBotDatabase, SHIPPED_DECKS, startBot, type BotDatabase, type BotProcess } from '../test/support/bot-process.js';
import { FakeDiscord, type FakeChannel, type FakeMember, type InteractionResult } from '../test/support/fake-discord/index.js';
import type { ApiComponent, ApiEmbed, StoredMessage } from '../test/support/fake-discord/types.js';

const WIDTH = 92;
const EPHEMERAL = 64;
const names = new Map<string, string>();
const print = (line = ''): void => void process.stdout.write(`${line}\n`);

/** Mentions, channels and timestamps as a Discord client would show them. */
function humanize(text: string): string {
  return text
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${names.get(id) ?? id}`)
    .replace(/<#(\d+)>/g, (_, id: string) => `#${names.get(id) ?? id}`)
    .replace(/<t:(\d+):[A-Za-z]>/g, (_, s: string) => new Date(Number(s) * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of humanize(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

function embedLines(embed: ApiEmbed): string[] {
  const lines: string[] = [];
  if (embed.title) lines.push(`┌ ${humanize(embed.title)}`);
  const body: string[] = [];
  if (embed.description) body.push(...wrap(embed.description, WIDTH - 4));
  for (const f of embed.fields ?? []) {
    const value = wrap(f.value, WIDTH - 8);
    body.push(`${f.name}: ${value[0] ?? ''}`, ...value.slice(1).map((v) => `    ${v}`));
  }
  if (embed.footer?.text) body.push('', ...wrap(embed.footer.text, WIDTH - 4).map((l) => `· ${l}`));
  lines.push(...body.map((l) => `│ ${l}`.trimEnd()));
  lines.push('└');
  return lines;
}

function buttonRow(components: ApiComponent[]): string {
  return components
    .flatMap((row) => row.components ?? [])
    .filter((c) => c.type === 2)
    .map((b) => (b.disabled ? `[${b.label} (disabled)]` : `[${b.label}]`))
    .join(' ');
}

/** A message as its reader sees it, indented under the action that produced it. */
function show(message: Pick<StoredMessage, 'content' | 'embeds' | 'components' | 'flags'> | undefined, viewer: string | undefined, heading?: string): void {
  if (!message) {
    print('    (nothing)');
    return;
  }
  const ephemeral = ((message.flags ?? 0) & EPHEMERAL) !== 0;
  if (heading) print(`    ${heading}`);
  if (ephemeral && viewer) print(`    (only ${viewer} sees this)`);
  for (const line of wrap(message.content ?? '', WIDTH).filter((l, i, all) => l || i < all.length - 1)) print(`    ${line}`);
  for (const embed of message.embeds ?? []) for (const line of embedLines(embed)) print(`    ${line}`);
  const buttons = buttonRow(message.components ?? []);
  if (buttons) print(`    ${buttons}`);
  print();
}

function buttonIdOf(message: StoredMessage | undefined, label: string): string {
  const button = (message?.components ?? []).flatMap((row) => row.components ?? []).find((c) => c.label === label);
  if (!button?.custom_id) throw new Error(`demo: no button "${label}" on the message`);
  return button.custom_id;
}

function cardAnswers(): Map<string, string> {
  const map = new Map<string, string>();
  const deck = parse(readFileSync(path.join(SHIPPED_DECKS, 'cnn.yaml'), 'utf8')) as { cards: { id: string; answer: string }[] };
  for (const card of deck.cards) map.set(card.id, String(card.answer).trim());
  return map;
}

/** The letter of the right option, as someone who knows the deck would pick it. */
function rightLetter(message: StoredMessage | undefined): string {
  const embed = message?.embeds[0];
  const footer = embed?.footer?.text ?? '';
  const cardId = footer.startsWith('daily #') ? footer.split(' · ')[2] : footer.split(' · ')[0];
  const answer = cardAnswers().get(cardId ?? '');
  const option = [...(embed?.description ?? '').matchAll(/^\*\*([A-D])\.\*\* (.*)$/gm)].find((m) => m[2] === answer);
  if (!option?.[1]) throw new Error(`demo: cannot find the right option of ${cardId}`);
  return option[1];
}

async function main(): Promise<void> {
  let fake: FakeDiscord | undefined;
  let db: BotDatabase | undefined;
  let bot: BotProcess | undefined;
  try {
    fake = await FakeDiscord.start();
    const guild = fake.addGuild({ name: 'Study Hall' });
    const study = fake.addChannel(guild.id, { name: 'study' });
    const daily = fake.addChannel(guild.id, { name: 'daily' });
    const alice = fake.addMember(guild.id, { username: 'alice' });
    const bob = fake.addMember(guild.id, { username: 'bob' });
    const carol = fake.addMember(guild.id, { username: 'carol' });
    const admin = fake.addMember(guild.id, { username: 'admin', permissions: ['ManageGuild'] });
    for (const x of [alice, bob, carol, admin]) names.set(x.id, x.username);
    for (const c of [study, daily]) names.set(c.id, c.name);
    db = await createBotDatabase({ prefix: 'deepcards_demo' });

    print('deepcards offline demo');
    print(`The real bot (node --import tsx src/index.ts) against a fake Discord on ${fake.apiUrl.replace('/api', '')},`);
    print(`with the shipped decks and a throwaway PGlite database in ${db.where}.`);
    print('Server "Study Hall": #study and #daily; members alice, bob, carol and admin (Manage Server).');
    print();
    print('Starting the bot (PGlite creates and migrates its database first; a few seconds)…');
    const started = Date.now();
    const fakeRef = fake;
    bot = await startBot({ fake, env: { ...db.env, LOG_LEVEL: 'warn' }, args: ['--import', 'tsx', 'src/index.ts'], timeoutMs: 60_000 });
    print(`Connected and commands registered after ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    print();

    const type = async (who: FakeMember, channel: FakeChannel, name: string, options: Record<string, string> = {}, subcommand?: string) => {
      const shown = Object.entries(options).map(([k, v]) => `${k}:${names.has(v) ? `#${names.get(v)}` : v}`);
      print(`${who.username} › /${[name, subcommand].filter(Boolean).join(' ')}${shown.length ? ` ${shown.join(' ')}` : ''}`);
      const r = await fakeRef.command({ user: who, guildId: guild.id, channelId: channel.id, name, options, ...(subcommand ? { subcommand } : {}) });
      show(r.message, who.username);
      return r;
    };
    const press = async (who: FakeMember, message: StoredMessage | undefined, label: string): Promise<InteractionResult> => {
      if (!message) throw new Error('demo: nothing to press');
      const owner = message.interaction_metadata?.user.username;
      const whose = owner ? (owner === who.username ? 'their' : `${owner}'s`) : 'the';
      print(`${who.username} presses [${label}] on ${whose} ${message.embeds[0]?.title?.startsWith('Daily') ? 'daily challenge' : 'card'}`);
      const r = await fakeRef.press({ user: who, message: message.id, customId: buttonIdOf(message, label) });
      show(r.message, who.username, r.callbackType === 7 ? '(the card changes to)' : undefined);
      return r;
    };

    print('── 1. A flashcard ' + '─'.repeat(WIDTH - 18));
    const card = await type(alice, study, 'quiz', { deck: 'cnn' });
    const revealed = await press(alice, card.message, 'Reveal answer');
    const graded = await press(alice, revealed.message, 'Good');

    print('── 2. Someone else\'s card ' + '─'.repeat(WIDTH - 26));
    await press(bob, graded.message, 'Next card');

    print('── 3. Multiple choice ' + '─'.repeat(WIDTH - 22));
    const choice = await type(bob, study, 'quiz', { deck: 'cnn', mode: 'choice' });
    await press(bob, choice.message, rightLetter(choice.message));

    print('── 4. The daily challenge ' + '─'.repeat(WIDTH - 26));
    await type(admin, study, 'daily', { channel: daily.id, time: '18:00', timezone: 'Europe/Berlin', deck: 'cnn' }, 'setup');
    await type(admin, study, 'daily', {}, 'now');
    const post = fake.messages(daily.id).find((m) => m.embeds[0]?.footer?.text.startsWith('daily #'));
    show(post, undefined, 'deepcards posts in #daily:');
    const right = rightLetter(post);
    const wrong = ['A', 'B', 'C', 'D'].find((l) => l !== right) ?? 'A';
    await press(alice, post, right);
    await press(bob, post, right);
    await press(carol, post, wrong);

    print('── 5. Standings ' + '─'.repeat(WIDTH - 16));
    await type(carol, study, 'leaderboard');
    await type(alice, study, 'stats');

    const exit = await bot.stop('SIGTERM');
    bot = undefined;
    print(`The bot shut down on SIGTERM in ${exit.ms} ms (exit code ${exit.code}); the demo database is removed.`);
    if (exit.code !== 0) process.exitCode = 1;
  } catch (error) {
    process.exitCode = 1;
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (bot) process.stderr.write(`bot output:\n${bot.output()}\n`);
  } finally {
    if (bot) {
      bot.kill();
      await bot.exited;
    }
    await fake?.stop();
    await db?.drop();
  }
}

await main();
