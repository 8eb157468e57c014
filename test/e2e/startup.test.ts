import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DB_CONNECT_TIMEOUT_S } from '../../src/db/client.js';
import { BUILT_ENTRY, createBotDatabase, REPO_ROOT, SHIPPED_DECKS, startBot, type BotDatabase } from '../support/bot-process.js';
import { FakeDiscord } from '../support/fake-discord/index.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { E2E_DB_KIND } from './support.js';

const CONFIG_VARIABLES = ['DISCORD_TOKEN', 'DISCORD_API_URL', 'DATABASE_URL', 'PGLITE_DIR', 'DEV_GUILD_ID', 'DECKS_DIR', 'LOG_LEVEL', 'SHUTDOWN_TIMEOUT_MS', 'STARTUP_TIMEOUT_MS'];

/** Runs the built bot until it exits by itself (within `withinMs`); its exit code, output and how long it ran. */
async function runUntilExit(env: Record<string, string>, withinMs = 50_000): Promise<{ code: number | null; output: string; ms: number }> {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && ![...CONFIG_VARIABLES, 'TEST_DATABASE_URL', 'NODE_OPTIONS'].includes(key)) childEnv[key] = value;
  }
  Object.assign(childEnv, { DATABASE_URL: '', PGLITE_DIR: '', DECKS_DIR: SHIPPED_DECKS, LOG_LEVEL: 'info' }, env);
  const started = Date.now();
  const child = spawn(process.execPath, [BUILT_ENTRY], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), withinMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output, ms: Date.now() - started };
}

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const lastLine = (output: string) => output.trim().split('\n').at(-1) ?? '';

/** A fresh PGlite directory takes seconds to open and migrate, many more on a busy machine. */
const BOT_TEST_TIMEOUT_MS = 60_000;

describe(`startup waits for what it needs, then says what is wrong in one line (bot process, ${E2E_DB_KIND})`, () => {
  let fake: FakeDiscord;
  let db: BotDatabase;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    db = await createBotDatabase({ serverUrl: process.env.TEST_DATABASE_URL, prefix: 'deepcards_startup' });
  });
  afterAll(async () => {
    await fake.stop();
    await db.drop();
  });

  test('GIVEN no PostgreSQL at DATABASE_URL THEN it retries for STARTUP_TIMEOUT_MS, one line per try without the password, then exits 1 with one line', async () => {
    const port = await closedPort();
    const run = await runUntilExit({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DATABASE_URL: `postgres://deepcards:s3cret-pw@127.0.0.1:${port}/studydb`,
      STARTUP_TIMEOUT_MS: '2000',
    });
    expect(run.code).toBe(1);
    const tries = run.output.split('\n').filter((line) => line.includes('database not reachable yet'));
    expect(tries.length).toBeGreaterThanOrEqual(2);
    for (const line of tries) expect(JSON.parse(line)).toMatchObject({ host: '127.0.0.1', port, database: 'studydb' });
    expect(run.output).not.toContain('s3cret-pw');
    expect(lastLine(run.output)).toMatch(new RegExp(`^startup error: DATABASE_URL: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after \\d+ tries in 2 s`));
    expect(run.output).not.toMatch(/"stack"| {4}at /);
    expect(run.ms).toBeLessThan(15_000);
  });

  test('GIVEN a token Discord rejects THEN it exits 1 naming DISCORD_TOKEN, without a stack trace', async () => {
    const run = await runUntilExit({ ...db.env, DISCORD_TOKEN: 'bm90LXRoZS10b2tlbg.wrong.token-the-fake-does-not-know', DISCORD_API_URL: fake.apiUrl });
    expect(run.code).toBe(1);
    expect(lastLine(run.output)).toBe('startup error: DISCORD_TOKEN: Discord rejected the token (401); reset it in the developer portal (Bot → Reset Token)');
    expect(run.output).not.toMatch(/"stack"| {4}at /);
  }, BOT_TEST_TIMEOUT_MS);

  test.runIf(E2E_DB_KIND === 'pglite')('GIVEN a PGLITE_DIR under a file THEN it exits 1 naming PGLITE_DIR', async () => {
    const file = path.join(os.tmpdir(), `deepcards-not-a-dir-${process.pid}`);
    await writeFile(file, 'a file');
    const run = await runUntilExit({ PGLITE_DIR: path.join(file, 'pglite'), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl });
    expect(run.code).toBe(1);
    expect(lastLine(run.output)).toBe(`startup error: PGLITE_DIR: ${path.join(file, 'pglite')} is not a directory (part of the path is a file)`);
  }, BOT_TEST_TIMEOUT_MS);

  describe.runIf(E2E_DB_KIND === 'postgres')('on a PostgreSQL server', () => {
    test('GIVEN a database that does not exist THEN it exits 1 at once with one line naming it', async () => {
      const url = new URL(db.env.DATABASE_URL!);
      url.pathname = '/deepcards_no_such_database';
      const run = await runUntilExit({ DATABASE_URL: url.toString(), DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl });
      expect(run.code).toBe(1);
      expect(lastLine(run.output)).toBe(`startup error: DATABASE_URL: database "deepcards_no_such_database" does not exist on ${url.hostname}:${url.port || 5432}`);
    });

    test('GIVEN PostgreSQL comes up after the bot’s first try THEN the bot waits for it and starts', async () => {
      const target = new URL(db.env.DATABASE_URL!);
      const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
      proxy.cut();
      target.host = `127.0.0.1:${proxy.port}`;
      // PostgreSQL "comes up" once the bot's first try has timed out: postgres.js itself reconnects
      // within one try (DB_CONNECT_TIMEOUT_S), so only then does the bot wait and log.
      let firstRefusalAt: number | undefined;
      const restore = setInterval(() => {
        if (proxy.refused > 0) firstRefusalAt ??= Date.now();
        if (firstRefusalAt !== undefined && Date.now() - firstRefusalAt > DB_CONNECT_TIMEOUT_S * 1000 + 1_000) proxy.restore();
      }, 20);
      try {
        const bot = await startBot({ fake, env: { DATABASE_URL: target.toString() }, timeoutMs: 30_000 });
        expect(bot.output(), bot.output()).toContain('database not reachable yet');
        await bot.stop();
      } finally {
        clearInterval(restore);
        await proxy.stop();
      }
    }, BOT_TEST_TIMEOUT_MS);
  });
});
