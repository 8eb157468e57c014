/**
 * The readiness of every shard that `npm run start:sharded` runs, combined into the one answer of the
 * manager's /readyz. Pure: the manager gathers each shard's state (its process, what the process's own
 * /readyz said) and this decides.
 */

/** What one shard process's own /readyz answered, or why it gave no usable answer. */
export type ShardAnswer = { ready: boolean; gateway: string; database: string } | { error: string };

/**
 * One shard as the manager sees it: not spawned yet (the manager spawns them one by one, 5.5 s apart),
 * its process not running (dead, about to be respawned), or running with process id `pid` and the
 * answer of its own /readyz.
 */
export type ShardState = { spawned: false } | { spawned: true; pid: undefined } | { spawned: true; pid: number; answer: ShardAnswer };

export interface ShardReadiness {
  id: number;
  alive: boolean;
  pid?: number;
  ready: boolean;
  /** The gateway and the database as the shard's process reports them. */
  gateway?: string;
  database?: string;
  /** Why the manager could not learn the shard's readiness. */
  reason?: string;
}

export interface ShardedReadiness {
  /** True only when every shard the manager runs is ready. */
  ready: boolean;
  shards: ShardReadiness[];
}

/** Every shard of `ids`, in order, each ready only when its process runs and its own /readyz says so. */
export function combineShardReadiness(ids: readonly number[], stateOf: (id: number) => ShardState | undefined): ShardedReadiness {
  const shards = ids.map((id) => shardReadiness(id, stateOf(id)));
  return { ready: shards.length > 0 && shards.every((s) => s.ready), shards };
}

function shardReadiness(id: number, state: ShardState | undefined): ShardReadiness {
  if (!state?.spawned) return { id, alive: false, ready: false, reason: 'not spawned yet' };
  if (state.pid === undefined) return { id, alive: false, ready: false, reason: 'process not running' };
  const answer = state.answer;
  if ('error' in answer) return { id, alive: true, pid: state.pid, ready: false, reason: answer.error };
  return { id, alive: true, pid: state.pid, ready: answer.ready, gateway: answer.gateway, database: answer.database };
}
