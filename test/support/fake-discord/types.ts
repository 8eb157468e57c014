// Wire-format (snake_case) shapes used by the fake. They are deliberately loose: they describe what
// the fake stores and sends, not everything Discord could send.

/** A user as Discord serialises it. */
export interface ApiUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
  flags: number;
  banner: string | null;
  accent_color: number | null;
  avatar_decoration_data: null;
}

/** An embed as sent by the bot (stored verbatim). */
export interface ApiEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string; icon_url?: string };
  author?: { name: string; url?: string; icon_url?: string };
  image?: { url: string };
  thumbnail?: { url: string };
  [key: string]: unknown;
}

/** A message component (action row, button, select, or a components-v2 container) as sent by the bot. */
export interface ApiComponent {
  type: number;
  id?: number;
  custom_id?: string;
  label?: string;
  style?: number;
  url?: string;
  disabled?: boolean;
  components?: ApiComponent[];
  accessory?: ApiComponent;
  content?: string;
  options?: { label: string; value: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

/** `allowed_mentions` as sent by the bot. */
export interface ApiAllowedMentions {
  parse?: ('users' | 'roles' | 'everyone')[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

/** An attachment stored on a message (the bytes are in the recorded request's `files`). */
export interface ApiAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  description?: string;
}

/** `interaction_metadata` on messages created by an interaction response. */
export interface ApiInteractionMetadata {
  id: string;
  type: number;
  user: ApiUser;
  authorizing_integration_owners: Record<string, string>;
  name?: string;
  command_type?: number;
  original_response_message_id?: string;
  interacted_message_id?: string;
}

/** A message as Discord serialises it. */
export interface ApiMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  type: number;
  content: string;
  embeds: ApiEmbed[];
  components: ApiComponent[];
  flags: number;
  author: ApiUser;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: ApiUser[];
  mention_roles: string[];
  attachments: ApiAttachment[];
  pinned: boolean;
  allowed_mentions?: ApiAllowedMentions;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: ApiInteractionMetadata;
  message_reference?: { message_id?: string; channel_id?: string; guild_id?: string; type?: number };
  reactions?: { count: number; me: boolean; emoji: { id: string | null; name: string } }[];
}

/** A message stored by the fake: the Discord message plus bookkeeping that Discord does not send. */
export interface StoredMessage extends ApiMessage {
  /** Set on ephemeral messages (flag 64): the only user who can see it. */
  ephemeralFor?: string;
  /** The interaction whose response, update or follow-up created this message. */
  interactionId?: string;
  /** True once deleted (a deleted message is kept for assertions but is invisible to the REST API). */
  deleted?: boolean;
  /** How many times the message was edited (PATCH or UPDATE_MESSAGE) after creation. */
  editCount: number;
}

/** Data of an interaction callback (POST /interactions/:id/:token/callback), as the bot sent it. */
export interface InteractionCallbackData {
  content?: string;
  embeds?: ApiEmbed[];
  components?: ApiComponent[];
  flags?: number;
  allowed_mentions?: ApiAllowedMentions;
  choices?: { name: string; value: string | number; name_localizations?: Record<string, string> }[];
  custom_id?: string;
  title?: string;
  [key: string]: unknown;
}

/** A registered application command, as stored and returned by the fake. */
export interface ApiApplicationCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  type: number;
  name: string;
  description: string;
  options?: ApiCommandOptionDefinition[];
  default_member_permissions: string | null;
  nsfw: boolean;
  [key: string]: unknown;
}

/** An option in a registered command definition. */
export interface ApiCommandOptionDefinition {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: { name: string; value: string | number }[];
  options?: ApiCommandOptionDefinition[];
  [key: string]: unknown;
}

/** An option value in an interaction payload, exactly as Discord sends it. */
export interface ApiInteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: ApiInteractionOption[];
}

/** A JSON object of unknown shape. */
export type JsonObject = Record<string, unknown>;
