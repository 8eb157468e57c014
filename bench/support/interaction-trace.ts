// Where a bot's answer time goes: a preload for any of the bench's bots. The bench builds it to
// dist/bench/ and preloads it in every bot with `npm run bench:latency -- --trace=DIR`. On exit, each bot
// writes DIR/trace-<pid>.txt (TRACE_DIR): per kind of interaction, the median time from
//   the gateway frame received → discord.js emitting interactionCreate → the handler calling
//   reply()/update() → the callback's headers going out (undici),
// and within the handler: until its first write to PostgreSQL, waiting for PostgreSQL (first write →
// last data received), and after that. Timestamps are performance.now() in the bot's own process.

import diagnostics from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
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
}

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
  if (current && current.dbWrite === undefined && this.remotePort === databasePort) current.dbWrite = now();
  return (socketWrite as (...a: unknown[]) => boolean).apply(this, args);
} as typeof net.Socket.prototype.write;
const socketEmit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
  if (event === 'data' && current && this.remotePort === databasePort) current.dbData = now();
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
        db.length === 0
          ? 'no database'
          : `within the handler: until the first database write ${median(db.map((t) => (t.dbWrite as number) - t.emitted))}, ` +
            `waiting for the database ${median(db.map((t) => (t.dbData as number) - (t.dbWrite as number)))}, ` +
            `after its answer ${median(db.map((t) => (t.called as number) - (t.dbData as number)))}`,
      ].join(' · ');
    });
  writeFileSync(path.join(dir, `trace-${process.pid}.txt`), `${lines.join('\n')}\n`);
});
