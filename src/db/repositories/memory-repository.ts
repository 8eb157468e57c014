import { and, asc, count, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { cardMemory, memberSettings, reviewLogs } from '../schema.js';
import { DEFAULT_NEW_PER_DAY, DEFAULT_RETENTION, type MemoryState } from '../../domain/srs.js';
import { memoryFromRow } from './rounds-repository.js';

export type MemberSettingsRow = typeof memberSettings.$inferSelect;

export interface SrsSettings {
  newPerDay: number;
  retention: number;
  timeZone: string;
  reminderEnabled: boolean;
  reminderHour: number | null;
}

export const DEFAULT_SRS_SETTINGS: SrsSettings = {
  newPerDay: DEFAULT_NEW_PER_DAY,
  retention: DEFAULT_RETENTION,
  timeZone: 'UTC',
  reminderEnabled: false,
  reminderHour: null,
};

/** Members' card memories, review logs and spaced-repetition settings. */
export class MemoryRepository {
  constructor(private readonly database: Database) {}

  async settings(userId: string): Promise<SrsSettings> {
    const [row] = await this.database.db.select().from(memberSettings).where(eq(memberSettings.userId, userId)).limit(1);
    if (!row) return DEFAULT_SRS_SETTINGS;
    return { newPerDay: row.newPerDay, retention: row.retention, timeZone: row.timeZone, reminderEnabled: row.reminderEnabled, reminderHour: row.reminderHour };
  }

  async saveSettings(userId: string, settings: SrsSettings, now: Date): Promise<void> {
    const values = { userId, ...settings, updatedAt: now };
    await this.database.db.insert(memberSettings).values(values).onConflictDoUpdate({ target: memberSettings.userId, set: values });
  }

  async memory(userId: string, cardId: string): Promise<MemoryState | null> {
    const [row] = await this.database.db
      .select()
      .from(cardMemory)
      .where(and(eq(cardMemory.userId, userId), eq(cardMemory.cardId, cardId)))
      .limit(1);
    return row ? memoryFromRow(row) : null;
  }

  /** The member's earliest-due card among the decks (all when null): the most overdue, via (user, due). */
  async earliestDue(userId: string, deckIds: readonly string[] | null): Promise<{ cardId: string; due: Date } | undefined> {
    const [row] = await this.database.db
      .select({ cardId: cardMemory.cardId, due: cardMemory.due })
      .from(cardMemory)
      .where(and(eq(cardMemory.userId, userId), deckIds ? inArray(cardMemory.deckId, [...deckIds]) : undefined))
      .orderBy(asc(cardMemory.due))
      .limit(1);
    return row;
  }

  async knownCardIds(userId: string, deckIds: readonly string[] | null): Promise<Set<string>> {
    const rows = await this.database.db
      .select({ cardId: cardMemory.cardId })
      .from(cardMemory)
      .where(and(eq(cardMemory.userId, userId), deckIds ? inArray(cardMemory.deckId, [...deckIds]) : undefined));
    return new Set(rows.map((r) => r.cardId));
  }

  /** New cards /review introduced since an instant (the start of the member's day). */
  async newReviewedSince(userId: string, since: Date): Promise<number> {
    const [row] = await this.database.db
      .select({ n: count() })
      .from(reviewLogs)
      .where(and(eq(reviewLogs.userId, userId), gte(reviewLogs.review, since), eq(reviewLogs.state, 0), eq(reviewLogs.source, 'review')));
    return Number(row?.n ?? 0);
  }

  async dueBetween(userId: string, until: Date): Promise<number> {
    const [row] = await this.database.db
      .select({ n: count() })
      .from(cardMemory)
      .where(and(eq(cardMemory.userId, userId), lte(cardMemory.due, until)));
    return Number(row?.n ?? 0);
  }

  /** Cards past their learning phase (in review or relearning), per deck. */
  async learnedPerDeck(userId: string): Promise<Map<string, number>> {
    const rows = await this.database.db
      .select({ deckId: cardMemory.deckId, n: count() })
      .from(cardMemory)
      .where(and(eq(cardMemory.userId, userId), inArray(cardMemory.state, [2, 3])))
      .groupBy(cardMemory.deckId);
    return new Map(rows.map((r) => [r.deckId, Number(r.n)]));
  }

  /** Recall of cards in review since an instant: reviews, and those not rated Again. */
  async recallSince(userId: string, since: Date): Promise<{ reviews: number; recalled: number }> {
    const [row] = await this.database.db
      .select({
        reviews: sql<number>`count(*)::int`,
        recalled: sql<number>`(count(*) filter (where ${reviewLogs.rating} > 1))::int`,
      })
      .from(reviewLogs)
      .where(and(eq(reviewLogs.userId, userId), gte(reviewLogs.review, since), eq(reviewLogs.state, 2)));
    return { reviews: Number(row?.reviews ?? 0), recalled: Number(row?.recalled ?? 0) };
  }

  /** Members with the reminder on. */
  async reminderMembers(): Promise<MemberSettingsRow[]> {
    return this.database.db.select().from(memberSettings).where(eq(memberSettings.reminderEnabled, true));
  }

  /**
   * Claims today's reminder for a member: true for exactly one caller per member and local date, so
   * two bot processes, or a retry, never send two DMs on one day.
   */
  async claimReminderDay(userId: string, localDate: string): Promise<boolean> {
    const rows = await this.database.db
      .update(memberSettings)
      .set({ lastReminderDate: localDate })
      .where(
        and(
          eq(memberSettings.userId, userId),
          eq(memberSettings.reminderEnabled, true),
          sql`(${memberSettings.lastReminderDate} is null or ${memberSettings.lastReminderDate} < ${localDate}::date)`,
        ),
      )
      .returning({ userId: memberSettings.userId });
    return rows.length > 0;
  }

  async disableReminder(userId: string, now: Date): Promise<void> {
    await this.database.db.update(memberSettings).set({ reminderEnabled: false, updatedAt: now }).where(eq(memberSettings.userId, userId));
  }

}
