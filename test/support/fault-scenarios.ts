import { RESTARTING, UNAVAILABLE } from '../../src/discord/router.js';
import { startBot, type BotDatabase, type BotExit } from './bot-process.js';
import type { FakeChannel, FakeDiscord, FakeGuild, InteractionResult } from './fake-discord/index.js';
import { TcpProxy } from './tcp-proxy.js';

/** What a member finally saw for one interaction. */
export type Seen = 'card' | 'restarting' | 'unavailable' | 'card and a note' | 'other' | 'nothing';

/** What the member sees for the interaction now: its answer, the note replacing it, or nothing yet ('other'). */
function seenNow(result: InteractionResult): Seen {
  const current = result.current();
  const texts = [result.data?.content, current?.deleted ? undefined : current?.content, ...result.followUps().map((m) => m.content)];
  const note = texts.includes(RESTARTING) ? 'restarting' : texts.includes(UNAVAILABLE) ? 'unavailable' : undefined;
  const card = (result.callbackType === 4 && result.data?.embeds?.length) || (current && !current.deleted && current.embeds?.length);
  if (card) return note ? 'card and a note' : 'card';
  return note ?? 'other';
}

/** Waits (up to `withinMs`) until the member sees an answer or a note, and names it ('other' if neither came). */
export async function finalAnswer(sent: Promise<InteractionResult>, withinMs = 10_000): Promise<Seen> {
  let result: InteractionResult;
  try {
    result = await sent;
  } catch {
    return 'nothing';
  }
  const giveUpAt = Date.now() + withinMs;
  for (;;) {
    const seen = seenNow(result);
    if (seen !== 'other' || Date.now() > giveUpAt) return seen;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface SigtermOutcome {
  inFlight: Seen[];
  late: Seen[];
  exit: BotExit;
  /** Rounds in the database afterwards. */
  rounds: number;
}

/**
 * F2: a bot on PostgreSQL behind a proxy that delays every answer by `latencyMs`; `inFlight` members
 * run /quiz, SIGTERM follows `signalAfterMs` later, and `late` more run /quiz `lateAfterMs` after it.
 */
export async function sigtermScenario(opts: {
  fake: FakeDiscord;
  db: BotDatabase;
  guild: FakeGuild;
  channel: FakeChannel;
  latencyMs: number;
  inFlight: number;
  late: number;
  signalAfterMs: number;
  lateAfterMs: number;
  shutdownTimeoutMs: number;
}): Promise<SigtermOutcome> {
  const { fake, guild, channel } = opts;
  const target = new URL(opts.db.env.DATABASE_URL!);
  const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
  target.host = `127.0.0.1:${proxy.port}`;
  const bot = await startBot({ fake, env: { DATABASE_URL: target.toString(), SHUTDOWN_TIMEOUT_MS: String(opts.shutdownTimeoutMs) }, expectRegistration: false });
  try {
    const before = await opts.db.query<{ n: number }>('select count(*)::int as n from rounds');
    proxy.latency(opts.latencyMs);
    const quiz = (i: number, batch: string) => {
      const user = fake.addMember(guild.id, { username: `${batch}-${i}-${Date.now()}` });
      return finalAnswer(fake.command({ user, guildId: guild.id, channelId: channel.id, name: 'quiz', options: { deck: 'transformers' }, timeoutMs: 10_000 }));
    };
    const inFlight = Array.from({ length: opts.inFlight }, (_, i) => quiz(i, 'early'));
    await new Promise((resolve) => setTimeout(resolve, opts.signalAfterMs));
    const exited = bot.stop('SIGTERM', opts.shutdownTimeoutMs + 3_000);
    await new Promise((resolve) => setTimeout(resolve, opts.lateAfterMs));
    const late = Array.from({ length: opts.late }, (_, i) => quiz(i, 'late'));
    const outcome = { inFlight: await Promise.all(inFlight), late: await Promise.all(late), exit: await exited };
    const after = await opts.db.query<{ n: number }>('select count(*)::int as n from rounds');
    return { ...outcome, rounds: after[0]!.n - before[0]!.n };
  } finally {
    bot.kill();
    await proxy.stop();
  }
}

/** How many of each answer, e.g. "card 10". */
export function tally(seen: readonly Seen[]): Partial<Record<Seen, number>> {
  const counts: Partial<Record<Seen, number>> = {};
  for (const s of seen) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}
