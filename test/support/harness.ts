import pino from 'pino';
import { createApp, type App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import type { Deck } from '../../src/domain/types.js';
import { FakeDiscord, type FakeChannel, type FakeGuild, type FakeMember } from './fake-discord/index.js';
import type { StoredMessage } from './fake-discord/types.js';
import { seededRandom, TestClock } from './fixtures.js';

/**
 * The real app (discord.js client, router, services) in this process, connected to a fake Discord
 * on 127.0.0.1 and the worker's test database. "Mock only at the boundary": Discord is the fake, the
 * database is real.
 */
export interface Harness {
  fake: FakeDiscord;
  guild: FakeGuild;
  channel: FakeChannel;
  alice: FakeMember;
  bob: FakeMember;
  admin: FakeMember;
  clock: TestClock;
  apps: App[];
  /** Starts one more app instance on the same database and fake (a second bot process). */
  startApp(): Promise<App>;
  stop(): Promise<void>;
}

export async function startHarness(opts: { database: Database; decks: Deck[]; now?: string }): Promise<Harness> {
  const fake = await FakeDiscord.start({});
  const guild = fake.addGuild({ name: 'Study Hall' });
  const channel = fake.addChannel(guild.id, { name: 'study' });
  const alice = fake.addMember(guild.id, { username: 'alice' });
  const bob = fake.addMember(guild.id, { username: 'bob' });
  const admin = fake.addMember(guild.id, { username: 'admin', permissions: ['ManageGuild'] });
  const clock = new TestClock(new Date(opts.now ?? '2026-03-10T12:00:00Z'));
  const apps: App[] = [];
  const startApp = async () => {
    const app = createApp({
      config: { discordApiUrl: fake.apiUrl, devGuildId: undefined },
      database: opts.database,
      decks: opts.decks,
      logger: pino({ level: 'silent' }),
      now: clock.now,
      random: seededRandom(apps.length + 11),
      scheduler: false,
      countRefreshMs: 50,
    });
    await app.start(fake.token);
    apps.push(app);
    return app;
  };
  await startApp();
  return {
    fake,
    guild,
    channel,
    alice,
    bob,
    admin,
    clock,
    apps,
    startApp,
    async stop() {
      for (const app of apps.splice(0)) await app.stop(1000);
      await fake.stop();
    },
  };
}

/** Custom ids of a message's buttons, row by row flattened. */
export function buttonIds(message: StoredMessage | undefined): string[] {
  return (message?.components ?? []).flatMap((row) => ((row as { components?: { custom_id?: string }[] }).components ?? []).map((c) => c.custom_id ?? ''));
}

export function buttonLabels(message: StoredMessage | undefined): string[] {
  return (message?.components ?? []).flatMap((row) => ((row as { components?: { label?: string }[] }).components ?? []).map((c) => c.label ?? ''));
}

export function embedText(message: { embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } }[] } | undefined): string {
  const embed = message?.embeds?.[0];
  if (!embed) return '';
  return [embed.title, embed.description, ...(embed.fields ?? []).map((f) => `${f.name}: ${f.value}`), embed.footer?.text].filter(Boolean).join('\n');
}
