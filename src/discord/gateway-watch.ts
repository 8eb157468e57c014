import { Events, type Client } from 'discord.js';
import type { Logger } from '../logger.js';

/** Past this long without a gateway connection, one warning says so (members' presses are not arriving). */
export const DISCONNECTED_WARN_AFTER_MS = 60_000;

type ShardLike = { on(event: 'close', listener: (event: { code: number }) => void): unknown };
/** The part of a discord.js Client watched here. */
export type GatewayClient = Pick<Client, 'on' | 'off'> & { ws: { shards: { get(id: number): ShardLike | undefined } } };

/**
 * Logs each gateway disconnect, reconnect and resume as one line with its close code; warns once when
 * the connection has been down longer than `warnAfterMs`, and logs when it is back. Returns the function
 * that stops watching (before the client is destroyed on purpose).
 */
export function watchGateway(client: GatewayClient, logger: Logger, warnAfterMs = DISCONNECTED_WARN_AFTER_MS): () => void {
  const watched = new WeakSet<ShardLike>();
  let stopped = false;
  const down = new Map<number, { since: number; code: number; timer: NodeJS.Timeout; warned: boolean }>();

  const onClose = (shard: number) => (event: { code: number }) => {
    if (stopped) return;
    const known = down.get(shard);
    if (known) {
      known.code = event.code;
    } else {
      const entry = { since: Date.now(), code: event.code, warned: false, timer: setTimeout(() => warn(shard), warnAfterMs) };
      entry.timer.unref();
      down.set(shard, entry);
    }
    logger.warn({ shard, code: event.code }, 'gateway disconnected');
  };
  const warn = (shard: number) => {
    const entry = down.get(shard);
    if (!entry || entry.warned) return;
    entry.warned = true;
    logger.warn({ shard, code: entry.code, downMs: Date.now() - entry.since }, `gateway disconnected for more than ${Math.round(warnAfterMs / 1000)} s; interactions are not arriving. Check this host's network and https://discordstatus.com; the bot keeps reconnecting by itself`);
  };
  const back = (shard: number, how: string, extra: Record<string, unknown> = {}) => {
    const entry = down.get(shard);
    if (!entry) return;
    clearTimeout(entry.timer);
    down.delete(shard);
    logger.info({ shard, code: entry.code, downMs: Date.now() - entry.since, ...extra }, `gateway ${how}`);
  };

  const onReady = (shard: number) => {
    const ws = client.ws.shards.get(shard);
    if (ws && !watched.has(ws)) {
      watched.add(ws);
      ws.on('close', onClose(shard));
    }
    back(shard, 'reconnected (new session)');
  };
  const onReconnecting = (shard: number) => logger.info({ shard, code: down.get(shard)?.code }, 'gateway reconnecting');
  const onResume = (shard: number, replayedEvents: number) => back(shard, 'resumed', { replayedEvents });
  const onDisconnect = (event: { code: number }, shard: number) =>
    logger.error({ shard, code: event.code }, 'gateway disconnected and will not reconnect (Discord refused the session)');

  client.on(Events.ShardReady, onReady);
  client.on(Events.ShardReconnecting, onReconnecting);
  client.on(Events.ShardResume, onResume);
  client.on(Events.ShardDisconnect, onDisconnect);
  return () => {
    client.off(Events.ShardReady, onReady);
    client.off(Events.ShardReconnecting, onReconnecting);
    client.off(Events.ShardResume, onResume);
    client.off(Events.ShardDisconnect, onDisconnect);
    for (const entry of down.values()) clearTimeout(entry.timer);
    down.clear();
    stopped = true;
  };
}
