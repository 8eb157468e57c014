import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import type { JsonObject } from './types.js';

export const GatewayOpcodes = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  RequestSoundboardSounds: 31,
} as const;

/** Gateway close codes the fake uses. */
export const GatewayCloseCodes = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidSeq: 4007,
  InvalidAPIVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

/** Gateway intent bits the fake looks at. */
export const GatewayIntents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

const PRIVILEGED_INTENTS = GatewayIntents.GuildMembers | GatewayIntents.GuildPresences | GatewayIntents.MessageContent;
const REPLAY_BUFFER = 1000;

/** What the fake knows about one gateway connection. */
export interface GatewayConnectionInfo {
  /** 1, 2, 3… in order of connection. */
  id: number;
  sessionId: string | null;
  intents: number;
  shard: [number, number];
  /** True once IDENTIFY or RESUME succeeded. */
  identified: boolean;
  /** True once READY and every GUILD_CREATE (or RESUMED) have been sent. */
  ready: boolean;
  resumed: boolean;
  closed: boolean;
  closeCode?: number;
  /** The sequence number of the last dispatch sent on this connection's session. */
  sequence: number;
  openedAt: number;
}

/** Data the gateway needs from the rest of the fake. */
export interface GatewayHost {
  token(): string;
  heartbeatIntervalMs(): number;
  grantedPrivilegedIntents(): number;
  ackHeartbeats(): boolean;
  gatewayUrl(): string;
  readyUser(): JsonObject;
  applicationId(): string;
  guildIds(): string[];
  guildCreate(guildId: string, intents: number): JsonObject;
  memberChunk(guildId: string, request: JsonObject): JsonObject | undefined;
  onReady(info: GatewayConnectionInfo): void;
  onClose(info: GatewayConnectionInfo): void;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  shard: [number, number];
  buffer: { s: number; frame: string }[];
  connection: Connection | null;
}

class Connection {
  session: Session | null = null;
  readonly info: GatewayConnectionInfo;

  constructor(
    readonly ws: WebSocket,
    id: number,
  ) {
    this.info = {
      id,
      sessionId: null,
      intents: 0,
      shard: [0, 1],
      identified: false,
      ready: false,
      resumed: false,
      closed: false,
      sequence: 0,
      openedAt: Date.now(),
    };
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  sendRaw(payload: JsonObject): void {
    if (this.open) this.ws.send(JSON.stringify(payload));
  }

  /** Sends a dispatch; returns performance.now() taken just before the frame was handed to the socket. */
  dispatch(t: string, d: unknown): number {
    const session = this.session;
    if (!session) throw new Error('FakeDiscord gateway: dispatch on a connection without a session');
    session.seq += 1;
    const frame = JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s: session.seq, d });
    session.buffer.push({ s: session.seq, frame });
    if (session.buffer.length > REPLAY_BUFFER) session.buffer.shift();
    this.info.sequence = session.seq;
    const sentAt = performance.now();
    if (this.open) this.ws.send(frame);
    return sentAt;
  }
}

/** The JSON gateway: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATEs, RESUME, dispatches. */
export class FakeGateway {
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
  readonly #connections: Connection[] = [];
  readonly #sessions = new Map<string, Session>();
  #nextId = 1;

  constructor(readonly host: GatewayHost) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, req));
  }

  /** All connections ever opened (closed ones included). */
  connections(): GatewayConnectionInfo[] {
    return this.#connections.map((c) => ({ ...c.info }));
  }

  /**
   * The newest open, ready connection: the one that receives interactions. Given a guild (or null for
   * a DM), only a connection whose shard holds it: `(guild_id >> 22) % count`, DMs on shard 0.
   */
  #active(guildId?: string | null): Connection | undefined {
    for (let i = this.#connections.length - 1; i >= 0; i -= 1) {
      const c = this.#connections[i];
      if (!c || !c.info.ready || !c.open || !c.session) continue;
      if (guildId === undefined || holds(c.info.shard, guildId)) return c;
    }
    return undefined;
  }

  /** The shard ids held by open, ready connections, ascending. */
  activeShards(): number[] {
    const held = this.#connections.filter((c) => c.info.ready && c.open && c.session).map((c) => c.info.shard[0]);
    return [...new Set(held)].sort((a, b) => a - b);
  }

  activeConnection(): GatewayConnectionInfo | undefined {
    const c = this.#active();
    return c ? { ...c.info } : undefined;
  }

  /** Dispatches to the active connection; returns the send time and connection id, or undefined if no bot is connected. */
  dispatchToActive(t: string, d: unknown): { sentAt: number; connectionId: number } | undefined {
    const c = this.#active(routeOf(t, d));
    if (!c) return undefined;
    return { sentAt: c.dispatch(t, d), connectionId: c.info.id };
  }

  /**
   * Dispatches to every ready connection whose intents include `intent` (0 = no intent needed).
   * `build` may return undefined to skip a connection.
   */
  broadcast(t: string, intent: number, build: (info: GatewayConnectionInfo) => unknown): void {
    for (const c of this.#connections) {
      if (!c.info.ready || !c.open || !c.session) continue;
      if (intent !== 0 && (c.info.intents & intent) === 0) continue;
      const d = build(c.info);
      const guildId = routeOf(t, d);
      if (d !== undefined && (guildId === undefined || holds(c.info.shard, guildId))) c.dispatch(t, d);
    }
  }

  /** Sends op 7 RECONNECT to the active connection (discord.js then closes and RESUMEs). */
  requestReconnect(): boolean {
    const c = this.#active();
    if (!c) return false;
    c.sendRaw({ op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    return true;
  }

  /** Closes the active connection (or every open one) with `code`. */
  close(code: number, opts: { all?: boolean; reason?: string } = {}): number {
    const targets = opts.all ? this.#connections.filter((c) => c.open) : [this.#active()].filter((c): c is Connection => !!c);
    for (const c of targets) c.ws.close(code, opts.reason ?? 'closed by FakeDiscord');
    return targets.length;
  }

  /** Terminates every socket immediately. */
  shutdown(): Promise<void> {
    for (const c of this.#connections) c.ws.terminate();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }

  #onConnection(ws: WebSocket, req: IncomingMessage): void {
    const conn = new Connection(ws, this.#nextId++);
    this.#connections.push(conn);
    ws.on('message', (data, isBinary) => this.#onMessage(conn, data, isBinary));
    ws.on('close', (code) => {
      conn.info.closed = true;
      conn.info.closeCode = code;
      if (conn.session?.connection === conn) conn.session.connection = null;
      this.host.onClose({ ...conn.info });
    });
    ws.on('error', () => {
      // A broken socket ends with 'close'; nothing else to do.
    });
    const query = new URL(req.url ?? '/', 'ws://fake').searchParams;
    const version = query.get('v');
    if (version !== null && version !== '10') {
      ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    const encoding = query.get('encoding');
    if (encoding !== null && encoding !== 'json') {
      ws.close(GatewayCloseCodes.DecodeError, 'Only encoding=json is supported by FakeDiscord');
      return;
    }
    conn.sendRaw({
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.host.heartbeatIntervalMs(), _trace: ['["fake-discord",{}]'] },
      s: null,
      t: null,
    });
  }

  #onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    let payload: JsonObject;
    try {
      if (isBinary) throw new Error('binary');
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      payload = parsed as JsonObject;
    } catch {
      conn.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    const op = payload.op;
    const d = (typeof payload.d === 'object' && payload.d !== null ? payload.d : {}) as JsonObject;
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        if (this.host.ackHeartbeats()) conn.sendRaw({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.#identify(conn, d);
        return;
      case GatewayOpcodes.Resume:
        this.#resume(conn, d);
        return;
      default:
        break;
    }
    if (!conn.info.identified) {
      conn.ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
      return;
    }
    switch (op) {
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestSoundboardSounds:
        return;
      case GatewayOpcodes.RequestGuildMembers: {
        const guildIds = Array.isArray(d.guild_id) ? d.guild_id : [d.guild_id];
        for (const guildId of guildIds) {
          if (typeof guildId !== 'string') continue;
          const chunk = this.host.memberChunk(guildId, d);
          if (chunk) conn.dispatch('GUILD_MEMBERS_CHUNK', chunk);
        }
        return;
      }
      default:
        conn.ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  #tokenMatches(token: unknown): boolean {
    return typeof token === 'string' && token.replace(/^Bot\s+/i, '') === this.host.token();
  }

  /** IDENTIFY and RESUME both close a connection that already identified, or that sends a wrong token. */
  #authenticate(conn: Connection, d: JsonObject): boolean {
    if (conn.info.identified) {
      conn.ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return false;
    }
    if (!this.#tokenMatches(d.token)) {
      conn.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return false;
    }
    return true;
  }

  #identify(conn: Connection, d: JsonObject): void {
    if (!this.#authenticate(conn, d)) return;
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0) {
      conn.ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.host.grantedPrivilegedIntents()) !== 0) {
      conn.ws.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    const shardArg = Array.isArray(d.shard) ? d.shard : [0, 1];
    const shard: [number, number] = [Number(shardArg[0] ?? 0), Math.max(1, Number(shardArg[1] ?? 1))];
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      intents,
      shard,
      buffer: [],
      connection: conn,
    };
    this.#sessions.set(session.id, session);
    conn.session = session;
    Object.assign(conn.info, { identified: true, sessionId: session.id, intents, shard });
    const guildIds = this.host.guildIds().filter((id) => onShard(id, shard));
    conn.dispatch('READY', {
      v: 10,
      user: this.host.readyUser(),
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.host.gatewayUrl(),
      shard,
      application: { id: this.host.applicationId(), flags: 0 },
      user_settings: {},
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['fake'],
      auth: {},
      _trace: ['["fake-discord",{}]'],
    });
    for (const id of guildIds) conn.dispatch('GUILD_CREATE', this.host.guildCreate(id, intents));
    conn.info.ready = true;
    this.host.onReady({ ...conn.info });
  }

  #resume(conn: Connection, d: JsonObject): void {
    if (!this.#authenticate(conn, d)) return;
    const session = typeof d.session_id === 'string' ? this.#sessions.get(d.session_id) : undefined;
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    const oldest = session?.buffer[0]?.s ?? (session ? session.seq + 1 : 0);
    if (!session || seq > session.seq || seq < oldest - 1) {
      conn.sendRaw({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    const previous = session.connection;
    if (previous && previous !== conn && previous.open) previous.ws.terminate();
    session.connection = conn;
    conn.session = session;
    Object.assign(conn.info, { identified: true, sessionId: session.id, intents: session.intents, shard: session.shard });
    for (const entry of session.buffer) {
      if (entry.s > seq && conn.open) conn.ws.send(entry.frame);
    }
    conn.dispatch('RESUMED', { _trace: ['["fake-discord",{}]'] });
    conn.info.ready = true;
    conn.info.resumed = true;
    this.host.onReady({ ...conn.info });
  }
}

function onShard(guildId: string, shard: [number, number]): boolean {
  if (shard[1] <= 1 || !/^\d+$/.test(guildId)) return true;
  return Number((BigInt(guildId) >> 22n) % BigInt(shard[1])) === shard[0];
}

/** A connection holds a guild's events when the guild is on its shard; DMs (null) go to shard 0. */
function holds(shard: [number, number], guildId: string | null): boolean {
  return guildId === null ? shard[0] === 0 : onShard(guildId, shard);
}

/**
 * The guild a dispatch belongs to, as Discord routes it to a shard: `guild_id`, or the guild itself
 * for GUILD_CREATE/UPDATE/DELETE; null for a DM (shard 0); undefined for events of no guild.
 */
function routeOf(t: string, d: unknown): string | null | undefined {
  if (typeof d !== 'object' || d === null) return undefined;
  const payload = d as JsonObject;
  if (typeof payload.guild_id === 'string') return payload.guild_id;
  if ((t === 'GUILD_CREATE' || t === 'GUILD_UPDATE' || t === 'GUILD_DELETE') && typeof payload.id === 'string') return payload.id;
  if (t === 'INTERACTION_CREATE' || t.startsWith('MESSAGE_') || t.startsWith('CHANNEL_')) return null;
  return undefined;
}
