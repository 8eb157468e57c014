import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';
import { projectRoot } from '../src/paths.js';

const ROOT = projectRoot();

const problemsOf = (env: Record<string, string>, requireToken = true): string[] => {
  try {
    parseConfig(env, { requireToken });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('config', () => {
  test('GIVEN only a token THEN the defaults apply and PGlite is used', () => {
    const config = parseConfig({ DISCORD_TOKEN: 'abc.def.ghi' }, { requireToken: true });
    expect(config).toMatchObject({
      discordToken: 'abc.def.ghi',
      databaseUrl: undefined,
      pgliteDir: path.join(ROOT, 'data', 'pglite'),
      decksDir: path.join(ROOT, 'decks'),
      logLevel: 'info',
      devGuildId: undefined,
      discordApiUrl: undefined,
    });
  });

  test('GIVEN no token THEN starting the bot is refused with one line naming DISCORD_TOKEN', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DISCORD_TOKEN: expected /);
  });

  test('GIVEN several bad variables THEN each is reported on its own line naming the variable', () => {
    const problems = problemsOf({
      DISCORD_TOKEN: 'secret-token-value',
      DATABASE_URL: 'mysql://nope',
      DEV_GUILD_ID: 'my-server',
      LOG_LEVEL: 'loud',
      DISCORD_API_URL: 'not a url',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'DEV_GUILD_ID', 'DISCORD_API_URL', 'LOG_LEVEL']);
    for (const p of problems) {
      expect(p).toMatch(/^[A-Z_]+: expected .+/);
      expect(p).not.toContain('\n');
      expect(p).not.toContain('secret-token-value');
    }
  });

  test('GIVEN empty optional variables (as .env.example leaves them) THEN they count as unset', () => {
    const config = parseConfig(
      { DISCORD_TOKEN: 't', DATABASE_URL: '', DEV_GUILD_ID: '', DISCORD_API_URL: '', PGLITE_DIR: '', DECKS_DIR: ' ', LOG_LEVEL: '', SHUTDOWN_TIMEOUT_MS: '' },
      { requireToken: true },
    );
    expect(config).toMatchObject({ pgliteDir: path.join(ROOT, 'data', 'pglite'), decksDirs: [path.join(ROOT, 'decks')], logLevel: 'info', shutdownTimeoutMs: 5000 });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.devGuildId).toBeUndefined();
    expect(config.discordApiUrl).toBeUndefined();
  });

  test('GIVEN a fake Discord URL and a PostgreSQL URL THEN both are taken as they are', () => {
    const config = parseConfig({
      DISCORD_TOKEN: 't',
      DISCORD_API_URL: 'http://127.0.0.1:5050/api',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/deepcards',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config.discordApiUrl).toBe('http://127.0.0.1:5050/api');
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/deepcards');
    expect(config.logLevel).toBe('debug');
  });

  test('GIVEN DECKS_DIR lists two folders THEN both are loaded in order and imports go to the last', () => {
    const config = parseConfig({ DISCORD_TOKEN: 't', DECKS_DIR: './decks, /srv/our-decks' });
    expect(config.decksDirs).toEqual(['./decks', '/srv/our-decks']);
    expect(config.decksDir).toBe('/srv/our-decks');
  });

  describe('paths and the working directory', () => {
    test('GIVEN PGLITE_DIR and DECKS_DIR unset THEN they are the installation\'s data/pglite and decks, whatever the working directory', () => {
      const config = parseConfig({ DISCORD_TOKEN: 't' }, { root: '/opt/deepcards' });
      expect(config.pgliteDir).toBe('/opt/deepcards/data/pglite');
      expect(config.decksDirs).toEqual(['/opt/deepcards/decks']);
    });

    test('GIVEN relative paths written in the installation\'s .env THEN they are taken from its root', () => {
      const config = parseConfig({ DISCORD_TOKEN: 't', PGLITE_DIR: './data/pglite', DECKS_DIR: './decks,/srv/ours' }, { root: '/opt/deepcards', fromEnvFile: new Set(['PGLITE_DIR', 'DECKS_DIR']) });
      expect(config.pgliteDir).toBe('/opt/deepcards/data/pglite');
      expect(config.decksDirs).toEqual(['/opt/deepcards/decks', '/srv/ours']);
    });

    test('GIVEN a relative path set in the environment itself THEN it stays relative to the working directory', () => {
      const config = parseConfig({ DISCORD_TOKEN: 't', PGLITE_DIR: './here/db', DECKS_DIR: 'mine' }, { root: '/opt/deepcards', fromEnvFile: new Set() });
      expect(config.pgliteDir).toBe('./here/db');
      expect(config.decksDirs).toEqual(['mine']);
    });

    test('GIVEN the bot\'s config loaded by a process started from another folder (as systemd starts it from /) THEN it finds the installation\'s database and decks', () => {
      const elsewhere = mkdtempSync(path.join(tmpdir(), 'deepcards-cwd-'));
      writeFileSync(path.join(elsewhere, '.env'), 'PGLITE_DIR=./wrong\n');
      const script = `import { loadConfig } from ${JSON.stringify(path.join(ROOT, 'src', 'config.ts'))}; const c = loadConfig(); console.log(JSON.stringify({ pglite: c.pgliteDir, decks: c.decksDirs }));`;
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PGLITE_DIR' && k !== 'DECKS_DIR'));
      const out = execFileSync(process.execPath, ['--import', pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href, '--input-type=module', '-e', script], { cwd: elsewhere, env, encoding: 'utf8', timeout: 15_000 });
      const loaded = JSON.parse(out.trim().split('\n').at(-1)!) as { pglite: string; decks: string[] };
      expect(path.isAbsolute(loaded.pglite) && loaded.pglite.startsWith(ROOT)).toBe(true);
      expect(loaded.decks[0]!.startsWith(ROOT)).toBe(true);
    });
  });
});

describe('config: shards', () => {
  const base = { DISCORD_TOKEN: 't', DATABASE_URL: 'postgres://x@127.0.0.1/db' };

  test('GIVEN no shard variables THEN every shard of the recommended count runs here', () => {
    expect(parseConfig({ DISCORD_TOKEN: 't' }).shards).toEqual({ count: 'auto', ids: 'all', managed: false });
  });

  test.each([
    ['0-1', [0, 1]],
    ['0,2', [0, 2]],
    ['3, 0-1', [0, 1, 3]],
  ])('GIVEN SHARD_COUNT=4 and SHARD_IDS=%s THEN this process runs shards %j', (given, ids) => {
    expect(parseConfig({ ...base, SHARD_COUNT: '4', SHARD_IDS: given }).shards).toEqual({ count: 4, ids, managed: false });
  });

  test('GIVEN SHARD_COUNT=auto THEN the count is left to /gateway/bot', () => {
    expect(parseConfig({ ...base, SHARD_COUNT: 'AUTO', SHARD_IDS: '0' }).shards.count).toBe('auto');
  });

  test.each([
    [{ SHARD_COUNT: 'two' }, 'SHARD_COUNT'],
    [{ SHARD_COUNT: '0' }, 'SHARD_COUNT'],
    [{ SHARD_COUNT: '4', SHARD_IDS: '1-0' }, 'SHARD_IDS'],
    [{ SHARD_COUNT: '4', SHARD_IDS: '2-4' }, 'SHARD_IDS'],
    [{ SHARD_IDS: '0-1' }, 'SHARD_COUNT'],
  ])('GIVEN %j THEN one line names %s', (env, variable) => {
    const problems = problemsOf({ ...base, ...env });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: expected `));
  });

  test('GIVEN PGlite and only some of the shards THEN starting is refused with one line naming DATABASE_URL', () => {
    const problems = problemsOf({ DISCORD_TOKEN: 't', SHARD_COUNT: '4', SHARD_IDS: '0-1' });
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL: expected a PostgreSQL URL .*single-process/)]);
    expect(problems[0]).not.toContain('\n');
  });

  test('GIVEN PGlite and every shard in this process THEN it starts', () => {
    expect(parseConfig({ DISCORD_TOKEN: 't', SHARD_COUNT: '2', SHARD_IDS: '0-1' }).shards.ids).toEqual([0, 1]);
  });

  test('GIVEN a process spawned by the ShardingManager THEN it runs the SHARDS it was given, not the inherited SHARD_IDS', () => {
    const shards = parseConfig({ ...base, SHARD_COUNT: '4', SHARD_IDS: '0-3', SHARDS: '2', SHARDING_MANAGER: 'true' }).shards;
    expect(shards).toEqual({ count: 4, ids: [2], managed: true });
  });

  test('GIVEN processes spawned by the ShardingManager on one machine THEN each serves health and metrics on HTTP_PORT + 1 + its shard id, leaving HTTP_PORT to the manager', () => {
    const port = (env: Record<string, string>) => parseConfig({ ...base, SHARD_COUNT: '4', HTTP_PORT: '8080', ...env }).httpPort;
    expect(port({})).toBe(8080);
    expect(port({ SHARDS: '0', SHARDING_MANAGER: 'true' })).toBe(8081);
    expect(port({ SHARDS: '2', SHARDING_MANAGER: 'true' })).toBe(8083);
    expect(port({ SHARD_IDS: '2-3' })).toBe(8080);
    expect(port({ SHARDS: '2', SHARDING_MANAGER: 'true', HTTP_PORT: '0' })).toBe(0);
  });

  test('GIVEN the ShardingManager and PGlite THEN starting is refused naming DATABASE_URL', () => {
    expect(problemsOf({ DISCORD_TOKEN: 't', SHARD_COUNT: '1', SHARDS: '0', SHARDING_MANAGER: 'true' })[0]).toMatch(/^DATABASE_URL: /);
  });
});
