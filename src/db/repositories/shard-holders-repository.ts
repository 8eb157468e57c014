import { and, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { shardHolders } from '../schema.js';

export class ShardHoldersRepository {
  constructor(private readonly database: Database) {}

  /**
   * Records `holder` as running `ids` of `count` shards at `now`, and returns the shards some other
   * holder also reported since `since`, with that holder.
   */
  async touch(count: number, ids: readonly number[], holder: string, now: Date, since: Date): Promise<{ shardId: number; holder: string }[]> {
    if (ids.length === 0) return [];
    const others = await this.database.db
      .select({ shardId: shardHolders.shardId, holder: shardHolders.holder })
      .from(shardHolders)
      .where(and(eq(shardHolders.shardCount, count), inArray(shardHolders.shardId, [...ids]), ne(shardHolders.holder, holder), gt(shardHolders.seenAt, since)));
    await this.database.db
      .insert(shardHolders)
      .values(ids.map((shardId) => ({ shardCount: count, shardId, holder, seenAt: now })))
      .onConflictDoUpdate({ target: [shardHolders.shardCount, shardHolders.shardId], set: { holder: sql`excluded.holder`, seenAt: sql`excluded.seen_at` } });
    return others;
  }
}
