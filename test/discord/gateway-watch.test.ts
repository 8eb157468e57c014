import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { Events } from 'discord.js';
import pino from 'pino';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createApp } from '../../src/app.js';
import { watchGateway, type GatewayClient } from '../../src/discord/gateway-watch.js';
import { FakeDiscord } from '../support/fake-discord/index.js';
import { testDatabase } from '../support/database.js';
import { fixtureDecks } from '../support/fixtures.js';

/** A logger whose lines (parsed) land in `lines`. */
function memoryLogger() {
  const lines: { msg: string; code?: number; shard?: number; level: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

/** The events of a discord.js client that watchGateway listens to, with one shard. */
function fakeClient() {
  const shard = new EventEmitter();
  const client = Object.assign(new EventEmitter(), { ws: { shards: new Map([[0, shard]]) } });
  return { client, shard, gateway: client as unknown as GatewayClient };
}

describe('the Discord connection is visible in the log', () => {
  afterEach(() => vi.useRealTimers());

  test('GIVEN a disconnect, a reconnect and a resume THEN one line each with the close code', () => {
    const { client, shard, gateway } = fakeClient();
    const { lines, logger } = memoryLogger();
    watchGateway(gateway, logger);
    client.emit(Events.ShardReady, 0);
    shard.emit('close', { code: 4000 });
    client.emit(Events.ShardReconnecting, 0);
    client.emit(Events.ShardResume, 0, 3);
    expect(lines.map((l) => [l.msg, l.code])).toEqual([
      ['gateway disconnected', 4000],
      ['gateway reconnecting', 4000],
      ['gateway resumed', 4000],
    ]);
  });

  test('GIVEN the gateway down for more than 60 s THEN one warning, and a line when it is back', async () => {
    vi.useFakeTimers();
    const { client, shard, gateway } = fakeClient();
    const { lines, logger } = memoryLogger();
    watchGateway(gateway, logger);
    client.emit(Events.ShardReady, 0);
    shard.emit('close', { code: 1006 });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(lines.filter((l) => l.msg.includes('more than 60 s'))).toHaveLength(0);
    shard.emit('close', { code: 1006 });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(lines.filter((l) => l.msg.includes('more than 60 s'))).toHaveLength(1);
    client.emit(Events.ShardReady, 0);
    expect(lines.at(-1)).toMatchObject({ msg: 'gateway reconnected (new session)', code: 1006 });
  });

  test('GIVEN the fake Discord closes the gateway with 4000 THEN the real client logs the disconnect and its resume', async () => {
    const fake = await FakeDiscord.start();
    const { lines, logger } = memoryLogger();
    const app = createApp({ config: { discordApiUrl: fake.apiUrl, devGuildId: undefined }, database: await testDatabase(), decks: await fixtureDecks(), logger, scheduler: false });
    try {
      await app.start(fake.token);
      const ready = fake.nextReady();
      fake.closeGateway(4000);
      await ready;
      await vi.waitFor(() => expect(lines.map((l) => l.msg)).toContain('gateway resumed'), { timeout: 5_000 });
      expect(lines.find((l) => l.msg === 'gateway disconnected')).toMatchObject({ code: 4000 });
    } finally {
      await app.stop(500);
      await fake.stop();
    }
  });
});
