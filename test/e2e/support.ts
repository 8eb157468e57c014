import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { parse } from 'yaml';
import { createBotDatabase, SHIPPED_DECKS, startBot, type BotDatabase, type BotProcess } from '../support/bot-process.js';
import { FakeDiscord, type FakeChannel, type FakeGuild, type FakeMember, type InteractionResult } from '../support/fake-discord/index.js';
import type { ApiComponent, ApiEmbed, StoredMessage } from '../support/fake-discord/types.js';

export const EPHEMERAL = 64;

/** How long a bot under test may take to start (30 s is bot-process's default; the machine may be loaded). */
const E2E_START_TIMEOUT_MS = 90_000;

/** Which database the bot processes of this run use (see test/support/database.ts). */
export const E2E_DB_KIND: 'postgres' | 'pglite' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** Fails the file at once when global setup could not build dist/ (the bot under test would be stale). */
function requireBuiltBot(): void {
  const error = inject('distBuildError');
  if (error) throw new Error(`dist/ could not be built, so the end-to-end tests cannot run the current code:\n${error}`);
}

/** A fresh database for this file's bot: on TEST_DATABASE_URL's server, or a temp PGlite directory. */
function e2eDatabase(): Promise<BotDatabase> {
  return createBotDatabase({ serverUrl: process.env.TEST_DATABASE_URL, prefix: 'deepcards_e2e' });
}

/** The bot of one test file: its fake Discord, its database and its current process. */
export interface BotUnderTest {
  readonly fake: FakeDiscord;
  readonly db: BotDatabase;
  readonly bot: BotProcess;
  /** Starts the bot again on the same database (after `bot.stop()`); a restart registers no commands. */
  relaunch(): Promise<BotProcess>;
  /**
   * Reads the database. PGlite opens its directory in one process at a time, so there the bot is
   * stopped meanwhile and started again (a few seconds).
   */
  inspect<T>(text: string, params?: unknown[]): Promise<T[]>;
}

/**
 * One bot process for the test file: the built bot (`node dist/src/index.js`, as `npm start` runs it)
 * against a fake Discord and a database of its own, started before the file's tests and removed after.
 */
export function useBot(opts: { env?: Record<string, string> } = {}): BotUnderTest {
  let fake: FakeDiscord | undefined;
  let db: BotDatabase | undefined;
  let bot: BotProcess | undefined;
  const started: BotProcess[] = [];
  const launch = async (expectRegistration: boolean): Promise<BotProcess> => {
    if (!fake || !db) throw new Error('useBot: the bot is started in beforeAll');
    // A loaded machine (the suite's other worker, other work) can make a PGlite bot take long to open its database.
    bot = await startBot({ fake, env: { ...db.env, ...opts.env }, expectRegistration, timeoutMs: E2E_START_TIMEOUT_MS });
    started.push(bot);
    return bot;
  };
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useBot: no ${what} outside the file's tests`);
    return value;
  };

  beforeAll(async () => {
    requireBuiltBot();
    fake = await FakeDiscord.start();
    db = await e2eDatabase();
    await launch(true);
  }, E2E_START_TIMEOUT_MS + 30_000);
  afterAll(async () => {
    for (const b of started) b.kill();
    await Promise.all(started.map((b) => b.exited));
    await fake?.stop();
    await db?.drop();
  });

  return {
    get fake() {
      return ready(fake, 'fake Discord');
    },
    get db() {
      return ready(db, 'database');
    },
    get bot() {
      return ready(bot, 'bot');
    },
    relaunch: () => launch(false),
    async inspect<T>(text: string, params: unknown[] = []) {
      const database = ready(db, 'database');
      if (database.kind === 'postgres') return database.query<T>(text, params);
      await ready(bot, 'bot').stop();
      try {
        return await database.query<T>(text, params);
      } finally {
        await launch(false);
      }
    },
  };
}

/** The file's bot (see useBot) with a server "Study Hall" and its #study channel in the bot's fake Discord. */
export interface StudyHall {
  readonly e2e: BotUnderTest;
  readonly fake: FakeDiscord;
  readonly guild: FakeGuild;
  readonly channel: FakeChannel;
  /** A new member of the hall: each journey has members of its own, so their points never mix. */
  member(username: string): FakeMember;
  press(user: FakeMember, message: { id: string }, customId: string): Promise<InteractionResult>;
}

/** useBot(), then the Study Hall, created before the file's tests. */
export function useStudyHall(opts: { env?: Record<string, string> } = {}): StudyHall {
  const e2e = useBot(opts);
  let place: { guild: FakeGuild; channel: FakeChannel } | undefined;
  beforeAll(() => {
    const guild = e2e.fake.addGuild({ name: 'Study Hall' });
    place = { guild, channel: e2e.fake.addChannel(guild.id, { name: 'study' }) };
  });
  const here = () => {
    if (!place) throw new Error('useStudyHall: the hall is created in beforeAll');
    return place;
  };
  return {
    e2e,
    get fake() {
      return e2e.fake;
    },
    get guild() {
      return here().guild;
    },
    get channel() {
      return here().channel;
    },
    member: (username) => e2e.fake.addMember(here().guild.id, { username }),
    press: (user, message, customId) => e2e.fake.press({ user, message: message.id, customId }),
  };
}

type MessageLike = { embeds?: ApiEmbed[]; components?: ApiComponent[] } | undefined;

function buttons(message: MessageLike): ApiComponent[] {
  return (message?.components ?? []).flatMap((row) => row.components ?? []).filter((c) => c.type === 2);
}

export function buttonLabels(message: MessageLike): string[] {
  return buttons(message).map((b) => b.label ?? '');
}

export function buttonsDisabled(message: MessageLike): boolean[] {
  return buttons(message).map((b) => b.disabled === true);
}

/** The custom id of the button labelled `label`. */
export function buttonId(message: MessageLike, label: string): string {
  const button = buttons(message).find((b) => b.label === label);
  if (!button?.custom_id) throw new Error(`no button "${label}" (buttons: ${buttonLabels(message).join(', ') || 'none'})`);
  return button.custom_id;
}

/** The first embed as text: title, description, `name: value` fields, footer. */
export function embedText(message: MessageLike): string {
  const embed = message?.embeds?.[0];
  if (!embed) return '';
  return [embed.title, embed.description, ...(embed.fields ?? []).map((f) => `${f.name}: ${f.value}`), embed.footer?.text].filter(Boolean).join('\n');
}

export function field(message: MessageLike, name: string): string | undefined {
  return message?.embeds?.[0]?.fields?.find((f) => f.name === name)?.value;
}

/** The message a callback created or updated; fails with the callback when there is none. */
export function messageOf(result: InteractionResult): StoredMessage {
  if (!result.message) throw new Error(`callback type ${result.callbackType} left no message: ${JSON.stringify(result.data)}`);
  return result.message;
}

const answers = new Map<string, string>();
/** A shipped card's answer, read from its deck file (what the bot must treat as the right option). */
export function shippedAnswer(cardId: string): string {
  if (answers.size === 0) {
    for (const file of ['cnn', 'rnn', 'ml', 'embeddings', 'transformers', 'regularization', 'clustering']) {
      const deck = parse(readFileSync(path.join(SHIPPED_DECKS, `${file}.yaml`), 'utf8')) as { cards: { id: string; answer: string }[] };
      for (const card of deck.cards) answers.set(card.id, String(card.answer).trim());
    }
  }
  const answer = answers.get(cardId);
  if (answer === undefined) throw new Error(`no shipped card ${cardId}`);
  return answer;
}

/**
 * Index (0–3) of the right option of a choice card or daily challenge, worked out as a member would
 * with the deck file open: the card id is in the footer, the options are `**A.** …` lines.
 */
export function rightOption(message: MessageLike): number {
  const embed = message?.embeds?.[0];
  const footer = embed?.footer?.text ?? '';
  const cardId = footer.startsWith('daily #') ? footer.split(' · ')[2] : footer.split(' · ')[0];
  if (!cardId) throw new Error(`no card id in the footer "${footer}"`);
  const options = [...(embed?.description ?? '').matchAll(/^\*\*([A-D])\.\*\* (.*)$/gm)].map((m) => m[2]);
  const index = options.indexOf(shippedAnswer(cardId));
  if (index < 0) throw new Error(`the answer of ${cardId} is not among the options: ${options.join(' | ')}`);
  return index;
}

/**
 * 18:00 in Europe/Berlin, unless Berlin's clock is within 15 minutes of it: the bot's own scheduler
 * runs on the real clock and would then post a challenge of its own in the middle of a test.
 */
export function quietDailyTime(now = new Date()): string {
  const [hour, minute] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(now)
    .split(':')
    .map(Number);
  return Math.abs((hour ?? 0) * 60 + (minute ?? 0) - 18 * 60) < 15 ? '06:00' : '18:00';
}

/** An HTTP answer of a bot's health and metrics server. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** GET `route` on 127.0.0.1:`port`, failing after `timeoutMs`. */
export async function httpGet(port: number, route: string, timeoutMs: number): Promise<HttpAnswer> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

/**
 * Asks `route` every 100 ms (each request bounded by `requestTimeoutMs`) until `until` holds for the
 * answer, or fails after `timeoutMs` with the last answer.
 */
export async function pollHttp(port: number, route: string, until: (a: HttpAnswer) => boolean, timeoutMs: number, requestTimeoutMs: number): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  let last: HttpAnswer | string = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      last = await httpGet(port, route, requestTimeoutMs);
      if (until(last)) return last;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`GET ${route} did not reach the expected answer within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}
