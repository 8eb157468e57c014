import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { Card, Deck } from '../domain/types.js';
import { MAX_CARDS_PER_DECK, MAX_DECK_FILE_BYTES, MAX_YAML_ALIAS_COUNT, MAX_YAML_FLOW_DEPTH, megabytes } from './limits.js';

export const LIMITS = {
  deckTitle: 80,
  deckDescription: 200,
  question: 500,
  questionMin: 10,
  answer: 200,
  explanation: 900,
  choice: 200,
} as const;

const DECK_ID = /^[a-z0-9][a-z0-9-]{1,31}$/;
const CARD_ID = /^[a-z0-9][a-z0-9-]{1,63}$/;

const TEXT_ERROR = { error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : 'must be text') };

const text = (min: number, max: number) =>
  z
    .string(TEXT_ERROR)
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
        .max(max, `must be at most ${max} characters`),
    );

const cardSchema = z.strictObject(
  {
    id: z.string(TEXT_ERROR).regex(CARD_ID, 'must be lowercase letters, digits and dashes (2–64)'),
    question: text(LIMITS.questionMin, LIMITS.question),
    answer: text(1, LIMITS.answer),
    explanation: text(1, LIMITS.explanation).optional(),
    choices: z
      .array(text(1, LIMITS.choice), { error: 'must be a list of three wrong options' })
      .length(3, 'must list exactly three wrong options')
      .optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : 'must be a mapping with id, question, answer') },
);

const deckSchema = z.strictObject(
  {
    id: z.string(TEXT_ERROR).regex(DECK_ID, 'must be lowercase letters, digits and dashes (2–32)'),
    title: text(1, LIMITS.deckTitle),
    description: text(1, LIMITS.deckDescription),
    color: z
      .string({ error: 'must be text' })
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like "#E67E22"')
      .optional(),
    cards: z.array(z.unknown(), { error: 'must be a list of cards' }).min(1, 'must hold at least one card'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : 'must be a mapping with id, title, description, cards') },
);

/** One thing wrong with a deck file, located as precisely as the file allows. */
export interface DeckProblem {
  file: string;
  line: number;
  cardId?: string;
  message: string;
}

export function formatProblem(p: DeckProblem): string {
  return `${p.file}:${p.line}${p.cardId ? ` card "${p.cardId}"` : ''}: ${p.message}`;
}

export class DeckValidationError extends Error {
  constructor(readonly problems: DeckProblem[]) {
    super(`${problems.length} problem(s) in the decks:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'DeckValidationError';
  }
}

export interface ParsedDeckFile {
  deck: Deck | undefined;
  problems: DeckProblem[];
  /** Line of every card id, for cross-file checks. */
  cardLines: Map<string, number>;
}

/** Parses and validates one deck file's text. Never throws for bad content: problems are returned. */
export function parseDeckFile(file: string, source: string): ParsedDeckFile {
  const problems: DeckProblem[] = [];
  const cardLines = new Map<string, number>();
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_DECK_FILE_BYTES) {
    problems.push({ file, line: 1, message: tooLarge(bytes) });
    return { deck: undefined, problems, cardLines };
  }
  const deepAt = flowTooDeepAt(source);
  if (deepAt !== undefined) {
    problems.push({ file, line: deepAt, message: `YAML nested more than ${MAX_YAML_FLOW_DEPTH} brackets deep; a deck is a mapping of cards, a few levels deep` });
    return { deck: undefined, problems, cardLines };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);

  for (const error of doc.errors) {
    const message = /call stack/i.test(error.message) ? 'YAML nested too deep; a deck is a mapping of cards, a few levels deep' : `YAML syntax: ${error.message.split('\n')[0]}`;
    problems.push({ file, line: lineOf(error.pos[0]), message });
  }
  if (problems.length > 0) return { deck: undefined, problems, cardLines };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    // The yaml library refuses an alias "bomb" (aliases expanding to billions of nodes) by throwing.
    const aliasAt = source.search(/(^|[\s[{,:-])\*[^\s,\]}]/m);
    const why = error instanceof ReferenceError ? `YAML aliases (*name) expand to too much (more than ${MAX_YAML_ALIAS_COUNT}); write the cards out instead` : `YAML could not be read: ${(error as Error).message.split('\n')[0]}`;
    problems.push({ file, line: aliasAt < 0 ? 1 : lineOf(aliasAt + 1), message: why });
    return { deck: undefined, problems, cardLines };
  }
  const declared = (raw as { cards?: unknown } | null)?.cards;
  if (Array.isArray(declared) && declared.length > MAX_CARDS_PER_DECK) {
    problems.push({ file, line: lineOf(nodeOffset(doc, ['cards'])), message: `cards: ${declared.length} cards; a deck holds at most ${MAX_CARDS_PER_DECK.toLocaleString('en')}: split it into several decks` });
    return { deck: undefined, problems, cardLines };
  }
  const deckResult = deckSchema.safeParse(raw);
  if (!deckResult.success) {
    for (const issue of deckResult.error.issues) {
      problems.push({ file, line: lineOf(nodeOffset(doc, issue.path)), message: describe(issue.path, issue.message) });
    }
  }

  const rawCards = Array.isArray((raw as { cards?: unknown } | null)?.cards) ? ((raw as { cards: unknown[] }).cards) : [];
  const deckId = deckResult.success ? deckResult.data.id : String((raw as { id?: unknown } | null)?.id ?? '');
  const cards: Card[] = [];
  rawCards.forEach((rawCard, index) => {
    const cardPath = ['cards', index];
    const cardLine = lineOf(nodeOffset(doc, cardPath));
    const rawId = typeof (rawCard as { id?: unknown } | null)?.id === 'string' ? (rawCard as { id: string }).id : undefined;
    const result = cardSchema.safeParse(rawCard);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push({
          file,
          line: lineOf(nodeOffset(doc, [...cardPath, ...issue.path])),
          ...(rawId ? { cardId: rawId } : {}),
          message: describe(issue.path, issue.message, `card #${index + 1}`),
        });
      }
      return;
    }
    const card = result.data;
    if (cardLines.has(card.id)) {
      problems.push({ file, line: cardLine, cardId: card.id, message: `duplicate card id (first at line ${cardLines.get(card.id)})` });
      return;
    }
    cardLines.set(card.id, cardLine);
    const choices = card.choices ?? [];
    const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');
    if (choices.some((c) => norm(c) === norm(card.answer))) {
      problems.push({ file, line: lineOf(nodeOffset(doc, [...cardPath, 'choices'])), cardId: card.id, message: 'choices: a wrong option equals the answer' });
    }
    if (new Set(choices.map(norm)).size !== choices.length) {
      problems.push({ file, line: lineOf(nodeOffset(doc, [...cardPath, 'choices'])), cardId: card.id, message: 'choices: the three wrong options must differ' });
    }
    cards.push({
      id: card.id,
      deckId,
      question: card.question,
      answer: card.answer,
      explanation: card.explanation,
      choices,
      position: cards.length + 1,
    });
  });

  if (!deckResult.success || problems.length > 0) return { deck: undefined, problems, cardLines };
  const { id, title, description, color } = deckResult.data;
  return {
    deck: { id, title, description, color: color ? Number.parseInt(color.slice(1), 16) : colorFromId(id), cards },
    problems,
    cardLines,
  };
}

/**
 * Loads every deck file in a folder. Throws a {@link DeckValidationError} listing every problem in
 * every file (invalid fields, duplicate deck ids, card ids used by two decks), so one run shows all.
 */
export async function loadDecks(dirs: string | readonly string[]): Promise<Deck[]> {
  const { decks, problems } = await checkDecks(dirs);
  if (problems.length > 0) throw new DeckValidationError(problems);
  return decks;
}

/** Validates every deck file in one or more folders (checked together: ids are unique across all). */
export async function checkDecks(
  dirs: string | readonly string[],
): Promise<{ decks: Deck[]; problems: DeckProblem[]; locations: Map<string, { file: string; line: number }> }> {
  const folders = typeof dirs === 'string' ? [dirs] : [...dirs];
  const files: string[] = [];
  const problems: DeckProblem[] = [];
  for (const dir of folders) {
    try {
      const names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith('_') && !n.startsWith('.')).sort();
      if (names.length === 0) problems.push({ file: dir, line: 0, message: 'no deck files (*.yaml) found in this DECKS_DIR folder; see decks/README.md' });
      files.push(...names.map((n) => path.join(dir, n)));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the folder does not exist' : String(error);
      problems.push({ file: dir, line: 0, message: `cannot read the decks folder (DECKS_DIR): ${reason}` });
    }
  }
  if (problems.length > 0) return { decks: [], problems, locations: new Map() };
  const decks: Deck[] = [];
  const deckFiles = new Map<string, string>();
  const cardOwners = new Map<string, { file: string; line: number }>();
  for (const file of files) {
    // A file over the limit is refused by its size, before it is read.
    const size = (await stat(file)).size;
    const parsed = size > MAX_DECK_FILE_BYTES ? { deck: undefined, problems: [{ file, line: 1, message: tooLarge(size) }], cardLines: new Map<string, number>() } : parseDeckFile(file, await readFile(file, 'utf8'));
    problems.push(...parsed.problems);
    for (const [cardId, line] of parsed.cardLines) {
      const owner = cardOwners.get(cardId);
      if (owner) problems.push({ file, line, cardId, message: `card id already used in ${owner.file}:${owner.line}; card ids are unique across decks` });
      else cardOwners.set(cardId, { file, line });
    }
    if (!parsed.deck) continue;
    const other = deckFiles.get(parsed.deck.id);
    if (other) {
      problems.push({ file, line: 1, message: `deck id "${parsed.deck.id}" is already used by ${other}` });
      continue;
    }
    deckFiles.set(parsed.deck.id, file);
    decks.push(parsed.deck);
  }
  return { decks, problems, locations: cardOwners };
}

function tooLarge(bytes: number): string {
  return `the file is ${megabytes(bytes)}; a deck file is at most ${megabytes(MAX_DECK_FILE_BYTES)}: split it into several decks`;
}

/**
 * The line where flow brackets (`[`, `{`) first nest deeper than the limit, or undefined. A rough scan
 * (quotes and comments skipped): the yaml parser runs out of memory on a few hundred KB of `[[[[…`.
 */
function flowTooDeepAt(source: string): number | undefined {
  let depth = 0;
  let line = 1;
  let quote: string | undefined;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\n') {
      line++;
      if (quote === undefined) continue;
    }
    if (quote !== undefined) {
      if (quote === '"' && ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '#' && (i === 0 || /\s/.test(source[i - 1]!))) {
      const end = source.indexOf('\n', i);
      i = (end < 0 ? source.length : end) - 1;
    } else if ((ch === '"' || ch === "'") && (i === 0 || /[\s[{,:]/.test(source[i - 1]!))) quote = ch;
    else if (ch === '[' || ch === '{') {
      if (++depth > MAX_YAML_FLOW_DEPTH) return line;
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return undefined;
}

function nodeOffset(doc: Document, pathParts: readonly PropertyKey[]): number | undefined {
  for (let len = pathParts.length; len >= 0; len--) {
    const parts = pathParts.slice(0, len) as (string | number)[];
    const node = len === 0 ? doc.contents : doc.getIn(parts, true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      // For a missing key, point at the mapping that should hold it.
      return (node.range as number[])[0];
    }
    if (len > 0) {
      const parent = len === 1 ? doc.contents : doc.getIn(parts.slice(0, -1), true);
      if ((isMap(parent) || isSeq(parent)) && parent.range) {
        const pair = isMap(parent) ? parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === parts[len - 1]) : undefined;
        const key = pair?.key as { range?: number[] } | undefined;
        if (key?.range) return key.range[0];
      }
    }
  }
  return undefined;
}

function describe(pathParts: readonly PropertyKey[], message: string, prefix?: string): string {
  const where = pathParts.map(String).join('.');
  const label = [prefix, where].filter(Boolean).join(' ');
  return label ? `${label}: ${message}` : message;
}

/** A stable, pleasant colour for a deck that names none. */
export function colorFromId(id: string): number {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const palette = [0x5865f2, 0xe67e22, 0x2ecc71, 0x3498db, 0x9b59b6, 0xe74c3c, 0x1abc9c, 0xf1c40f];
  return palette[hash % palette.length] as number;
}
