/**
 * Which gateway shards this process connects, from SHARD_COUNT and SHARD_IDS (or from SHARDS when
 * discord.js's ShardingManager spawned the process). Pure: config.ts parses, app.ts resolves `auto`.
 */
export interface ShardPlan {
  /** A number, or `auto` for Discord's recommendation from /gateway/bot. */
  count: number | 'auto';
  /** The shard ids this process connects, or `all` of them. */
  ids: number[] | 'all';
  /** Set when discord.js's ShardingManager started this process. */
  managed: boolean;
}

/** The shards of one running process, once the count is known. */
export interface ShardAssignment {
  count: number;
  ids: number[];
}

/** Parses `0-3`, `0,2` or `0-1,5`: ascending, without repeats; null when malformed. */
export function parseShardIds(input: string): number[] | null {
  const ids = new Set<number>();
  for (const part of input.split(',').map((p) => p.trim())) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) return null;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from || to - from > 10_000) return null;
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return ids.size > 0 ? [...ids].sort((a, b) => a - b) : null;
}

/** The concrete shards once the total count is known; throws a one-line message when an id is out of range. */
export function assignShards(plan: Pick<ShardPlan, 'ids'>, count: number): ShardAssignment {
  const ids = plan.ids === 'all' ? Array.from({ length: count }, (_, i) => i) : plan.ids;
  const outside = ids.filter((id) => id >= count);
  if (outside.length > 0) throw new Error(`SHARD_IDS: shard ${outside.join(', ')} does not exist with ${count} shard(s) (ids run 0 to ${count - 1})`);
  return { count, ids };
}

/** True when this process runs only some of the shards, so other processes must run the rest. */
export function isPartial(plan: ShardPlan): boolean {
  return plan.managed || (plan.ids !== 'all' && (plan.count === 'auto' || plan.ids.length < plan.count));
}

/** The shard a guild's events arrive on, as Discord routes them: `(guild_id >> 22) % shard_count`. */
export function shardOfGuild(guildId: string, count: number): number {
  if (count <= 1) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/**
 * The port of the health server of the process that `npm run start:sharded` spawns for `shardId`:
 * the manager itself answers on HTTP_PORT for all of them, so shard N's own process is on HTTP_PORT + 1 + N
 * (8081, 8082, … with the default 8080). 0 stays 0: the server is off everywhere.
 */
export function shardHttpPort(basePort: number, shardId: number): number {
  return basePort === 0 ? 0 : basePort + 1 + shardId;
}

/** Shown in logs: `0-1 of 4`. */
export function describeShards(assignment: ShardAssignment): string {
  return `${assignment.ids.join(',')} of ${assignment.count}`;
}
