import { describe, expect, test } from 'vitest';
import { combineShardReadiness, type ShardState } from '../../src/domain/shard-readiness.js';

const READY: ShardState = { spawned: true, pid: 100, answer: { ready: true, gateway: 'ok', database: 'ok' } };

const combine = (ids: number[], states: Record<number, ShardState>) => combineShardReadiness(ids, (id) => states[id]);

describe('the readiness of every shard the manager runs', () => {
  test('GIVEN every shard process running and reporting ready THEN the whole is ready and lists each shard', () => {
    expect(combine([0, 1], { 0: READY, 1: { ...READY, pid: 101 } })).toEqual({
      ready: true,
      shards: [
        { id: 0, alive: true, pid: 100, ready: true, gateway: 'ok', database: 'ok' },
        { id: 1, alive: true, pid: 101, ready: true, gateway: 'ok', database: 'ok' },
      ],
    });
  });

  test('GIVEN one shard process dead (being respawned) THEN the whole is not ready and that shard says its process is not running', () => {
    const readiness = combine([0, 1], { 0: READY, 1: { spawned: true, pid: undefined } });
    expect(readiness.ready).toBe(false);
    expect(readiness.shards[1]).toEqual({ id: 1, alive: false, ready: false, reason: 'process not running' });
    expect(readiness.shards[0]?.ready).toBe(true);
  });

  test('GIVEN a shard the manager has not spawned yet THEN it is listed as not spawned, not left out', () => {
    const readiness = combine([0, 1, 2], { 0: READY });
    expect(readiness.ready).toBe(false);
    expect(readiness.shards.map((s) => [s.id, s.reason])).toEqual([
      [0, undefined],
      [1, 'not spawned yet'],
      [2, 'not spawned yet'],
    ]);
  });

  test('GIVEN a running shard that reports its gateway down THEN the whole is not ready and the shard carries what its process said', () => {
    const down: ShardState = { spawned: true, pid: 7, answer: { ready: false, gateway: 'reconnecting since 2026-12-01T10:00:00.000Z', database: 'ok' } };
    expect(combine([3], { 3: down })).toEqual({
      ready: false,
      shards: [{ id: 3, alive: true, pid: 7, ready: false, gateway: 'reconnecting since 2026-12-01T10:00:00.000Z', database: 'ok' }],
    });
  });

  test('GIVEN a running shard whose /readyz did not answer THEN it is alive but not ready, with the reason', () => {
    const silent: ShardState = { spawned: true, pid: 8, answer: { error: 'its /readyz did not answer within 1000 ms' } };
    expect(combine([0, 1], { 0: READY, 1: silent })).toEqual({
      ready: false,
      shards: [
        { id: 0, alive: true, pid: 100, ready: true, gateway: 'ok', database: 'ok' },
        { id: 1, alive: true, pid: 8, ready: false, reason: 'its /readyz did not answer within 1000 ms' },
      ],
    });
  });

  test('GIVEN no shards at all THEN it is not ready (nothing serves the bot)', () => {
    expect(combine([], {})).toEqual({ ready: false, shards: [] });
  });
});
