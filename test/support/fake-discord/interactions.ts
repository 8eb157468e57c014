import { randomBytes } from 'node:crypto';
import type { CommandStore } from './commands.js';
import type { FakeStore } from './model.js';
import { DM_PERMISSIONS } from './permissions.js';
import type {
  ApiCommandOptionDefinition,
  ApiComponent,
  ApiInteractionMetadata,
  ApiInteractionOption,
  ApiMessage,
  InteractionCallbackData,
  JsonObject,
} from './types.js';

export const InteractionTypes = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;

/** Interaction callback types (POST /interactions/:id/:token/callback `type`). */
export const CallbackTypes = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  ApplicationCommandAutocompleteResult: 8,
  Modal: 9,
  LaunchActivity: 12,
} as const;

/** Which callback types Discord accepts for each interaction type. */
export const ALLOWED_CALLBACKS: Record<number, readonly number[]> = {
  [InteractionTypes.ApplicationCommand]: [4, 5, 9, 12],
  [InteractionTypes.MessageComponent]: [4, 5, 6, 7, 9, 12],
  [InteractionTypes.Autocomplete]: [8],
  [InteractionTypes.ModalSubmit]: [4, 5, 6, 7],
};

/** Anything with a user id: an id string, a FakeUser or a FakeMember. */
export type UserRef = string | { id: string };

/** A slash-command option value; a bare value gets its type from the registered command, else from its JS type. */
export type OptionValue = string | number | boolean | { type: number; value: string | number | boolean };

export interface CommandInput {
  user: UserRef;
  /** Omit for a DM (the interaction then comes from the bot's DM channel with the user). */
  guildId?: string;
  /** Required in a guild; in a DM it defaults to (and must be) the DM channel. */
  channelId?: string;
  name: string;
  /** Discord-shaped options (`{name, type, value}`) or a `{ name: value }` record. */
  options?: readonly ApiInteractionOption[] | Record<string, OptionValue>;
  subcommand?: string;
  subcommandGroup?: string;
  /** User locale, default the user's (en-US). */
  locale?: string;
  /** Reject if the bot has not called back within this many ms (default: the fake's interactionTimeoutMs). */
  timeoutMs?: number;
}

export interface AutocompleteInput extends Omit<CommandInput, 'options'> {
  focused: { name: string; value: string | number; type?: number };
  options?: CommandInput['options'];
}

export interface PressInput {
  user: UserRef;
  /** The message the component is on (a stored message, or its id). */
  message: ApiMessage | string;
  customId: string;
  /** For select menus: the selected values. */
  values?: readonly string[];
  locale?: string;
  timeoutMs?: number;
}

/** The fake's view of one interaction. */
export interface InteractionSnapshot {
  id: string;
  token: string;
  type: number;
  /** `/name [group] [subcommand]`, or the component's custom id. */
  label: string;
  userId: string;
  guildId: string | null;
  channelId: string;
  /** The INTERACTION_CREATE `d` sent to the bot. */
  payload: JsonObject;
  /** For component interactions: the message the component is on. */
  componentMessageId?: string;
  acknowledged: boolean;
  /** True if the first callback arrived after the callback deadline (Discord answered 10062). */
  expired: boolean;
  callbackType?: number;
  callbackData?: InteractionCallbackData;
  /** ms from sending INTERACTION_CREATE to the callback request arriving. */
  latencyMs?: number;
  /** The message `@original` refers to. */
  responseMessageId?: string;
  followUpIds: string[];
  /** Number of edits of `@original` (PATCH, or a follow-up that filled a deferred response). */
  originalEdits: number;
}

/** Internal mutable record. */
export interface InteractionRecord extends InteractionSnapshot {
  /** Gateway connection the INTERACTION_CREATE went out on. */
  connectionId?: number;
  sentAt: number;
  sentEpoch: number;
  inFlight: number;
  lastActivityAt: number;
  deferredLoading: boolean;
}

export function snapshotOf(rec: InteractionRecord): InteractionSnapshot {
  const { connectionId: _c, sentAt: _s, sentEpoch: _e, inFlight: _i, lastActivityAt: _l, deferredLoading: _d, ...snap } = rec;
  return structuredClone(snap);
}

export const userIdOf = (ref: UserRef): string => (typeof ref === 'string' ? ref : ref.id);

export function newInteractionToken(id: string): string {
  return `${Buffer.from(`interaction:${id}:`).toString('base64url')}${randomBytes(48).toString('base64url')}`;
}

/** Where an interaction happens. */
interface Place {
  userId: string;
  guildId: string | null;
  channelId: string;
}

/** Builds INTERACTION_CREATE payloads with everything discord.js 14.28 reads. */
export class InteractionBuilder {
  constructor(
    private readonly store: FakeStore,
    private readonly commands: CommandStore,
  ) {}

  /** Resolves and checks the user/guild/channel of an interaction. */
  place(user: UserRef, guildId: string | undefined, channelId: string | undefined): Place {
    const userId = userIdOf(user);
    this.store.requireUser(userId);
    if (guildId) {
      const guild = this.store.requireGuild(guildId);
      if (!guild.members.has(userId)) throw new Error(`FakeDiscord: user ${userId} is not a member of guild ${guildId}`);
      if (!channelId) throw new Error('FakeDiscord: channelId is required for a guild interaction');
      const channel = this.store.requireChannel(channelId);
      if (channel.guildId !== guildId) throw new Error(`FakeDiscord: channel ${channelId} is not in guild ${guildId}`);
      return { userId, guildId, channelId };
    }
    const dm = this.store.dmChannelFor(userId);
    if (channelId && channelId !== dm.id) {
      throw new Error(
        `FakeDiscord: no guildId means a DM, but channel ${channelId} is not the DM channel with ${userId} (${dm.id}); pass guildId for a guild channel`,
      );
    }
    return { userId, guildId: null, channelId: dm.id };
  }

  base(id: string, token: string, type: number, place: Place, data: JsonObject, locale: string | undefined): JsonObject {
    const { store } = this;
    const user = store.requireUser(place.userId);
    const payload: JsonObject = {
      id,
      application_id: store.applicationId,
      type,
      data,
      channel_id: place.channelId,
      channel: this.#channelObject(place),
      token,
      version: 1,
      locale: locale ?? user.locale,
      entitlements: [],
      attachment_size_limit: 10_485_760,
    };
    if (place.guildId) {
      const guild = store.requireGuild(place.guildId);
      payload.guild_id = place.guildId;
      payload.guild = { id: place.guildId, locale: guild.locale, features: [] };
      payload.guild_locale = guild.locale;
      payload.member = store.memberJson(place.guildId, place.userId, {
        permissions: store.permissionsOf(place.guildId, place.userId, place.channelId),
      });
      payload.app_permissions = store.permissionsOf(place.guildId, store.botUserId, place.channelId).toString();
      payload.authorizing_integration_owners = { '0': place.guildId };
      payload.context = 0;
    } else {
      payload.user = store.userJson(place.userId);
      payload.app_permissions = DM_PERMISSIONS.toString();
      payload.authorizing_integration_owners = { '1': place.userId };
      payload.context = 1;
    }
    return payload;
  }

  #channelObject(place: Place): JsonObject {
    const json = this.store.channelJson(place.channelId);
    if (!place.guildId) return json;
    const { permission_overwrites: _o, ...rest } = json;
    return { ...rest, permissions: this.store.permissionsOf(place.guildId, place.userId, place.channelId).toString() };
  }

  /** `data` for a chat-input command (type 2) or autocomplete (type 4). */
  commandData(
    place: Place,
    input: { name: string; options?: CommandInput['options']; subcommand?: string; subcommandGroup?: string },
    focused?: AutocompleteInput['focused'],
  ): JsonObject {
    const registered = this.commands.find(input.name, place.guildId ?? undefined);
    let definitions = registered?.options;
    if (input.subcommandGroup) definitions = definitions?.find((o) => o.name === input.subcommandGroup)?.options;
    if (input.subcommand) definitions = definitions?.find((o) => o.name === input.subcommand)?.options;
    const leaf = this.#options(input.options, definitions);
    if (focused) {
      const def = definitions?.find((o) => o.name === focused.name);
      leaf.push({ name: focused.name, type: focused.type ?? def?.type ?? 3, value: focused.value, focused: true });
    }
    let options: ApiInteractionOption[] = leaf;
    if (input.subcommand) options = [{ name: input.subcommand, type: 1, options }];
    if (input.subcommandGroup) options = [{ name: input.subcommandGroup, type: 2, options }];
    const data: JsonObject = {
      id: registered?.id ?? this.#syntheticCommandId(input.name),
      name: input.name,
      type: 1,
    };
    if (registered?.guild_id) data.guild_id = registered.guild_id;
    if (options.length > 0) data.options = options;
    const resolved = this.#resolved(place, leaf);
    if (resolved) data.resolved = resolved;
    return data;
  }

  readonly #syntheticIds = new Map<string, string>();
  #syntheticCommandId(name: string): string {
    let id = this.#syntheticIds.get(name);
    if (!id) {
      id = this.store.ids.next();
      this.#syntheticIds.set(name, id);
    }
    return id;
  }

  #options(input: CommandInput['options'], definitions: ApiCommandOptionDefinition[] | undefined): ApiInteractionOption[] {
    if (!input) return [];
    if (Array.isArray(input)) return structuredClone(input as ApiInteractionOption[]);
    return Object.entries(input as Record<string, OptionValue>).map(([name, raw]) => {
      if (typeof raw === 'object') return { name, type: raw.type, value: raw.value };
      const def = definitions?.find((o) => o.name === name);
      let type = def?.type;
      if (type === undefined) {
        if (typeof raw === 'boolean') type = 5;
        else if (typeof raw === 'number') type = Number.isInteger(raw) ? 4 : 10;
        else type = 3;
      }
      return { name, type, value: raw };
    });
  }

  #resolved(place: Place, options: ApiInteractionOption[]): JsonObject | undefined {
    const { store } = this;
    const users: JsonObject = {};
    const members: JsonObject = {};
    const channels: JsonObject = {};
    const roles: JsonObject = {};
    const attachments: JsonObject = {};
    const guild = place.guildId ? store.guilds.get(place.guildId) : undefined;
    const addUser = (id: string): void => {
      if (!store.users.has(id)) return;
      users[id] = store.userJson(id);
      if (guild?.members.has(id)) {
        members[id] = store.memberJson(guild.id, id, { withUser: false, permissions: store.permissionsOf(guild.id, id, place.channelId) });
      }
    };
    for (const option of options) {
      const value = String(option.value);
      if (option.type === 6) addUser(value);
      else if (option.type === 7) {
        const channel = store.liveChannel(value);
        if (!channel) continue;
        const json = store.channelJson(value);
        const { permission_overwrites: _o, ...rest } = json;
        channels[value] = channel.guildId
          ? { ...rest, permissions: store.permissionsOf(channel.guildId, place.userId, value).toString() }
          : json;
      } else if (option.type === 8) {
        const role = guild?.roles.get(value);
        if (role) roles[value] = store.roleJson(role);
      } else if (option.type === 11) {
        const file = store.attachmentFiles.get(value);
        if (file) attachments[value] = { ...file.attachment };
      } else if (option.type === 9) {
        const role = guild?.roles.get(value);
        if (role) roles[value] = store.roleJson(role);
        else addUser(value);
      }
    }
    const resolved: JsonObject = {};
    if (Object.keys(users).length > 0) resolved.users = users;
    if (Object.keys(members).length > 0) resolved.members = members;
    if (Object.keys(channels).length > 0) resolved.channels = channels;
    if (Object.keys(roles).length > 0) resolved.roles = roles;
    if (Object.keys(attachments).length > 0) resolved.attachments = attachments;
    return Object.keys(resolved).length > 0 ? resolved : undefined;
  }

  /** `interaction_metadata` for messages created in response to `rec`. */
  metadata(rec: InteractionRecord): ApiInteractionMetadata {
    const meta: ApiInteractionMetadata = {
      id: rec.id,
      type: rec.type,
      user: this.store.userJson(rec.userId),
      authorizing_integration_owners: (rec.payload.authorizing_integration_owners ?? {}) as Record<string, string>,
    };
    if (rec.type === InteractionTypes.ApplicationCommand) {
      meta.name = String((rec.payload.data as JsonObject).name);
      meta.command_type = 1;
    }
    if (rec.componentMessageId) meta.interacted_message_id = rec.componentMessageId;
    return meta;
  }
}

/** Finds a component by custom id anywhere in a message's component tree. */
export function findComponent(components: readonly ApiComponent[], customId: string): ApiComponent | undefined {
  for (const c of components) {
    if (c.custom_id === customId) return c;
    const nested = findComponent([...(c.components ?? []), ...(c.accessory ? [c.accessory] : [])], customId);
    if (nested) return nested;
  }
  return undefined;
}

/** All custom ids in a component tree (for error messages). */
export function customIdsOf(components: readonly ApiComponent[]): string[] {
  const out: string[] = [];
  const walk = (list: readonly ApiComponent[]): void => {
    for (const c of list) {
      if (c.custom_id) out.push(c.custom_id);
      walk([...(c.components ?? []), ...(c.accessory ? [c.accessory] : [])]);
    }
  };
  walk(components);
  return out;
}

/** Message type of a message created by an interaction response. */
export function responseMessageType(rec: InteractionRecord): number {
  return rec.type === InteractionTypes.ApplicationCommand ? 20 : 19;
}

