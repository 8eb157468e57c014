import { createRequire } from 'node:module';
import { Decompress } from 'fzstd';
import { unzipSync } from 'fflate';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { htmlToText } from '../import.js';
import { UPLOAD_LIMITS } from './limits.js';
import { concatBytes } from './bytes.js';
import { UploadError } from './errors.js';

/** One card an Anki package yields, before validation: `note` is the note's 1-based position. */
export interface ApkgCard {
  note: number;
  question: string;
  answer: string;
  explanation?: string;
}

export interface ApkgContent {
  cards: ApkgCard[];
  /** Media references (images, sounds, videos) dropped from the fields. */
  mediaDropped: number;
  /** Notes that gave no card, with why. */
  skipped: { note: number; reason: string }[];
}

/** Newest first: a current Anki export also holds a legacy collection that only says "please update". */
const COLLECTIONS = ['collection.anki21b', 'collection.anki21', 'collection.anki2'] as const;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const FIELD_SEPARATOR = '\x1f';
const CLOZE = /\{\{c(\d+)::([\s\S]*?)(?:::([\s\S]*?))?\}\}/g;
const MEDIA = /<img\b[^>]*>|<audio\b[^>]*>|<video\b[^>]*>|\[sound:[^\]]*\]/gi;

let sqlJs: Promise<SqlJsStatic> | undefined;

function loadSqlJs(): Promise<SqlJsStatic> {
  const require = createRequire(import.meta.url);
  sqlJs ??= initSqlJs({ locateFile: () => require.resolve('sql.js/dist/sql-wasm.wasm') });
  return sqlJs;
}

/** Reads an Anki package: its newest collection's notes as cards (basic, reversed, cloze). */
export async function readApkg(bytes: Uint8Array): Promise<ApkgContent> {
  if (!startsWith(bytes, ZIP_MAGIC)) {
    throw new UploadError('This file is not an Anki package (an .apkg is a zip file). Export the deck again from Anki with File → Export → Anki Deck Package.');
  }
  const collection = unzipCollection(bytes);
  const sqlite = collection.name === 'collection.anki21b' ? unzstd(collection.data) : collection.data;
  const SQL = await loadSqlJs();
  let db;
  try {
    db = new SQL.Database(sqlite);
    return cardsOf(db.exec('select n.id, n.flds, c.ord from cards c join notes n on n.id = c.nid order by n.id, c.ord')[0]?.values ?? []);
  } catch (error) {
    if (error instanceof UploadError) throw error;
    throw new UploadError(`The Anki collection inside this package cannot be read (${error instanceof Error ? error.message.slice(0, 80) : 'unknown error'}). Export it again from Anki.`);
  } finally {
    db?.close();
  }
}

function unzipCollection(bytes: Uint8Array): { name: string; data: Uint8Array } {
  let tooLarge: { name: string; size: number } | undefined;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (!(COLLECTIONS as readonly string[]).includes(file.name)) return false;
        // The declared size bounds what fflate writes, so a lying header yields a short file, never a huge one.
        if (file.originalSize > UPLOAD_LIMITS.collectionBytes) {
          tooLarge = { name: file.name, size: file.originalSize };
          return false;
        }
        return true;
      },
    });
  } catch (error) {
    throw new UploadError(`This .apkg is not a readable zip file (${error instanceof Error ? error.message.slice(0, 60) : 'unknown error'}). Export the deck again from Anki.`);
  }
  for (const name of COLLECTIONS) {
    const data = files[name];
    if (data) return { name, data };
  }
  if (tooLarge) {
    throw new UploadError(
      `The collection in this package unpacks to ${megabytes(tooLarge.size)}; at most ${megabytes(UPLOAD_LIMITS.collectionBytes)} can be imported. Export only the deck you need, without media.`,
    );
  }
  throw new UploadError('This zip holds no Anki collection (collection.anki21b, .anki21 or .anki2). Export the deck from Anki with File → Export → Anki Deck Package.');
}

/** zstd, stopped as soon as the output passes the collection limit (a zstd bomb never fills memory). */
function unzstd(data: Uint8Array): Uint8Array {
  if (!startsWith(data, ZSTD_MAGIC)) return data;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new Decompress((chunk) => {
    total += chunk.length;
    if (total > UPLOAD_LIMITS.collectionBytes) {
      throw new UploadError(`The collection in this package unpacks to more than ${megabytes(UPLOAD_LIMITS.collectionBytes)}. Export only the deck you need, without media.`);
    }
    chunks.push(chunk);
  });
  const STEP = 64 * 1024;
  try {
    for (let i = 0; i < data.length; i += STEP) stream.push(data.subarray(i, i + STEP), i + STEP >= data.length);
  } catch (error) {
    if (error instanceof UploadError) throw error;
    throw new UploadError('The compressed collection in this package is damaged. Export the deck again from Anki.');
  }
  return concatBytes(chunks);
}

type Row = unknown[];

function cardsOf(rows: Row[]): ApkgContent {
  const cards: ApkgCard[] = [];
  const skipped: ApkgContent['skipped'] = [];
  let mediaDropped = 0;
  let note = 0;
  let lastNoteId: unknown;
  let fields: string[] = [];
  for (const [noteId, flds, ord] of rows) {
    if (noteId !== lastNoteId) {
      note++;
      lastNoteId = noteId;
      const raw = String(flds ?? '').split(FIELD_SEPARATOR);
      mediaDropped += raw.reduce((n, f) => n + (f.match(MEDIA)?.length ?? 0), 0);
      fields = raw;
    }
    const card = cardOf(fields, Number(ord));
    if ('reason' in card) skipped.push({ note, reason: card.reason });
    else cards.push({ note, ...card });
  }
  return { cards, skipped, mediaDropped };
}

/** One Anki card from its note's fields: `ord` is the card's template (0 front→back, 1 back→front), or its cloze number − 1. */
function cardOf(fields: string[], ord: number): Omit<ApkgCard, 'note'> | { reason: string } {
  const front = fields[0] ?? '';
  if (/\{\{c\d+::/.test(front)) {
    const n = ord + 1;
    const deleted: string[] = [];
    const question = front.replace(CLOZE, (_m, index: string, text: string, hint: string | undefined) => {
      if (Number(index) !== n) return text;
      deleted.push(htmlToText(text));
      return hint ? `[${hint.trim()}]` : '[…]';
    });
    if (deleted.length === 0) return { reason: `cloze ${n} is not in the note's text` };
    const extra = htmlToText(fields.slice(1).join('\n'));
    return { question: htmlToText(question), answer: [...new Set(deleted)].join('; '), ...(extra ? { explanation: extra } : {}) };
  }
  const [q, a] = ord === 0 ? [fields[0], fields[1]] : ord === 1 ? [fields[1], fields[0]] : [undefined, undefined];
  if (q === undefined || a === undefined) return { reason: `card type ${ord + 1} of this note type is not supported (only front→back and back→front)` };
  const extra = htmlToText(fields.slice(2).join('\n'));
  return { question: htmlToText(q), answer: htmlToText(a), ...(extra ? { explanation: extra } : {}) };
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

export function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}
