import { sql } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { runWithBudget } from '../../src/deadlines.js';
import { isDatabaseUnavailable } from '../../src/errors.js';
import { CONTROL_GONE, UNAVAILABLE } from '../../src/discord/router.js';
import { TEST_DB_KIND, workerDatabaseUrl } from '../support/database.js';
import { fixtureDecks } from '../support/fixtures.js';
import { buttonIds, buttonLabels } from '../support/harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { useHarness } from '../support/use-harness.js';

const EPHEMERAL = 64;
/** "No later than about 3 s after it arrived", with room for a machine shared by other test runs. */
const ANSWERED_WITHIN_MS = 3_500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds an exclusive lock on `table` in a transaction until `release` is called. */
async function lockTable(database: Database, table: 'rounds' | 'daily_settings'): Promise<{ release: () => void; done: Promise<unknown> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const done = database.db
    .transaction(async (tx) => {
      await tx.execute(sql.raw(`lock table ${table} in access exclusive mode`));
      locked();
      await released;
    })
    // Held longer than a call's deadline, the holder itself would be given up: that is not under test.
    .catch(() => undefined);
  await isLocked;
  return { release, done };
}

describe(`every database wait has a deadline, on ${TEST_DB_KIND}`, () => {
  const ctx = useHarness();

  test('GIVEN a statement stuck behind another session’s lock THEN it is abandoned at its deadline as "unavailable", and the next one works', async () => {
    const lock = await lockTable(ctx.database, 'rounds');
    const started = Date.now();
    let error: unknown;
    try {
      await runWithBudget(300, () => ctx.database.rows(sql`select count(*) from rounds`)).done;
    } catch (e) {
      error = e;
    }
    const waited = Date.now() - started;
    lock.release();
    await lock.done;
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(1_500);
    expect(await ctx.database.rows(sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });

  test('GIVEN a select menu the bot never sent THEN the member is told the control is no longer available', async () => {
    const message = ctx.h.fake.plantMessage(ctx.h.channel.id, {
      content: 'pick one',
      components: [{ type: 1, components: [{ type: 3, custom_id: 'someone-else:menu', options: [{ label: 'A', value: 'a' }] }] }] as never,
    });
    const picked = await ctx.h.fake.press({ user: ctx.h.alice, message: message.id, customId: 'someone-else:menu', values: ['a'] });
    expect(picked.callbackType).toBe(4);
    expect(picked.data?.flags).toBe(EPHEMERAL);
    expect(picked.data?.content).toBe(CONTROL_GONE);
  });

  test('GIVEN the tick’s database never answers THEN the tick gives up at its timeout, so the next one is not held back', async () => {
    const app: App = createApp({
      config: { discordApiUrl: ctx.h.fake.apiUrl, devGuildId: undefined },
      database: ctx.database,
      decks: await fixtureDecks(),
      logger: pino({ level: 'silent' }),
      scheduler: false,
      tickTimeoutMs: 600,
    });
    await app.start(ctx.h.fake.token);
    const lock = await lockTable(ctx.database, 'daily_settings');
    try {
      const started = Date.now();
      await app.tick();
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      lock.release();
      await lock.done;
      await app.stop(500);
    }
  });

  // A blackhole needs a network between the bot and its database: PostgreSQL only.
  describe.runIf(TEST_DB_KIND === 'postgres')('through a TCP proxy that goes silent or resets', () => {
    async function withProxiedApp(body: (proxy: TcpProxy, app: App) => Promise<void>): Promise<void> {
      const target = new URL(workerDatabaseUrl());
      const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
      target.host = `127.0.0.1:${proxy.port}`;
      const viaProxy = await openDatabase({ url: target.toString() }, { poolSize: 3 });
      const app = createApp({
        config: { discordApiUrl: ctx.h.fake.apiUrl, devGuildId: undefined },
        database: viaProxy,
        decks: await fixtureDecks(),
        logger: pino({ level: 'silent' }),
        scheduler: false,
      });
      for (const old of ctx.h.apps.splice(0)) await old.stop(500);
      try {
        await app.start(ctx.h.fake.token);
        await body(proxy, app);
      } finally {
        proxy.restore();
        await app.stop(500);
        await viaProxy.close();
        await proxy.stop();
        await ctx.h.startApp();
      }
    }
    const quiz = () => ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', options: { deck: 'alpha' } });

    /** The ephemeral text the member finally sees for an interaction, and when, in ms from sending it. */
    async function outcome(send: () => ReturnType<typeof quiz>): Promise<{ content: string | undefined; ms: number; ephemeral: boolean }> {
      const started = Date.now();
      const result = await send();
      if (result.callbackType === 4) return { content: result.data?.content, ms: Date.now() - started, ephemeral: result.data?.flags === EPHEMERAL };
      const followUp = await result.waitForFollowUp(10_000);
      return { content: followUp.content, ms: Date.now() - started, ephemeral: followUp.ephemeralFor === ctx.h.alice.id };
    }

    async function recovered(): Promise<boolean> {
      for (let attempt = 0; attempt < 40; attempt++) {
        const back = await quiz();
        if (back.callbackType === 4 && back.data?.embeds?.length) return true;
        await sleep(250);
      }
      return false;
    }

    test('GIVEN PostgreSQL goes silent (blackhole) THEN a command and a press are told "unavailable" within about 3 s, and the bot recovers by itself', async () => {
      await withProxiedApp(async (proxy) => {
        const card = (await quiz()).message!;
        const reveal = buttonIds(card)[buttonLabels(card).indexOf('Reveal answer')]!;
        proxy.blackhole();
        const [command, press] = await Promise.all([outcome(quiz), outcome(() => ctx.h.fake.press({ user: ctx.h.alice, message: card.id, customId: reveal }))]);
        for (const seen of [command, press]) {
          expect(seen.content).toBe(UNAVAILABLE);
          expect(seen.ephemeral).toBe(true);
          expect(seen.ms).toBeLessThan(ANSWERED_WITHIN_MS);
        }
        proxy.restore();
        expect(await recovered()).toBe(true);
      });
    });

    test('GIVEN PostgreSQL goes away (connections dropped, new ones refused) THEN members are told to try again in a minute, and the bot recovers by itself', async () => {
      await withProxiedApp(async (proxy) => {
        expect((await quiz()).message?.embeds?.[0]?.title).toMatch(/^Alpha/);
        proxy.cut();
        const seen = await outcome(quiz);
        expect(seen.content).toBe(UNAVAILABLE);
        expect(seen.ephemeral).toBe(true);
        proxy.restore();
        expect(await recovered()).toBe(true);
      });
    });

    test('GIVEN every connection to PostgreSQL is reset THEN members are told "unavailable", and the bot recovers by itself', async () => {
      await withProxiedApp(async (proxy) => {
        expect((await quiz()).message?.embeds?.[0]?.title).toMatch(/^Alpha/);
        proxy.blackhole();
        const pending = outcome(quiz);
        await sleep(300);
        proxy.reset();
        const seen = await pending;
        expect(seen.content).toBe(UNAVAILABLE);
        expect(seen.ms).toBeLessThan(ANSWERED_WITHIN_MS);
        proxy.restore();
        expect(await recovered()).toBe(true);
      });
    });

    test('GIVEN a connection THEN PostgreSQL itself ends statements after statement_timeout', async () => {
      const [row] = await ctx.database.rows<{ statement_timeout: string }>(sql`show statement_timeout`);
      expect(row?.statement_timeout).toBe('4s');
    });
  });
});
