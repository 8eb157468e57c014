// Permission bits, identical to discord.js's PermissionFlagsBits (asserted in test/fake-discord.test.ts);
// copied so that the fake does not load discord.js.

/** Discord permission bits, keyed like discord.js's `PermissionFlagsBits`. */
export const PermissionFlags = {
  CreateInstantInvite: 1n << 0n,
  KickMembers: 1n << 1n,
  BanMembers: 1n << 2n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewAuditLog: 1n << 7n,
  PrioritySpeaker: 1n << 8n,
  Stream: 1n << 9n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  SendTTSMessages: 1n << 12n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ViewGuildInsights: 1n << 19n,
  Connect: 1n << 20n,
  Speak: 1n << 21n,
  MuteMembers: 1n << 22n,
  DeafenMembers: 1n << 23n,
  MoveMembers: 1n << 24n,
  UseVAD: 1n << 25n,
  ChangeNickname: 1n << 26n,
  ManageNicknames: 1n << 27n,
  ManageRoles: 1n << 28n,
  ManageWebhooks: 1n << 29n,
  ManageEmojisAndStickers: 1n << 30n,
  ManageGuildExpressions: 1n << 30n,
  UseApplicationCommands: 1n << 31n,
  RequestToSpeak: 1n << 32n,
  ManageEvents: 1n << 33n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  UseExternalStickers: 1n << 37n,
  SendMessagesInThreads: 1n << 38n,
  UseEmbeddedActivities: 1n << 39n,
  ModerateMembers: 1n << 40n,
  ViewCreatorMonetizationAnalytics: 1n << 41n,
  UseSoundboard: 1n << 42n,
  CreateGuildExpressions: 1n << 43n,
  CreateEvents: 1n << 44n,
  UseExternalSounds: 1n << 45n,
  SendVoiceMessages: 1n << 46n,
  SetVoiceChannelStatus: 1n << 48n,
  SendPolls: 1n << 49n,
  UseExternalApps: 1n << 50n,
  PinMessages: 1n << 51n,
  BypassSlowmode: 1n << 52n,
} as const;

/** A permission name, e.g. `'SendMessages'`. */
export type PermissionName = keyof typeof PermissionFlags;

/**
 * Permissions given to the fake: a bitfield (bigint, number or decimal string such as `'2048'`),
 * one permission name, or a list of names and bits.
 */
export type PermissionInput = bigint | number | string | readonly (PermissionName | bigint)[];

/** Every permission (what owners and administrators get). */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlags).reduce((acc, bit) => acc | bit, 0n);

/** The bot's permissions in every guild unless overridden: View Channel, Send Messages, Embed Links, Read Message History. */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  PermissionFlags.ViewChannel | PermissionFlags.SendMessages | PermissionFlags.EmbedLinks | PermissionFlags.ReadMessageHistory;

/** What @everyone gets in a new guild unless overridden (close to Discord's defaults for ordinary members). */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  PermissionFlags.CreateInstantInvite |
  PermissionFlags.AddReactions |
  PermissionFlags.ViewChannel |
  PermissionFlags.SendMessages |
  PermissionFlags.EmbedLinks |
  PermissionFlags.AttachFiles |
  PermissionFlags.ReadMessageHistory |
  PermissionFlags.UseExternalEmojis |
  PermissionFlags.Connect |
  PermissionFlags.Speak |
  PermissionFlags.UseVAD |
  PermissionFlags.ChangeNickname |
  PermissionFlags.UseApplicationCommands |
  PermissionFlags.SendMessagesInThreads |
  PermissionFlags.CreatePublicThreads;

/** Permissions an app has in a DM with a user (sent as `app_permissions` in DM interactions). */
export const DM_PERMISSIONS: bigint =
  PermissionFlags.AddReactions |
  PermissionFlags.ViewChannel |
  PermissionFlags.SendMessages |
  PermissionFlags.EmbedLinks |
  PermissionFlags.AttachFiles |
  PermissionFlags.ReadMessageHistory |
  PermissionFlags.UseExternalEmojis |
  PermissionFlags.UseApplicationCommands;

/** Turns any {@link PermissionInput} into a bitfield; `undefined` gives `fallback`. */
export function resolvePermissions(input: PermissionInput | undefined, fallback = 0n): bigint {
  if (input === undefined) return fallback;
  if (typeof input === 'bigint') return input;
  if (typeof input === 'number') return BigInt(input);
  if (typeof input === 'string') {
    if (/^\d+$/.test(input)) return BigInt(input);
    return flagByName(input);
  }
  let bits = 0n;
  for (const item of input) bits |= typeof item === 'bigint' ? item : flagByName(item);
  return bits;
}

function flagByName(name: string): bigint {
  const bit = (PermissionFlags as Record<string, bigint>)[name];
  if (bit === undefined) throw new Error(`Unknown permission name "${name}"`);
  return bit;
}

/** The names of the permissions set in `bits` (for readable assertions and error messages). */
export function permissionNames(bits: bigint): PermissionName[] {
  const names: PermissionName[] = [];
  for (const [name, bit] of Object.entries(PermissionFlags) as [PermissionName, bigint][]) {
    if (name === 'ManageEmojisAndStickers') continue; // alias of ManageGuildExpressions
    if ((bits & bit) === bit) names.push(name);
  }
  return names;
}

/** True if every bit of `flag` is in `bits`. */
export function hasPermission(bits: bigint, flag: bigint): boolean {
  return (bits & flag) === flag;
}

/** A channel permission overwrite: type 0 targets a role, type 1 a member. */
export interface PermissionOverwrite {
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

/** What permission computation needs to know about a guild member. */
export interface PermissionSubject {
  guildId: string;
  ownerId: string;
  memberId: string;
  /** Role ids of the member, not including @everyone. */
  memberRoleIds: readonly string[];
  /** Permissions of each role in the guild, including @everyone (whose id is the guild id). */
  rolePermissions: ReadonlyMap<string, bigint>;
}

/** Guild-level permissions: owner and Administrator get everything, otherwise @everyone | member roles. */
export function computeBasePermissions(subject: PermissionSubject): bigint {
  if (subject.memberId === subject.ownerId) return ALL_PERMISSIONS;
  let bits = subject.rolePermissions.get(subject.guildId) ?? 0n;
  for (const roleId of subject.memberRoleIds) bits |= subject.rolePermissions.get(roleId) ?? 0n;
  if (hasPermission(bits, PermissionFlags.Administrator)) return ALL_PERMISSIONS;
  return bits;
}

/**
 * Channel-level permissions, in Discord's order: base, then the @everyone overwrite, then all role
 * overwrites (denies then allows), then the member's overwrite. Like discord.js's `permissionsFor`,
 * implicit denials (no View Channel => nothing) are not applied here.
 */
export function computeChannelPermissions(subject: PermissionSubject, overwrites: readonly PermissionOverwrite[]): bigint {
  let bits = computeBasePermissions(subject);
  if (bits === ALL_PERMISSIONS && (subject.memberId === subject.ownerId || hasPermission(bits, PermissionFlags.Administrator))) {
    return ALL_PERMISSIONS;
  }
  const everyone = overwrites.find((o) => o.id === subject.guildId);
  if (everyone) bits = (bits & ~everyone.deny) | everyone.allow;
  let roleDeny = 0n;
  let roleAllow = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== subject.guildId && subject.memberRoleIds.includes(o.id)) {
      roleDeny |= o.deny;
      roleAllow |= o.allow;
    }
  }
  bits = (bits & ~roleDeny) | roleAllow;
  const member = overwrites.find((o) => o.type === 1 && o.id === subject.memberId);
  if (member) bits = (bits & ~member.deny) | member.allow;
  return bits;
}
