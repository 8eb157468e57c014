import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
} from 'discord.js';
import { BUTTON_LABEL_LIMIT, CONTENT_LIMIT, EMBED_LIMITS, clamp } from './limits.js';

/** A message as the bot sends it: embeds, classic action-row buttons, and mentions that never ping. */
export interface MessageView {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowedMentions: { parse: [] };
}

export const NO_MENTIONS = { parse: [] as [] };

export const COLORS = {
  neutral: 0x5865f2,
  right: 0x2ecc71,
  wrong: 0xe74c3c,
  warning: 0xf1c40f,
} as const;

export function message(embeds: APIEmbed[], rows: APIButtonComponent[][] = [], content?: string): MessageView {
  return {
    ...(content !== undefined ? { content: clamp(content, CONTENT_LIMIT) } : {}),
    embeds: embeds.map(fitEmbed),
    components: rows.filter((r) => r.length > 0).map((components) => ({ type: ComponentType.ActionRow, components })),
    allowedMentions: NO_MENTIONS,
  };
}

/** An ephemeral note: a short text only the presser sees. */
export function note(text: string): MessageView & { flags: MessageFlags.Ephemeral } {
  return { content: clamp(text, CONTENT_LIMIT), embeds: [], components: [], allowedMentions: NO_MENTIONS, flags: MessageFlags.Ephemeral };
}

export function button(
  customId: string,
  label: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger = ButtonStyle.Secondary,
  disabled = false,
): APIButtonComponent {
  return { type: ComponentType.Button, custom_id: customId, label: clamp(label, BUTTON_LABEL_LIMIT), style, disabled };
}

export function field(name: string, value: string, inline = false): APIEmbedField {
  return { name: clamp(name, EMBED_LIMITS.fieldName), value: clamp(value || '—', EMBED_LIMITS.fieldValue), inline };
}

/** Clamps every part of an embed to Discord's limits, and the whole to 6000 characters. */
export function fitEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title) out.title = clamp(out.title, EMBED_LIMITS.title);
  if (out.description) out.description = clamp(out.description, EMBED_LIMITS.description);
  if (out.footer) out.footer = { ...out.footer, text: clamp(out.footer.text, EMBED_LIMITS.footer) };
  if (out.fields) out.fields = out.fields.slice(0, EMBED_LIMITS.fields).map((f) => field(f.name, f.value, f.inline));
  let excess = embedLength(out) - EMBED_LIMITS.total;
  if (excess > 0 && out.description) {
    out.description = clamp(out.description, Math.max(1, out.description.length - excess));
    excess = embedLength(out) - EMBED_LIMITS.total;
  }
  while (excess > 0 && out.fields && out.fields.length > 0) {
    out.fields = out.fields.slice(0, -1);
    excess = embedLength(out) - EMBED_LIMITS.total;
  }
  return out;
}

export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}
