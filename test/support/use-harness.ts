import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { resetDatabase, testDatabase } from './database.js';
import { fixtureDecks } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const MEMBER_TABLES = sql`truncate rounds, answers, answers_to_apply, member_stats, daily_challenges, daily_settings, card_memory, review_logs, member_settings restart identity cascade`;

/**
 * Starts the in-process app and fake Discord once for a test file, and before each test clears what
 * members did (keeping the registered-commands hash) and sets the clock to `now`.
 */
export function useHarness(now = '2026-03-10T12:00:00Z'): { readonly h: Harness; readonly database: Database } {
  const ctx = {} as { h: Harness; database: Database };
  beforeAll(async () => {
    ctx.database = await testDatabase();
    await resetDatabase(ctx.database);
    ctx.h = await startHarness({ database: ctx.database, decks: await fixtureDecks(), now });
  });
  afterAll(async () => {
    await ctx.h?.stop();
  });
  beforeEach(async () => {
    // The last test's interactions may still be applying their answers (after their replies): let them end first.
    await Promise.all(ctx.h.apps.map((app) => app.router.whenIdle()));
    await Promise.all(ctx.h.apps.map((app) => app.context.ledger.settleAll()));
    await ctx.database.db.execute(MEMBER_TABLES);
    ctx.h.clock.set(now);
  });
  return ctx;
}
