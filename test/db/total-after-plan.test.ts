import { PgDialect } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { p, totalAfterSql } from '../../src/db/repositories/shared-sql.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';

/**
 * The total a member sees right after a grade or a daily answer adds their answers still to apply.
 * Those are found from the member's own rows to apply, never from the guild's answers: a guild's
 * ledger grows with every answer, and a plan that walks it would make every grade slower as it grows.
 * Prepared statements keep a generic plan, made without the values, so the statement is checked there.
 */
describe(`the total shown after an answer on ${TEST_DB_KIND}`, () => {
  let database: Database;

  beforeAll(async () => {
    database = await testDatabase();
    await resetDatabase(database);
  });

  test("GIVEN the generic plan of the total THEN it starts from the member's rows to apply and reads each answer by its key", async () => {
    const { sql: text, params } = new PgDialect().sqlToQuery(sql`select ${totalAfterSql(p('guildId'), p('userId'), p('points'))} as total`);
    const values = params.map(() => 'null').join(', ');
    const plan = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
      await tx.execute(sql.raw(`prepare total_after_plan as ${text}`));
      const rows = (await tx.execute(sql.raw(`explain execute total_after_plan(${values})`))) as unknown as Iterable<Record<string, string>>;
      await tx.execute(sql.raw('deallocate total_after_plan'));
      return [...(('rows' in (rows as object) ? (rows as unknown as { rows: Record<string, string>[] }).rows : rows) as Iterable<Record<string, string>>)]
        .map((row) => Object.values(row)[0])
        .join('\n');
    });

    const answerScans = plan.split('\n').filter((line) => / on answers a\b/.test(line));
    expect(answerScans.length, plan).toBeGreaterThan(0);
    // Each answer is read by its primary key, for one row to apply at a time (a subplan per row).
    for (const line of answerScans) expect(line, plan).toMatch(/Index Scan using answers_pkey on answers a/);
    expect(plan).toMatch(/SubPlan/);
    expect(plan).toMatch(/on answers_to_apply q/);
  });
});
