import { fileURLToPath } from 'node:url';
import { REST, ShardingManager } from 'discord.js';
import { loadConfig } from '../config.js';
import { assignShards, describeShards, shardHttpPort } from '../domain/shards.js';
import { fetchRecommendedShards } from '../discord/shards.js';
import { startHttpServer } from '../http/server.js';
import { shardedReadiness, shardUrl } from '../http/shard-probe.js';
import { createLogger } from '../logger.js';

/** How long one spawned process may take to connect its shard before the manager gives up on it. */
const SHARD_READY_TIMEOUT_MS = 60_000;
/** Pause between spawns: Discord allows one IDENTIFY per 5 s per bucket. */
const SPAWN_DELAY_MS = 5_500;

/**
 * `npm run start:sharded`: discord.js's ShardingManager on one machine, one bot process per shard of
 * SHARD_IDS (all of SHARD_COUNT when unset), each respawned when it dies. Every process shares DATABASE_URL.
 * The manager serves /healthz and /readyz (every shard's readiness) on HTTP_PORT; shard N's process
 * serves its own on HTTP_PORT + 1 + N.
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
const highest = Math.max(...shards.ids);
if (shardHttpPort(config.httpPort, highest) > 65_535) {
  process.stderr.write(`config error: HTTP_PORT: expected at most ${65_534 - highest}: shard ${highest}'s process serves on HTTP_PORT + 1 + ${highest}\n`);
  process.exit(1);
}
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
if (config.httpPort > 0) {
  const portOf = (id: number) => shardHttpPort(config.httpPort, id);
  await startHttpServer({
    host: config.httpHost,
    port: config.httpPort,
    readiness: () =>
      shardedReadiness({ ids: shards.ids, shardOf: (id) => manager.shards.get(id), readyzUrlOf: (id) => shardUrl(config.httpHost, portOf(id), '/readyz') }),
    metricsElsewhere: () => ({ shards: shards.ids.map((id) => ({ id, metrics: shardUrl(config.httpHost, portOf(id), '/metrics') })) }),
    logger: logger.child({ feature: 'http' }),
  });
}
const stop = (signal: string) => {
  logger.info({ signal }, 'stopping shard processes');
  for (const shard of manager.shards.values()) shard.kill();
  process.exit(0);
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
await manager.spawn({ amount: shards.count, delay: SPAWN_DELAY_MS, timeout: SHARD_READY_TIMEOUT_MS });
logger.info({ shards: describeShards(shards) }, 'every shard process is ready');
