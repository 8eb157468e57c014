import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createBotDatabase, pickFreePort, startBot, type BotDatabase, type BotProcess } from '../support/bot-process.js';
import { FakeDiscord, type FakeChannel, type FakeGuild } from '../support/fake-discord/index.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { E2E_DB_KIND, buttonId, httpGet, messageOf, pollHttp, type HttpAnswer } from './support.js';

const HTTP_TIMEOUT_MS = 2_000;

const get = (port: number, route: string): Promise<HttpAnswer> => httpGet(port, route, HTTP_TIMEOUT_MS);
const poll = (port: number, route: string, until: (a: HttpAnswer) => boolean, timeoutMs: number): Promise<HttpAnswer> =>
  pollHttp(port, route, until, timeoutMs, HTTP_TIMEOUT_MS);

/** The value of one sample line of the Prometheus text, e.g. `deepcards_guilds` or `x_total{kind="quiz",outcome="ok"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

// The built bot in a child process with its HTTP server on a free port (HTTP_PORT), against a fake
// Discord; on PostgreSQL its connection runs through a TCP proxy the test can cut.
describe(`health, readiness and metrics over HTTP, on ${E2E_DB_KIND}`, () => {
  let fake: FakeDiscord;
  let db: BotDatabase;
  let proxy: TcpProxy | undefined;
  let bot: BotProcess | undefined;
  let starting: Promise<BotProcess> | undefined;
  let port: number;
  let guild: FakeGuild;
  let channel: FakeChannel;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    guild = fake.addGuild({ name: 'Ops Hall' });
    channel = fake.addChannel(guild.id, { name: 'study' });
    db = await createBotDatabase({ serverUrl: process.env.TEST_DATABASE_URL, prefix: 'deepcards_e2e_ops' });
    port = await pickFreePort();
  });
  afterAll(async () => {
    // A start that outlived its test (a timeout) still ends here.
    bot ??= await starting?.catch(() => undefined);
    bot?.kill();
    await bot?.exited;
    await proxy?.stop();
    await fake.stop();
    await db.drop();
  });

  test('GIVEN the bot starting THEN /readyz is 503 naming the gateway until it connects, then 200', async () => {
    // Hold the gateway URL back, so the bot is up but not yet connected for a while.
    fake.inject({ method: 'GET', path: '/gateway/bot' }, { delayMs: 3_000 });
    let env = db.env;
    if (db.kind === 'postgres') {
      const url = new URL(db.env.DATABASE_URL ?? '');
      proxy = await TcpProxy.start(url.hostname, Number(url.port || 5432));
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      env = { DATABASE_URL: url.toString() };
    }
    starting = startBot({ fake, env: { ...env, HTTP_PORT: String(port) }, timeoutMs: 45_000 });
    const early = await poll(port, '/readyz', (a) => a.status !== 0, 30_000);
    expect(early.status).toBe(503);
    expect(JSON.parse(early.body)).toMatchObject({ ready: false, gateway: expect.stringMatching(/^not connected yet since \d{4}-/) });
    bot = await starting;
    const ready = await poll(port, '/readyz', (a) => a.status === 200, 10_000);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, gateway: 'ok', database: 'ok' });
  }, 60_000);

  test('GIVEN the running bot THEN /healthz answers 200', async () => {
    const health = await get(port, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ ok: true });
  });

  test('GIVEN a /quiz, its reveal and a grade THEN /metrics counts them and times their answers and statements', async () => {
    const user = fake.addMember(guild.id, { username: 'olga' });
    const card = await fake.command({ user, guildId: guild.id, channelId: channel.id, name: 'quiz', options: { deck: 'cnn' } });
    const revealed = await fake.press({ user, message: messageOf(card).id, customId: buttonId(card.message, 'Reveal answer') });
    await fake.press({ user, message: messageOf(revealed).id, customId: buttonId(revealed.message, 'Good') });
    await fake.command({ user, guildId: guild.id, channelId: channel.id, name: 'quiz', options: { deck: 'no-such-deck' } });

    const metrics = await get(port, '/metrics');
    expect(metrics.status).toBe(200);
    const text = metrics.body;
    const expected: Record<string, number> = {
      'deepcards_interactions_total{kind="quiz",outcome="ok"}': 1,
      'deepcards_interactions_total{kind="quiz",outcome="user_error"}': 1,
      'deepcards_interactions_total{kind="reveal",outcome="ok"}': 1,
      'deepcards_interactions_total{kind="grade",outcome="ok"}': 1,
      'deepcards_interaction_response_seconds_count{kind="quiz"}': 2,
      'deepcards_interaction_response_seconds_count{kind="grade"}': 1,
      deepcards_interactions_deferred_total: 0,
      'deepcards_db_statement_seconds_count{statement="rounds_insert_quiz"}': 1,
      'deepcards_db_statement_seconds_count{statement="rounds_reveal"}': 1,
      'deepcards_db_statement_seconds_count{statement="rounds_record_grade"}': 1,
      deepcards_gateway_up: 1,
      deepcards_guilds: 1,
    };
    expect(Object.fromEntries(Object.keys(expected).map((series) => [series, sample(text, series)]))).toEqual(expected);
    expect(sample(text, 'deepcards_gateway_ping_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'deepcards_daily_posts_total')).toBeUndefined();
    expect(text).toMatch(/^# TYPE deepcards_daily_posts_total counter$/m);
    expect(text).toMatch(/^# TYPE deepcards_reminders_sent_total counter$/m);
    // Node's default metrics.
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  test.skipIf(E2E_DB_KIND !== 'postgres')('GIVEN the database connection cut THEN /readyz is 503 naming the database, and 200 once it is back', async () => {
    proxy?.cut();
    const cut = await poll(port, '/readyz', (a) => a.status === 503, 15_000);
    expect(JSON.parse(cut.body)).toMatchObject({ ready: false, gateway: 'ok', database: expect.stringMatching(/^no answer since \d{4}-/) });
    proxy?.restore();
    const back = await poll(port, '/readyz', (a) => a.status === 200, 15_000);
    expect(JSON.parse(back.body)).toEqual({ ready: true, gateway: 'ok', database: 'ok' });
  }, 40_000);

  test('GIVEN the fake Discord stopped THEN /readyz is 503 naming the gateway, the log says so, and /healthz stays 200', async () => {
    await fake.stop();
    const down = await poll(port, '/readyz', (a) => a.status === 503, 15_000);
    expect(JSON.parse(down.body)).toMatchObject({ ready: false, gateway: expect.stringMatching(/ since \d{4}-/), database: 'ok' });
    // The log line and the HTTP answer reach the test through two different pipes: give stdout a moment.
    await vi.waitFor(() => expect(bot?.output()).toMatch(/lost the connection to Discord's gateway/), { timeout: 5_000, interval: 50 });
    expect((await get(port, '/healthz')).status).toBe(200);
  }, 30_000);
});
