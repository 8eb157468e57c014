import { Events, Status, type Client } from 'discord.js';
import type { Logger } from '../logger.js';
import type { GatewayState } from '../services/health-service.js';

/**
 * Follows the gateway connection through discord.js's shard events, for readiness, the gateway
 * metrics and the log: a lost connection is logged at once (discord.js reconnects by itself, quietly).
 */
export function trackGateway(client: Client, logger: Logger, isStopping: () => boolean = () => false): () => GatewayState {
  let state: GatewayState = { connected: false, since: new Date(), detail: 'not connected yet' };
  const up = (detail: string) => {
    if (!state.connected) logger.info({ downSince: state.since.toISOString() }, `gateway ${detail}`);
    state = { connected: true, since: new Date(), detail };
  };
  const down = (detail: string) => {
    if (!state.connected) return;
    state = { connected: false, since: new Date(), detail };
    // Closed on purpose at shutdown: nothing to warn about.
    if (isStopping()) return;
    logger.warn(
      `lost the connection to Discord's gateway (${detail}); reconnecting by itself. Commands go unanswered meanwhile: ` +
        'if this lasts, check the network and https://discordstatus.com',
    );
  };
  client.on(Events.ShardReady, () => up('connected'));
  client.on(Events.ShardResume, () => up('resumed'));
  client.on(Events.ShardReconnecting, () => down('reconnecting'));
  client.on(Events.ShardDisconnect, (event) => down(`closed with code ${event.code}`));
  client.on(Events.Invalidated, () => down('session invalidated'));
  // Events can be missed around a reconnect; the shards' own status is the truth when asked.
  return () => {
    const shards = [...client.ws.shards.values()];
    const ready = shards.length > 0 && shards.every((s) => s.status === Status.Ready);
    if (ready && !state.connected) up('connected');
    if (!ready && state.connected) down('not ready');
    return state;
  };
}
