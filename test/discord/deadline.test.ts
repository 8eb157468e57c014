import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { APOLOGY } from '../../src/discord/router.js';
import type { Database } from '../../src/db/client.js';
import { TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks } from '../support/fixtures.js';
import { buttonIds, buttonLabels, embedText } from '../support/harness.js';
import { useHarness } from '../support/use-harness.js';

const EPHEMERAL = 64;
const ACKNOWLEDGE_AFTER_MS = 100;
const SLOW_MS = 400;

/** The database with its answer-recording statements (a new quiz round, a grade, a daily answer) made slow, or failing after the wait. */
function slowWrites(database: Database, failing = false): Database {
  return {
    ...database,
    prepare: (name, query) => {
      const run = database.prepare(name, query);
      return async (values) => {
        await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
        if (failing) throw new Error(`${name}: the statement failed`);
        return run(values);
      };
    },
  } as Database;
}

describe(`answers slower than Discord's deadline allows, through discord.js and a fake Discord, on ${TEST_DB_KIND}`, () => {
  const ctx = useHarness();

  /** Runs `body` against an app whose writes take SLOW_MS and which acknowledges after ACKNOWLEDGE_AFTER_MS. */
  async function withSlowApp(body: () => Promise<void>, opts: { failing?: boolean } = {}): Promise<void> {
    for (const old of ctx.h.apps.splice(0)) await old.stop(500);
    const app: App = createApp({
      config: { discordApiUrl: ctx.h.fake.apiUrl, devGuildId: undefined },
      database: slowWrites(ctx.database, opts.failing),
      decks: await fixtureDecks(),
      logger: pino({ level: 'silent' }),
      now: ctx.h.clock.now,
      scheduler: false,
      countRefreshMs: 50,
      acknowledgeAfterMs: ACKNOWLEDGE_AFTER_MS,
    });
    try {
      await app.start(ctx.h.fake.token);
      await body();
    } finally {
      await app.stop(2_000);
      await ctx.h.startApp();
    }
  }

  const quiz = (options: Record<string, string | boolean> = { deck: 'alpha' }, user = ctx.h.alice) =>
    ctx.h.fake.command({ user, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'quiz', options });
  const press = (message: { id: string }, customId: string, user = ctx.h.alice) => ctx.h.fake.press({ user, message: message.id, customId });
  const idOf = (message: Parameters<typeof buttonIds>[0], label: string) => buttonIds(message)[buttonLabels(message).findIndex((l) => l.startsWith(label))]!;

  test('GIVEN a slow database THEN /quiz and the grade are acknowledged in time and their answers arrive as edits, counted once', async () => {
    await withSlowApp(async () => {
      const asked = await quiz();
      expect(asked.callbackType).toBe(5);
      expect(asked.latencyMs).toBeLessThan(SLOW_MS);
      const card = await asked.waitForEdit(5_000);
      expect(card.flags ?? 0).toBe(0);
      expect(card.embeds?.[0]?.title).toMatch(/^Alpha · card [1-3] of 3$/);
      expect(buttonLabels(card)).toEqual(['Reveal answer']);

      // Revealing writes nothing slow: answered directly, as always.
      const revealed = await press(card, idOf(card, 'Reveal answer'));
      expect(revealed.callbackType).toBe(7);

      const graded = await press(revealed.message!, idOf(revealed.message, 'Good'));
      expect(graded.callbackType).toBe(6);
      const after = await graded.waitForEdit(5_000);
      expect(after.id).toBe(card.id);
      expect(embedText(after)).toMatch(/You said \*\*Good\*\*\. \+1 point · 1 in this server/);
      expect(buttonLabels(after)).toContain('Next card');
      expect(graded.followUps()).toEqual([]);
    });
    const stats = await ctx.h.fake.command({ user: ctx.h.alice, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'stats' });
    expect(stats.message!.embeds![0]!.fields!.find((f) => f.name === 'Points')?.value).toBe('1');
  });

  test('GIVEN a slow database and /quiz private THEN even the "thinking" message is private, and so is the card', async () => {
    await withSlowApp(async () => {
      const asked = await quiz({ deck: 'alpha', private: true });
      expect(asked.callbackType).toBe(5);
      expect(asked.data?.flags).toBe(EPHEMERAL);
      const card = await asked.waitForEdit(5_000);
      expect(card.ephemeralFor).toBe(ctx.h.alice.id);
      expect(card.embeds?.[0]?.title).toMatch(/^Alpha/);
    });
  });

  test('GIVEN a slow database and a second answer to the daily challenge THEN the refusal comes as a private follow-up after the acknowledgement', async () => {
    const admin = (sub: string, options: Record<string, string> = {}) =>
      ctx.h.fake.command({ user: ctx.h.admin, guildId: ctx.h.guild.id, channelId: ctx.h.channel.id, name: 'daily', subcommand: sub, options });
    await admin('setup', { channel: ctx.h.channel.id, time: '18:00', timezone: 'UTC', deck: 'alpha' });
    await admin('now');
    const post = ctx.h.fake.messages(ctx.h.channel.id).find((m) => m.embeds?.[0]?.footer?.text.startsWith('daily #'))!;
    await withSlowApp(async () => {
      const first = await press(post, buttonIds(post)[0]!);
      expect(first.callbackType).toBe(6);
      const verdict = await first.waitForFollowUp(5_000);
      expect(verdict.ephemeralFor).toBe(ctx.h.alice.id);
      expect(embedText(verdict)).toMatch(/Daily challenge/);

      const second = await press(post, buttonIds(post)[1]!);
      expect(second.callbackType).toBe(6);
      const refusal = await second.waitForFollowUp(5_000);
      expect(refusal.ephemeralFor).toBe(ctx.h.alice.id);
      expect(refusal.content).toMatch(/^You already answered/);
    });
  });

  test('GIVEN a public /quiz that fails after its deferral THEN the "thinking" message goes and the apology comes privately', async () => {
    await withSlowApp(
      async () => {
        const asked = await quiz();
        expect(asked.callbackType).toBe(5);
        const apology = await asked.waitForFollowUp(5_000);
        expect(apology.ephemeralFor).toBe(ctx.h.alice.id);
        expect(apology.content).toBe(APOLOGY);
        expect(asked.current()?.deleted).toBe(true);
      },
      { failing: true },
    );
  });
});
