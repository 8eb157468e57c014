import { REST } from 'discord.js';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { BotStateRepository } from '../../src/db/repositories/stats-repository.js';
import { COMMANDS } from '../../src/discord/commands/index.js';
import { clearCommands, registerCommands } from '../../src/discord/register-commands.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { FakeDiscord } from '../support/fake-discord/index.js';

// Registration against the fake Discord's command store, with the scope kept in the real database.
describe(`command registration scope, on ${TEST_DB_KIND}`, () => {
  let fake: FakeDiscord;
  let database: Database;
  let rest: REST;
  let guildId: string;
  const logger = pino({ level: 'silent' });
  const now = new Date('2026-03-10T12:00:00Z');

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    guildId = fake.addGuild({ name: 'Dev Server' }).id;
    database = await testDatabase();
    rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    for (const scope of [undefined, guildId]) await rest.put(scope ? `/applications/${fake.applicationId}/guilds/${scope}/commands` : `/applications/${fake.applicationId}/commands`, { body: [] });
  });

  const register = (guild: string | undefined) =>
    registerCommands({ rest, applicationId: fake.applicationId, guildId: guild, commands: COMMANDS, state: new BotStateRepository(database), logger, now });
  const counts = () => ({ global: fake.commands().length, guild: fake.commands(guildId).length });

  test('GIVEN a global registration THEN setting DEV_GUILD_ID leaves exactly one set of commands, in the guild', async () => {
    await register(undefined);
    expect(counts()).toEqual({ global: COMMANDS.length, guild: 0 });
    await register(guildId);
    expect(counts()).toEqual({ global: 0, guild: COMMANDS.length });
  });

  test('GIVEN a guild registration THEN unsetting DEV_GUILD_ID clears the guild and registers globally, and back again registers the guild anew', async () => {
    await register(guildId);
    expect(await register(undefined)).toBe('registered');
    expect(counts()).toEqual({ global: COMMANDS.length, guild: 0 });
    expect(await register(guildId)).toBe('registered');
    expect(counts()).toEqual({ global: 0, guild: COMMANDS.length });
    expect(await register(guildId)).toBe('unchanged');
  });

  test('GIVEN a global registration made before the scope was kept THEN the first guild registration still clears it', async () => {
    await register(undefined);
    await database.rows(sqlDeleteScope());
    await register(guildId);
    expect(counts()).toEqual({ global: 0, guild: COMMANDS.length });
  });

  test('GIVEN commands in both scopes THEN clear removes both', async () => {
    await register(undefined);
    await rest.put(`/applications/${fake.applicationId}/guilds/${guildId}/commands`, { body: COMMANDS.map((c) => c.data.toJSON()) });
    const cleared = await clearCommands({ rest, applicationId: fake.applicationId, guildId, state: new BotStateRepository(database), now });
    expect(cleared).toEqual(['global', guildId]);
    expect(counts()).toEqual({ global: 0, guild: 0 });
    expect(await register(undefined)).toBe('registered');
  });
});

function sqlDeleteScope() {
  return sql`delete from bot_state where key like 'commands-scope:%'`;
}
