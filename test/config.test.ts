import { describe, expect, test } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

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
      pgliteDir: './data/pglite',
      decksDir: './decks',
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
    expect(config).toMatchObject({ pgliteDir: './data/pglite', decksDirs: ['./decks'], logLevel: 'info', shutdownTimeoutMs: 5000 });
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
});
