import { fileURLToPath } from 'node:url';
import { REST, ShardingManager } from 'discord.js';
import { loadConfig } from '../config.js';
import { assignShards, describeShards } from '../domain/shards.js';
import { fetchRecommendedShards } from '../discord/shards.js';
import { createLogger } from '../logger.js';

/** How long one spawned process may take to connect its shard before the manager gives up on it. */
const SHARD_READY_TIMEOUT_MS = 60_000;
/** Pause between spawns: Discord allows one IDENTIFY per 5 s per bucket. */
const SPAWN_DELAY_MS = 5_500;

/**
 * `npm run start:sharded`: discord.js's ShardingManager on one machine, one bot process per shard of
 * SHARD_IDS (all of SHARD_COUNT when unset), each respawned when it dies. Every process shares DATABASE_URL.
 */
const config = loadConfig({ requireToken: true });
const logger = createLogger(config.logLevel);
if (!config.databaseUrl) {
  process.stderr.write('config error: DATABASE_URL: expected a PostgreSQL URL for start:sharded; the embedded PGlite is single-process\n');
  process.exit(1);
}
const token = config.discordToken ?? '';
const rest = new REST(config.discordApiUrl ? { api: config.discordApiUrl } : {}).setToken(token);
const count = config.shards.count === 'auto' ? await fetchRecommendedShards(rest) : config.shards.count;
const shards = assignShards(config.shards, count);
const self = fileURLToPath(import.meta.url);
const script = fileURLToPath(new URL(self.endsWith('.ts') ? '../index.ts' : '../index.js', import.meta.url));
const manager = new ShardingManager(script, {
  token,
  totalShards: shards.count,
  shardList: shards.ids,
  mode: 'process',
  respawn: true,
  execArgv: self.endsWith('.ts') ? ['--import', 'tsx'] : [],
});
manager.on('shardCreate', (shard) => {
  logger.info({ shard: shard.id }, 'shard process spawned');
  shard.on('death', () => logger.warn({ shard: shard.id }, 'shard process died; respawning'));
});
logger.info({ shards: describeShards(shards) }, 'starting the sharding manager');
const stop = (signal: string) => {
  logger.info({ signal }, 'stopping shard processes');
  for (const shard of manager.shards.values()) shard.kill();
  process.exit(0);
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
await manager.spawn({ amount: shards.count, delay: SPAWN_DELAY_MS, timeout: SHARD_READY_TIMEOUT_MS });
logger.info({ shards: describeShards(shards) }, 'every shard process is ready');
