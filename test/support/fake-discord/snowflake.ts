const DISCORD_EPOCH = 1_420_070_400_000n;

/** Generates strictly increasing, snowflake-shaped ids (18–19 digits, timestamp in the top bits). */
export class SnowflakeGenerator {
  #last = 0n;

  next(): string {
    const candidate = ((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n);
    this.#last = candidate > this.#last ? candidate : this.#last + 1n;
    return this.#last.toString();
  }
}

/** The creation time encoded in a snowflake (epoch ms), or undefined if `id` is not one. */
export function snowflakeTimestamp(id: string): number | undefined {
  if (!/^\d{17,20}$/.test(id)) return undefined;
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** A snowflake-shaped guild id (18 digits) that Discord routes to `shard` of `count`: `(id >> 22) % count`. */
export function snowflakeOnShard(shard: number, count: number, n = 0): string {
  return ((100_000_000_000n + BigInt(n * count + shard)) << 22n).toString();
}
