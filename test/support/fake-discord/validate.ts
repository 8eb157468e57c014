// A subset of Discord's request validation, producing its error bodies. The point is to catch the
// mistakes a bot makes in practice (too-long content, too many embeds/fields/buttons, duplicate
// custom ids, empty messages, bad command names), not to be complete.

import type { JsonObject } from './types.js';

/** A Discord JSON error body plus the HTTP status it is sent with. */
export class DiscordApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
  ) {
    super(String(body.message));
  }
}

/** The JSON errors the fake produces, keyed by Discord error code. */
export const DiscordErrors = {
  0: { status: 404, message: '404: Not Found' },
  10003: { status: 404, message: 'Unknown Channel' },
  10004: { status: 404, message: 'Unknown Guild' },
  10007: { status: 404, message: 'Unknown Member' },
  10008: { status: 404, message: 'Unknown Message' },
  10011: { status: 404, message: 'Unknown Role' },
  10013: { status: 404, message: 'Unknown User' },
  10015: { status: 404, message: 'Unknown Webhook' },
  10062: { status: 404, message: 'Unknown interaction' },
  10063: { status: 404, message: 'Unknown application command' },
  40060: { status: 400, message: 'Interaction has already been acknowledged.' },
  50001: { status: 403, message: 'Missing Access' },
  50005: { status: 403, message: 'Cannot edit a message authored by another user' },
  50006: { status: 400, message: 'Cannot send an empty message' },
  50007: { status: 403, message: 'Cannot send messages to this user' },
  50013: { status: 403, message: 'Missing Permissions' },
  50027: { status: 401, message: 'Invalid Webhook Token' },
  50035: { status: 400, message: 'Invalid Form Body' },
  50109: { status: 400, message: 'The request body contains invalid JSON.' },
} as const satisfies Record<number, { status: number; message: string }>;

/** A Discord error code the fake knows the status and message of. */
export type KnownDiscordErrorCode = keyof typeof DiscordErrors;

/** Builds the error for `code` (optionally with a custom message or status). */
export function discordError(code: KnownDiscordErrorCode, extra: { message?: string; status?: number } = {}): DiscordApiError {
  const known = DiscordErrors[code];
  return new DiscordApiError(extra.status ?? known.status, { message: extra.message ?? known.message, code });
}

export interface FieldProblem {
  path: string;
  code: string;
  message: string;
}

export function formError(problems: FieldProblem[]): DiscordApiError {
  const errors: JsonObject = {};
  for (const p of problems) {
    let node = errors;
    for (const key of p.path.split('.')) {
      node[key] ??= {};
      node = node[key] as JsonObject;
    }
    ((node._errors ??= []) as unknown[]).push({ code: p.code, message: p.message });
  }
  return new DiscordApiError(400, { message: 'Invalid Form Body', code: 50035, errors });
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const len = (v: unknown): number => (typeof v === 'string' ? [...v].length : 0);

export function maxLength(problems: FieldProblem[], path: string, value: unknown, max: number): void {
  if (typeof value === 'string' && len(value) > max) {
    problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  }
}

function validateEmbeds(problems: FieldProblem[], embeds: unknown): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) {
    problems.push({ path: 'embeds', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  if (embeds.length > 10) problems.push({ path: 'embeds', code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isObject(embed)) return;
    const p = `embeds.${i}`;
    maxLength(problems, `${p}.title`, embed.title, 256);
    maxLength(problems, `${p}.description`, embed.description, 4096);
    total += len(embed.title) + len(embed.description);
    if (isObject(embed.footer)) {
      maxLength(problems, `${p}.footer.text`, embed.footer.text, 2048);
      total += len(embed.footer.text);
    }
    if (isObject(embed.author)) {
      maxLength(problems, `${p}.author.name`, embed.author.name, 256);
      total += len(embed.author.name);
    }
    if (Array.isArray(embed.fields)) {
      if (embed.fields.length > 25) {
        problems.push({ path: `${p}.fields`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
      }
      embed.fields.forEach((field: unknown, j) => {
        if (!isObject(field)) return;
        if (len(field.name) === 0 || len(field.value) === 0) {
          problems.push({ path: `${p}.fields.${j}`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        }
        maxLength(problems, `${p}.fields.${j}.name`, field.name, 256);
        maxLength(problems, `${p}.fields.${j}.value`, field.value, 1024);
        total += len(field.name) + len(field.value);
      });
    }
  });
  if (total > 6000) problems.push({ path: 'embeds', code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
}

function validateComponents(problems: FieldProblem[], components: unknown, v2: boolean): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) {
    problems.push({ path: 'components', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  if (!v2 && components.length > 5) {
    problems.push({ path: 'components', code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
  }
  const seen = new Set<string>();
  const walk = (node: unknown, path: string): void => {
    if (!isObject(node)) return;
    if (node.type === 1 && Array.isArray(node.components) && node.components.length > 5) {
      problems.push({ path: `${path}.components`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
    }
    if (node.type === 2) {
      maxLength(problems, `${path}.label`, node.label, 80);
      const isLink = node.style === 5;
      const isPremium = node.style === 6;
      if (!isLink && !isPremium && typeof node.custom_id !== 'string') {
        problems.push({ path: `${path}.custom_id`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
      }
      if (isLink && typeof node.url !== 'string') {
        problems.push({ path: `${path}.url`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
      }
    }
    if (typeof node.custom_id === 'string') {
      maxLength(problems, `${path}.custom_id`, node.custom_id, 100);
      if (seen.has(node.custom_id)) {
        problems.push({ path: `${path}.custom_id`, code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
      }
      seen.add(node.custom_id);
    }
    if (Array.isArray(node.components)) node.components.forEach((child, i) => walk(child, `${path}.components.${i}`));
    if (isObject(node.accessory)) walk(node.accessory, `${path}.accessory`);
  };
  components.forEach((c, i) => walk(c, `components.${i}`));
}

/**
 * Validates a message body (channel message, interaction response/update, follow-up, edit).
 * `requireContent`: creating a message needs content, embeds, components, attachments or files.
 */
export function validateMessageBody(
  body: JsonObject,
  opts: { requireContent: boolean; hasFiles: boolean; pathPrefix?: string },
): void {
  const problems: FieldProblem[] = [];
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  const v2 = (flags & 32768) !== 0;
  maxLength(problems, 'content', body.content, 2000);
  validateEmbeds(problems, body.embeds);
  validateComponents(problems, body.components, v2);
  if (v2 && ((typeof body.content === 'string' && body.content !== '') || (Array.isArray(body.embeds) && body.embeds.length > 0))) {
    problems.push({ path: 'content', code: 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', message: 'The \'content\' and \'embeds\' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2' });
  }
  if (problems.length > 0) {
    throw formError(opts.pathPrefix ? problems.map((p) => ({ ...p, path: `${opts.pathPrefix}.${p.path}` })) : problems);
  }
  if (opts.requireContent) {
    const hasContent = typeof body.content === 'string' && body.content.length > 0;
    const hasEmbeds = Array.isArray(body.embeds) && body.embeds.length > 0;
    const hasComponents = Array.isArray(body.components) && body.components.length > 0;
    const hasAttachments = Array.isArray(body.attachments) && body.attachments.length > 0;
    const hasPoll = isObject(body.poll) || isObject(body.sticker_ids);
    if (!hasContent && !hasEmbeds && !hasComponents && !hasAttachments && !opts.hasFiles && !hasPoll) {
      throw discordError(50006);
    }
  }
}

/** Validates autocomplete choices (at most 25; names 1–100 chars; string values ≤ 100 chars). */
export function validateChoices(choices: unknown): void {
  const problems: FieldProblem[] = [];
  if (!Array.isArray(choices)) {
    problems.push({ path: 'data.choices', code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  } else {
    if (choices.length > 25) problems.push({ path: 'data.choices', code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    choices.forEach((c: unknown, i) => {
      if (!isObject(c)) return;
      if (len(c.name) < 1 || len(c.name) > 100) {
        problems.push({ path: `data.choices.${i}.name`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
      }
      maxLength(problems, `data.choices.${i}.value`, c.value, 100);
    });
  }
  if (problems.length > 0) throw formError(problems);
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateOptionDefinitions(problems: FieldProblem[], options: unknown, path: string): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    problems.push({ path, code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  if (options.length > 25) problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
  const names = new Set<string>();
  let sawOptional = false;
  options.forEach((o: unknown, i) => {
    if (!isObject(o)) return;
    const p = `${path}.${i}`;
    const name = typeof o.name === 'string' ? o.name : '';
    if (!COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
      problems.push({ path: `${p}.name`, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    }
    if (names.has(name)) problems.push({ path: `${p}.name`, code: 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', message: 'Option name already exists' });
    names.add(name);
    if (len(o.description) < 1 || len(o.description) > 100) {
      problems.push({ path: `${p}.description`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    }
    if (o.required === true && sawOptional) {
      problems.push({ path: `${p}.required`, code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
    }
    if (o.required !== true && o.type !== 1 && o.type !== 2) sawOptional = true;
    if (Array.isArray(o.choices) && o.choices.length > 25) {
      problems.push({ path: `${p}.choices`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    }
    if (o.type === 1 || o.type === 2) validateOptionDefinitions(problems, o.options, `${p}.options`);
  });
}

/** Validates application command definitions (PUT/POST commands). */
export function validateCommands(commands: unknown[]): void {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  commands.forEach((c: unknown, i) => {
    if (!isObject(c)) {
      problems.push({ path: `${i}`, code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
      return;
    }
    const type = typeof c.type === 'number' ? c.type : 1;
    const name = typeof c.name === 'string' ? c.name : '';
    const chatInput = type === 1;
    if (chatInput ? !COMMAND_NAME.test(name) || name !== name.toLowerCase() : len(name) < 1 || len(name) > 32) {
      problems.push({ path: `${i}.name`, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    }
    const key = `${type}:${name}`;
    if (seen.has(key)) problems.push({ path: `${i}.name`, code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique` });
    seen.add(key);
    if (chatInput && (len(c.description) < 1 || len(c.description) > 100)) {
      problems.push({ path: `${i}.description`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    }
    validateOptionDefinitions(problems, c.options, `${i}.options`);
  });
  if (problems.length > 0) throw formError(problems);
}
