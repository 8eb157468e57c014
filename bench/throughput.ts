/**
 * npm run bench:throughput — interactions per second held with p99 under 100 ms, by one bot process
 * running both shards and by two processes with one shard each, on one PostgreSQL database.
 *
 * The built bot (`node dist/src/index.js`) against the fake Discord with 2 shards and 40 guilds. At each
 * rate, /quiz commands arrive evenly spaced for STEP_MS, each from a member of its own in a guild picked
 * in turn (so the shards share the load); the latency is from INTERACTION_CREATE sent to the callback.
 * Rates rise until p99 passes 100 ms or an interaction is not answered. Prints a table; writes nothing.
 *
 * Options: --rates=50,100,200 (the steps), --step-ms=N (each step's length, default 5000).
 * BENCH_DATABASE_URL: the server (default postgres://postgres@127.0.0.1:5432/postgres); a database
 * deepcards_throughput_<pid>_<n> is created on it and dropped after.
 */
import { performance } from 'node:perf_hooks';
import { BUILT_ENTRY, createBotDatabase, startBot, type BotDatabase, type BotProcess } from '../test/support/bot-process.js';
import { FakeDiscord, snowflakeOnShard, type FakeChannel, type FakeGuild, type FakeMember } from '../test/support/fake-discord/index.js';
import { fmt, loadAverage, Samples } from './support/measure.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RATES = (arg('rates') ?? '25,50,100,150,200,300,400').split(',').map(Number);
const STEP_MS = Number(arg('step-ms') ?? 5_000);
const P99_LIMIT_MS = 100;
const SHARDS = 2;
const GUILDS = 40;
/** An interaction not answered within this long counts as lost. */
const ANSWER_TIMEOUT_MS = 10_000;

interface Place {
  guild: FakeGuild;
  channel: FakeChannel;
}

async function measureSetup(label: string, shardSets: (string | undefined)[]): Promise<string[]> {
  const fake = await FakeDiscord.start({ shardCount: SHARDS, maxRecordedRequests: 1_000 });
  const db: BotDatabase = await createBotDatabase({ serverUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', prefix: 'deepcards_throughput' });
  const bots: BotProcess[] = [];
  const rows: string[] = [];
  try {
    const places: Place[] = Array.from({ length: GUILDS }, (_, i) => {
      const guild = fake.addGuild({ id: snowflakeOnShard(i % SHARDS, SHARDS, Math.floor(i / SHARDS)), name: `guild ${i}` });
      return { guild, channel: fake.addChannel(guild.id, { name: 'study' }) };
    });
    for (const [i, ids] of shardSets.entries()) {
      const env = { ...db.env, ...(ids ? { SHARD_COUNT: String(SHARDS), SHARD_IDS: ids } : {}) };
      bots.push(await startBot({ fake, env, expectRegistration: i === 0, timeoutMs: 60_000 }));
    }
    await fake.waitForShards([0, 1]);
    let memberNo = 0;
    const member = (p: Place): FakeMember => fake.addMember(p.guild.id, { username: `m${memberNo++}` });
    // Warm-up: every guild once.
    await Promise.all(places.map((p) => fake.command({ user: member(p), guildId: p.guild.id, channelId: p.channel.id, name: 'quiz', options: { deck: 'cnn' } })));
    for (const rate of RATES) {
      const count = Math.round((rate * STEP_MS) / 1000);
      const samples = new Samples();
      let lost = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const place = places[i % places.length] as Place;
          const user = member(place);
          const wait = t0 + (i * 1000) / rate - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          try {
            const r = await fake.command({ user, guildId: place.guild.id, channelId: place.channel.id, name: 'quiz', options: { deck: 'cnn' }, timeoutMs: ANSWER_TIMEOUT_MS });
            samples.add(r.latencyMs, r.callbackType);
          } catch {
            lost++;
          }
        }),
      );
      const p99 = samples.percentile(99);
      const held = lost === 0 && p99 < P99_LIMIT_MS;
      rows.push(`| ${label} | ${rate} | ${count} | ${fmt(samples.percentile(50))} | ${fmt(p99)} | ${lost} | ${samples.deferred()} | ${held ? 'held' : 'not held'} | ${loadAverage()} |`);
      console.log(rows.at(-1));
      if (!held) break;
    }
  } finally {
    for (const bot of bots) bot.kill();
    await Promise.all(bots.map((b) => b.exited));
    await fake.stop();
    await db.drop();
  }
  return rows;
}

console.log(`built bot: ${BUILT_ENTRY}; ${GUILDS} guilds on ${SHARDS} shards; ${STEP_MS / 1000} s per rate`);
const header = ['| setup | rate (/s) | interactions | p50 (ms) | p99 (ms) | lost | deferred | p99 < 100 ms | load (1 min) |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |'];
const one = await measureSetup('one process, shards 0-1', [undefined]);
const two = await measureSetup('two processes, shard 0 and shard 1', ['0', '1']);
console.log(['', ...header, ...one, ...two].join('\n'));
