import { parse, protocol, type messages as wire, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';

/**
 * PGlite 0.2 runs each `query()` as five separate calls into its WebAssembly Postgres (parse,
 * describe, bind, describe, execute) and a sync, re-parsing and re-planning the statement every time.
 * Each call costs far more than the work of a small statement. On a data directory on disk, a
 * four-table primary-key lookup took 1.0 ms through `query()` and 0.29 ms through this wrapper, an
 * update by primary key 0.88 and 0.43 ms (bench notes in docs/BENCHMARKS.md).
 *
 * This wraps a PGlite so that `query()` sends one batch (bind, describe, execute) and a sync to a
 * named statement prepared on first use, with PGlite's own locking, parameter serialisation and result
 * parsing. Everything else (exec, transactions and the queries inside them, close) is PGlite's own.
 */

interface Prepared {
  name: string;
  paramTypes: number[];
}

/** Statements prepared per PGlite instance: several wrappers over one instance share its names. */
const preparedByInstance = new WeakMap<PGlite, { statements: Map<string, Prepared>; next: number }>();

/** Past this many distinct statements, further ones are parsed on each run (still in one batch). */
const MAX_PREPARED = 500;

export function withPreparedStatements(pglite: PGlite): PGlite {
  let cache = preparedByInstance.get(pglite);
  if (!cache) {
    cache = { statements: new Map(), next: 1 };
    preparedByInstance.set(pglite, cache);
  }
  const state = cache;

  const concat = (parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };

  /** A Sync; true when PostgreSQL answered it with ReadyForQuery. */
  const sync = async (): Promise<boolean> =>
    (await pglite.execProtocol(protocol.serialize.sync(), { throwOnError: false })).messages.some((m) => m.name === 'readyForQuery');

  /**
   * Sends messages in one call, then a Sync in another, as PGlite's own query() ends. The Sync is what
   * commits durably: PGlite 0.2 answers a batch without one with ReadyForQuery "idle", but its WAL is
   * not written until later, and a process killed then loses the statement (tested). A Sync inside a
   * batch that fails leaves PGlite 0.2 answering nothing afterwards; and after a message fails before
   * the end of a batch, it answers the first Sync with nothing and only the next with ReadyForQuery:
   * so on an error, Sync until the session is ready again, or the next statement would be skipped.
   */
  const exchange = async (messages: Uint8Array[]) => {
    let answers;
    try {
      answers = (await pglite.execProtocol(concat(messages), { syncToFs: false })).messages;
    } catch (error) {
      for (let attempt = 0; attempt < 3 && !(await sync()); attempt++);
      throw error;
    }
    await sync();
    return answers;
  };

  /** Parses (and names, while there is room) a statement; returns its parameter types. */
  const prepare = async (text: string, options: QueryOptions | undefined): Promise<Prepared> => {
    const known = state.statements.get(text);
    if (known) return known;
    const name = state.statements.size < MAX_PREPARED ? `deepcards_${state.next++}` : '';
    const messages = await exchange([protocol.serialize.parse({ name, text, types: options?.paramTypes ?? [] }), protocol.serialize.describe({ type: 'S', name })]);
    const prepared = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    if (name) state.statements.set(text, prepared);
    return prepared;
  };

  const run = async <T>(text: string, params: unknown[], options: QueryOptions | undefined): Promise<Results<T>> => {
    const prepared = await prepare(text, options);
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const oid = prepared.paramTypes[i] as number;
      const serialize = options?.serializers?.[oid] ?? pglite.serializers[oid];
      return serialize ? serialize(param) : String(param);
    });
    const messages = await exchange([
      ...(prepared.name ? [] : [protocol.serialize.parse({ text, types: prepared.paramTypes })]),
      protocol.serialize.bind({ statement: prepared.name, values }),
      protocol.serialize.describe({ type: 'P' }),
      protocol.serialize.execute({}),
    ]);
    // parseResults merges the parsers it is given into a new object on every call: PGlite's whole
    // table (hundreds of types) cost more than the statement itself. Give it only this result's types.
    const parsers: Record<number, (value: string, typeId?: number) => unknown> = {};
    for (const message of messages) {
      if (message.name !== 'rowDescription') continue;
      for (const { dataTypeID } of (message as wire.RowDescriptionMessage).fields) {
        const parser = options?.parsers?.[dataTypeID] ?? pglite.parsers[dataTypeID];
        if (parser) parsers[dataTypeID] = parser;
      }
    }
    return parse.parseResults(messages, parsers, options?.rowMode ? { rowMode: options.rowMode } : undefined)[0] as Results<T>;
  };

  /** Forgets a named statement, after the schema under it changed its result type. */
  const forget = async (text: string): Promise<void> => {
    const prepared = state.statements.get(text);
    if (!prepared) return;
    state.statements.delete(text);
    await exchange([protocol.serialize.close({ type: 'S', name: prepared.name })]);
  };

  const query = async <T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> => {
    await pglite.waitReady;
    return pglite._runExclusiveTransaction(() =>
      pglite._runExclusiveQuery(async () => {
        try {
          return await run<T>(text, params, options);
        } catch (error) {
          // "cached plan must not change result type": a migration altered a table under the statement.
          if ((error as { code?: string }).code !== '0A000' || !state.statements.has(text)) throw error;
          await forget(text);
          return run<T>(text, params, options);
        }
      }),
    );
  };

  return new Proxy(pglite, {
    get(target, property) {
      if (property === 'query') return query;
      const value = Reflect.get(target, property, target) as unknown;
      // PGlite's methods use private fields: call them on the instance, not on this proxy.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
