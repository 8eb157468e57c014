import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CommandStore } from './commands.js';
import type { FaultMatch, FaultResponse, InjectedFault } from './faults.js';
import { FaultRegistry } from './faults.js';
import type { GatewayConnectionInfo, GatewayHost } from './gateway.js';
import { FakeGateway, GatewayIntents } from './gateway.js';
import type {
  AutocompleteInput,
  CommandInput,
  UserRef,
  InteractionRecord,
  InteractionSnapshot,
  PressInput,
} from './interactions.js';
import { modalSubmitData } from './modals.js';
import {
  CallbackTypes,
  InteractionBuilder,
  InteractionTypes,
  customIdsOf,
  findComponent,
  newInteractionToken,
  snapshotOf,
} from './interactions.js';
import type {
  ChannelInput,
  FakeChannel,
  FakeGuild,
  FakeMember,
  FakeRole,
  FakeUser,
  GuildInput,
  MemberInput,
  OverwriteInput,
  RoleInput,
  UserInput,
} from './model.js';
import { FakeStore } from './model.js';
import type { PermissionInput } from './permissions.js';
import { ALL_PERMISSIONS, DEFAULT_BOT_PERMISSIONS, resolvePermissions } from './permissions.js';
import type { MessageEvent, RecordedRequest, RestContext } from './rest.js';
import { RestApi } from './rest.js';
import type { ApiApplicationCommand, ApiAttachment, ApiComponent, ApiEmbed, InteractionCallbackData, JsonObject, StoredMessage } from './types.js';

/** Options of {@link FakeDiscord.start}. */
export interface FakeDiscordOptions {
  /** Bot token the gateway and REST API accept (default: a fixed fake token). */
  token?: string;
  /** Application id (default: the bot user id, as for real bots). */
  applicationId?: string;
  /** The bot's user id (default: a generated snowflake). */
  botUserId?: string;
  /** The bot's username (default 'deepcards'). */
  botUsername?: string;
  /** The bot's default permissions in every guild (default View Channel, Send Messages, Embed Links, Read Message History). */
  botPermissions?: PermissionInput;
  /** Port to listen on (default 0: any free port). Always bound to 127.0.0.1. */
  port?: number;
  /** heartbeat_interval sent in HELLO (default 41250). */
  heartbeatIntervalMs?: number;
  /** How long `command`/`press`/`autocomplete` wait for the first callback (default 5000). */
  interactionTimeoutMs?: number;
  /** Like Discord, answer 10062 Unknown interaction to a first callback later than this (default 3000; 0 = never). */
  callbackDeadlineMs?: number;
  /** Check `Authorization: Bot <token>` on authenticated routes (default true). */
  requireRestAuth?: boolean;
  /** Refuse channel reads/posts the bot lacks permissions for (50001/50013), like Discord (default true). */
  enforcePermissions?: boolean;
  /** Validate message/command bodies like Discord (50035/50006) (default true). */
  validateBodies?: boolean;
  /** Privileged intents the app is granted (bitfield; default all). Others close the gateway with 4014. */
  privilegedIntents?: number;
  /** Reject `command()` for commands that were never registered (default false). */
  requireRegisteredCommands?: boolean;
  /** Keep at most this many recorded requests, dropping the oldest (default Infinity). */
  maxRecordedRequests?: number;
  /** The shard count GET /gateway/bot recommends (default 1). Each guild's events go to the session holding its shard. */
  shardCount?: number;
}

/** Input of {@link FakeDiscord.submitModal}. */
export interface ModalSubmitInput {
  /** The interaction the bot answered with the modal (its result, or its id). */
  modal: InteractionResult | string;
  /** Text typed into the modal's inputs, by input custom id. */
  values: Record<string, string>;
  /** Who submits (default: the member the modal was shown to). */
  user?: UserRef;
  locale?: string;
  timeoutMs?: number;
}

/** What `command`/`press`/`autocomplete` resolve with once the bot's first callback arrived. */
export interface InteractionResult {
  interactionId: string;
  token: string;
  /** 4 reply, 5 deferReply, 6 deferUpdate, 7 update, 8 autocomplete result, 9 modal. */
  callbackType: number;
  /** The callback's `data`, as the bot sent it. */
  data: InteractionCallbackData | undefined;
  /** ms (high resolution) from sending INTERACTION_CREATE to the callback request arriving. */
  latencyMs: number;
  /** Snapshot of the message created/updated by the callback (the loading message for type 5, the component's message for 6/7). */
  message?: StoredMessage;
  /** The fake's current view of the interaction. */
  interaction(): InteractionSnapshot;
  /** Current state of the `@original` message (after later edits). */
  current(): StoredMessage | undefined;
  /** Follow-up messages created so far. */
  followUps(): StoredMessage[];
  /** Waits until the interaction is acknowledged and no request on it has been in flight for `quietMs` (default 100). */
  settled(opts?: { quietMs?: number; timeoutMs?: number }): Promise<InteractionSnapshot>;
  /** Resolves with `@original` once it has been edited `count` times (default 1) since the callback. */
  waitForEdit(timeoutMs?: number, count?: number): Promise<StoredMessage>;
  /** Resolves with the `count`-th follow-up (default 1) once it exists. */
  waitForFollowUp(timeoutMs?: number, count?: number): Promise<StoredMessage>;
}

/** Events of {@link FakeDiscord.on}. */
export interface FakeDiscordEvents {
  /** A REST request was answered. */
  request: RecordedRequest;
  /** A message was created, updated or deleted. */
  message: MessageEvent;
  /** A gateway connection became ready (READY + GUILD_CREATEs sent, or RESUMED). */
  ready: GatewayConnectionInfo;
  /** A gateway connection closed. */
  close: GatewayConnectionInfo;
  /** An interaction received its first callback. */
  callback: InteractionSnapshot;
}

interface Waiter {
  resolve: (result: InteractionResult) => void;
  reject: (error: Error) => void;
  cleanup: () => void;
}

const DEFAULT_TOKEN = 'ZmFrZS1ib3QtdG9rZW4.fake.discord-token-for-tests';

/**
 * A fake Discord (REST API v10 + JSON gateway) on one loopback port, good enough for an unmodified
 * discord.js 14 client created with `rest: { api: fake.apiUrl }`.
 */
export class FakeDiscord {
  /** The port the fake listens on (127.0.0.1). */
  readonly port: number;
  /** Pass as `new Client({ rest: { api: fake.apiUrl } })`: `http://127.0.0.1:PORT/api`. */
  readonly apiUrl: string;
  /** The gateway URL returned by GET /gateway/bot: `ws://127.0.0.1:PORT`. */
  readonly gatewayUrl: string;
  /** The token the fake accepts. */
  readonly token: string;
  /** The application id (READY `application.id`, command routes). */
  readonly applicationId: string;
  /** The bot's user. */
  readonly botUser: FakeUser;

  readonly #options: Required<Omit<FakeDiscordOptions, 'token' | 'applicationId' | 'botUserId' | 'botUsername' | 'botPermissions' | 'port' | 'shardCount'>>;
  readonly #server: Server;
  readonly #store: FakeStore;
  readonly #commands: CommandStore;
  readonly #builder: InteractionBuilder;
  readonly #faults = new FaultRegistry();
  readonly #gateway: FakeGateway;
  readonly #rest: RestApi;
  readonly #requests: RecordedRequest[] = [];
  readonly #byId = new Map<string, InteractionRecord>();
  readonly #byToken = new Map<string, InteractionRecord>();
  readonly #waiters = new Map<string, Waiter>();
  readonly #events = new EventEmitter();
  #ackHeartbeats = true;
  #stopped = false;
  #shardCount = 1;

  /**
   * Starts a fake on 127.0.0.1 (port 0 unless given) and resolves once it is listening.
   * @example
   * const fake = await FakeDiscord.start();
   * const guild = fake.addGuild({ name: 'Test' });
   * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
   * await client.login(fake.token);
   */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer({ noDelay: true, keepAlive: true });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new FakeDiscord(server, options);
  }

  private constructor(server: Server, options: FakeDiscordOptions) {
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    this.apiUrl = `http://127.0.0.1:${this.port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${this.port}`;
    this.token = options.token ?? DEFAULT_TOKEN;
    this.#options = {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      interactionTimeoutMs: options.interactionTimeoutMs ?? 5_000,
      callbackDeadlineMs: options.callbackDeadlineMs ?? 3_000,
      requireRestAuth: options.requireRestAuth ?? true,
      enforcePermissions: options.enforcePermissions ?? true,
      validateBodies: options.validateBodies ?? true,
      privilegedIntents: options.privilegedIntents ?? GatewayIntents.GuildMembers | GatewayIntents.GuildPresences | GatewayIntents.MessageContent,
      requireRegisteredCommands: options.requireRegisteredCommands ?? false,
      maxRecordedRequests: options.maxRecordedRequests ?? Number.POSITIVE_INFINITY,
    };
    const storeOptions: ConstructorParameters<typeof FakeStore>[0] = {
      botUsername: options.botUsername ?? 'deepcards',
      botPermissions: resolvePermissions(options.botPermissions, DEFAULT_BOT_PERMISSIONS),
      attachmentBaseUrl: () => `http://127.0.0.1:${this.port}`,
    };
    if (options.botUserId) storeOptions.botUserId = options.botUserId;
    if (options.applicationId) storeOptions.applicationId = options.applicationId;
    this.#store = new FakeStore(storeOptions);
    this.applicationId = this.#store.applicationId;
    this.botUser = this.#store.publicUser(this.#store.botUserId);
    this.#commands = new CommandStore(this.#store.ids, this.applicationId);
    this.#builder = new InteractionBuilder(this.#store, this.#commands);
    this.#events.setMaxListeners(0);
    this.#gateway = new FakeGateway(this.#gatewayHost());
    this.#shardCount = options.shardCount ?? 1;
    this.#rest = new RestApi(Object.assign(this.#restContext(), { shardCount: () => this.#shardCount }));
    server.on('request', (req, res) => this.#rest.handle(req, res));
    server.on('upgrade', (req, socket, head: Buffer) => this.#gateway.handleUpgrade(req, socket, head));
  }

  /** Closes every gateway socket and HTTP connection and stops listening; pending interactions reject. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const [id, waiter] of this.#waiters) {
      this.#waiters.delete(id);
      waiter.cleanup();
      waiter.reject(new Error('FakeDiscord: stopped before the bot answered'));
    }
    await this.#gateway.shutdown();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- events ----------------------------------------------------------------------------------

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof FakeDiscordEvents>(event: K, listener: (payload: FakeDiscordEvents[K]) => void): () => void {
    this.#events.on(event, listener);
    return () => {
      this.#events.off(event, listener);
    };
  }

  #emit<K extends keyof FakeDiscordEvents>(event: K, payload: FakeDiscordEvents[K]): void {
    this.#events.emit(event, payload);
  }

  /** Resolves with `check()`'s first non-undefined value, re-checking on every fake event. */
  #waitUntil<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const names = ['request', 'message', 'ready', 'close', 'callback'] as const;
      const onEvent = (): void => {
        const value = check();
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${describe()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        for (const name of names) this.#events.off(name, onEvent);
      };
      for (const name of names) this.#events.on(name, onEvent);
    });
  }

  // ---- gateway ---------------------------------------------------------------------------------

  /** True if a bot is connected and ready (an interaction would be delivered now). */
  get connected(): boolean {
    return this.#gateway.activeConnection() !== undefined;
  }

  /** Every gateway connection so far, oldest first. */
  connections(): GatewayConnectionInfo[] {
    return this.#gateway.connections();
  }

  /** The shard ids held by ready gateway connections, ascending. */
  activeShards(): number[] {
    return this.#gateway.activeShards();
  }

  /** Changes the shard count GET /gateway/bot recommends from now on. */
  setShardCount(count: number): void {
    this.#shardCount = count;
  }

  /** Resolves once ready connections hold every one of `shards`. */
  waitForShards(shards: readonly number[], timeoutMs = 10_000): Promise<number[]> {
    return this.#waitUntil(
      () => {
        const held = this.#gateway.activeShards();
        return shards.every((id) => held.includes(id)) ? held : undefined;
      },
      timeoutMs,
      () => `ready connections holding shards ${shards.join(', ')} (held: ${this.#gateway.activeShards().join(', ') || 'none'})`,
    );
  }

  /** Resolves when a bot is connected and ready (immediately if one already is). */
  waitForReady(timeoutMs = 10_000): Promise<GatewayConnectionInfo> {
    return this.#waitUntil(() => this.#gateway.activeConnection(), timeoutMs, () => 'a ready gateway connection');
  }

  /** Resolves at the next READY/RESUMED completed after this call (e.g. a restarted bot). */
  nextReady(timeoutMs = 10_000): Promise<GatewayConnectionInfo> {
    return this.#nextEvent('ready', timeoutMs);
  }

  /** Resolves when a gateway connection next closes (with its close code). */
  waitForClose(timeoutMs = 10_000): Promise<GatewayConnectionInfo> {
    return this.#nextEvent('close', timeoutMs);
  }

  #nextEvent<K extends 'ready' | 'close'>(event: K, timeoutMs: number): Promise<FakeDiscordEvents[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`FakeDiscord: no gateway '${event}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(event, (payload) => {
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }

  /** Sends a raw dispatch to the bot's active connection; returns performance.now() at send, or undefined if none. */
  dispatch(t: string, d: unknown): number | undefined {
    return this.#gateway.dispatchToActive(t, d)?.sentAt;
  }

  /** Sends op 7 RECONNECT; discord.js closes and RESUMEs (events missed meanwhile are replayed). */
  requestReconnect(): boolean {
    return this.#gateway.requestReconnect();
  }

  /** Closes the active gateway connection (or all) with `code` (default 4000, which discord.js resumes after). */
  closeGateway(code = 4000, opts: { all?: boolean } = {}): number {
    return this.#gateway.close(code, opts);
  }

  /** Turn heartbeat ACKs off to make discord.js see a zombie connection and reconnect. */
  setHeartbeatAcks(enabled: boolean): void {
    this.#ackHeartbeats = enabled;
  }

  // ---- world -----------------------------------------------------------------------------------

  /** Adds a guild with @everyone, the bot's managed role and the bot as member (plus an "owner" member unless ownerId is given). Dispatches GUILD_CREATE to connected bots. */
  addGuild(input: GuildInput): FakeGuild {
    const guild = this.#store.addGuild(input);
    this.#gateway.broadcast('GUILD_CREATE', GatewayIntents.Guilds, (info) =>
      this.#store.guildCreateJson(guild.id, (info.intents & GatewayIntents.GuildMembers) !== 0),
    );
    return this.#store.publicGuild(guild.id);
  }

  /** Renames a guild or changes its locale; dispatches GUILD_UPDATE. */
  updateGuild(guildId: string, patch: { name?: string; locale?: string }): FakeGuild {
    const guild = this.#store.requireGuild(guildId);
    if (patch.name !== undefined) guild.name = patch.name;
    if (patch.locale !== undefined) guild.locale = patch.locale;
    this.#gateway.broadcast('GUILD_UPDATE', GatewayIntents.Guilds, () => this.#store.guildJson(guildId));
    return this.#store.publicGuild(guildId);
  }

  /** Removes the bot from a guild (the guild and its channels disappear); dispatches GUILD_DELETE. */
  removeGuild(guildId: string): void {
    const guild = this.#store.requireGuild(guildId);
    for (const channelId of guild.channelIds) this.#store.removeChannel(channelId);
    this.#store.guilds.delete(guildId);
    this.#gateway.broadcast('GUILD_DELETE', GatewayIntents.Guilds, () => ({ id: guildId }));
  }

  /** Adds a role; dispatches GUILD_ROLE_CREATE. */
  addRole(guildId: string, input: RoleInput): FakeRole {
    const role = this.#store.addRole(guildId, input);
    this.#gateway.broadcast('GUILD_ROLE_CREATE', GatewayIntents.Guilds, () => ({ guild_id: guildId, role: this.#store.roleJson(role) }));
    return this.#store.publicRole(guildId, role.id);
  }

  /** Changes a role (e.g. `guild.botRoleId` to change the bot's permissions, `position` to reorder it); dispatches GUILD_ROLE_UPDATE. */
  updateRole(guildId: string, roleId: string, patch: { name?: string; permissions?: PermissionInput; position?: number }): FakeRole {
    const role = this.#store.requireGuild(guildId).roles.get(roleId);
    if (!role) throw new Error(`FakeDiscord: unknown role ${roleId}`);
    if (patch.name !== undefined) role.name = patch.name;
    if (patch.position !== undefined) role.position = patch.position;
    if (patch.permissions !== undefined) role.permissions = resolvePermissions(patch.permissions);
    this.#gateway.broadcast('GUILD_ROLE_UPDATE', GatewayIntents.Guilds, () => ({ guild_id: guildId, role: this.#store.roleJson(role) }));
    return this.#store.publicRole(guildId, roleId);
  }

  /**
   * A file a member attached, as Discord stores it: pass its id as an attachment option (type 11), and the
   * interaction carries it in `resolved.attachments` with a URL this fake serves, as Discord's CDN does.
   */
  addAttachment(input: { filename: string; data: Buffer | Uint8Array | string; contentType?: string }): ApiAttachment {
    const data = typeof input.data === 'string' ? Buffer.from(input.data, 'utf8') : Buffer.from(input.data);
    return this.#store.addAttachment({ filename: input.filename, data, ...(input.contentType ? { contentType: input.contentType } : {}) });
  }

  /** The bytes behind an attachment URL (a file the bot uploaded, say). */
  attachmentData(url: string): Buffer | undefined {
    const id = /\/attachments\/(\d+)\//.exec(url)?.[1];
    return id ? this.#store.attachmentFiles.get(id)?.data : undefined;
  }

  /** Adds a channel (type 0 text by default); dispatches CHANNEL_CREATE. */
  addChannel(guildId: string, input: ChannelInput): FakeChannel {
    const channel = this.#store.addChannel(guildId, input);
    this.#gateway.broadcast('CHANNEL_CREATE', GatewayIntents.Guilds, () => this.#store.channelJson(channel.id));
    return this.#store.publicChannel(channel.id);
  }

  /** Renames a channel or replaces its permission overwrites; dispatches CHANNEL_UPDATE. */
  updateChannel(channelId: string, patch: { name?: string; topic?: string | null; permissionOverwrites?: readonly OverwriteInput[] }): FakeChannel {
    const channel = this.#store.requireChannel(channelId);
    if (patch.name !== undefined) channel.name = patch.name;
    if (patch.topic !== undefined) channel.topic = patch.topic;
    if (patch.permissionOverwrites) this.#store.setOverwrites(channelId, patch.permissionOverwrites);
    this.#gateway.broadcast('CHANNEL_UPDATE', GatewayIntents.Guilds, () => this.#store.channelJson(channelId));
    return this.#store.publicChannel(channelId);
  }

  /** Deletes a channel (REST then answers 10003 Unknown Channel); dispatches CHANNEL_DELETE. */
  removeChannel(channelId: string): void {
    const json = this.#store.channelJson(this.#store.requireChannel(channelId).id);
    this.#store.removeChannel(channelId);
    this.#gateway.broadcast('CHANNEL_DELETE', GatewayIntents.Guilds, () => json);
  }

  /** Adds a user who is in no guild (e.g. for DM-only interactions). */
  addUser(input: UserInput): FakeUser {
    return this.#store.publicUser(this.#store.addUser(input).id);
  }

  /** Adds a member (`permissions` become a role of their own); dispatches GUILD_MEMBER_ADD (GUILD_MEMBERS intent only). */
  addMember(guildId: string, input: MemberInput): FakeMember {
    const before = new Set(this.#store.requireGuild(guildId).roles.keys());
    const member = this.#store.addMember(guildId, input);
    for (const role of this.#store.requireGuild(guildId).roles.values()) {
      if (!before.has(role.id)) {
        this.#gateway.broadcast('GUILD_ROLE_CREATE', GatewayIntents.Guilds, () => ({ guild_id: guildId, role: this.#store.roleJson(role) }));
      }
    }
    this.#gateway.broadcast('GUILD_MEMBER_ADD', GatewayIntents.GuildMembers, () => ({
      ...this.#store.memberJson(guildId, member.userId),
      guild_id: guildId,
    }));
    return this.#store.publicMember(guildId, member.userId);
  }

  /** Changes a member's roles/nickname (`permissions` replace its own permission role); dispatches GUILD_MEMBER_UPDATE. */
  updateMember(guildId: string, userId: string, patch: { roles?: readonly string[]; nick?: string | null; permissions?: PermissionInput }): FakeMember {
    const guild = this.#store.requireGuild(guildId);
    const member = guild.members.get(userId);
    if (!member) throw new Error(`FakeDiscord: ${userId} is not a member of ${guildId}`);
    if (patch.roles) member.roles = [...patch.roles];
    if (patch.nick !== undefined) member.nick = patch.nick;
    if (patch.permissions !== undefined) {
      const username = this.#store.requireUser(userId).username;
      const own = member.roles.map((id) => guild.roles.get(id)).find((r) => r?.name === `${username}-permissions`);
      if (own) this.updateRole(guildId, own.id, { permissions: patch.permissions });
      else member.roles.push(this.addRole(guildId, { name: `${username}-permissions`, permissions: patch.permissions }).id);
    }
    const intent = userId === this.#store.botUserId ? 0 : GatewayIntents.GuildMembers;
    this.#gateway.broadcast('GUILD_MEMBER_UPDATE', intent, () => ({ ...this.#store.memberJson(guildId, userId), guild_id: guildId }));
    return this.#store.publicMember(guildId, userId);
  }

  /** Removes a member; dispatches GUILD_MEMBER_REMOVE (GUILD_MEMBERS intent only). */
  removeMember(guildId: string, userId: string): void {
    const guild = this.#store.requireGuild(guildId);
    if (!guild.members.delete(userId)) throw new Error(`FakeDiscord: ${userId} is not a member of ${guildId}`);
    this.#gateway.broadcast('GUILD_MEMBER_REMOVE', GatewayIntents.GuildMembers, () => ({
      guild_id: guildId,
      user: this.#store.userJson(userId),
    }));
  }

  /** A guild by id. */
  guild(id: string): FakeGuild | undefined {
    return this.#store.guilds.has(id) ? this.#store.publicGuild(id) : undefined;
  }

  /** All guilds. */
  guilds(): FakeGuild[] {
    return [...this.#store.guilds.keys()].map((id) => this.#store.publicGuild(id));
  }

  /** A live channel (guild or DM) by id. */
  channel(id: string): FakeChannel | undefined {
    return this.#store.liveChannel(id) ? this.#store.publicChannel(id) : undefined;
  }

  /** Live channels of a guild. */
  channels(guildId: string): FakeChannel[] {
    return this.#store.requireGuild(guildId).channelIds.map((id) => this.#store.publicChannel(id));
  }

  /** A member of a guild. */
  member(guildId: string, userId: string): FakeMember | undefined {
    return this.#store.guilds.get(guildId)?.members.has(userId) ? this.#store.publicMember(guildId, userId) : undefined;
  }

  /** A user by id. */
  user(id: string): FakeUser | undefined {
    return this.#store.users.has(id) ? this.#store.publicUser(id) : undefined;
  }

  /** The DM channel between the bot and a user, if one was opened (by the bot or by a DM interaction). */
  dmChannel(userId: string): FakeChannel | undefined {
    for (const channel of this.#store.channels.values()) {
      if (channel.recipientId === userId && !channel.deleted) return this.#store.publicChannel(channel.id);
    }
    return undefined;
  }

  /** A user's permissions in a guild, or in one of its channels (owner/Administrator → all; @everyone + roles; overwrites). */
  permissions(guildId: string, userId: string, channelId?: string): bigint {
    return this.#store.permissionsOf(guildId, userId, channelId);
  }

  /** The bot's permissions in a channel (what `app_permissions` carries). */
  botPermissions(channelId: string): bigint {
    const channel = this.#store.requireChannel(channelId);
    if (!channel.guildId) return ALL_PERMISSIONS;
    return this.#store.permissionsOf(channel.guildId, this.#store.botUserId, channelId);
  }

  // ---- messages --------------------------------------------------------------------------------

  /** Messages in a channel, oldest first, including ephemeral ones (see `ephemeralFor`) but not deleted ones. Copies. */
  messages(channelId: string): StoredMessage[] {
    return this.#store.channelMessages(channelId).map((m) => structuredClone(m));
  }

  /** The newest message in a channel. */
  lastMessage(channelId: string): StoredMessage | undefined {
    return this.messages(channelId).at(-1);
  }

  /**
   * Puts a message from the bot into a channel without the bot sending it: an old message from a
   * previous version or a lost database, whose buttons carry ids the bot may not know.
   */
  plantMessage(channelId: string, body: { content?: string; embeds?: ApiEmbed[]; components?: ApiComponent[] }): StoredMessage {
    return structuredClone(this.#store.createMessage({ channelId, body, type: 0 }));
  }

  /** A message by id (deleted messages too, with `deleted: true`). A copy. */
  message(id: string): StoredMessage | undefined {
    const m = this.#store.messages.get(id);
    return m ? structuredClone(m) : undefined;
  }

  // ---- commands --------------------------------------------------------------------------------

  /** Registered commands: global ones, or a guild's. */
  commands(guildId?: string): ApiApplicationCommand[] {
    return this.#commands.list(guildId);
  }

  // ---- interactions ----------------------------------------------------------------------------

  /** Sends a slash command (type 2) to the bot; resolves at its first callback. */
  async command(input: CommandInput): Promise<InteractionResult> {
    const place = this.#builder.place(input.user, input.guildId, input.channelId);
    if (this.#options.requireRegisteredCommands && !this.#commands.find(input.name, place.guildId ?? undefined)) {
      throw new Error(`FakeDiscord: command /${input.name} is not registered (global or in guild ${place.guildId ?? '-'})`);
    }
    const data = this.#builder.commandData(place, input);
    const label = `/${[input.name, input.subcommandGroup, input.subcommand].filter(Boolean).join(' ')}`;
    return this.#send(InteractionTypes.ApplicationCommand, place, data, label, input);
  }

  /** Sends an autocomplete interaction (type 4) with `focused` as the focused option. */
  async autocomplete(input: AutocompleteInput): Promise<InteractionResult> {
    const place = this.#builder.place(input.user, input.guildId, input.channelId);
    const data = this.#builder.commandData(place, input, input.focused);
    return this.#send(InteractionTypes.Autocomplete, place, data, `autocomplete /${input.name} ${input.focused.name}`, input);
  }

  /** Presses a button (or picks `values` in a select menu) on a stored message (type 3). */
  async press(input: PressInput): Promise<InteractionResult> {
    const messageId = typeof input.message === 'string' ? input.message : input.message.id;
    const stored = this.#store.messages.get(messageId);
    if (!stored || stored.deleted) throw new Error(`FakeDiscord: message ${messageId} does not exist (or was deleted)`);
    const component = findComponent(stored.components, input.customId);
    if (!component) {
      throw new Error(
        `FakeDiscord: message ${messageId} has no component with custom_id "${input.customId}" (has: ${customIdsOf(stored.components).join(', ') || 'none'})`,
      );
    }
    if (component.disabled) throw new Error(`FakeDiscord: component "${input.customId}" is disabled`);
    const userId = typeof input.user === 'string' ? input.user : input.user.id;
    if (stored.ephemeralFor && stored.ephemeralFor !== userId) {
      throw new Error(`FakeDiscord: message ${messageId} is ephemeral for ${stored.ephemeralFor}; ${userId} cannot see it`);
    }
    const channel = this.#store.requireChannel(stored.channel_id);
    const place = this.#builder.place(input.user, channel.guildId ?? undefined, channel.id);
    const data: JsonObject = { custom_id: input.customId, component_type: component.type };
    if (component.type !== 2) data.values = [...(input.values ?? [])];
    return this.#send(InteractionTypes.MessageComponent, place, data, `component "${input.customId}"`, {
      ...input,
      componentMessageId: stored.id,
      message: this.#store.apiMessage(stored),
    });
  }

  /**
   * Submits a modal the bot showed (callback type 9) as a modal submit (interaction type 5) with `values`
   * typed into its text inputs, by the member it was shown to unless `user` says otherwise (a crafted
   * submit). A modal opened from a message's button carries that message, so the bot can update it.
   */
  async submitModal(input: ModalSubmitInput): Promise<InteractionResult> {
    const shownId = typeof input.modal === 'string' ? input.modal : input.modal.interactionId;
    const shown = this.#byId.get(shownId);
    if (!shown) throw new Error(`FakeDiscord: unknown interaction ${shownId}`);
    if (shown.callbackType !== CallbackTypes.Modal || !shown.callbackData) {
      throw new Error(`FakeDiscord: ${shown.label} was answered with callback type ${shown.callbackType ?? 'none'}, not a modal (9)`);
    }
    const data = modalSubmitData(shown.callbackData, input.values);
    const place = this.#builder.place(input.user ?? shown.userId, shown.guildId ?? undefined, shown.channelId);
    const stored = shown.componentMessageId ? this.#store.messages.get(shown.componentMessageId) : undefined;
    const extra: { locale?: string; timeoutMs?: number; componentMessageId?: string; message?: unknown } = {
      ...(input.locale ? { locale: input.locale } : {}),
      ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
    };
    if (stored && !stored.deleted) {
      extra.componentMessageId = stored.id;
      extra.message = this.#store.apiMessage(stored);
    }
    return this.#send(InteractionTypes.ModalSubmit, place, data, `modal "${String(data.custom_id)}"`, extra);
  }

  /** The fake's view of an interaction. */
  interaction(interactionId: string): InteractionSnapshot | undefined {
    const rec = this.#byId.get(interactionId);
    return rec ? snapshotOf(rec) : undefined;
  }

  /** Current `@original` message of an interaction (by id or token). */
  originalMessage(interactionIdOrToken: string): StoredMessage | undefined {
    const rec = this.#byId.get(interactionIdOrToken) ?? this.#byToken.get(interactionIdOrToken);
    return rec?.responseMessageId ? this.message(rec.responseMessageId) : undefined;
  }

  /** Follow-up messages of an interaction, in order. */
  followUps(interactionId: string): StoredMessage[] {
    const rec = this.#byId.get(interactionId);
    return (rec?.followUpIds ?? []).map((id) => this.message(id)).filter((m): m is StoredMessage => m !== undefined);
  }

  /** Waits until the interaction is acknowledged and has had no request in flight for `quietMs` (default 100). */
  async settled(interactionId: string, opts: { quietMs?: number; timeoutMs?: number } = {}): Promise<InteractionSnapshot> {
    const quietMs = opts.quietMs ?? 100;
    const timeoutMs = opts.timeoutMs ?? 5_000;
    const start = performance.now();
    for (;;) {
      const rec = this.#byId.get(interactionId);
      if (!rec) throw new Error(`FakeDiscord: unknown interaction ${interactionId}`);
      const now = performance.now();
      if (rec.acknowledged && rec.inFlight === 0 && now - rec.lastActivityAt >= quietMs) return snapshotOf(rec);
      if (now - start > timeoutMs) throw new Error(`FakeDiscord: interaction ${rec.label} did not settle within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, Math.max(5, Math.min(20, quietMs / 4))));
    }
  }

  async #send(
    type: number,
    place: { userId: string; guildId: string | null; channelId: string },
    data: JsonObject,
    label: string,
    extra: { locale?: string; timeoutMs?: number; componentMessageId?: string; message?: unknown },
  ): Promise<InteractionResult> {
    if (this.#stopped) throw new Error('FakeDiscord: stopped');
    const id = this.#store.ids.next();
    const token = newInteractionToken(id);
    const payload = this.#builder.base(id, token, type, place, data, extra.locale);
    if (extra.message) payload.message = extra.message;
    const rec: InteractionRecord = {
      id,
      token,
      type,
      label,
      userId: place.userId,
      guildId: place.guildId,
      channelId: place.channelId,
      payload,
      acknowledged: false,
      expired: false,
      followUpIds: [],
      originalEdits: 0,
      sentAt: performance.now(),
      sentEpoch: Date.now(),
      inFlight: 0,
      lastActivityAt: performance.now(),
      deferredLoading: false,
    };
    if (extra.componentMessageId) rec.componentMessageId = extra.componentMessageId;
    this.#byId.set(id, rec);
    this.#byToken.set(token, rec);
    const timeoutMs = extra.timeoutMs ?? this.#options.interactionTimeoutMs;

    return new Promise<InteractionResult>((resolve, reject) => {
      let sent = false;
      let offReady: (() => void) | undefined;
      const trySend = (): boolean => {
        const delivery = this.#gateway.dispatchToActive('INTERACTION_CREATE', payload);
        if (!delivery) return false;
        const { sentAt } = delivery;
        sent = true;
        rec.connectionId = delivery.connectionId;
        rec.sentAt = sentAt;
        rec.sentEpoch = Date.now();
        rec.lastActivityAt = sentAt;
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(id);
        offReady?.();
        reject(new Error(this.#timeoutMessage(rec, timeoutMs, sent)));
      }, timeoutMs);
      this.#waiters.set(id, {
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          offReady?.();
        },
      });
      if (!trySend()) {
        offReady = this.on('ready', () => {
          if (!sent && trySend()) offReady?.();
        });
      }
    });
  }

  #timeoutMessage(rec: InteractionRecord, timeoutMs: number, sent: boolean): string {
    if (!sent) return `FakeDiscord: no bot connected to receive ${rec.label} within ${timeoutMs} ms`;
    const related = this.#requests.filter(
      (r) => r.path.includes(`/interactions/${rec.id}/`) || r.path.includes(`/${rec.token}`),
    );
    const lines = related.map(
      (r) =>
        `${r.method} ${r.path.replace(rec.token, '<token>')} -> ${r.status ?? 'pending'}${r.status && r.status >= 400 ? ` ${JSON.stringify(r.responseBody)}` : ''}`,
    );
    const connection = this.#gateway.connections().find((c) => c.id === rec.connectionId);
    const closed = connection?.closed ? `; the gateway connection it was sent on (#${connection.id}) closed with ${connection.closeCode}` : '';
    return (
      `FakeDiscord: the bot did not acknowledge ${rec.label} (interaction ${rec.id}) within ${timeoutMs} ms` +
      (lines.length > 0 ? `; requests for it: ${lines.join('; ')}` : '; it made no request for it') +
      closed
    );
  }

  #resultFor(rec: InteractionRecord): InteractionResult {
    const result: InteractionResult = {
      interactionId: rec.id,
      token: rec.token,
      callbackType: rec.callbackType ?? 0,
      data: rec.callbackData ? structuredClone(rec.callbackData) : undefined,
      latencyMs: rec.latencyMs ?? Number.NaN,
      interaction: () => snapshotOf(rec),
      current: () => (rec.responseMessageId ? this.message(rec.responseMessageId) : undefined),
      followUps: () => this.followUps(rec.id),
      settled: (opts) => this.settled(rec.id, opts),
      waitForEdit: (timeoutMs = 5_000, count = 1) =>
        this.#waitUntil(
          () => (rec.originalEdits >= count && rec.responseMessageId ? this.message(rec.responseMessageId) : undefined),
          timeoutMs,
          () => `edit #${count} of ${rec.label}'s response`,
        ),
      waitForFollowUp: (timeoutMs = 5_000, count = 1) =>
        this.#waitUntil(
          () => {
            const id = rec.followUpIds[count - 1];
            return id ? this.message(id) : undefined;
          },
          timeoutMs,
          () => `follow-up #${count} of ${rec.label}`,
        ),
    };
    if (rec.responseMessageId) result.message = this.message(rec.responseMessageId);
    return result;
  }

  // ---- REST ------------------------------------------------------------------------------------

  /** Every REST request received so far (live array, oldest first). */
  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** Requests with `method` (any if undefined or '*') whose decoded path matches (RegExp) or equals (string). */
  requestsMatching(method: string | undefined, path: RegExp | string): RecordedRequest[] {
    const m = method && method !== '*' ? method.toUpperCase() : undefined;
    return this.#requests.filter((r) => (!m || r.method === m) && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  /** Resolves with the first answered request matching `predicate` (already recorded ones count unless includeExisting is false). */
  waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs = 5_000,
    opts: { includeExisting?: boolean } = {},
  ): Promise<RecordedRequest> {
    const from = opts.includeExisting === false ? this.#requests.length : 0;
    return this.#waitUntil(
      () => {
        for (let i = from; i < this.#requests.length; i += 1) {
          const r = this.#requests[i] as RecordedRequest;
          if (r.status !== undefined && predicate(r)) return r;
        }
        return undefined;
      },
      timeoutMs,
      () => 'a matching REST request',
    );
  }

  /** Forgets recorded requests. */
  clearRequests(): void {
    this.#requests.length = 0;
  }

  /**
   * Makes matching requests fail (or be delayed/dropped). See {@link Faults} for Discord-shaped faults.
   * @example fake.inject({ method: 'POST', path: /\/channels\/\d+\/messages$/ }, Faults.discordError(50013));
   */
  inject(match: FaultMatch, response: FaultResponse): InjectedFault {
    return this.#faults.add(match, response);
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.#faults.clear();
  }

  // ---- wiring ----------------------------------------------------------------------------------

  #gatewayHost(): GatewayHost {
    const store = (): FakeStore => this.#store;
    return {
      token: () => this.token,
      heartbeatIntervalMs: () => this.#options.heartbeatIntervalMs,
      grantedPrivilegedIntents: () => this.#options.privilegedIntents,
      ackHeartbeats: () => this.#ackHeartbeats,
      gatewayUrl: () => this.gatewayUrl,
      readyUser: () => ({ ...store().userJson(store().botUserId), verified: true, mfa_enabled: false, email: null }),
      applicationId: () => this.applicationId,
      guildIds: () => [...store().guilds.values()].filter((g) => g.members.has(store().botUserId)).map((g) => g.id),
      guildCreate: (guildId, intents) => store().guildCreateJson(guildId, (intents & GatewayIntents.GuildMembers) !== 0),
      memberChunk: (guildId, request) => {
        const guild = store().guilds.get(guildId);
        if (!guild) return undefined;
        let ids = [...guild.members.keys()];
        const notFound: string[] = [];
        if (Array.isArray(request.user_ids) || typeof request.user_ids === 'string') {
          const wanted = ([] as unknown[]).concat(request.user_ids).map(String);
          notFound.push(...wanted.filter((id) => !guild.members.has(id)));
          ids = wanted.filter((id) => guild.members.has(id));
        } else if (typeof request.query === 'string' && request.query !== '') {
          const q = request.query.toLowerCase();
          ids = ids.filter((id) => store().requireUser(id).username.toLowerCase().startsWith(q));
        }
        const limit = typeof request.limit === 'number' && request.limit > 0 ? request.limit : ids.length;
        const chunk: JsonObject = {
          guild_id: guildId,
          members: ids.slice(0, limit).map((id) => store().memberJson(guildId, id)),
          chunk_index: 0,
          chunk_count: 1,
        };
        if (notFound.length > 0) chunk.not_found = notFound;
        if (request.nonce !== undefined) chunk.nonce = request.nonce;
        return chunk;
      },
      onReady: (info) => this.#emit('ready', info),
      onClose: (info) => this.#emit('close', info),
    };
  }

  #restContext(): RestContext {
    return {
      store: this.#store,
      commands: this.#commands,
      builder: this.#builder,
      faults: this.#faults,
      interactionsById: this.#byId,
      interactionsByToken: this.#byToken,
      options: {
        token: this.token,
        requireRestAuth: this.#options.requireRestAuth,
        enforcePermissions: this.#options.enforcePermissions,
        validateBodies: this.#options.validateBodies,
        callbackDeadlineMs: this.#options.callbackDeadlineMs,
      },
      gatewayUrl: () => this.gatewayUrl,
      recordStart: (request) => {
        this.#requests.push(request);
        const max = this.#options.maxRecordedRequests;
        if (this.#requests.length > max + Math.max(1, Math.floor(max / 10))) this.#requests.splice(0, this.#requests.length - max);
      },
      recordEnd: (request) => this.#emit('request', request),
      acknowledged: (rec) => {
        const waiter = this.#waiters.get(rec.id);
        if (waiter) {
          this.#waiters.delete(rec.id);
          waiter.cleanup();
          waiter.resolve(this.#resultFor(rec));
        }
        this.#emit('callback', snapshotOf(rec));
      },
      expired: (rec) => {
        const waiter = this.#waiters.get(rec.id);
        if (!waiter) return;
        this.#waiters.delete(rec.id);
        waiter.cleanup();
        waiter.reject(
          new Error(
            `FakeDiscord: the bot's first callback for ${rec.label} arrived after ${(rec.latencyMs ?? 0).toFixed(1)} ms, past the ${this.#options.callbackDeadlineMs} ms deadline; Discord answers 10062 Unknown interaction (defer earlier)`,
          ),
        );
      },
      messageEvent: (event) => this.#onMessageEvent(event),
    };
  }

  #onMessageEvent(event: MessageEvent): void {
    const message = event.message;
    this.#emit('message', { ...event, message: structuredClone(message) });
    if (message.ephemeralFor) return;
    const intent = message.guild_id ? GatewayIntents.GuildMessages : GatewayIntents.DirectMessages;
    if (event.kind === 'delete') {
      const d: JsonObject = { id: message.id, channel_id: message.channel_id };
      if (message.guild_id) d.guild_id = message.guild_id;
      this.#gateway.broadcast('MESSAGE_DELETE', intent, () => d);
      return;
    }
    // Loading placeholders of deferred replies are not announced until filled.
    if (event.kind === 'create' && (message.flags & 128) !== 0) return;
    const t = event.kind === 'create' ? 'MESSAGE_CREATE' : 'MESSAGE_UPDATE';
    this.#gateway.broadcast(t, intent, () => {
      const d: JsonObject = { ...this.#store.apiMessage(message) };
      if (message.guild_id) d.member = this.#store.memberJson(message.guild_id, this.#store.botUserId, { withUser: false });
      return d;
    });
  }
}
