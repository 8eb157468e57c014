import { parseDeckFile } from '../loader.js';
import { parseExport, planImport, type ExistingCard, type ParsedExport, type SkippedRow } from '../import.js';
import { megabytes, readApkg } from './apkg.js';
import { UploadError } from './errors.js';
import { UPLOAD_LIMITS } from './limits.js';

export type UploadFormat = 'csv' | 'tsv' | 'text' | 'yaml' | 'apkg';

/** A card ready to store: its id is local to the deck, stable for the same question. */
export interface PlannedCard {
  id: string;
  question: string;
  answer: string;
  explanation: string | null;
  choices: string[];
}

export interface UploadPlan {
  format: UploadFormat;
  /** What skipped[].line counts: a line of a text file, or a note of an Anki package. */
  unit: 'line' | 'note';
  cards: PlannedCard[];
  skipped: SkippedRow[];
  mediaDropped: number;
  /** From a deepcards YAML file. */
  title?: string;
  description?: string;
}

const EXTENSIONS: Record<string, UploadFormat> = { csv: 'csv', tsv: 'tsv', txt: 'text', yaml: 'yaml', yml: 'yaml', apkg: 'apkg' };
const HEADER_NAMES: Record<string, 'question' | 'answer' | 'explanation'> = {
  question: 'question',
  front: 'question',
  term: 'question',
  answer: 'answer',
  back: 'answer',
  definition: 'answer',
  explanation: 'explanation',
  extra: 'explanation',
  'back extra': 'explanation',
};
const MEDIA = /<img\b[^>]*>|<audio\b[^>]*>|<video\b[^>]*>|\[sound:[^\]]*\]/gi;

export function formatOf(fileName: string): UploadFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const format = EXTENSIONS[ext];
  if (!format) {
    throw new UploadError(`"${fileName.slice(0, 60)}" is not a format /deck import reads: attach a .csv, .tsv, .txt (Anki plain text or Quizlet), .yaml or .apkg file.`);
  }
  return format;
}

/** The largest attachment of a format that is downloaded. */
export function sizeLimitOf(format: UploadFormat): number {
  return format === 'apkg' ? UPLOAD_LIMITS.apkgBytes : UPLOAD_LIMITS.textBytes;
}

/**
 * Turns an uploaded file into the cards of deck `handle`: rows that are no card are skipped with their
 * line (or note) and why; what cannot be imported at all throws an {@link UploadError}. `existing`
 * holds the deck's current cards (add mode): the same question keeps its id and is reported as skipped.
 */
export async function planUpload(fileName: string, bytes: Uint8Array, handle: string, existing: ReadonlyMap<string, ExistingCard> = new Map()): Promise<UploadPlan> {
  const format = formatOf(fileName);
  if (bytes.length > sizeLimitOf(format)) {
    throw new UploadError(`The file is ${megabytes(bytes.length)}; a .${format === 'text' ? 'txt' : format} file may be at most ${megabytes(sizeLimitOf(format))}. Split it into several decks.`);
  }
  let plan: UploadPlan;
  if (format === 'apkg') {
    const content = await readApkg(bytes);
    const parsed: ParsedExport = {
      separator: '\t',
      html: false,
      fieldColumns: (n) => Array.from({ length: n }, (_, i) => i),
      rows: content.cards.map((c) => ({ line: c.note, fields: [c.question, c.answer, c.explanation ?? ''] })),
    };
    const { cards, skipped } = planImport(parsed, handle, existing);
    plan = {
      format,
      unit: 'note',
      cards: cards.map((c) => ({ id: c.id, question: c.question, answer: c.answer, explanation: c.explanation ?? null, choices: [] })),
      skipped: [...content.skipped.map((s) => ({ line: s.note, reason: s.reason })), ...skipped].sort((a, b) => a.line - b.line),
      mediaDropped: content.mediaDropped,
    };
  } else {
    const text = decodeText(bytes, fileName);
    plan = format === 'yaml' ? planYaml(fileName, text, existing) : planDelimited(format, text, handle, existing);
  }
  if (plan.cards.length === 0) {
    const why = plan.skipped[0] ? ` (${plan.unit} ${plan.skipped[0].line}: ${plan.skipped[0].reason})` : '';
    throw new UploadError(`No card could be imported from this file${why}. Check the format: question, answer and an optional explanation per row.`);
  }
  if (plan.cards.length > UPLOAD_LIMITS.cardsPerDeck) {
    throw new UploadError(`The file holds ${plan.cards.length} cards; a deck holds at most ${UPLOAD_LIMITS.cardsPerDeck}. Split it into several decks.`);
  }
  return plan;
}

function decodeText(bytes: Uint8Array, fileName: string): string {
  const notText = `"${fileName.slice(0, 60)}" is not a text file, whatever its name says. Attach the CSV, text or YAML export itself (or rename an Anki package to .apkg).`;
  if (bytes.includes(0)) throw new UploadError(notText);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UploadError(notText);
  }
}

function planDelimited(format: 'csv' | 'tsv' | 'text', text: string, handle: string, existing: ReadonlyMap<string, ExistingCard>): UploadPlan {
  const parsed = parseExport(text, format === 'csv' ? { separator: ',' } : format === 'tsv' ? { separator: '\t' } : {});
  const withHeader = applyHeader(parsed);
  const { cards, skipped } = planImport(withHeader, handle, existing);
    // Sound references are always dropped; images only when the export says its fields are HTML.
  const media = parsed.html ? MEDIA : /\[sound:[^\]]*\]/gi;
  const mediaDropped = withHeader.rows.reduce((n, r) => n + r.fields.reduce((m, f) => m + (f.match(media)?.length ?? 0), 0), 0);
  return {
    format,
    unit: 'line',
    cards: cards.map((c) => ({ id: c.id, question: c.question, answer: c.answer, explanation: c.explanation ?? null, choices: [] })),
    skipped,
    mediaDropped,
  };
}

/** A first row naming its columns (question/front, answer/back, explanation/extra) is a header: its columns are used in that order. */
function applyHeader(parsed: ParsedExport): ParsedExport {
  const [first, ...rest] = parsed.rows;
  if (!first) return parsed;
  const roles = first.fields.map((f) => HEADER_NAMES[f.trim().toLowerCase()]);
  const q = roles.indexOf('question');
  const a = roles.indexOf('answer');
  if (q === -1 || a === -1) return parsed;
  const e = roles.indexOf('explanation');
  const order = e === -1 ? [q, a] : [q, a, e];
  return {
    ...parsed,
    fieldColumns: () => order.map((_, i) => i),
    rows: rest.map((row) => ({ ...row, fields: order.map((i) => row.fields[i] ?? '') })),
  };
}

function planYaml(fileName: string, text: string, existing: ReadonlyMap<string, ExistingCard>): UploadPlan {
  const parsed = parseDeckFile(fileName, text);
  const problem = parsed.problems[0];
  if (problem || !parsed.deck) {
    const more = parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more)` : '';
    throw new UploadError(`${fileName.slice(0, 60)} line ${problem?.line ?? 1}: ${problem?.message ?? 'not a deck'}${more}. Fix it (see decks/README.md) and import again.`);
  }
  const skipped: SkippedRow[] = [];
  const cards: PlannedCard[] = [];
  for (const card of parsed.deck.cards) {
    const line = parsed.cardLines.get(card.id) ?? 0;
    const owner = existing.get(card.id);
    if (owner) {
      skipped.push({ line, reason: `card "${card.id}" is already in the deck` });
      continue;
    }
    cards.push({ id: card.id, question: card.question, answer: card.answer, explanation: card.explanation ?? null, choices: [...card.choices] });
  }
  return { format: 'yaml', unit: 'line', cards, skipped, mediaDropped: 0, title: parsed.deck.title, description: parsed.deck.description };
}
