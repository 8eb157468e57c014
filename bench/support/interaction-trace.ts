// Where a bot's answer time goes: a preload for any of the bench's bots. The bench builds it to
// dist/bench/ and preloads it in every bot with `npm run bench:latency -- --trace=DIR`. On exit, each bot
// writes DIR/trace-<pid>.txt (TRACE_DIR): per kind of interaction, the median time from
//   the gateway frame received → discord.js emitting interactionCreate → the handler calling
//   reply()/update() → the callback's headers going out (undici),
// and within the handler: until its first write to PostgreSQL, waiting for PostgreSQL (first write →
// last data received; with how much of that wait the bot's own thread was busy), and after that; and
// the share of answers a garbage collection paused. Timestamps are performance.now() in the bot's own
// process. With TRACE_WINDOWS=1 it also writes DIR/windows-<pid>.json: each answer's three parts on the
// monotonic clock V8's CPU profiles use, to find in a `--cpu-prof` profile (BENCH_BOT_NODE_ARGS) what
// ran in each.

import diagnostics from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance as perf, PerformanceObserver, type EventLoopUtilization } from 'node:perf_hooks';
import { ButtonInteraction, ChatInputCommandInteraction, Client, type Interaction } from 'discord.js';
// The same `ws` that @discordjs/ws loads (one CommonJS instance for the whole process).
import { WebSocket } from 'ws';

interface Trace {
  kind: string;
  received: number;
  emitted: number;
  called?: number;
  sent?: number;
  dbWrite?: number;
  dbData?: number;
  /** The event loop's utilisation when the first statement was written, and its active ms until the database answered. */
  elu?: EventLoopUtilization;
  activeWhileWaiting?: number;
  /** The database wait on the monotonic clock in µs, as V8's CPU profiles time their samples (for TRACE_WINDOWS). */
  waitMicros?: [number, number];
}
const micros = (): number => Number(process.hrtime.bigint() / 1000n);
/** performance.now() in ms to the monotonic clock in µs. */
const nowOffsetMicros = micros() - performance.now() * 1000;
const asMicros = (ms: number): number => Math.round(ms * 1000 + nowOffsetMicros);

/** Garbage collections (start, duration in ms), to tell which answers a collection paused. */
const collections: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) collections.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });
/** Ms of garbage collection that started between the frame and the answer's call. */
const collectedIn = (t: Trace): number =>
  collections.filter((c) => c.start >= t.received && c.start < (t.called as number)).reduce((sum, c) => sum + c.duration, 0);

const now = (): number => performance.now();
const traces = new Map<string, Trace>();
let lastFrame = 0;
/** The interaction whose handler runs now (the bench sends one at a time). */
let current: Trace | undefined;
const databasePort = Number(new URL(process.env.DATABASE_URL || process.env.FLOOR_DATABASE_URL || 'postgres://x:5432').port || 5432);

const wsEmit = WebSocket.prototype.emit;
WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]) {
  if (event === 'message') lastFrame = now();
  return wsEmit.call(this, event, ...args);
};

const clientEmit = Client.prototype.emit;
Client.prototype.emit = function (this: Client, event: string | symbol, ...args: unknown[]) {
  if (event === 'interactionCreate') {
    const interaction = args[0] as Interaction;
    const kind = interaction.isButton() ? interaction.customId.split(':').slice(0, 2).join(':') : interaction.isCommand() ? `/${interaction.commandName}` : 'other';
    current = { kind, received: lastFrame, emitted: now() };
    traces.set(interaction.id, current);
  }
  return clientEmit.call(this, event as never, ...(args as never[]));
} as typeof Client.prototype.emit;

for (const prototype of [ButtonInteraction.prototype, ChatInputCommandInteraction.prototype] as unknown as Record<string, (...a: unknown[]) => unknown>[]) {
  for (const method of ['reply', 'update', 'deferReply', 'deferUpdate']) {
    const original = prototype[method];
    if (!original) continue;
    prototype[method] = function (this: Interaction, ...args: unknown[]) {
      const trace = traces.get(this.id);
      if (trace && trace.called === undefined) {
        trace.called = now();
        if (current === trace) current = undefined;
      }
      return original.apply(this, args);
    };
  }
}

const socketWrite = net.Socket.prototype.write;
net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
  if (current && current.dbWrite === undefined && this.remotePort === databasePort) {
    current.dbWrite = now();
    current.waitMicros = [micros(), 0];
    current.elu = perf.eventLoopUtilization();
  }
  return (socketWrite as (...a: unknown[]) => boolean).apply(this, args);
} as typeof net.Socket.prototype.write;
const socketEmit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
  if (event === 'data' && current && this.remotePort === databasePort) {
    current.dbData = now();
    if (current.waitMicros) current.waitMicros[1] = micros();
    if (current.elu) current.activeWhileWaiting = perf.eventLoopUtilization(current.elu).active;
  }
  return (socketEmit as (...a: unknown[]) => boolean).call(this, event, ...args);
};

diagnostics.subscribe('undici:client:sendHeaders', (message) => {
  const id = /\/interactions\/(\d+)\//.exec((message as { request: { path: string } }).request.path)?.[1];
  const trace = id ? traces.get(id) : undefined;
  if (trace && trace.sent === undefined) trace.sent = now();
});

process.on('exit', () => {
  const dir = process.env.TRACE_DIR;
  if (!dir) return;
  const byKind = new Map<string, Trace[]>();
  for (const t of traces.values()) {
    if (t.called === undefined || t.sent === undefined) continue;
    const list = byKind.get(t.kind);
    if (list) list.push(t);
    else byKind.set(t.kind, [t]);
  }
  const median = (values: number[]): string => {
    if (values.length === 0) return '–';
    const sorted = [...values].sort((a, b) => a - b);
    return (sorted[sorted.length >> 1] as number).toFixed(3);
  };
  const lines = [...byKind]
    .filter(([, list]) => list.length >= 100)
    .map(([kind, list]) => {
      const db = list.filter((t) => t.dbWrite !== undefined && t.dbData !== undefined);
      return [
        `${kind} (n=${list.length}; ms, medians)`,
        `frame→emit ${median(list.map((t) => t.emitted - t.received))}`,
        `emit→reply() ${median(list.map((t) => (t.called as number) - t.emitted))}`,
        `reply()→headers out ${median(list.map((t) => (t.sent as number) - (t.called as number)))}`,
        `paused by a garbage collection: ${((100 * list.filter((t) => collectedIn(t) > 0).length) / list.length).toFixed(0)}% of answers, ` +
          `mean ${(list.reduce((sum, t) => sum + collectedIn(t), 0) / list.length).toFixed(3)} ms per answer`,
        db.length === 0
          ? 'no database'
          : `within the handler: until the first database write ${median(db.map((t) => (t.dbWrite as number) - t.emitted))}, ` +
            `waiting for the database ${median(db.map((t) => (t.dbData as number) - (t.dbWrite as number)))} ` +
            `(of which this process was busy ${median(db.map((t) => t.activeWhileWaiting ?? 0))}), ` +
            `after its answer ${median(db.map((t) => (t.called as number) - (t.dbData as number)))}`,
      ].join(' · ');
    });
  writeFileSync(path.join(dir, `trace-${process.pid}.txt`), `${lines.join('\n')}\n`);
  // With TRACE_WINDOWS=1, each answer's database wait, to find in a CPU profile what ran meanwhile.
  if (process.env.TRACE_WINDOWS) {
    const windows = [...traces.values()]
      .filter((t) => t.waitMicros && t.waitMicros[1] > 0 && t.dbWrite !== undefined && t.dbData !== undefined && t.called !== undefined)
      .map((t) => ({
        kind: t.kind,
        wait: t.waitMicros,
        before: [asMicros(t.emitted), asMicros(t.dbWrite as number)],
        after: [asMicros(t.dbData as number), asMicros(t.called as number)],
      }));
    writeFileSync(path.join(dir, `windows-${process.pid}.json`), JSON.stringify(windows));
  }
});
