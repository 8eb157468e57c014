import { closedQuestion, openQuestion, waitFor } from '../../test/e2e/game-support.js';
import { createBotDatabase, startBot, type BotDatabase, type BotProcess } from '../../test/support/bot-process.js';
import { FakeDiscord } from '../../test/support/fake-discord/index.js';
import type { StoredMessage } from '../../test/support/fake-discord/types.js';
import { fmt, Samples } from './measure.js';

/**
 * Item 5 of /game: `MEMBERS` members answer one game question within one second. Every press must be
 * answered (its private "Locked in") inside Discord's 3 s, each counted once, and the closed question
 * must show the right totals. One game second is 200 ms here, so seconds:30 is a 6 s question: the
 * burst fits inside it and it then closes by its deadline, as a real one does.
 */
export const GAME_BURST_MEMBERS = 200;
const SPREAD_MS = 1_000;
const DEADLINE_MS = 3_000;
const GAME_ENV = { GAME_SECOND_MS: '200', GAME_TICK_MS: '1000', LOG_LEVEL: 'warn' };
/** The whole of one database's run may not take longer than this. */
const BUDGET_MS = 120_000;
const LETTERS = ['A', 'B', 'C', 'D'];

export interface GameBurstResult {
  database: 'pglite' | 'postgres';
  samples: Samples;
  /** Presses whose private reply said "Locked in: X" for the letter pressed. */
  lockedIn: number;
  inside: number;
  ledger: number;
  /** What the closed question shows, and what it should show. */
  shown: string;
  expected: string;
  /** Edits of the question's message while it was open (its "N answered"), and how long it was open. */
  countEdits: number;
  openMs: number;
  failures: string[];
}

function buttonId(message: StoredMessage, label: string): string {
  const id = (message.components ?? []).flatMap((row) => row.components ?? []).find((c) => c.label === label)?.custom_id;
  if (!id) throw new Error(`no button ${label}`);
  return id;
}

export async function runGameBurst(serverUrl: string | undefined): Promise<GameBurstResult> {
  const fake = await FakeDiscord.start({ maxRecordedRequests: 5_000, callbackDeadlineMs: 0, interactionTimeoutMs: 30_000 });
  let db: BotDatabase | undefined;
  let bot: BotProcess | undefined;
  const budget = setTimeout(() => bot?.kill(), BUDGET_MS);
  try {
    const guild = fake.addGuild({ name: 'Game night' });
    const channel = fake.addChannel(guild.id, { name: 'game' });
    const host = fake.addMember(guild.id, { username: 'host' });
    const members = Array.from({ length: GAME_BURST_MEMBERS }, (_, i) => fake.addMember(guild.id, { username: `player${i}` }));
    db = await createBotDatabase({ serverUrl, prefix: 'deepcards_bench_game' });
    bot = await startBot({ fake, env: { ...db.env, ...GAME_ENV }, timeoutMs: 90_000 });
    await fake.command({ user: host, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'play', options: { deck: 'cnn', questions: 5, seconds: 30 } });
    const question = await openQuestion(fake, channel.id, 1);
    const openedAt = Date.now();
    // Members spread over A, B and C: which of them is right is read from the closed question.
    const choices = members.map((_, i) => i % 3);
    const samples = new Samples();
    let lockedIn = 0;
    const t0 = Date.now();
    const settled = await Promise.allSettled(
      members.map(async (user, i) => {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, t0 + (i * SPREAD_MS) / GAME_BURST_MEMBERS - Date.now())));
        const letter = LETTERS[choices[i] as number] as string;
        const r = await fake.press({ user, message: question.message.id, customId: buttonId(question.message, letter), timeoutMs: 30_000 });
        samples.add(r.latencyMs, r.callbackType);
        if (r.callbackType !== 4) await fake.settled(r.interactionId);
        const reply = r.callbackType === 4 ? r.data?.content : fake.originalMessage(r.interactionId)?.content;
        if (reply === `Locked in: ${letter}`) lockedIn++;
      }),
    );
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => String(s.reason).slice(0, 200));
    const closed = await closedQuestion(fake, channel.id, 1, 30_000);
    const openMs = Date.now() - openedAt;
    const countEdits = fake.requestsMatching('PATCH', new RegExp(`/channels/${channel.id}/messages/${question.message.id}$`)).filter((r) => r.time < openedAt + openMs).length;
    const rightLetter = /\*\*Answer:\*\* ([A-D]) —/.exec(closed.message.embeds[0]?.description ?? '')?.[1];
    const rightCount = choices.filter((c) => LETTERS[c] === rightLetter).length;
    const expected = `${GAME_BURST_MEMBERS} answered · ${Math.round((rightCount / GAME_BURST_MEMBERS) * 100)}% right`;
    const shown = closed.message.embeds[0]?.fields?.find((f) => f.name === 'Result')?.value ?? '';
    await fake.command({ user: host, guildId: guild.id, channelId: channel.id, name: 'game', subcommand: 'stop' });
    await waitFor(() => fake.messages(channel.id).some((m) => /scoreboard$/.test(m.embeds[0]?.footer?.text ?? '')), 'the scoreboard', 20_000);
    await bot.stop();
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from answers where source = 'game'`);
    return {
      database: db.kind,
      samples,
      lockedIn,
      inside: samples.values.filter((v) => v <= DEADLINE_MS).length,
      ledger: Number(row?.n ?? 0),
      shown,
      expected,
      countEdits,
      openMs,
      failures,
    };
  } finally {
    clearTimeout(budget);
    bot?.kill();
    await bot?.exited;
    await fake.stop();
    await db?.drop();
  }
}

/** The section of docs/BENCHMARKS.md for this run. */
export function gameBurstReport(results: readonly GameBurstResult[], when: string): string {
  const lines = [
    '## Study together, live: /game (npm run bench:latency -- --game)',
    '',
    `${when}. ${GAME_BURST_MEMBERS} members press A–D on one open /game question, spread over ${SPREAD_MS / 1000} s, against the built bot ` +
      'in a child process and the fake Discord; the question then closes by its deadline. Latency is from INTERACTION_CREATE to the ' +
      "bot's callback (the private \"Locked in\").",
    '',
    '| | ' + results.map((r) => r.database).join(' | ') + ' |',
    '| --- | ' + results.map(() => '---').join(' | ') + ' |',
    `| reply latency p50 / p99 / max (ms) | ${results.map((r) => `${fmt(r.samples.percentile(50))} / ${fmt(r.samples.percentile(99))} / ${fmt(r.samples.max())}`).join(' | ')} |`,
    `| answered within 3 s | ${results.map((r) => `${r.inside}/${GAME_BURST_MEMBERS}`).join(' | ')} |`,
    `| callbacks (type×count) | ${results.map((r) => r.samples.typesText()).join(' | ')} |`,
    `| replies "Locked in: <the letter pressed>" | ${results.map((r) => `${r.lockedIn}/${GAME_BURST_MEMBERS}`).join(' | ')} |`,
    `| answers in the ledger | ${results.map((r) => `${r.ledger}/${GAME_BURST_MEMBERS}`).join(' | ')} |`,
    `| closed question shows · expected | ${results.map((r) => `${r.shown} · ${r.expected}`).join(' | ')} |`,
    `| "N answered" edits while open | ${results.map((r) => `${r.countEdits} in ${(r.openMs / 1000).toFixed(1)} s`).join(' | ')} |`,
    '',
  ];
  for (const r of results) {
    const ok = r.inside === GAME_BURST_MEMBERS && r.lockedIn === GAME_BURST_MEMBERS && r.ledger === GAME_BURST_MEMBERS && r.shown === r.expected && r.failures.length === 0;
    lines.push(`- ${ok ? '✅' : '❌'} ${r.database}${r.failures.length > 0 ? `: ${r.failures.length} presses failed (${r.failures[0]})` : ''}`);
  }
  return lines.join('\n');
}
