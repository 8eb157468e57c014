import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { shardOfGuild } from '../../src/domain/shards.js';
import { createBotDatabase, startBot, type BotDatabase, type BotProcess } from '../support/bot-process.js';
import { FakeDiscord, snowflakeOnShard, type FakeChannel, type FakeGuild, type FakeMember, type InteractionResult } from '../support/fake-discord/index.js';
import type { StoredMessage } from '../support/fake-discord/types.js';
import { E2E_DB_KIND, buttonId, embedText, messageOf } from './support.js';

const SHARDS = 4;
const GUILDS = 40;
/** How long a daily post may take to show up after the processes start (their catch-up tick). */
const POST_WAIT_MS = 30_000;

interface Place {
  guild: FakeGuild;
  channel: FakeChannel;
  owner: FakeMember;
  shard: number;
}

// Two built bots (`node dist/src/index.js`) on one PostgreSQL database, with two of four shards each.
describe.skipIf(E2E_DB_KIND === 'pglite')('two bot processes on shards 0-1 and 2-3 of 4, on one PostgreSQL database', () => {
  let fake: FakeDiscord;
  let db: BotDatabase;
  const started: BotProcess[] = [];
  const places: Place[] = [];
  let first: BotProcess;
  let second: BotProcess;

  const launch = async (ids: string, expectRegistration = false): Promise<BotProcess> => {
    const bot = await startBot({ fake, env: { ...db.env, SHARD_COUNT: String(SHARDS), SHARD_IDS: ids }, expectRegistration, timeoutMs: 60_000 });
    started.push(bot);
    return bot;
  };
  const dailyPosts = (channelId: string): StoredMessage[] =>
    fake.messages(channelId).filter((m) => (m.embeds[0]?.footer?.text ?? '').startsWith('daily #'));
  const addPlaces = (count: number, offset: number, shards = [0, 1, 2, 3]): Place[] =>
    Array.from({ length: count }, (_, i) => {
      const shard = shards[i % shards.length] as number;
      const guild = fake.addGuild({ id: snowflakeOnShard(shard, SHARDS, offset + Math.floor(i / shards.length)), name: `guild ${offset + i}` });
      return { guild, channel: fake.addChannel(guild.id, { name: 'study' }), owner: fake.addMember(guild.id, { username: `owner${offset + i}` }), shard };
    });
  /** Daily challenges at 00:00 UTC in each place, due now: the processes' first tick posts them. */
  const scheduleDailies = async (list: Place[]) => {
    for (const p of list) {
      await db.query(
        `insert into daily_settings (guild_id, channel_id, time, time_zone, deck_id, enabled, starts_on, updated_by, updated_at, next_due_at)
         values ($1, $2, '00:00', 'UTC', null, true, current_date - 1, $3, now(), now())`,
        [p.guild.id, p.channel.id, p.owner.id],
      );
    }
  };
  const quizRound = async (p: Place): Promise<InteractionResult> => {
    const card = await fake.command({ user: p.owner, guildId: p.guild.id, channelId: p.channel.id, name: 'quiz', options: { deck: 'cnn' } });
    const revealed = await fake.press({ user: p.owner, message: messageOf(card).id, customId: buttonId(card.message, 'Reveal answer') });
    return fake.press({ user: p.owner, message: messageOf(revealed).id, customId: buttonId(revealed.message, 'Good') });
  };

  beforeAll(async () => {
    fake = await FakeDiscord.start({ shardCount: SHARDS });
    db = await createBotDatabase({ serverUrl: process.env.TEST_DATABASE_URL, prefix: 'deepcards_shards' });
    const migrated = await openDatabase({ url: db.env.DATABASE_URL as string }, { migrate: true, poolSize: 1 });
    await migrated.close();
    places.push(...addPlaces(GUILDS, 0));
    await scheduleDailies(places);
    [first, second] = await Promise.all([launch('0-1', true), launch('2-3', false)]);
    await fake.waitForShards([0, 1, 2, 3]);
  }, 120_000);
  afterAll(async () => {
    for (const b of started) b.kill();
    await Promise.all(started.map((b) => b.exited));
    await fake?.stop();
    await db?.drop();
  });

  test('GIVEN 40 guilds over 4 shards THEN each guild\'s daily challenge is posted exactly once', async () => {
    expect(new Set(places.map((p) => shardOfGuild(p.guild.id, SHARDS)))).toEqual(new Set([0, 1, 2, 3]));
    await expect.poll(() => places.filter((p) => dailyPosts(p.channel.id).length > 0).length, { timeout: POST_WAIT_MS }).toBe(GUILDS);
    expect(places.map((p) => dailyPosts(p.channel.id).length)).toEqual(places.map(() => 1));
    const [row] = await db.query<{ n: number }>('select count(*)::int as n from daily_challenges');
    expect(row?.n).toBe(GUILDS);
  }, 60_000);

  test("GIVEN every guild THEN its owner's /quiz → reveal → grade is answered", async () => {
    for (const p of places) {
      const graded = await quizRound(p);
      expect(embedText(graded.message)).toMatch(/You said \*\*Good\*\*\. \+1 point · 1 in this server\./);
    }
  }, 120_000);

  test('GIVEN the process on 2-3 is killed THEN the guilds on 0-1 keep answering and its own wait; restarted, old buttons work', async () => {
    const theirs = places.filter((p) => p.shard >= 2);
    const ours = places.filter((p) => p.shard < 2);
    // Cards posted before the kill, to be revealed after the restart.
    const before = await Promise.all(
      theirs.slice(0, 4).map((p) => fake.command({ user: p.owner, guildId: p.guild.id, channelId: p.channel.id, name: 'quiz', options: { deck: 'cnn' } })),
    );
    second.kill();
    await second.exited;
    for (const p of ours.slice(0, 10)) {
      const card = await fake.command({ user: p.owner, guildId: p.guild.id, channelId: p.channel.id, name: 'quiz', options: { deck: 'cnn' }, timeoutMs: 10_000 });
      expect(card.callbackType).toBe(4);
    }
    const lost = theirs[0] as Place;
    await expect(fake.command({ user: lost.owner, guildId: lost.guild.id, channelId: lost.channel.id, name: 'quiz', timeoutMs: 1_500 })).rejects.toThrow(/no bot connected/);

    second = await launch('2-3');
    await fake.waitForShards([2, 3]);
    for (const [i, card] of before.entries()) {
      const p = theirs[i] as Place;
      const revealed = await fake.press({ user: p.owner, message: messageOf(card).id, customId: buttonId(card.message, 'Reveal answer') });
      expect(embedText(revealed.message)).toMatch(/\*\*Answer:\*\*/);
    }
  }, 120_000);

  test('GIVEN two more processes with overlapping SHARD_IDS THEN no new guild is posted twice and the overlap is logged', async () => {
    // On the shards run twice: 1 by the first process and the new 1-2, 2 by all but the first.
    const more = addPlaces(8, 100, [1, 2]);
    await scheduleDailies(more);
    const overlapping = await Promise.all([launch('1-2'), launch('2-3')]);
    await expect.poll(() => more.filter((p) => dailyPosts(p.channel.id).length > 0).length, { timeout: 70_000, interval: 500 }).toBe(more.length);
    // Posts still on their way from a process that lost the race would show up now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect([...places, ...more].map((p) => dailyPosts(p.channel.id).length)).toEqual([...places, ...more].map(() => 1));
    const outputs = [first, second, ...overlapping].map((b) => b.output()).join('\n');
    expect(outputs).toContain('another process also runs this shard');
  }, 240_000);
});
