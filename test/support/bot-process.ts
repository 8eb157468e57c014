import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { FakeDiscord } from './fake-discord/index.js';

/**
 * The real bot as a child process — `node dist/src/index.js`, what `npm start` runs — against a fake
 * Discord, on a database of its own. Used by the end-to-end tests, `npm run demo` and the latency
 * benchmark.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The compiled entry point (`npm run build`; the test suite's global setup builds it). */
export const BUILT_ENTRY = path.join(REPO_ROOT, 'dist', 'src', 'index.js');
export const SHIPPED_DECKS = path.join(REPO_ROOT, 'decks');

/** Every variable src/config.ts reads: the child gets each one from us, never from this process or a .env. */
const CONFIG_VARIABLES = [
  'DISCORD_TOKEN',
  'DISCORD_API_URL',
  'DATABASE_URL',
  'PGLITE_DIR',
  'DEV_GUILD_ID',
  'DECKS_DIR',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'SHUTDOWN_TIMEOUT_MS',
  'HTTP_PORT',
  'HTTP_HOST',
  'SHARD_COUNT',
  'SHARD_IDS',
  'SHARDS',
  'SHARDING_MANAGER',
  'PGLITE_WORKER',
  'STARTUP_TIMEOUT_MS',
  'GAME_SECOND_MS',
  'GAME_TICK_MS',
];
/** Not passed on either: the test database of this process, and Node options meant for vitest. */
const NOT_INHERITED = [...CONFIG_VARIABLES, 'TEST_DATABASE_URL', 'NODE_OPTIONS'];
const OUTPUT_LIMIT = 512 * 1024;

export interface BotExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** ms from stop() (or from the start when the process exited by itself) to the exit. */
  ms: number;
}

export interface BotProcess {
  pid: number;
  /** Resolves when the process has exited, however that happened. */
  readonly exited: Promise<BotExit>;
  /** Sends `signal` and resolves on exit; rejects if the process is still running after `withinMs` (then kills it). */
  stop(signal?: NodeJS.Signals, withinMs?: number): Promise<BotExit>;
  /** SIGKILL, without waiting. */
  kill(): void;
  /** Everything the process wrote to stdout and stderr (the last 512 KiB). */
  output(): string;
}

export interface StartBotOptions {
  fake: FakeDiscord;
  /** Database variables (see {@link BotDatabase.env}) and overrides of the defaults below. */
  env?: Record<string, string | undefined>;
  /** Node's arguments (default: the built entry point). */
  args?: string[];
  /** Another program than Node to run with `args`, e.g. `npm` with `['start']`. */
  command?: string;
  /** The working directory (default: the repository). */
  cwd?: string;
  /**
   * Wait for the bulk overwrite of the commands (PUT …/commands), as on a first start on a database
   * (default). With false — a restart with unchanged commands, which registers nothing — wait for
   * `readyLine` in the output instead.
   */
  expectRegistration?: boolean;
  /** Output that means "ready" when no registration is expected (default deepcards' info log line, so LOG_LEVEL info). */
  readyLine?: string;
  timeoutMs?: number;
}

const running = new Map<ChildProcess, () => void>();
// A test runner that dies (or a script that throws) must not leave bots behind.
process.once('exit', () => {
  for (const kill of running.values()) kill();
});

/**
 * Starts the bot and resolves once the fake reports a ready gateway connection from it and its
 * command registration has arrived. Rejects (after killing it) if it exits or is not ready in time.
 */
export async function startBot(opts: StartBotOptions): Promise<BotProcess> {
  const { fake } = opts;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !NOT_INHERITED.includes(key)) env[key] = value;
  Object.assign(env, {
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    // Empty, not absent: dotenv only fills variables that are not set at all.
    DATABASE_URL: '',
    PGLITE_DIR: '',
    DEV_GUILD_ID: '',
    DECKS_DIR: SHIPPED_DECKS,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    SHUTDOWN_TIMEOUT_MS: '5000',
    GAME_SECOND_MS: '',
    GAME_TICK_MS: '',
    // Off unless a test asks for it (HTTP_PORT from pickFreePort()): bots running at once must not share a port.
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
  });
  for (const [key, value] of Object.entries(opts.env ?? {})) env[key] = value ?? '';
  const args = opts.args ?? [BUILT_ENTRY];
  if (!opts.args) {
    if (!env.DATABASE_URL && !env.PGLITE_DIR) throw new Error('startBot: pass DATABASE_URL or PGLITE_DIR (see createBotDatabase)');
    if (!existsSync(BUILT_ENTRY)) throw new Error(`startBot: ${BUILT_ENTRY} is missing; run npm run build`);
  }

  const connectionsBefore = fake.connections().length;
  const requestsBefore = fake.requests.length;
  const startedAt = Date.now();
  // Another program (npm start) runs the bot as a grandchild: it gets a process group of its own, and
  // signals go to the whole group, as a service manager sends them.
  const group = opts.command !== undefined;
  const child = spawn(opts.command ?? process.execPath, args, { cwd: opts.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
  const signal = (name: NodeJS.Signals): void => {
    if (group && child.pid !== undefined) process.kill(-child.pid, name);
    else child.kill(name);
  };
  running.set(child, () => signal('SIGKILL'));
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let stopRequestedAt: number | undefined;
  const exited = new Promise<BotExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, ms: Date.now() - (stopRequestedAt ?? startedAt) });
    });
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const bot: BotProcess = {
    pid: child.pid ?? -1,
    exited,
    async stop(name = 'SIGTERM', withinMs = 5_000) {
      if (hasExited) return exited;
      stopRequestedAt = Date.now();
      signal(name);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), withinMs)));
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        signal('SIGKILL');
        await exited;
        throw new Error(`the bot (pid ${child.pid}) was still running ${withinMs} ms after ${name}; killed it. Output:\n${output}`);
      }
      return outcome;
    },
    kill() {
      if (!hasExited) signal('SIGKILL');
    },
    output: () => output,
  };

  const expectRegistration = opts.expectRegistration ?? true;
  const readyLine = opts.readyLine ?? '"msg":"deepcards is ready"';
  const isReady = (): boolean => {
    const connected = fake.connections().slice(connectionsBefore).some((c) => c.ready && !c.closed);
    if (!connected) return false;
    if (!expectRegistration) return output.includes(readyLine);
    for (let i = requestsBefore; i < fake.requests.length; i++) {
      const r = fake.requests[i];
      if (r && r.method === 'PUT' && /\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(r.path) && r.status !== undefined) return true;
    }
    return false;
  };
  const deadline = Date.now() + timeoutMs;
  while (!isReady()) {
    if (hasExited) {
      const exit = await exited;
      throw new Error(`the bot exited before it was ready (code ${exit.code}, signal ${exit.signal}). Output:\n${output}`);
    }
    if (Date.now() > deadline) {
      bot.kill();
      await exited;
      const waitingFor = expectRegistration ? 'a ready gateway connection and PUT …/commands' : `a ready gateway connection and ${JSON.stringify(readyLine)}`;
      throw new Error(`the bot was not ready within ${timeoutMs} ms (waiting for ${waitingFor}). Output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return bot;
}

/** A TCP port free on 127.0.0.1 right now, for a bot's HTTP_PORT. */
export async function pickFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The first of `count` consecutive TCP ports free on 127.0.0.1 right now: `npm run start:sharded` takes
 * HTTP_PORT for the manager and the ports after it for its shard processes.
 */
export async function pickFreePorts(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await pickFreePort();
    if (first + count - 1 > 65_535) continue;
    let all = true;
    for (let port = first + 1; port < first + count && all; port++) all = await free(port);
    if (all) return first;
  }
  throw new Error(`pickFreePorts: found no ${count} consecutive free ports on 127.0.0.1`);
}

/** A throwaway database for bot processes. */
export interface BotDatabase {
  kind: 'postgres' | 'pglite';
  /** What to pass to {@link startBot}: DATABASE_URL, or PGLITE_DIR with an empty DATABASE_URL. */
  env: Record<string, string>;
  /** Where it is: the URL without credentials, or the directory. */
  where: string;
  /**
   * Runs a query. PGlite keeps its files to one process at a time: on PGlite call this only while no
   * bot is running on the directory.
   */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Drops the database (`with (force)`) or removes the directory. */
  drop(): Promise<void>;
}

let created = 0;

/**
 * A fresh database: on the PostgreSQL server of `serverUrl` (a database created for it, named
 * `<prefix>_<pid>_<n>`), or, without a URL, an empty PGlite directory under the system temp dir.
 */
export async function createBotDatabase(opts: { serverUrl?: string | undefined; prefix?: string } = {}): Promise<BotDatabase> {
  const prefix = opts.prefix ?? 'deepcards_e2e';
  if (!opts.serverUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix.replaceAll('_', '-')}-`));
    return {
      kind: 'pglite',
      env: { PGLITE_DIR: dir, DATABASE_URL: '' },
      where: dir,
      async query<T>(text: string, params: unknown[] = []) {
        const pg = new PGlite(dir);
        try {
          return (await pg.query<T>(text, params)).rows;
        } finally {
          await pg.close();
        }
      },
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  created += 1;
  const name = `${prefix}_${process.pid}_${created}`;
  const maintenance = new URL(opts.serverUrl);
  maintenance.pathname = '/postgres';
  const admin = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 2 });
  }
  const url = new URL(opts.serverUrl);
  url.pathname = `/${name}`;
  let client: postgres.Sql | undefined;
  const shown = new URL(url);
  shown.password = '';
  return {
    kind: 'postgres',
    env: { DATABASE_URL: url.toString() },
    where: shown.toString(),
    async query<T>(text: string, params: unknown[] = []) {
      client ??= postgres(url.toString(), { max: 2, onnotice: () => {} });
      return [...(await client.unsafe(text, params as never[]))] as T[];
    },
    async drop() {
      await client?.end({ timeout: 2 });
      client = undefined;
      const cleanup = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end({ timeout: 2 });
      }
    },
  };
}
