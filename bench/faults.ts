// `npx tsx bench/faults.ts`: the faults of issue #12 that this branch fixes, against the built bot
// (`node dist/src/index.js`) on PostgreSQL behind a TCP proxy, with a fake Discord. Bounded: F1 holds
// the database silent for 30 s and 120 s while 5 members run /quiz every 5 s; F2 sends SIGTERM with 50
// /quiz in flight (the database answering in 300 ms, then 1000 ms) and 10 more arriving 200 ms later.
// Prints a markdown table (recorded by hand in docs/BENCHMARKS.md). Options: --quick (10 s outage only),
// --f1=30,120 (outage lengths), --f2=300,1000 (database latencies); either may be left empty.
// PostgreSQL server: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres.

import { createBotDatabase, startBot } from '../test/support/bot-process.js';
import { FakeDiscord } from '../test/support/fake-discord/index.js';
import { finalAnswer, sigtermScenario, tally, type Seen } from '../test/support/fault-scenarios.js';
import { TcpProxy } from '../test/support/tcp-proxy.js';

const quick = process.argv.includes('--quick');
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const describeSeen = (seen: readonly Seen[]) => Object.entries(tally(seen)).map(([k, n]) => `${k} ${n}`).join(', ');

async function blackhole(seconds: number): Promise<string> {
  const fake = await FakeDiscord.start({ interactionTimeoutMs: 10_000 });
  const db = await createBotDatabase({ serverUrl, prefix: 'deepcards_faults' });
  const guild = fake.addGuild({ name: 'Study Hall' });
  const channel = fake.addChannel(guild.id, { name: 'study' });
  const target = new URL(db.env.DATABASE_URL!);
  const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
  target.host = `127.0.0.1:${proxy.port}`;
  const bot = await startBot({ fake, env: { DATABASE_URL: target.toString() } });
  const quiz = async (name: string) => {
    const user = fake.addMember(guild.id, { username: name });
    const started = Date.now();
    const seen = await finalAnswer(fake.command({ user, guildId: guild.id, channelId: channel.id, name: 'quiz', options: { deck: 'transformers' } }));
    return { seen, ms: Date.now() - started };
  };
  try {
    await quiz('warm-up');
    const roundsBefore = (await db.query<{ n: number }>('select count(*)::int as n from rounds'))[0]!.n;
    proxy.blackhole();
    const tries: Promise<{ seen: Seen; ms: number }>[] = [];
    for (let t = 0; t < seconds * 1000; t += 5_000) {
      for (let m = 0; m < 5; m++) tries.push(quiz(`m${m}-${t}`));
      await sleep(5_000);
    }
    const results = await Promise.all(tries);
    proxy.restore();
    const restoredAt = Date.now();
    let back = await quiz('after');
    while (back.seen !== 'card' && Date.now() - restoredAt < 30_000) back = await quiz('after');
    const recoveryMs = Date.now() - restoredAt;
    await sleep(1_000);
    const roundsAfter = (await db.query<{ n: number }>('select count(*)::int as n from rounds'))[0]!.n;
    const cards = results.filter((r) => r.seen === 'card').length + 1;
    const lost = results.filter((r) => r.seen === 'nothing' || r.seen === 'other').length;
    const slowest = Math.max(...results.map((r) => r.ms));
    const ticks = (bot.output().match(/tick failed|tick given up/g) ?? []).length;
    const blocked = (bot.output().match(/blocked/g) ?? []).length;
    const doubled = results.filter((r) => r.seen === 'card and a note').length;
    return `| F1 blackhole ${seconds} s | ${results.length} /quiz (5 members every 5 s) | ${describeSeen(results.map((r) => r.seen))}; slowest answer ${(slowest / 1000).toFixed(1)} s after sending; first card ${(recoveryMs / 1000).toFixed(1)} s after restore, nothing done by anyone; minute ticks: ${ticks} failed parts logged, ${blocked} blocked | ${lost} | ${doubled} | ${roundsAfter - roundsBefore - cards} |`;
  } finally {
    bot.kill();
    await bot.exited;
    await proxy.stop();
    await fake.stop();
    await db.drop();
  }
}

async function sigterm(latencyMs: number): Promise<string> {
  const fake = await FakeDiscord.start({ interactionTimeoutMs: 10_000 });
  const db = await createBotDatabase({ serverUrl, prefix: 'deepcards_faults' });
  const guild = fake.addGuild({ name: 'Study Hall' });
  const channel = fake.addChannel(guild.id, { name: 'study' });
  try {
    const o = await sigtermScenario({ fake, db, guild, channel, latencyMs, inFlight: 50, late: 10, signalAfterMs: 100, lateAfterMs: 200, shutdownTimeoutMs: 5_000 });
    const all = [...o.inFlight, ...o.late];
    const lost = all.filter((s) => s === 'nothing' || s === 'other').length;
    const cards = all.filter((s) => s === 'card').length;
    const doubled = all.filter((s) => s === 'card and a note').length;
    return `| F2 SIGTERM, PostgreSQL answering in ${latencyMs} ms | 50 in flight + 10 arriving 200 ms after the signal | in flight: ${describeSeen(o.inFlight)}; after the signal: ${describeSeen(o.late)}; exit code ${o.exit.code} after ${(o.exit.ms / 1000).toFixed(1)} s (SHUTDOWN_TIMEOUT_MS 5 s) | ${lost} | ${doubled} | ${o.rounds - cards} |`;
  } finally {
    await fake.stop();
    await db.drop();
  }
}

/** `--f1=30,120`: the outage lengths; `--f2=300,1000`: the database latencies (either may be empty). */
const listArg = (name: string, fallback: number[]) => {
  const given = process.argv.find((a) => a.startsWith(`--${name}=`));
  return given ? given.slice(name.length + 3).split(',').filter(Boolean).map(Number) : fallback;
};
const rows: string[] = [];
for (const seconds of listArg('f1', quick ? [10] : [30, 120])) rows.push(await blackhole(seconds));
for (const latency of listArg('f2', [300, 1000])) rows.push(await sigterm(latency));
process.stdout.write(
  [
    '| fault | tries | what members saw | lost | doubled (a card and a note) | orphan rounds (written, shown to no one) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n') + '\n',
);
