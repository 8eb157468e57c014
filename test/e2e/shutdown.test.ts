import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBotDatabase, type BotDatabase } from '../support/bot-process.js';
import { FakeDiscord, type FakeChannel, type FakeGuild } from '../support/fake-discord/index.js';
import { sigtermScenario, tally } from '../support/fault-scenarios.js';
import { E2E_DB_KIND } from './support.js';

const SHUTDOWN_TIMEOUT_MS = 5_000;

// Slowing the database needs a network between the bot and it (a TCP proxy): PostgreSQL only.
describe.runIf(E2E_DB_KIND === 'postgres')('restarts lose no press (bot process, PostgreSQL answering slowly)', () => {
  let fake: FakeDiscord;
  let db: BotDatabase;
  let guild: FakeGuild;
  let channel: FakeChannel;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    db = await createBotDatabase({ serverUrl: process.env.TEST_DATABASE_URL, prefix: 'deepcards_shutdown' });
    guild = fake.addGuild({ name: 'Study Hall' });
    channel = fake.addChannel(guild.id, { name: 'study' });
  });
  afterAll(async () => {
    await fake.stop();
    await db.drop();
  });

  test('GIVEN 10 /quiz in flight and 5 more arriving after SIGTERM THEN every member gets an answer, the late ones "restarting" and nothing else, and the bot exits in time', async () => {
    const outcome = await sigtermScenario({ fake, db, guild, channel, latencyMs: 300, inFlight: 10, late: 5, signalAfterMs: 100, lateAfterMs: 100, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS });
    const cards = outcome.inFlight.filter((s) => s === 'card').length;
    expect(tally(outcome.inFlight), JSON.stringify(outcome)).toEqual({ card: 10 });
    expect(tally(outcome.late), JSON.stringify(outcome)).toEqual({ restarting: 5 });
    expect(outcome.rounds).toBe(cards);
    expect(outcome.exit.code).toBe(0);
    expect(outcome.exit.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  }, 60_000);
});
