import { and, countDistinct, eq, gte, sql } from 'drizzle-orm';
import type { DayCount } from '../../domain/heatmap.js';
import type { Database } from '../client.js';
import { answers, botState, memberStats } from '../schema.js';

export type MemberStatsRow = typeof memberStats.$inferSelect;

export class StatsRepository {
  constructor(private readonly database: Database) {}

  async memberTotals(guildId: string, userId: string): Promise<MemberStatsRow | undefined> {
    const [row] = await this.database.db
      .select()
      .from(memberStats)
      .where(and(eq(memberStats.guildId, guildId), eq(memberStats.userId, userId)))
      .limit(1);
    return row;
  }

  /**
   * Cards a member graded per local day in `timeZone` since an instant, anywhere (every server, DMs and
   * the daily challenge): one grouped query over (user_id, answered_at).
   */
  async gradedPerLocalDay(userId: string, since: Date, timeZone: string): Promise<DayCount[]> {
    const rows = await this.database.db
      .select({
        day: sql<string>`to_char((${answers.answeredAt} at time zone ${timeZone})::date, 'YYYY-MM-DD')`,
        count: sql<number>`count(*)::int`,
      })
      .from(answers)
      .where(and(eq(answers.userId, userId), gte(answers.answeredAt, since)))
      .groupBy(sql`1`);
    return rows.map((r) => ({ day: r.day, count: Number(r.count) }));
  }

  /** How many distinct cards of each deck a member has answered, anywhere. */
  async answeredCardsByDeck(userId: string): Promise<Map<string, number>> {
    const rows = await this.database.db
      .select({ deckId: answers.deckId, cards: countDistinct(answers.cardId) })
      .from(answers)
      .where(eq(answers.userId, userId))
      .groupBy(answers.deckId);
    return new Map(rows.map((r) => [r.deckId, Number(r.cards)]));
  }
}

/** Key–value state of the bot that must survive restarts. */
export class BotStateRepository {
  constructor(private readonly database: Database) {}

  async get(key: string): Promise<string | undefined> {
    const [row] = await this.database.db.select().from(botState).where(eq(botState.key, key)).limit(1);
    return row?.value;
  }

  async set(key: string, value: string, now: Date): Promise<void> {
    await this.database.db
      .insert(botState)
      .values({ key, value, updatedAt: now })
      .onConflictDoUpdate({ target: botState.key, set: { value, updatedAt: now } });
  }

}
