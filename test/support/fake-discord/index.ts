// Public entry point of the fake Discord used by tests, the offline demo and the latency benchmark.

export { FakeDiscord } from './fake-discord.js';
export { snowflakeOnShard } from './snowflake.js';
export type { FakeDiscordEvents, FakeDiscordOptions, InteractionResult, ModalSubmitInput } from './fake-discord.js';
export { modalTextInputs } from './modals.js';
export type { ModalTextInput } from './modals.js';
export { Faults } from './faults.js';
export type { FaultMatch, FaultResponse, InjectedFault } from './faults.js';
export { GatewayCloseCodes, GatewayIntents } from './gateway.js';
export type { GatewayConnectionInfo } from './gateway.js';
export { CallbackTypes, InteractionTypes } from './interactions.js';
export type {
  AutocompleteInput,
  CommandInput,
  InteractionSnapshot,
  OptionValue,
  PressInput,
  UserRef,
} from './interactions.js';
export { ChannelTypes, MessageFlagBits } from './model.js';
export type {
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
  UploadedFile,
  UserInput,
} from './model.js';
export {
  ALL_PERMISSIONS,
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  PermissionFlags,
  computeBasePermissions,
  computeChannelPermissions,
  hasPermission,
  permissionNames,
  resolvePermissions,
} from './permissions.js';
export type { PermissionInput, PermissionName, PermissionOverwrite, PermissionSubject } from './permissions.js';
export type { MessageEvent, RecordedRequest } from './rest.js';
export type * from './types.js';
export { DiscordErrors } from './validate.js';
export type { KnownDiscordErrorCode } from './validate.js';
