import { combineShardReadiness, type ShardAnswer, type ShardedReadiness, type ShardState } from '../domain/shard-readiness.js';

/** How long the manager waits for one shard process's /readyz before counting that shard as not ready. */
export const SHARD_PROBE_TIMEOUT_MS = 1_000;

/** A shard of discord.js's ShardingManager, as far as readiness needs it. */
export interface ManagedShard {
  process: { pid?: number | undefined; exitCode: number | null; signalCode: NodeJS.Signals | null } | null;
}

/**
 * The readiness of every shard the manager runs, each asked over HTTP at its own /readyz, all at once.
 *
 * Why HTTP and not discord.js's IPC (`broadcastEval`, `fetchClientValues`): the process's /readyz already
 * answers with everything that makes it ready (gateway and database, the same text `npm start` serves),
 * while IPC only reaches the Client and has no deadline of its own. An HTTP request with a timeout also
 * catches a process whose event loop is stuck, which an IPC message would wait on forever.
 */
export async function shardedReadiness(opts: {
  ids: readonly number[];
  shardOf: (id: number) => ManagedShard | undefined;
  readyzUrlOf: (id: number) => string;
  timeoutMs?: number;
}): Promise<ShardedReadiness> {
  const states = await Promise.all(
    opts.ids.map(async (id): Promise<readonly [number, ShardState]> => {
      const shard = opts.shardOf(id);
      if (!shard) return [id, { spawned: false }];
      const child = shard.process;
      const pid = child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
      if (pid === undefined) return [id, { spawned: true, pid: undefined }];
      return [id, { spawned: true, pid, answer: await askReadiness(opts.readyzUrlOf(id), opts.timeoutMs ?? SHARD_PROBE_TIMEOUT_MS) }];
    }),
  );
  const byId = new Map(states);
  return combineShardReadiness(opts.ids, (id) => byId.get(id));
}

/** GET `url` (a bot process's /readyz): its readiness, or why there is none, never a rejection. */
export async function askReadiness(url: string, timeoutMs: number): Promise<ShardAnswer> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body: unknown = await response.json().catch(() => undefined);
    if (!isReadiness(body)) return { error: `its /readyz answered ${response.status} without a readiness` };
    return { ready: body.ready && response.status === 200, gateway: body.gateway, database: body.database };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return { error: `its /readyz did not answer within ${timeoutMs} ms` };
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { error: `its /readyz did not answer (${cause})` };
  }
}

/** `path` of a shard process listening on `host`: a wildcard address is reached on loopback. */
export function shardUrl(host: string, port: number, path: '/readyz' | '/metrics'): string {
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${target.includes(':') ? `[${target}]` : target}:${port}${path}`;
}

function isReadiness(body: unknown): body is { ready: boolean; gateway: string; database: string } {
  if (typeof body !== 'object' || body === null) return false;
  const { ready, gateway, database } = body as Record<string, unknown>;
  return typeof ready === 'boolean' && typeof gateway === 'string' && typeof database === 'string';
}
