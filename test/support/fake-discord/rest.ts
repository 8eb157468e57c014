import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CommandStore } from './commands.js';
import type { FaultRegistry, FaultResponse } from './faults.js';
import type { InteractionBuilder, InteractionRecord } from './interactions.js';
import { ALLOWED_CALLBACKS, CallbackTypes, responseMessageType } from './interactions.js';
import type { FakeStore, MessageBody, UploadedFile } from './model.js';
import { ChannelTypes, MessageFlagBits } from './model.js';
import { PermissionFlags, hasPermission } from './permissions.js';
import type { InteractionCallbackData, JsonObject, StoredMessage } from './types.js';
import { DiscordApiError, discordError, validateChoices, validateCommands, validateMessageBody } from './validate.js';
import { validateModal } from './modals.js';

/** One REST request as the fake received it. */
export interface RecordedRequest {
  /** 1, 2, 3… in arrival order. */
  seq: number;
  method: string;
  /** Decoded path relative to /api/v10, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  /** The raw URL path as sent (percent-encoded). */
  rawPath: string;
  query: Record<string, string>;
  /** Parsed JSON body (for multipart: the parsed `payload_json`), or undefined. */
  body: unknown;
  /** Files of a multipart request. */
  files: UploadedFile[];
  /** Request headers (lower-case names). */
  headers: Record<string, string>;
  /** Arrival time, epoch ms. */
  time: number;
  /** Arrival time, performance.now() (high resolution). */
  receivedAt: number;
  /** Response status; undefined while the request is being handled. */
  status?: number;
  /** Response JSON body, if any. */
  responseBody?: unknown;
  /** True if an injected fault answered (or delayed/dropped) it. */
  injected: boolean;
  /** Handling time in ms. */
  durationMs?: number;
}

/** What changed, for the message event stream. */
export interface MessageEvent {
  kind: 'create' | 'update' | 'delete';
  message: StoredMessage;
  interactionId?: string;
}

/** What the REST API needs from the rest of the fake. */
export interface RestContext {
  store: FakeStore;
  commands: CommandStore;
  builder: InteractionBuilder;
  faults: FaultRegistry;
  interactionsById: Map<string, InteractionRecord>;
  interactionsByToken: Map<string, InteractionRecord>;
  options: {
    token: string;
    requireRestAuth: boolean;
    enforcePermissions: boolean;
    validateBodies: boolean;
    callbackDeadlineMs: number;
  };
  gatewayUrl(): string;
  /** The shard count GET /gateway/bot recommends (1 unless a test sets more). */
  shardCount?(): number;
  recordStart(req: RecordedRequest): void;
  recordEnd(req: RecordedRequest): void;
  acknowledged(rec: InteractionRecord): void;
  expired(rec: InteractionRecord): void;
  messageEvent(event: MessageEvent): void;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Call {
  record: RecordedRequest;
  params: Record<string, string>;
  /** The JSON body if it is an object, else {}. */
  body: JsonObject;
  /** The parsed body whatever its shape (arrays for bulk command overwrite). */
  rawBody: unknown;
  query: Record<string, string>;
  files: UploadedFile[];
}

type Handler = (call: Call) => Reply;

interface Route {
  method: string;
  segments: string[];
  template: string;
  auth: boolean;
  handler: Handler;
}

const json = (body: unknown, status = 200): Reply => ({ status, body });
const noContent = (): Reply => ({ status: 204 });
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const TOKEN_TTL_MS = 15 * 60 * 1000;
const MAX_BODY = 25 * 1024 * 1024;

/** The HTTP side of the fake: routing, recording, faults, rate-limit headers. */
export class RestApi {
  readonly #routes: Route[] = [];
  #seq = 0;

  constructor(private readonly ctx: RestContext) {
    this.#defineRoutes();
  }

  /** node:http request listener. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = performance.now();
    const time = Date.now();
    void this.#handle(req, res, receivedAt, time).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `FakeDiscord internal error: ${String(error)}`, code: 0 }));
      }
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse, receivedAt: number, time: number): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const segments = url.pathname.split('/').filter((s) => s !== '').map(safeDecode);
    const versioned = segments[0] === 'api' && segments[1] === 'v10';
    const routeSegments = versioned ? segments.slice(2) : segments;
    const path = `/${routeSegments.join('/')}`;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;

    const record: RecordedRequest = {
      seq: ++this.#seq,
      method,
      path: versioned ? path : url.pathname,
      rawPath: url.pathname,
      query,
      body: undefined,
      files: [],
      headers,
      time,
      receivedAt,
      injected: false,
    };
    this.ctx.recordStart(record);
    const interaction = versioned ? this.#interactionForPath(routeSegments) : undefined;
    if (interaction) interaction.inFlight += 1;

    let reply: Reply;
    let template = path;
    try {
      const raw = await readBody(req);
      let parsed: { body: unknown; files: UploadedFile[] };
      try {
        parsed = parseBody(raw, headers['content-type'] ?? '');
      } catch {
        parsed = { body: undefined, files: [] };
        record.body = raw.toString('utf8');
        throw discordError(50109);
      }
      record.body = parsed.body;
      record.files = parsed.files;

      const fault = this.ctx.faults.take(method, record.path);
      if (fault) {
        record.injected = true;
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.destroySocket) {
          record.status = 0;
          record.durationMs = performance.now() - receivedAt;
          req.socket.destroy();
          return;
        }
      }
      if (fault && fault.status !== undefined) {
        reply = faultReply(fault);
      } else if (!versioned) {
        reply = this.#attachment(method, segments) ?? notFound();
      } else {
        const match = this.#match(method, routeSegments);
        if (!match) {
          reply = notFound();
        } else if (match === 'method') {
          reply = json({ message: '405: Method Not Allowed', code: 0 }, 405);
        } else {
          template = match.route.template;
          if (match.route.auth && this.ctx.options.requireRestAuth && !this.#authorised(headers.authorization)) {
            reply = json({ message: '401: Unauthorized', code: 0 }, 401);
          } else {
            const body = isObject(parsed.body) ? parsed.body : {};
            reply = match.route.handler({ record, params: match.params, body, rawBody: parsed.body, query, files: parsed.files });
          }
        }
      }
      if (fault?.holdAnswerMs) await new Promise((r) => setTimeout(r, fault.holdAnswerMs));
    } catch (error) {
      if (error instanceof DiscordApiError) reply = json(error.body, error.status);
      else reply = json({ message: `FakeDiscord internal error: ${error instanceof Error ? error.stack : String(error)}`, code: 0 }, 500);
    } finally {
      if (interaction) {
        interaction.inFlight -= 1;
        interaction.lastActivityAt = performance.now();
      }
    }

    const out: Record<string, string> = { ...rateLimitHeaders(method, template), ...(reply.headers ?? {}) };
    let payload: string | Buffer | undefined;
    if (reply.body !== undefined && reply.status !== 204) {
      if (Buffer.isBuffer(reply.body)) {
        out['content-type'] ??= 'application/octet-stream';
        out['content-length'] = String(reply.body.length);
        payload = reply.body;
      } else if (typeof reply.body === 'string') {
        out['content-type'] ??= 'text/plain';
        payload = reply.body;
      } else {
        out['content-type'] = 'application/json';
        payload = JSON.stringify(reply.body);
      }
    }
    record.status = reply.status;
    record.responseBody = reply.body;
    record.durationMs = performance.now() - receivedAt;
    res.writeHead(reply.status, out);
    res.end(payload);
    this.ctx.recordEnd(record);
  }

  /** `GET /attachments/<id>/<name>`: a file's bytes, as Discord's CDN serves them (no auth). */
  #attachment(method: string, segments: string[]): Reply | undefined {
    if (method !== 'GET' || segments[0] !== 'attachments' || segments.length !== 3) return undefined;
    const file = this.ctx.store.attachmentFiles.get(segments[1] ?? '');
    if (!file) return undefined;
    return { status: 200, body: file.data, headers: file.contentType ? { 'content-type': file.contentType } : {} };
  }

  #authorised(header: string | undefined): boolean {
    return header === `Bot ${this.ctx.options.token}`;
  }

  #interactionForPath(segments: string[]): InteractionRecord | undefined {
    if (segments[0] === 'interactions' && segments[3] === 'callback') return this.ctx.interactionsById.get(segments[1] ?? '');
    if (segments[0] === 'webhooks' && segments[2]) return this.ctx.interactionsByToken.get(segments[2]);
    return undefined;
  }

  #match(method: string, segments: string[]): { route: Route; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.#routes) {
      if (route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length; i += 1) {
        const pattern = route.segments[i] as string;
        const actual = segments[i] as string;
        if (pattern.startsWith(':')) params[pattern.slice(1)] = actual;
        else if (pattern !== actual) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    return pathMatched ? 'method' : undefined;
  }

  #route(method: string, template: string, handler: Handler, auth = true): void {
    this.#routes.push({ method, template, segments: template.split('/').filter((s) => s !== ''), auth, handler });
  }

  // ---- routes ----------------------------------------------------------------------------------

  #defineRoutes(): void {
    const { store } = this.ctx;
    const r = this.#route.bind(this);

    r('GET', '/gateway', () => json({ url: this.ctx.gatewayUrl() }), false);
    r('GET', '/gateway/bot', () =>
      json({
        url: this.ctx.gatewayUrl(),
        shards: this.ctx.shardCount?.() ?? 1,
        // As for large bots, shards may identify at once (discord.js otherwise waits 5 s between them).
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: this.ctx.shardCount?.() ?? 1 },
      }),
    );
    r('GET', '/users/@me', () =>
      json({ ...store.userJson(store.botUserId), verified: true, mfa_enabled: false, locale: 'en-US', email: null }),
    );
    r('GET', '/users/:userId', ({ params }) => {
      if (!store.users.has(params.userId as string)) throw discordError(10013);
      return json(store.userJson(params.userId as string));
    });
    r('POST', '/users/@me/channels', ({ body }) => {
      const recipient = typeof body.recipient_id === 'string' ? body.recipient_id : '';
      if (!store.users.has(recipient)) throw discordError(10013);
      return json(store.channelJson(store.dmChannelFor(recipient).id));
    });
    r('GET', '/applications/@me', () => json(this.#applicationJson()));
    r('GET', '/oauth2/applications/@me', () => json(this.#applicationJson()));

    // Application commands, global and per guild.
    for (const scoped of [false, true]) {
      const base = scoped ? '/applications/:appId/guilds/:guildId/commands' : '/applications/:appId/commands';
      const scope = ({ params }: Call): string | undefined => {
        if (params.appId !== store.applicationId) throw discordError(50001);
        if (!scoped) return undefined;
        const guild = store.guilds.get(params.guildId as string);
        if (!guild) throw discordError(10004);
        if (!guild.members.has(store.botUserId)) throw discordError(50001);
        return guild.id;
      };
      r('GET', base, (c) => json(this.ctx.commands.list(scope(c))));
      r('PUT', base, (c) => {
        const guildId = scope(c);
        const defs: unknown[] = Array.isArray(c.rawBody) ? c.rawBody : [];
        if (this.ctx.options.validateBodies) validateCommands(defs);
        return json(this.ctx.commands.put(guildId, defs.filter(isObject)));
      });
      r('POST', base, (c) => {
        const guildId = scope(c);
        if (this.ctx.options.validateBodies) validateCommands([c.body]);
        const { command, created } = this.ctx.commands.upsert(guildId, c.body);
        return json(command, created ? 201 : 200);
      });
      r('GET', `${base}/:commandId`, (c) => {
        const command = this.ctx.commands.get(scope(c), c.params.commandId as string);
        if (!command) throw discordError(10063);
        return json(command);
      });
      r('PATCH', `${base}/:commandId`, (c) => {
        const command = this.ctx.commands.patch(scope(c), c.params.commandId as string, c.body);
        if (!command) throw discordError(10063);
        return json(command);
      });
      r('DELETE', `${base}/:commandId`, (c) => {
        if (!this.ctx.commands.delete(scope(c), c.params.commandId as string)) throw discordError(10063);
        return noContent();
      });
    }

    // Interactions.
    r('POST', '/interactions/:interactionId/:token/callback', (c) => this.#callback(c), false);
    r('POST', '/webhooks/:appId/:token', (c) => this.#followUp(c), false);
    r('GET', '/webhooks/:appId/:token/messages/:messageId', (c) => {
      const { message } = this.#webhookTarget(c);
      return json(store.apiMessage(message));
    }, false);
    r('PATCH', '/webhooks/:appId/:token/messages/:messageId', (c) => this.#webhookEdit(c), false);
    r('DELETE', '/webhooks/:appId/:token/messages/:messageId', (c) => {
      const { message, rec } = this.#webhookTarget(c);
      message.deleted = true;
      if (rec.deferredLoading && message.id === rec.responseMessageId) rec.deferredLoading = false;
      this.ctx.messageEvent({ kind: 'delete', message, interactionId: rec.id });
      return noContent();
    }, false);

    // Channels and messages.
    r('GET', '/channels/:channelId', ({ params }) => {
      const channel = this.#channel(params.channelId as string, []);
      return json(store.channelJson(channel.id));
    });
    r('GET', '/channels/:channelId/messages', ({ params, query }) => {
      const channel = this.#channel(params.channelId as string, []);
      if (channel.guildId && !hasPermission(this.#botPermissions(channel.id), PermissionFlags.ReadMessageHistory)) {
        return json([]);
      }
      const visible = store.channelMessages(channel.id).filter((m) => !m.ephemeralFor);
      const limit = Math.min(100, Math.max(1, Number(query.limit ?? 50) || 50));
      let list = visible;
      if (query.before) list = list.filter((m) => BigInt(m.id) < BigInt(query.before as string));
      if (query.after) list = list.filter((m) => BigInt(m.id) > BigInt(query.after as string));
      const newestFirst = [...list].reverse();
      const page = query.after ? newestFirst.slice(-limit) : newestFirst.slice(0, limit);
      return json(page.map((m) => store.apiMessage(m)));
    });
    r('POST', '/channels/:channelId/messages', (c) => this.#createChannelMessage(c));
    r('GET', '/channels/:channelId/messages/:messageId', ({ params }) => {
      const channel = this.#channel(params.channelId as string, []);
      return json(store.apiMessage(this.#channelMessage(channel.id, params.messageId as string)));
    });
    r('PATCH', '/channels/:channelId/messages/:messageId', (c) => {
      const channel = this.#channel(c.params.channelId as string, []);
      const message = this.#channelMessage(channel.id, c.params.messageId as string);
      if (message.author.id !== store.botUserId) throw discordError(50005);
      this.#applyEdit(message, c.body, c.files, false);
      this.ctx.messageEvent({ kind: 'update', message });
      return json(store.apiMessage(message));
    });
    r('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
      const channel = this.#channel(params.channelId as string, []);
      const message = this.#channelMessage(channel.id, params.messageId as string);
      if (message.author.id !== store.botUserId && channel.guildId) {
        if (!hasPermission(this.#botPermissions(channel.id), PermissionFlags.ManageMessages)) throw discordError(50013);
      }
      message.deleted = true;
      this.ctx.messageEvent({ kind: 'delete', message });
      return noContent();
    });
    r('POST', '/channels/:channelId/typing', ({ params }) => {
      this.#channel(params.channelId as string, [PermissionFlags.SendMessages]);
      return noContent();
    });
    for (const method of ['PUT', 'DELETE']) {
      r(method, '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', ({ params }) => {
        const channel = this.#channel(params.channelId as string, method === 'PUT' ? [PermissionFlags.AddReactions] : []);
        const message = this.#channelMessage(channel.id, params.messageId as string);
        const name = params.emoji as string;
        const reactions = (message.reactions ??= []);
        const existing = reactions.find((x) => x.emoji.name === name);
        if (method === 'PUT' && !existing) reactions.push({ count: 1, me: true, emoji: { id: null, name } });
        if (method === 'DELETE' && existing) message.reactions = reactions.filter((x) => x !== existing);
        return noContent();
      });
    }

    // Guilds.
    r('GET', '/guilds/:guildId', ({ params, query }) => {
      const guild = this.#guild(params.guildId as string);
      const body = store.guildJson(guild.id);
      if (query.with_counts === 'true') {
        body.approximate_member_count = guild.members.size;
        body.approximate_presence_count = 0;
      }
      return json(body);
    });
    r('GET', '/guilds/:guildId/channels', ({ params }) => {
      const guild = this.#guild(params.guildId as string);
      return json(guild.channelIds.map((id) => store.channelJson(id)));
    });
    r('GET', '/guilds/:guildId/roles', ({ params }) => {
      const guild = this.#guild(params.guildId as string);
      return json([...guild.roles.values()].map((role) => store.roleJson(role)));
    });
    r('GET', '/guilds/:guildId/members', ({ params, query }) => {
      const guild = this.#guild(params.guildId as string);
      const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 1) || 1));
      const after = query.after ? BigInt(query.after) : -1n;
      const ids = [...guild.members.keys()].filter((id) => !/^\d+$/.test(id) || BigInt(id) > after);
      return json(ids.slice(0, limit).map((id) => store.memberJson(guild.id, id)));
    });
    r('GET', '/guilds/:guildId/members/:userId', ({ params }) => {
      const guild = this.#guild(params.guildId as string);
      if (!guild.members.has(params.userId as string)) throw discordError(10007);
      return json(store.memberJson(guild.id, params.userId as string));
    });
    // Member roles, with Discord's checks: Manage Roles, and only roles below the bot's highest role.
    for (const method of ['PUT', 'DELETE']) {
      r(method, '/guilds/:guildId/members/:userId/roles/:roleId', ({ params }) => {
        const guild = this.#guild(params.guildId as string);
        const role = guild.roles.get(params.roleId as string);
        if (!role) throw discordError(10011);
        const member = guild.members.get(params.userId as string);
        if (!member) throw discordError(10007);
        if (!hasPermission(store.permissionsOf(guild.id, store.botUserId), PermissionFlags.ManageRoles)) throw discordError(50013);
        const botRoles = guild.members.get(store.botUserId)?.roles ?? [];
        const botHighest = Math.max(0, ...botRoles.map((id) => guild.roles.get(id)?.position ?? 0));
        if (role.managed || role.position >= botHighest) throw discordError(50013);
        if (method === 'PUT' && !member.roles.includes(role.id)) member.roles.push(role.id);
        if (method === 'DELETE') member.roles = member.roles.filter((id) => id !== role.id);
        return noContent();
      });
    }
  }

  #applicationJson(): JsonObject {
    const { store } = this.ctx;
    return {
      id: store.applicationId,
      name: store.requireUser(store.botUserId).username,
      icon: null,
      description: '',
      summary: '',
      type: null,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      owner: store.userJson(store.botUserId),
      team: null,
      bot: store.userJson(store.botUserId),
      approximate_guild_count: store.guilds.size,
      integration_types_config: { '0': {} },
    };
  }

  #guild(id: string) {
    const guild = this.ctx.store.guilds.get(id);
    if (!guild) throw discordError(10004);
    if (!guild.members.has(this.ctx.store.botUserId)) throw discordError(50001);
    return guild;
  }

  #botPermissions(channelId: string): bigint {
    const { store } = this.ctx;
    const channel = store.requireChannel(channelId);
    if (!channel.guildId) return ~0n;
    return store.permissionsOf(channel.guildId, store.botUserId, channelId);
  }

  /** A live channel the bot can see; `needs` are further permissions (checked when enforcement is on). */
  #channel(id: string, needs: bigint[]) {
    const channel = this.ctx.store.liveChannel(id);
    if (!channel) throw discordError(10003);
    if (channel.guildId && this.ctx.options.enforcePermissions) {
      const perms = this.#botPermissions(id);
      if (!hasPermission(perms, PermissionFlags.ViewChannel)) throw discordError(50001);
      for (const need of needs) if (!hasPermission(perms, need)) throw discordError(50013);
    }
    return channel;
  }

  #channelMessage(channelId: string, messageId: string): StoredMessage {
    const message = this.ctx.store.messages.get(messageId);
    if (!message || message.deleted || message.channel_id !== channelId || message.ephemeralFor) throw discordError(10008);
    return message;
  }

  #validate(body: JsonObject, files: UploadedFile[], requireContent: boolean, pathPrefix?: string): void {
    if (!this.ctx.options.validateBodies) return;
    const opts: { requireContent: boolean; hasFiles: boolean; pathPrefix?: string } = { requireContent, hasFiles: files.length > 0 };
    if (pathPrefix) opts.pathPrefix = pathPrefix;
    validateMessageBody(body, opts);
  }

  #createChannelMessage(c: Call): Reply {
    const { store } = this.ctx;
    const channel = this.#channel(c.params.channelId as string, [PermissionFlags.SendMessages]);
    if (channel.type === ChannelTypes.DM && channel.recipientId && store.users.get(channel.recipientId)?.dmsDisabled) {
      throw discordError(50007);
    }
    this.#validate(c.body, c.files, true);
    const body = messageBody(c.body);
    body.flags = (body.flags ?? 0) & (MessageFlagBits.SuppressEmbeds | MessageFlagBits.SuppressNotifications | MessageFlagBits.IsComponentsV2);
    const message = store.createMessage({
      channelId: channel.id,
      body,
      type: c.body.message_reference ? 19 : 0,
      files: c.files,
    });
    this.ctx.messageEvent({ kind: 'create', message });
    return json(store.apiMessage(message));
  }

  #applyEdit(message: StoredMessage, rawBody: JsonObject, files: UploadedFile[], clearLoading: boolean, pathPrefix?: string): void {
    this.#validate(rawBody, files, false, pathPrefix);
    const draft = structuredClone(message);
    this.ctx.store.editMessage(draft, messageBody(rawBody), { clearLoading, files });
    const empty =
      draft.content === '' && draft.embeds.length === 0 && draft.components.length === 0 && draft.attachments.length === 0;
    if (empty && this.ctx.options.validateBodies) throw discordError(50006);
    Object.assign(message, draft);
  }

  #callback(c: Call): Reply {
    const { store } = this.ctx;
    const rec = this.ctx.interactionsById.get(c.params.interactionId as string);
    if (!rec || rec.token !== c.params.token) throw discordError(10062);
    if (rec.acknowledged) throw discordError(40060);
    const deadline = this.ctx.options.callbackDeadlineMs;
    if (deadline > 0 && c.record.receivedAt - rec.sentAt > deadline) {
      if (!rec.expired) {
        rec.expired = true;
        rec.latencyMs = c.record.receivedAt - rec.sentAt;
        this.ctx.expired(rec);
      }
      throw discordError(10062);
    }
    const type = c.body.type;
    const allowed = ALLOWED_CALLBACKS[rec.type] ?? [];
    if (typeof type !== 'number' || !allowed.includes(type)) {
      throw new DiscordApiError(400, {
        message: 'Invalid Form Body',
        code: 50035,
        errors: {
          type: {
            _errors: [
              {
                code: 'INTERACTION_CALLBACK_TYPE_INVALID',
                message: `Callback type ${String(type)} is not valid for interaction type ${rec.type} (allowed: ${allowed.join(', ')})`,
              },
            ],
          },
        },
      });
    }
    const data = (isObject(c.body.data) ? c.body.data : {}) as InteractionCallbackData;
    let message: StoredMessage | undefined;
    const ephemeral = ((data.flags ?? 0) & MessageFlagBits.Ephemeral) !== 0;
    const common = {
      channelId: rec.channelId,
      type: responseMessageType(rec),
      interactionId: rec.id,
      interactionMetadata: this.ctx.builder.metadata(rec),
      webhookId: store.applicationId,
      ...(ephemeral ? { ephemeralFor: rec.userId } : {}),
    };
    switch (type) {
      case CallbackTypes.ChannelMessageWithSource: {
        this.#validate(data, c.files, true, 'data');
        const body = messageBody(data);
        body.flags = (body.flags ?? 0) & (MessageFlagBits.SuppressEmbeds | MessageFlagBits.Ephemeral | MessageFlagBits.SuppressNotifications | MessageFlagBits.IsComponentsV2);
        message = store.createMessage({ ...common, body, files: c.files });
        rec.responseMessageId = message.id;
        this.ctx.messageEvent({ kind: 'create', message, interactionId: rec.id });
        break;
      }
      case CallbackTypes.DeferredChannelMessageWithSource: {
        message = store.createMessage({
          ...common,
          body: { flags: ephemeral ? MessageFlagBits.Ephemeral : 0 },
          extraFlags: MessageFlagBits.Loading,
        });
        rec.responseMessageId = message.id;
        rec.deferredLoading = true;
        this.ctx.messageEvent({ kind: 'create', message, interactionId: rec.id });
        break;
      }
      case CallbackTypes.DeferredUpdateMessage:
      case CallbackTypes.UpdateMessage: {
        const target = rec.componentMessageId ? store.messages.get(rec.componentMessageId) : undefined;
        if (!target || target.deleted) throw discordError(10008);
        if (type === CallbackTypes.UpdateMessage) {
          this.#applyEdit(target, data, c.files, false, 'data');
          this.ctx.messageEvent({ kind: 'update', message: target, interactionId: rec.id });
        }
        rec.responseMessageId = target.id;
        message = target;
        break;
      }
      case CallbackTypes.ApplicationCommandAutocompleteResult:
        if (this.ctx.options.validateBodies) validateChoices(data.choices);
        break;
      case CallbackTypes.Modal:
        if (this.ctx.options.validateBodies) validateModal(data);
        break;
      default:
        break;
    }
    rec.acknowledged = true;
    rec.callbackType = type;
    rec.callbackData = structuredClone(data);
    rec.latencyMs = c.record.receivedAt - rec.sentAt;
    this.ctx.acknowledged(rec);

    if (c.query.with_response !== 'true') return noContent();
    const interaction: JsonObject = { id: rec.id, type: rec.type };
    if (message) {
      interaction.response_message_id = message.id;
      interaction.response_message_loading = (message.flags & MessageFlagBits.Loading) !== 0;
      interaction.response_message_ephemeral = (message.flags & MessageFlagBits.Ephemeral) !== 0;
    }
    const resource: JsonObject = { type };
    if (message) resource.message = store.apiMessage(message);
    return json({ interaction, resource });
  }

  #webhookInteraction(c: Call): InteractionRecord {
    if (c.params.appId !== this.ctx.store.applicationId) throw discordError(10015);
    const rec = this.ctx.interactionsByToken.get(c.params.token as string);
    if (!rec) throw discordError(50027);
    if (Date.now() - rec.sentEpoch > TOKEN_TTL_MS) throw discordError(50027);
    if (!rec.acknowledged) throw discordError(10015);
    return rec;
  }

  #webhookTarget(c: Call): { rec: InteractionRecord; message: StoredMessage } {
    const rec = this.#webhookInteraction(c);
    const id = c.params.messageId === '@original' ? rec.responseMessageId : c.params.messageId;
    const owned = id !== undefined && (id === rec.responseMessageId || rec.followUpIds.includes(id));
    const message = owned ? this.ctx.store.messages.get(id) : undefined;
    if (!message || message.deleted) throw discordError(10008);
    return { rec, message };
  }

  #webhookEdit(c: Call): Reply {
    const { rec, message } = this.#webhookTarget(c);
    const isOriginal = message.id === rec.responseMessageId;
    this.#applyEdit(message, c.body, c.files, true);
    if (isOriginal) {
      rec.deferredLoading = false;
      rec.originalEdits += 1;
    }
    this.ctx.messageEvent({ kind: 'update', message, interactionId: rec.id });
    return json(this.ctx.store.apiMessage(message));
  }

  #followUp(c: Call): Reply {
    const { store } = this.ctx;
    const rec = this.#webhookInteraction(c);
    this.#validate(c.body, c.files, true);
    let message: StoredMessage;
    if (rec.deferredLoading && rec.responseMessageId) {
      // Discord: the first follow-up after a deferred reply edits the loading message instead of
      // creating one, keeping the ephemeral flag chosen when deferring.
      message = store.messages.get(rec.responseMessageId) as StoredMessage;
      const { flags: _ignored, ...rest } = c.body;
      this.#applyEdit(message, rest, c.files, true);
      rec.deferredLoading = false;
      rec.originalEdits += 1;
      this.ctx.messageEvent({ kind: 'update', message, interactionId: rec.id });
    } else {
      const body = messageBody(c.body);
      const ephemeral = ((body.flags ?? 0) & MessageFlagBits.Ephemeral) !== 0;
      body.flags = (body.flags ?? 0) & (MessageFlagBits.SuppressEmbeds | MessageFlagBits.Ephemeral | MessageFlagBits.SuppressNotifications | MessageFlagBits.IsComponentsV2);
      message = store.createMessage({
        channelId: rec.channelId,
        body,
        type: responseMessageType(rec),
        interactionId: rec.id,
        interactionMetadata: this.ctx.builder.metadata(rec),
        webhookId: store.applicationId,
        files: c.files,
        ...(ephemeral ? { ephemeralFor: rec.userId } : {}),
      });
      rec.followUpIds.push(message.id);
      this.ctx.messageEvent({ kind: 'create', message, interactionId: rec.id });
    }
    if (c.query.wait === 'false') return noContent();
    return json(store.apiMessage(message));
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function notFound(): Reply {
  return json({ message: '404: Not Found', code: 0 }, 404);
}

function faultReply(fault: FaultResponse): Reply {
  const status = fault.status ?? 500;
  const body = fault.body ?? { message: `${status}: Injected by FakeDiscord`, code: 0 };
  const reply: Reply = { status, body };
  if (fault.headers) reply.headers = fault.headers;
  return reply;
}

const bucketCache = new Map<string, string>();
function rateLimitHeaders(method: string, template: string): Record<string, string> {
  const key = `${method} ${template}`;
  let bucket = bucketCache.get(key);
  if (!bucket) {
    bucket = createHash('sha1').update(key).digest('hex').slice(0, 32);
    bucketCache.set(key, bucket);
  }
  const now = Date.now();
  return {
    'x-ratelimit-limit': '50',
    'x-ratelimit-remaining': '49',
    'x-ratelimit-reset': ((now + 1000) / 1000).toFixed(3),
    'x-ratelimit-reset-after': '1.000',
    'x-ratelimit-bucket': bucket,
  };
}

function messageBody(raw: JsonObject): MessageBody {
  const body: MessageBody = {};
  if ('content' in raw) body.content = raw.content === null || raw.content === undefined ? null : String(raw.content);
  if ('embeds' in raw) body.embeds = Array.isArray(raw.embeds) ? (raw.embeds as MessageBody['embeds']) : null;
  if ('components' in raw) body.components = Array.isArray(raw.components) ? (raw.components as MessageBody['components']) : null;
  if ('flags' in raw) body.flags = typeof raw.flags === 'number' ? raw.flags : null;
  if ('allowed_mentions' in raw) body.allowed_mentions = isObject(raw.allowed_mentions) ? (raw.allowed_mentions as MessageBody['allowed_mentions']) : null;
  if ('attachments' in raw) body.attachments = Array.isArray(raw.attachments) ? (raw.attachments as JsonObject[]) : null;
  if (raw.tts === true) body.tts = true;
  if (isObject(raw.message_reference)) body.message_reference = raw.message_reference as MessageBody['message_reference'];
  return body;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new DiscordApiError(413, { message: 'Request entity too large', code: 40005 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(raw: Buffer, contentType: string): { body: unknown; files: UploadedFile[] } {
  if (raw.length === 0) return { body: undefined, files: [] };
  const boundary = /multipart\/form-data;\s*boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (boundary) return parseMultipart(raw, (boundary[1] ?? boundary[2] ?? '').trim());
  return { body: JSON.parse(raw.toString('utf8')) as unknown, files: [] };
}

function parseMultipart(raw: Buffer, boundary: string): { body: unknown; files: UploadedFile[] } {
  const delimiter = Buffer.from(`--${boundary}`);
  const files: UploadedFile[] = [];
  const fields: Record<string, unknown> = {};
  let body: unknown;
  let pos = raw.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (raw[start] === 0x2d && raw[start + 1] === 0x2d) break;
    start += 2;
    const headerEnd = raw.indexOf('\r\n\r\n', start);
    if (headerEnd === -1) break;
    const next = raw.indexOf(delimiter, headerEnd + 4);
    if (next === -1) break;
    const head = raw.subarray(start, headerEnd).toString('utf8');
    const content = raw.subarray(headerEnd + 4, next - 2);
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
    if (filename !== undefined) {
      const file: UploadedFile = { field: name, filename, data: Buffer.from(content) };
      if (type) file.contentType = type;
      files.push(file);
    } else if (name === 'payload_json') {
      body = JSON.parse(content.toString('utf8')) as unknown;
    } else {
      fields[name] = content.toString('utf8');
    }
    pos = next;
  }
  return { body: body ?? (Object.keys(fields).length > 0 ? fields : undefined), files };
}
