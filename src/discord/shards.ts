import { Routes, type REST } from 'discord.js';

/** How long the one /gateway/bot request before connecting may take. */
export const GATEWAY_BOT_TIMEOUT_MS = 10_000;

/** Discord's recommended shard count for this bot (`shards` of GET /gateway/bot). */
export async function fetchRecommendedShards(rest: REST): Promise<number> {
  const answer = (await rest.get(Routes.gatewayBot(), { signal: AbortSignal.timeout(GATEWAY_BOT_TIMEOUT_MS) })) as { shards?: unknown };
  const count = Number(answer.shards);
  if (!Number.isInteger(count) || count < 1) throw new Error(`GET /gateway/bot answered an unusable shard count: ${String(answer.shards)}`);
  return count;
}
