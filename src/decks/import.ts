import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, isSeq, parseDocument, Scalar, stringify, visit } from 'yaml';
import { MAX_CARDS_PER_DECK, MAX_DECK_FILE_BYTES, MAX_IMPORT_INPUT_BYTES, megabytes } from './limits.js';
import { normalise, STOP_WORDS, words } from './check.js';
import { formatProblem, LIMITS, parseDeckFile } from './loader.js';

const DECK_ID = /^[a-z0-9][a-z0-9-]{1,31}$/;
const CARD_ID_MAX = 64;
const SLUG_WORDS = 6;
const HASH_LENGTH = 6;

/** A fatal problem with the import as a whole (no file, bad deck id, nothing to import). */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/** One record of the export: its fields and the source line it starts on (1-based, header lines counted). */
export interface ExportRow {
  line: number;
  fields: string[];
  /** Set when the row is malformed as a whole, e.g. a quote that never closes. */
  problem?: string;
}

export interface ParsedExport {
  separator: string;
  html: boolean;
  /** 0-based columns holding the note's fields, in order: front, back, extra. */
  fieldColumns: (columnCount: number) => number[];
  rows: ExportRow[];
}

export interface ImportedCard {
  line: number;
  id: string;
  question: string;
  answer: string;
  explanation?: string;
}

export interface SkippedRow {
  line: number;
  reason: string;
}

/** A card already in DECKS_DIR, for id and question collisions. */
export interface ExistingCard {
  file: string;
  line: number;
  question?: string;
}

const SEPARATOR_NAMES: Record<string, string> = { tab: '\t', comma: ',', semicolon: ';', pipe: '|', space: ' ', colon: ':' };

/** Resolves a separator given by name (tab, comma, …) or literally. */
export function separatorFrom(value: string): string {
  const named = SEPARATOR_NAMES[value.trim().toLowerCase()];
  if (named) return named;
  if (value === '\\t') return '\t';
  if (value.length === 0) throw new ImportError('the separator is empty; use tab, comma, semicolon, pipe, space or a literal character');
  return value;
}

/**
 * Reads an Anki "Notes in Plain Text" or Quizlet export. Anki's `#key:value` header lines come first:
 * `#separator:` and `#html:` are honoured, `#guid/#notetype/#deck/#tags column:N` tell which columns are
 * not note fields, and the rest are ignored. Without a separator header (or `separator` argument) the
 * first data line decides: tab if it has one, else comma.
 */
export function parseExport(text: string, opts: { separator?: string } = {}): ParsedExport {
  const source = text.replace(/^\uFEFF/, '');
  let offset = 0;
  let line = 1;
  let separator = opts.separator;
  let html = false;
  const metaColumns = new Set<number>();
  for (;;) {
    const end = source.indexOf('\n', offset);
    const raw = source.slice(offset, end === -1 ? source.length : end).replace(/\r$/, '');
    const header = /^#([a-z][a-z ]*):(.*)$/i.exec(raw);
    if (!header) break;
    const key = header[1]!.trim().toLowerCase();
    const value = header[2]!;
    if (key === 'separator' && opts.separator === undefined) separator = separatorFrom(value);
    else if (key === 'html') html = value.trim().toLowerCase() === 'true';
    else if (/^(guid|notetype|deck|tags) column$/.test(key)) {
      const column = Number.parseInt(value.trim(), 10);
      if (column >= 1) metaColumns.add(column - 1);
    }
    line++;
    if (end === -1) {
      offset = source.length;
      break;
    }
    offset = end + 1;
  }
  const body = source.slice(offset);
  if (separator === undefined) {
    const firstLine = body.split('\n').find((l) => l.trim() !== '') ?? '';
    separator = firstLine.includes('\t') ? '\t' : ',';
  }
  const fieldColumns = (columnCount: number) => Array.from({ length: columnCount }, (_, i) => i).filter((i) => !metaColumns.has(i));
  return { separator, html, fieldColumns, rows: splitRecords(body, separator, line) };
}

/**
 * RFC 4180-style records: a field that starts with a double quote may hold the separator, tabs and
 * newlines, with `""` for a quote. Quotes inside an unquoted field are literal, as Quizlet writes them.
 */
export function splitRecords(body: string, separator: string, firstLine = 1): ExportRow[] {
  const rows: ExportRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = firstLine;
  let rowLine = firstLine;
  let quoted = false;
  let inQuotes = false;
  let quoteLine = firstLine;
  let i = 0;

  const endField = () => {
    fields.push(quoted ? field : field.replace(/\r$/, ''));
    field = '';
    quoted = false;
  };
  const endRow = () => {
    endField();
    if (fields.some((f) => f.trim() !== '')) rows.push({ line: rowLine, fields });
    fields = [];
  };

  while (i < body.length) {
    const ch = body[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '' && !quoted) {
      quoted = true;
      inQuotes = true;
      quoteLine = line;
      i++;
      continue;
    }
    if (body.startsWith(separator, i)) {
      endField();
      i += separator.length;
      continue;
    }
    if (ch === '\n') {
      endRow();
      line++;
      rowLine = line;
      i++;
      continue;
    }
    // Text after a closing quote (`"a"b`) is kept rather than rejected: exports are lenient too.
    field += ch;
    i++;
  }
  if (inQuotes) {
    endField();
    rows.push({ line: rowLine, fields, problem: `a quoted field opened on line ${quoteLine} never closes; add the closing "` });
    return rows;
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/** Line breaks kept, runs of spaces and tabs collapsed, blank lines dropped. */
export function tidyWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Anki media references, which mean nothing outside Anki. */
function dropMedia(text: string): string {
  return text.replace(/\[sound:[^\]]*\]/gi, '');
}

/**
 * Anki field HTML to plain text: as in a browser, source line breaks are only spaces; <br> and block
 * tags make the line breaks; other tags, images and sounds go.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/\s+/g, ' ')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(p|div|li|ul|ol|h[1-6]|tr|table|blockquote)\b[^>]*>/gi, '\n')
    .replace(/<\/?(td|th)\b[^>]*>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, '');
  return tidyWhitespace(decodeEntities(dropMedia(text)));
}

const CLOZE = /\{\{c\d+::([\s\S]*?)(?:::([\s\S]*?))?\}\}/g;

/** A cloze note's text as a question with blanks, and the deleted parts as its answer. */
export function clozeToQuestion(text: string): { question: string; answer: string } | undefined {
  const deleted = [...text.matchAll(CLOZE)].map((m) => m[1]!.trim());
  if (deleted.length === 0) return undefined;
  return {
    question: text.replace(CLOZE, (_m, _answer: string, hint: string | undefined) => (hint ? `[${hint.trim()}]` : '[…]')),
    answer: [...new Set(deleted)].join('; '),
  };
}

/** `<deck>-<first significant words of the question>`, lowercase-kebab, at most 64 characters. */
export function cardIdFor(deckId: string, question: string, suffix = ''): string {
  const tail = suffix ? `-${suffix}` : '';
  const budget = CARD_ID_MAX - deckId.length - 1 - tail.length;
  const significant = words(question).filter((w) => !STOP_WORDS.has(w) && /^[a-z0-9]+$/.test(w));
  let slug = '';
  for (const w of significant.slice(0, SLUG_WORDS)) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > budget) break;
    slug = next;
  }
  if (!slug) slug = significant[0]?.slice(0, budget) ?? questionHash(question);
  return `${deckId}-${slug}${tail}`;
}

export function questionHash(question: string): string {
  return createHash('sha1').update(normalise(question)).digest('hex').slice(0, HASH_LENGTH);
}

export function isDeckId(id: string): boolean {
  return DECK_ID.test(id);
}

/**
 * Turns an export into cards for one deck. Bad rows are skipped with their line and the reason. Ids come
 * from the question, so the same question gets the same id on every run; when two different questions
 * of the file would share an id, every one after the first (in file order) gets a hash of its own text
 * as a suffix. Nothing already in DECKS_DIR is overwritten: a question that is already a card, or whose
 * id is taken by any deck, is skipped.
 */
export function planImport(
  parsed: ParsedExport,
  deckId: string,
  existing: ReadonlyMap<string, ExistingCard> = new Map(),
): { cards: ImportedCard[]; skipped: SkippedRow[] } {
  const skipped: SkippedRow[] = [];
  const candidates: { line: number; key: string; card: CardText }[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of parsed.rows) {
    const result = row.problem ? { problem: row.problem } : rowToCard(parsed, row);
    if ('problem' in result) {
      skipped.push({ line: row.line, reason: result.problem });
      continue;
    }
    const key = normalise(result.question);
    const first = firstLineOf.get(key);
    if (first !== undefined) {
      skipped.push({ line: row.line, reason: `same question as line ${first}` });
      continue;
    }
    firstLineOf.set(key, row.line);
    candidates.push({ line: row.line, key, card: result });
  }

  // Ids are settled over the whole file before anything is skipped, so they never depend on what DECKS_DIR holds.
  const baseOwners = new Map<string, string>();
  const ids = candidates.map(({ key, card }) => {
    const base = cardIdFor(deckId, card.question);
    const owner = baseOwners.get(base);
    if (owner === undefined) baseOwners.set(base, key);
    return owner === undefined || owner === key ? base : cardIdFor(deckId, card.question, questionHash(card.question));
  });

  const existingQuestions = new Map<string, [string, ExistingCard]>();
  for (const [id, card] of existing) if (card.question) existingQuestions.set(normalise(card.question), [id, card]);
  const cards: ImportedCard[] = [];
  const taken = new Set<string>();
  candidates.forEach(({ line, key, card }, index) => {
    const id = ids[index]!;
    const owner = existing.get(id);
    const sameQuestion = existingQuestions.get(key);
    if (owner) {
      const why = sameQuestion?.[0] === id ? 'same question, imported before' : 'a different question; reword this one or add it by hand';
      skipped.push({ line, reason: `id "${id}" already exists in ${owner.file}:${owner.line} (${why})` });
    } else if (sameQuestion) {
      skipped.push({ line, reason: `the same question is already card "${sameQuestion[0]}" in ${sameQuestion[1].file}:${sameQuestion[1].line}` });
    } else if (taken.has(id)) {
      skipped.push({ line, reason: `id "${id}" is taken by another question of this file; reword one of them` });
    } else {
      taken.add(id);
      cards.push({ line, id, ...card });
    }
  });
  return { cards, skipped: skipped.sort((x, y) => x.line - y.line) };
}

interface CardText {
  question: string;
  answer: string;
  explanation?: string;
}

/** One row's card, its fields cleaned of HTML and media; a cloze note becomes a question with blanks. */
function rowToCard(parsed: ParsedExport, row: ExportRow): CardText | { problem: string } {
  const columns = parsed.fieldColumns(row.fields.length);
  const field = (n: number) => {
    const raw = columns[n] === undefined ? undefined : row.fields[columns[n]];
    if (raw === undefined) return undefined;
    return parsed.html ? htmlToText(raw) : tidyWhitespace(dropMedia(raw));
  };
  let question = field(0) ?? '';
  let answer = field(1);
  let explanation = field(2) || undefined;
  const cloze = clozeToQuestion(question);
  if (cloze) {
    question = cloze.question;
    // A cloze note's second field is "Back Extra": background, not the answer.
    explanation = [answer, explanation].filter(Boolean).join('\n') || undefined;
    answer = cloze.answer;
  }
  const problem = cardProblem(question, answer, explanation, columns.length);
  if (problem || answer === undefined) return { problem: problem ?? 'the answer (back) is missing' };
  return { question, answer, ...(explanation ? { explanation } : {}) };
}

function cardProblem(question: string, answer: string | undefined, explanation: string | undefined, columnCount: number): string | undefined {
  if (!question) return 'the question (front) is empty';
  if (answer === undefined) {
    return columnCount < 2
      ? 'the answer (back) is missing: the row has one column; is the separator right? (use --separator)'
      : 'the answer (back) is missing';
  }
  if (!answer) return 'the answer (back) is empty';
  if (question.length < LIMITS.questionMin) return `the question is ${question.length} characters; at least ${LIMITS.questionMin} are needed`;
  if (question.length > LIMITS.question) return `the question is ${question.length} characters; at most ${LIMITS.question} are allowed`;
  if (answer.length > LIMITS.answer) return `the answer is ${answer.length} characters; at most ${LIMITS.answer} are allowed (move the detail to the third column)`;
  if (explanation && explanation.length > LIMITS.explanation) {
    return `the explanation is ${explanation.length} characters; at most ${LIMITS.explanation} are allowed`;
  }
  return undefined;
}

const YAML_OPTIONS = { lineWidth: 92, minContentWidth: 40 } as const;

/** Cards as a YAML block sequence, long texts folded the way the shipped decks write them. */
export function cardsToYaml(cards: readonly ImportedCard[]): string {
  const doc = new Document(cards.map(({ id, question, answer, explanation }) => ({ id, question, answer, ...(explanation ? { explanation } : {}) })));
  visit(doc, {
    Scalar(key, node) {
      if (key === 'value' && typeof node.value === 'string' && (node.value.length > 70 || node.value.includes('\n'))) {
        node.type = node.value.includes('\n') ? Scalar.BLOCK_LITERAL : Scalar.BLOCK_FOLDED;
      }
    },
  });
  return doc.toString(YAML_OPTIONS).replace(/\n(?=- )/g, '\n\n');
}

/** A new deck file's text. */
export function newDeckSource(deck: { id: string; title: string; description: string }, cards: readonly ImportedCard[], sourceName: string): string {
  const head = stringify({ id: deck.id, title: deck.title, description: deck.description }, YAML_OPTIONS);
  return `# Imported from ${oneLine(sourceName)} with npm run decks:import.\n${head}cards:\n${indent(cardsToYaml(cards), '  ')}`;
}

/**
 * The existing deck file's text with the cards added at the end of its `cards:` list. The file is
 * changed only there, as text, so its comments and formatting stay exactly as they were.
 */
export function appendToDeckSource(source: string, cards: readonly ImportedCard[], sourceName: string): string {
  const doc = parseDocument(source);
  const list = doc.get('cards', true);
  if (!isSeq(list) || !list.range || list.flow) {
    throw new ImportError('the deck file\'s "cards" is not a block list ("- id: …" lines); add the cards by hand or rewrite the list as a block');
  }
  const start = list.range[0];
  const column = start - (source.lastIndexOf('\n', start - 1) + 1);
  const at = list.range[1];
  const before = source.slice(0, at);
  const block = `${before.endsWith('\n') ? '' : '\n'}\n${' '.repeat(column)}# Imported from ${oneLine(sourceName)}\n${indent(cardsToYaml(cards), ' '.repeat(column))}`;
  return before + block + source.slice(at);
}

function indent(text: string, prefix: string): string {
  return text.replace(/^(?=.)/gm, prefix);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

export function defaultTitle(deckId: string): string {
  const spaced = deckId.replace(/-+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export interface ImportOptions {
  /** Where a new deck file is written. */
  decksDir: string;
  /** Other deck folders in use (DECKS_DIR lists several): their ids count as taken too. */
  otherDecksDirs?: readonly string[];
  file: string;
  deckId: string;
  title?: string;
  separator?: string;
}

export interface ImportResult {
  imported: ImportedCard[];
  skipped: SkippedRow[];
  path: string;
  createdDeck: boolean;
  notes: string[];
}

interface DeckFileInfo {
  file: string;
  deckId: string | undefined;
  valid: boolean;
}

/** Reads every deck file in the DECKS_DIR folders: which deck each holds, and every card id with its question. */
async function scanDecks(dirs: readonly string[]): Promise<{ files: DeckFileInfo[]; cards: Map<string, ExistingCard> }> {
  const paths: string[] = [];
  for (const dir of dirs) {
    try {
      const names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith('_') && !n.startsWith('.')).sort();
      paths.push(...names.map((n) => path.join(dir, n)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ImportError(`the decks folder ${dir} does not exist; create it or set DECKS_DIR`);
      throw error;
    }
  }
  const files: DeckFileInfo[] = [];
  const cards = new Map<string, ExistingCard>();
  for (const file of paths) {
    if ((await stat(file)).size > MAX_DECK_FILE_BYTES) {
      files.push({ file, deckId: undefined, valid: false });
      continue;
    }
    const source = await readFile(file, 'utf8');
    const parsed = parseDeckFile(file, source);
    const questions = new Map(parsed.deck?.cards.map((c) => [c.id, c.question]));
    for (const [id, line] of parsed.cardLines) {
      if (!cards.has(id)) cards.set(id, { file, line, ...(questions.has(id) ? { question: questions.get(id)! } : {}) });
    }
    files.push({ file, deckId: parsed.deck?.id ?? rawDeckId(source), valid: parsed.problems.length === 0 });
  }
  return { files, cards };
}

function refuseOverLimits(deckId: string, cards: number): void {
  if (cards <= MAX_CARDS_PER_DECK) return;
  throw new ImportError(
    `deck "${deckId}" would hold ${cards.toLocaleString('en')} cards; a deck holds at most ${MAX_CARDS_PER_DECK.toLocaleString('en')}: import into several decks (--deck); nothing was written`,
  );
}

/** The top-level `id:` of a deck file that does not load, read by its line (parsing it might be what failed). */
function rawDeckId(source: string): string | undefined {
  return /^id:[ \t]*["']?([^"'\s#]+)["']?[ \t]*(#.*)?$/m.exec(source)?.[1];
}

/**
 * Imports an export file into DECKS_DIR: appends to the file that holds the deck, or writes
 * `<deck>.yaml`. The result is checked with the deck loader before anything is written.
 */
export async function importExportFile(opts: ImportOptions): Promise<ImportResult> {
  const { decksDir, file, deckId } = opts;
  if (!isDeckId(deckId)) {
    throw new ImportError(`"${deckId}" is not a valid deck id: use 2–32 lowercase letters, digits and dashes, starting with a letter or digit`);
  }
  let text: string;
  try {
    // Refused by its size before it is read, so a huge file never fills memory.
    const { size } = await stat(file);
    if (size > MAX_IMPORT_INPUT_BYTES) {
      throw new ImportError(`${file} is ${megabytes(size)}; decks:import reads at most ${megabytes(MAX_IMPORT_INPUT_BYTES)}: split the export into smaller files`);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportError(code === 'ENOENT' ? `${file} does not exist; check the path` : `cannot read ${file}: ${String(error)}`);
  }
  const sourceName = path.basename(file);
  const { files, cards: existing } = await scanDecks([...(opts.otherDecksDirs ?? []), decksDir]);
  const holders = files.filter((f) => f.deckId === deckId);
  if (holders.length > 1) throw new ImportError(`deck "${deckId}" is defined in ${holders.map((h) => h.file).join(' and ')}; run npm run decks:check and fix that first`);
  const target = holders[0];
  if (target && !target.valid) throw new ImportError(`${target.file} (deck "${deckId}") has problems; run npm run decks:check and fix them before importing into it`);

  const parsed = parseExport(text, opts.separator === undefined ? {} : { separator: separatorFrom(opts.separator) });
  const { cards, skipped } = planImport(parsed, deckId, existing);
  const notes: string[] = [];
  const deckPath = target?.file ?? path.join(decksDir, `${deckId}.yaml`);
  if (cards.length === 0) {
    const reason = parsed.rows.length === 0 ? 'the file has no rows' : 'every row was skipped';
    return { imported: [], skipped, path: deckPath, createdDeck: false, notes: [`nothing imported: ${reason}`] };
  }

  let output: string;
  let expectedCards = cards.length;
  if (target) {
    if (opts.title !== undefined) notes.push(`--title ignored: deck "${deckId}" already exists in ${target.file}`);
    const source = await readFile(target.file, 'utf8');
    expectedCards += parseDeckFile(target.file, source).deck?.cards.length ?? 0;
    refuseOverLimits(deckId, expectedCards);
    output = appendToDeckSource(source, cards, sourceName);
  } else {
    refuseOverLimits(deckId, expectedCards);
    const title = (opts.title?.trim() || defaultTitle(deckId)).slice(0, LIMITS.deckTitle);
    const description = `Imported from ${oneLine(sourceName)}`.slice(0, LIMITS.deckDescription);
    output = newDeckSource({ id: deckId, title, description }, cards, sourceName);
  }
  if (Buffer.byteLength(output, 'utf8') > MAX_DECK_FILE_BYTES) {
    throw new ImportError(`deck "${deckId}" would be ${megabytes(Buffer.byteLength(output, 'utf8'))}; a deck file is at most ${megabytes(MAX_DECK_FILE_BYTES)}: import into several decks; nothing was written`);
  }
  const check = parseDeckFile(deckPath, output);
  const written = new Map(check.deck?.cards.map((c) => [c.id, c]));
  const altered = cards.find((c) => {
    const w = written.get(c.id);
    return !w || w.question !== c.question || w.answer !== c.answer || w.explanation !== c.explanation;
  });
  if (check.problems.length > 0 || written.size !== expectedCards || altered) {
    const why = check.problems[0]
      ? formatProblem(check.problems[0])
      : altered
        ? `card "${altered.id}" would not read back as imported`
        : `expected ${expectedCards} cards, found ${written.size}`;
    throw new ImportError(`the deck would not load after the import (${why}); nothing was written. Please report this with the export file.`);
  }
  // "wx" so a file that appeared meanwhile (or that scanDecks could not read as a deck) is never replaced.
  await writeFile(deckPath, output, target ? { encoding: 'utf8' } : { encoding: 'utf8', flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') throw new ImportError(`${deckPath} already exists but does not hold deck "${deckId}"; choose another deck id or fix that file`);
    throw error;
  });
  return { imported: cards, skipped, path: deckPath, createdDeck: !target, notes };
}
