import type { ShardHoldersRepository } from '../db/repositories/shard-holders-repository.js';
import type { ShardAssignment } from '../domain/shards.js';

/** A holder not seen for this long no longer counts as running its shards. */
export const SHARD_HOLDER_STALE_MS = 150_000;

/**
 * Notices shards run by more than one process (overlapping SHARD_IDS). Nothing posts twice then (the
 * daily claims are unique), but both processes do the work, so the scheduler warns.
 */
export class ShardService {
  constructor(
    private readonly holders: ShardHoldersRepository,
    /** This process, as other processes see it in the warning. */
    readonly holder: string,
  ) {}

  /** Records this process's shards; returns the ones another process also ran lately. */
  async overlaps(shards: ShardAssignment, now: Date): Promise<{ shardId: number; holder: string }[]> {
    return this.holders.touch(shards.count, shards.ids, this.holder, now, new Date(now.getTime() - SHARD_HOLDER_STALE_MS));
  }
}
