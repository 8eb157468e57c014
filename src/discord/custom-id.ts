import { GRADES, type Grade } from '../domain/types.js';

/**
 * Button custom ids: `v1:<action>:<id>[:<arg>]`. They carry an action and a row id, never an answer
 * or a secret, and stay far below Discord's 100-character limit. Parsing never throws: anything
 * malformed, from another version or unknown parses to `null`.
 */
export const CUSTOM_ID_VERSION = 'v1';
export const CUSTOM_ID_MAX_LENGTH = 100;

export type CustomId =
  | { action: 'reveal'; roundId: number }
  | { action: 'grade'; roundId: number; grade: Grade }
  | { action: 'choose'; roundId: number; choice: number }
  | { action: 'next'; roundId: number }
  | { action: 'daily'; challengeId: number; choice: number }
  /** "Type your answer": opens the typed-answer modal of a round. */
  | { action: 'type'; roundId: number }
  | { action: 'game'; questionId: number; choice: number }
  | { action: 'gameScore'; gameId: number }
  /** /deck show's Previous and Next: the 0-based page to show of a server deck. */
  | { action: 'deckPage'; page: number; deck: string }
  /** /deck remove's confirmation. */
  | { action: 'deckRemove'; deck: string };

const PREFIX = {
  reveal: 'rv',
  grade: 'gr',
  choose: 'ch',
  next: 'nx',
  daily: 'dc',
  type: 'ty',

  game: 'gm',
  gameScore: 'gs',
  deckPage: 'dp',
  deckRemove: 'dr',
} as const satisfies Record<CustomId['action'], string>;

const GRADE_CODE = { again: '1', hard: '2', good: '3', easy: '4' } as const satisfies Record<Grade, string>;

export function buildCustomId(id: CustomId): string {
  const parts: (string | number)[] = [CUSTOM_ID_VERSION, PREFIX[id.action]];
  switch (id.action) {
    case 'reveal':
    case 'next':
    case 'type':
      parts.push(id.roundId);
      break;
    case 'grade':
      parts.push(id.roundId, GRADE_CODE[id.grade]);
      break;
    case 'choose':
      parts.push(id.roundId, id.choice);
      break;
    case 'daily':
      parts.push(id.challengeId, id.choice);
      break;
    case 'game':
      parts.push(id.questionId, id.choice);
      break;
    case 'gameScore':
      parts.push(id.gameId);
      break;
    case 'deckPage':
      parts.push(id.page, id.deck);
      break;
    case 'deckRemove':
      parts.push(id.deck);
      break;
  }
  return parts.join(':');
}

const ID = /^[1-9]\d{0,15}$/;

export function parseCustomId(raw: unknown): CustomId | null {
  if (typeof raw !== 'string' || raw.length > CUSTOM_ID_MAX_LENGTH) return null;
  const [version, prefix, idText, arg, ...rest] = raw.split(':');
  const deckAction = parseDeckAction(version, prefix, idText, arg, rest.length);
  if (deckAction !== undefined) return deckAction;
  if (version !== CUSTOM_ID_VERSION || rest.length > 0 || idText === undefined || !ID.test(idText)) return null;
  const id = Number(idText);
  if (!Number.isSafeInteger(id)) return null;
  switch (prefix) {
    case PREFIX.reveal:
      return arg === undefined ? { action: 'reveal', roundId: id } : null;
    case PREFIX.next:
      return arg === undefined ? { action: 'next', roundId: id } : null;
    case PREFIX.type:
      return arg === undefined ? { action: 'type', roundId: id } : null;
    case PREFIX.grade: {
      const grade = GRADES.find((g) => GRADE_CODE[g] === arg);
      return grade ? { action: 'grade', roundId: id, grade } : null;
    }
    case PREFIX.choose: {
      const choice = parseChoice(arg);
      return choice === null ? null : { action: 'choose', roundId: id, choice };
    }
    case PREFIX.daily: {
      const choice = parseChoice(arg);
      return choice === null ? null : { action: 'daily', challengeId: id, choice };
    }
    case PREFIX.game: {
      const choice = parseChoice(arg);
      return choice === null ? null : { action: 'game', questionId: id, choice };
    }
    case PREFIX.gameScore:
      return arg === undefined ? { action: 'gameScore', gameId: id } : null;
    default:
      return null;
  }
}

function parseChoice(arg: string | undefined): number | null {
  return arg !== undefined && /^[0-3]$/.test(arg) ? Number(arg) : null;
}

/**
 * Modal custom ids, `v1:<action>:<id>`, in the same version and limits as the buttons' but their own
 * namespace: a modal submit is routed on these, never on a button's id.
 */
export type ModalCustomId = { action: 'typed'; roundId: number };

const MODAL_PREFIX = { typed: 'ta' } as const satisfies Record<ModalCustomId['action'], string>;

/** The custom id of the typed answer's text input inside the modal. */
export const TYPED_ANSWER_INPUT_ID = 'answer';

export function buildModalCustomId(id: ModalCustomId): string {
  return [CUSTOM_ID_VERSION, MODAL_PREFIX[id.action], id.roundId].join(':');
}

export function parseModalCustomId(raw: unknown): ModalCustomId | null {
  if (typeof raw !== 'string' || raw.length > CUSTOM_ID_MAX_LENGTH) return null;
  const [version, prefix, idText, ...rest] = raw.split(':');
  if (version !== CUSTOM_ID_VERSION || rest.length > 0 || idText === undefined || !ID.test(idText)) return null;
  const id = Number(idText);
  if (!Number.isSafeInteger(id)) return null;
  return prefix === MODAL_PREFIX.typed ? { action: 'typed', roundId: id } : null;
}

const DECK_HANDLE = /^[a-z0-9][a-z0-9-]{1,31}$/;

/** The /deck buttons, which carry a deck's handle; undefined for every other prefix. */
function parseDeckAction(version: string | undefined, prefix: string | undefined, first: string | undefined, second: string | undefined, extra: number): CustomId | null | undefined {
  if (prefix !== PREFIX.deckPage && prefix !== PREFIX.deckRemove) return undefined;
  if (version !== CUSTOM_ID_VERSION || extra > 0 || first === undefined) return null;
  if (prefix === PREFIX.deckRemove) return second === undefined && DECK_HANDLE.test(first) ? { action: 'deckRemove', deck: first } : null;
  if (!/^(0|[1-9]\d{0,4})$/.test(first) || second === undefined || !DECK_HANDLE.test(second)) return null;
  return { action: 'deckPage', page: Number(first), deck: second };
}
