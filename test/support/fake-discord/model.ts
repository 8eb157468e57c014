import type { PermissionInput, PermissionOverwrite, PermissionSubject } from './permissions.js';
import {
  DEFAULT_EVERYONE_PERMISSIONS,
  computeBasePermissions,
  computeChannelPermissions,
  resolvePermissions,
} from './permissions.js';
import { SnowflakeGenerator } from './snowflake.js';
import type {
  ApiAllowedMentions,
  ApiAttachment,
  ApiComponent,
  ApiEmbed,
  ApiInteractionMetadata,
  ApiMessage,
  ApiUser,
  JsonObject,
  StoredMessage,
} from './types.js';

export const ChannelTypes = { GuildText: 0, DM: 1, GuildVoice: 2, GuildCategory: 4, GuildAnnouncement: 5 } as const;
export const MessageFlagBits = { SuppressEmbeds: 4, Ephemeral: 64, Loading: 128, SuppressNotifications: 4096, IsComponentsV2: 32768 } as const;

/** A user known to the fake. */
export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

/** A guild known to the fake. */
export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  /** The @everyone role (same id as the guild). */
  everyoneRoleId: string;
  /** The managed role that carries the bot's permissions in this guild. */
  botRoleId: string;
  locale: string;
}

/** A role known to the fake. */
export interface FakeRole {
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
}

/** A channel known to the fake (guild channels have a guildId; DM channels have a recipientId). */
export interface FakeChannel {
  id: string;
  guildId: string | null;
  name: string;
  type: number;
  recipientId?: string;
}

/** A guild member known to the fake; `id` is the user id, so a member can be passed wherever a user is expected. */
export interface FakeMember {
  id: string;
  guildId: string;
  username: string;
  roles: string[];
}

/** Input for a permission overwrite; `type` defaults to 'role' if `id` is a role of the guild, else 'member'. */
export interface OverwriteInput {
  id: string;
  type?: 'role' | 'member' | 0 | 1;
  allow?: PermissionInput;
  deny?: PermissionInput;
}

export interface UserInput {
  id?: string;
  username: string;
  globalName?: string | null;
  bot?: boolean;
  /** When true, the bot's DMs to this user fail with 50007 "Cannot send messages to this user". */
  dmsDisabled?: boolean;
  locale?: string;
}

export interface GuildInput {
  id?: string;
  name: string;
  /** Owner user id; by default a member named "owner" is created and made the owner. */
  ownerId?: string;
  /** preferred_locale, default 'en-US'. */
  locale?: string;
  /** Permissions of @everyone (default: Discord's usual member defaults). */
  everyonePermissions?: PermissionInput;
  /** The bot's permissions in this guild (via its managed role). */
  botPermissions?: PermissionInput;
}

export interface ChannelInput {
  id?: string;
  name: string;
  /** Channel type, default 0 (GUILD_TEXT). */
  type?: number;
  topic?: string | null;
  position?: number;
  parentId?: string | null;
  permissionOverwrites?: readonly OverwriteInput[];
}

export interface MemberInput extends UserInput {
  /** Permissions for this member, realised through a role created for it. */
  permissions?: PermissionInput;
  /** Ids of existing roles of the guild. */
  roles?: readonly string[];
  nick?: string | null;
}

export interface RoleInput {
  id?: string;
  name: string;
  permissions?: PermissionInput;
  position?: number;
  color?: number;
}

interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
  dmsDisabled: boolean;
  locale: string;
}

interface RoleRecord {
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  managed: boolean;
  botId?: string;
}

interface MemberRecord {
  userId: string;
  roles: string[];
  joinedAt: string;
  nick: string | null;
}

interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  locale: string;
  botRoleId: string;
  roles: Map<string, RoleRecord>;
  channelIds: string[];
  members: Map<string, MemberRecord>;
}

interface ChannelRecord {
  id: string;
  type: number;
  name: string;
  guildId: string | null;
  position: number;
  topic: string | null;
  parentId: string | null;
  overwrites: PermissionOverwrite[];
  recipientId?: string;
  lastMessageId: string | null;
  messageIds: string[];
  deleted: boolean;
}

/** Body fields of a message create/edit accepted by the store. */
export interface MessageBody {
  content?: string | null;
  embeds?: ApiEmbed[] | null;
  components?: ApiComponent[] | null;
  flags?: number | null;
  allowed_mentions?: ApiAllowedMentions | null;
  tts?: boolean;
  message_reference?: ApiMessage['message_reference'];
  attachments?: JsonObject[] | null;
}

export interface MessageDraft {
  channelId: string;
  body: MessageBody;
  type: number;
  ephemeralFor?: string;
  interactionId?: string;
  interactionMetadata?: ApiInteractionMetadata;
  webhookId?: string;
  /** Extra flags to set (e.g. LOADING for a deferred response). */
  extraFlags?: number;
  files?: readonly UploadedFile[];
}

/** A file uploaded with a multipart request. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType?: string;
  data: Buffer;
}

const isoNow = (): string => new Date().toISOString();

/** The fake's world: users, guilds, roles, channels, members and messages, plus their Discord JSON forms. */
export class FakeStore {
  readonly ids = new SnowflakeGenerator();
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages = new Map<string, StoredMessage>();
  readonly botUserId: string;
  readonly applicationId: string;
  readonly defaultBotPermissions: bigint;
  readonly attachmentBaseUrl: () => string;
  /** Every attachment's bytes by id: served at its URL, and resolved in commands' attachment options. */
  readonly attachmentFiles = new Map<string, { data: Buffer; contentType?: string; attachment: ApiAttachment }>();

  constructor(opts: {
    botUserId?: string;
    botUsername: string;
    applicationId?: string;
    botPermissions: bigint;
    attachmentBaseUrl: () => string;
  }) {
    this.botUserId = opts.botUserId ?? this.ids.next();
    this.applicationId = opts.applicationId ?? this.botUserId;
    this.defaultBotPermissions = opts.botPermissions;
    this.attachmentBaseUrl = opts.attachmentBaseUrl;
    this.users.set(this.botUserId, {
      id: this.botUserId,
      username: opts.botUsername,
      globalName: null,
      bot: true,
      dmsDisabled: false,
      locale: 'en-US',
    });
  }

  // ---- lookups ---------------------------------------------------------------------------------

  requireGuild(id: string): GuildRecord {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${id}`);
    return guild;
  }

  requireChannel(id: string): ChannelRecord {
    const channel = this.channels.get(id);
    if (!channel || channel.deleted) throw new Error(`FakeDiscord: unknown channel ${id}`);
    return channel;
  }

  requireUser(id: string): UserRecord {
    const user = this.users.get(id);
    if (!user) throw new Error(`FakeDiscord: unknown user ${id}`);
    return user;
  }

  liveChannel(id: string): ChannelRecord | undefined {
    const channel = this.channels.get(id);
    return channel && !channel.deleted ? channel : undefined;
  }

  // ---- mutations -------------------------------------------------------------------------------

  addUser(input: UserInput): UserRecord {
    const id = input.id ?? this.ids.next();
    const existing = this.users.get(id);
    if (existing) {
      if (input.dmsDisabled !== undefined) existing.dmsDisabled = input.dmsDisabled;
      return existing;
    }
    const user: UserRecord = {
      id,
      username: input.username,
      globalName: input.globalName ?? null,
      bot: input.bot ?? false,
      dmsDisabled: input.dmsDisabled ?? false,
      locale: input.locale ?? 'en-US',
    };
    this.users.set(id, user);
    return user;
  }

  addGuild(input: GuildInput): GuildRecord {
    const id = input.id ?? this.ids.next();
    if (this.guilds.has(id)) throw new Error(`FakeDiscord: guild ${id} already exists`);
    const botRoleId = this.ids.next();
    const guild: GuildRecord = {
      id,
      name: input.name,
      ownerId: input.ownerId ?? '',
      locale: input.locale ?? 'en-US',
      botRoleId,
      roles: new Map(),
      channelIds: [],
      members: new Map(),
    };
    guild.roles.set(id, {
      id,
      guildId: id,
      name: '@everyone',
      permissions: resolvePermissions(input.everyonePermissions, DEFAULT_EVERYONE_PERMISSIONS),
      position: 0,
      color: 0,
      managed: false,
    });
    const botUser = this.requireUser(this.botUserId);
    guild.roles.set(botRoleId, {
      id: botRoleId,
      guildId: id,
      name: botUser.username,
      permissions: resolvePermissions(input.botPermissions, this.defaultBotPermissions),
      position: 1,
      color: 0,
      managed: true,
      botId: this.botUserId,
    });
    this.guilds.set(id, guild);
    guild.members.set(this.botUserId, { userId: this.botUserId, roles: [botRoleId], joinedAt: isoNow(), nick: null });
    if (input.ownerId) {
      if (!this.users.has(input.ownerId)) this.addUser({ id: input.ownerId, username: `owner-${input.ownerId}` });
      if (!guild.members.has(input.ownerId)) {
        guild.members.set(input.ownerId, { userId: input.ownerId, roles: [], joinedAt: isoNow(), nick: null });
      }
    } else {
      const owner = this.addUser({ username: 'owner' });
      guild.ownerId = owner.id;
      guild.members.set(owner.id, { userId: owner.id, roles: [], joinedAt: isoNow(), nick: null });
    }
    return guild;
  }

  addRole(guildId: string, input: RoleInput): RoleRecord {
    const guild = this.requireGuild(guildId);
    const id = input.id ?? this.ids.next();
    if (guild.roles.has(id)) throw new Error(`FakeDiscord: role ${id} already exists`);
    const role: RoleRecord = {
      id,
      guildId,
      name: input.name,
      permissions: resolvePermissions(input.permissions, 0n),
      position: input.position ?? guild.roles.size,
      color: input.color ?? 0,
      managed: false,
    };
    guild.roles.set(id, role);
    return role;
  }

  addChannel(guildId: string, input: ChannelInput): ChannelRecord {
    const guild = this.requireGuild(guildId);
    const id = input.id ?? this.ids.next();
    if (this.channels.has(id)) throw new Error(`FakeDiscord: channel ${id} already exists`);
    const channel: ChannelRecord = {
      id,
      type: input.type ?? ChannelTypes.GuildText,
      name: input.name,
      guildId,
      position: input.position ?? guild.channelIds.length,
      topic: input.topic ?? null,
      parentId: input.parentId ?? null,
      overwrites: (input.permissionOverwrites ?? []).map((o) => this.resolveOverwrite(guild, o)),
      lastMessageId: null,
      messageIds: [],
      deleted: false,
    };
    this.channels.set(id, channel);
    guild.channelIds.push(id);
    return channel;
  }

  resolveOverwrite(guild: GuildRecord, input: OverwriteInput): PermissionOverwrite {
    let type: 0 | 1;
    if (input.type === 'role' || input.type === 0) type = 0;
    else if (input.type === 'member' || input.type === 1) type = 1;
    else type = guild.roles.has(input.id) ? 0 : 1;
    return { id: input.id, type, allow: resolvePermissions(input.allow, 0n), deny: resolvePermissions(input.deny, 0n) };
  }

  setOverwrites(channelId: string, overwrites: readonly OverwriteInput[]): void {
    const channel = this.requireChannel(channelId);
    if (!channel.guildId) throw new Error('FakeDiscord: DM channels have no permission overwrites');
    const guild = this.requireGuild(channel.guildId);
    channel.overwrites = overwrites.map((o) => this.resolveOverwrite(guild, o));
  }

  removeChannel(channelId: string): ChannelRecord {
    const channel = this.requireChannel(channelId);
    channel.deleted = true;
    if (channel.guildId) {
      const guild = this.guilds.get(channel.guildId);
      if (guild) guild.channelIds = guild.channelIds.filter((id) => id !== channelId);
    }
    return channel;
  }

  addMember(guildId: string, input: MemberInput): MemberRecord {
    const guild = this.requireGuild(guildId);
    const user = this.addUser(input);
    if (guild.members.has(user.id)) throw new Error(`FakeDiscord: ${user.id} is already a member of ${guildId}`);
    const roles = [...(input.roles ?? [])];
    for (const roleId of roles) {
      if (!guild.roles.has(roleId)) throw new Error(`FakeDiscord: unknown role ${roleId} in guild ${guildId}`);
    }
    if (input.permissions !== undefined) {
      roles.push(this.addRole(guildId, { name: `${user.username}-permissions`, permissions: input.permissions }).id);
    }
    const member: MemberRecord = { userId: user.id, roles, joinedAt: isoNow(), nick: input.nick ?? null };
    guild.members.set(user.id, member);
    return member;
  }

  dmChannelFor(userId: string): ChannelRecord {
    for (const channel of this.channels.values()) {
      if (channel.type === ChannelTypes.DM && channel.recipientId === userId && !channel.deleted) return channel;
    }
    const id = this.ids.next();
    const channel: ChannelRecord = {
      id,
      type: ChannelTypes.DM,
      name: '',
      guildId: null,
      position: 0,
      topic: null,
      parentId: null,
      overwrites: [],
      recipientId: userId,
      lastMessageId: null,
      messageIds: [],
      deleted: false,
    };
    this.channels.set(id, channel);
    return channel;
  }

  // ---- permissions -----------------------------------------------------------------------------

  subject(guildId: string, userId: string): PermissionSubject {
    const guild = this.requireGuild(guildId);
    const member = guild.members.get(userId);
    const rolePermissions = new Map<string, bigint>();
    for (const role of guild.roles.values()) rolePermissions.set(role.id, role.permissions);
    return { guildId, ownerId: guild.ownerId, memberId: userId, memberRoleIds: member?.roles ?? [], rolePermissions };
  }

  /** Guild-level permissions of a user, or channel-level if channelId is given. */
  permissionsOf(guildId: string, userId: string, channelId?: string): bigint {
    const subject = this.subject(guildId, userId);
    if (!channelId) return computeBasePermissions(subject);
    const channel = this.requireChannel(channelId);
    return computeChannelPermissions(subject, channel.overwrites);
  }

  // ---- public snapshots ------------------------------------------------------------------------

  publicUser(id: string): FakeUser {
    const u = this.requireUser(id);
    return { id: u.id, username: u.username, globalName: u.globalName, bot: u.bot };
  }

  publicGuild(id: string): FakeGuild {
    const g = this.requireGuild(id);
    return { id: g.id, name: g.name, ownerId: g.ownerId, everyoneRoleId: g.id, botRoleId: g.botRoleId, locale: g.locale };
  }

  publicChannel(id: string): FakeChannel {
    const c = this.requireChannel(id);
    const out: FakeChannel = { id: c.id, guildId: c.guildId, name: c.name, type: c.type };
    if (c.recipientId) out.recipientId = c.recipientId;
    return out;
  }

  publicMember(guildId: string, userId: string): FakeMember {
    const member = this.requireGuild(guildId).members.get(userId);
    if (!member) throw new Error(`FakeDiscord: ${userId} is not a member of ${guildId}`);
    return { id: userId, guildId, username: this.requireUser(userId).username, roles: [...member.roles] };
  }

  publicRole(guildId: string, roleId: string): FakeRole {
    const role = this.requireGuild(guildId).roles.get(roleId);
    if (!role) throw new Error(`FakeDiscord: unknown role ${roleId}`);
    return { id: role.id, guildId, name: role.name, permissions: role.permissions };
  }

  // ---- Discord JSON ----------------------------------------------------------------------------

  userJson(id: string): ApiUser {
    const u = this.requireUser(id);
    const json: ApiUser = {
      id: u.id,
      username: u.username,
      global_name: u.globalName,
      discriminator: '0',
      avatar: null,
      public_flags: 0,
      flags: 0,
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
    };
    if (u.bot) json.bot = true;
    return json;
  }

  roleJson(role: RoleRecord): JsonObject {
    const json: JsonObject = {
      id: role.id,
      name: role.name,
      color: role.color,
      colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: role.position,
      permissions: role.permissions.toString(),
      managed: role.managed,
      mentionable: false,
      flags: 0,
    };
    if (role.botId) json.tags = { bot_id: role.botId };
    return json;
  }

  /** A guild member object; `withUser` adds the user, `permissions` adds the interaction-only field. */
  memberJson(guildId: string, userId: string, extra: { withUser?: boolean; permissions?: bigint } = {}): JsonObject {
    const member = this.requireGuild(guildId).members.get(userId);
    const json: JsonObject = {
      roles: [...(member?.roles ?? [])],
      nick: member?.nick ?? null,
      avatar: null,
      banner: null,
      joined_at: member?.joinedAt ?? isoNow(),
      premium_since: null,
      deaf: false,
      mute: false,
      pending: false,
      flags: 0,
      communication_disabled_until: null,
      unusual_dm_activity_until: null,
    };
    if (extra.withUser !== false) json.user = this.userJson(userId);
    if (extra.permissions !== undefined) json.permissions = extra.permissions.toString();
    return json;
  }

  channelJson(id: string): JsonObject {
    const c = this.channels.get(id);
    if (!c) throw new Error(`FakeDiscord: unknown channel ${id}`);
    if (c.type === ChannelTypes.DM) {
      return {
        id: c.id,
        type: c.type,
        last_message_id: c.lastMessageId,
        flags: 0,
        recipients: c.recipientId ? [this.userJson(c.recipientId)] : [],
      };
    }
    return {
      id: c.id,
      type: c.type,
      guild_id: c.guildId,
      name: c.name,
      position: c.position,
      permission_overwrites: c.overwrites.map((o) => ({
        id: o.id,
        type: o.type,
        allow: o.allow.toString(),
        deny: o.deny.toString(),
      })),
      parent_id: c.parentId,
      topic: c.topic,
      nsfw: false,
      last_message_id: c.lastMessageId,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  /** The guild object returned by GET /guilds/:id (no channels/members). */
  guildJson(id: string): JsonObject {
    const g = this.requireGuild(id);
    return {
      id: g.id,
      name: g.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      owner_id: g.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: [...g.roles.values()].map((r) => this.roleJson(r)),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_presences: null,
      max_members: 500_000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: g.locale,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      incidents_data: null,
    };
  }

  /** The GUILD_CREATE payload; without the GUILD_MEMBERS intent only the bot's own member is included (as on Discord). */
  guildCreateJson(id: string, allMembers: boolean): JsonObject {
    const g = this.requireGuild(id);
    const botMember = g.members.get(this.botUserId);
    const memberIds = allMembers ? [...g.members.keys()] : [this.botUserId];
    return {
      ...this.guildJson(id),
      joined_at: botMember?.joinedAt ?? isoNow(),
      large: false,
      unavailable: false,
      member_count: g.members.size,
      members: memberIds.map((uid) => this.memberJson(id, uid)),
      channels: g.channelIds.map((cid) => this.channelJson(cid)),
      threads: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ---- messages --------------------------------------------------------------------------------

  /** Strips fake-only bookkeeping, giving the message as Discord would serialise it. */
  apiMessage(message: StoredMessage): ApiMessage {
    const { ephemeralFor: _e, interactionId: _i, deleted: _d, editCount: _c, ...api } = message;
    return structuredClone(api);
  }

  createMessage(draft: MessageDraft): StoredMessage {
    const channel = this.channels.get(draft.channelId);
    if (!channel) throw new Error(`FakeDiscord: unknown channel ${draft.channelId}`);
    const body = draft.body;
    const id = this.ids.next();
    const message: StoredMessage = {
      id,
      channel_id: channel.id,
      type: draft.type,
      content: body.content ?? '',
      embeds: structuredClone(body.embeds ?? []),
      components: structuredClone(body.components ?? []),
      flags: (body.flags ?? 0) | (draft.extraFlags ?? 0),
      author: this.userJson(this.botUserId),
      timestamp: isoNow(),
      edited_timestamp: null,
      tts: body.tts ?? false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: this.attachmentsFor(body.attachments ?? undefined, draft.files ?? []),
      pinned: false,
      editCount: 0,
    };
    if (channel.guildId) message.guild_id = channel.guildId;
    if (body.allowed_mentions) message.allowed_mentions = structuredClone(body.allowed_mentions);
    if (body.message_reference) message.message_reference = structuredClone(body.message_reference);
    if (draft.webhookId) {
      message.webhook_id = draft.webhookId;
      message.application_id = this.applicationId;
    }
    if (draft.interactionMetadata) message.interaction_metadata = draft.interactionMetadata;
    if (draft.ephemeralFor) message.ephemeralFor = draft.ephemeralFor;
    if (draft.interactionId) message.interactionId = draft.interactionId;
    this.computeMentions(message);
    this.messages.set(id, message);
    channel.messageIds.push(id);
    if (!draft.ephemeralFor) channel.lastMessageId = id;
    return message;
  }

  /** Applies an edit: only fields present in `body` change (as on Discord). */
  editMessage(message: StoredMessage, body: MessageBody, opts: { clearLoading?: boolean; files?: readonly UploadedFile[] } = {}): void {
    const wasLoading = (message.flags & MessageFlagBits.Loading) !== 0;
    if ('content' in body) message.content = body.content ?? '';
    if ('embeds' in body) message.embeds = structuredClone(body.embeds ?? []);
    if ('components' in body) message.components = structuredClone(body.components ?? []);
    if ('allowed_mentions' in body) {
      if (body.allowed_mentions) message.allowed_mentions = structuredClone(body.allowed_mentions);
      else delete message.allowed_mentions;
    }
    if ('attachments' in body || (opts.files?.length ?? 0) > 0) {
      message.attachments = this.attachmentsFor(body.attachments ?? undefined, opts.files ?? [], message.attachments);
    }
    if (body.flags !== undefined && body.flags !== null) {
      // Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can be changed by an edit.
      const editable = MessageFlagBits.SuppressEmbeds | MessageFlagBits.IsComponentsV2;
      message.flags = (message.flags & ~editable) | (body.flags & editable);
    }
    if (opts.clearLoading) message.flags &= ~MessageFlagBits.Loading;
    if (!wasLoading) {
      message.edited_timestamp = isoNow();
      message.editCount += 1;
    }
    this.computeMentions(message);
  }

  private attachmentsFor(
    declared: JsonObject[] | undefined,
    files: readonly UploadedFile[],
    existing: ApiAttachment[] = [],
  ): ApiAttachment[] {
    const out: ApiAttachment[] = [];
    const base = this.attachmentBaseUrl();
    for (const entry of declared ?? []) {
      const keep = existing.find((a) => a.id === String(entry.id));
      if (keep) {
        out.push(keep);
        continue;
      }
      const index = Number(entry.id);
      const file = files.find((f) => f.field === `files[${index}]`) ?? files[index];
      if (!file) continue;
      out.push(this.attachmentFrom(file, base, typeof entry.description === 'string' ? entry.description : undefined));
    }
    for (const file of files) {
      if (!out.some((a) => a.filename === file.filename)) out.push(this.attachmentFrom(file, base));
    }
    return out;
  }

  /** Stores a file as an attachment Discord's CDN serves (a member's upload, or a message's file). */
  addAttachment(file: Omit<UploadedFile, 'field'>): ApiAttachment {
    return this.attachmentFrom({ field: 'files[0]', ...file }, this.attachmentBaseUrl());
  }

  private attachmentFrom(file: UploadedFile, base: string, description?: string): ApiAttachment {
    const id = this.ids.next();
    this.attachmentFiles.set(id, { data: file.data, ...(file.contentType ? { contentType: file.contentType } : {}), attachment: { id } as ApiAttachment });
    const url = `${base}/attachments/${id}/${encodeURIComponent(file.filename)}`;
    const attachment: ApiAttachment = { id, filename: file.filename, size: file.data.length, url, proxy_url: url };
    if (file.contentType) attachment.content_type = file.contentType;
    if (description) attachment.description = description;
    this.attachmentFiles.get(id)!.attachment = attachment;
    return attachment;
  }

  private computeMentions(message: StoredMessage): void {
    const allowed = message.allowed_mentions;
    const userIds = [...message.content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] as string);
    const roleIds = [...message.content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] as string);
    const parse = allowed?.parse;
    const userAllowed = (id: string): boolean =>
      !allowed || (parse?.includes('users') ?? false) || (allowed.users?.includes(id) ?? false);
    const roleAllowed = (id: string): boolean =>
      !allowed || (parse?.includes('roles') ?? false) || (allowed.roles?.includes(id) ?? false);
    message.mentions = [...new Set(userIds)].filter((id) => userAllowed(id) && this.users.has(id)).map((id) => this.userJson(id));
    message.mention_roles = [...new Set(roleIds)].filter(roleAllowed);
    message.mention_everyone =
      /@(everyone|here)/.test(message.content) && (!allowed || (parse?.includes('everyone') ?? false));
  }

  /** Messages of a channel in creation order (deleted ones excluded). */
  channelMessages(channelId: string): StoredMessage[] {
    const channel = this.channels.get(channelId);
    if (!channel) return [];
    const out: StoredMessage[] = [];
    for (const id of channel.messageIds) {
      const m = this.messages.get(id);
      if (m && !m.deleted) out.push(m);
    }
    return out;
  }
}
