import { zipSync } from 'fflate';
import { createRequire } from 'node:module';
import initSqlJs from 'sql.js';
import { compress, init as initZstd } from '@bokuweb/zstd-wasm';

/** A note of the test collection: a model kind, its fields (Anki separates them with \x1f) and its cards' ords. */
export interface FixtureNote {
  fields: string[];
  /** Card templates (0 = front→back, 1 = back→front) or cloze numbers − 1. */
  ords: number[];
}

export type CollectionFormat = 'anki2' | 'anki21' | 'anki21b';

/** Basic, reversed and cloze notes with HTML and media, as Anki stores them. */
export const REALISTIC_NOTES: FixtureNote[] = [
  { fields: ['What does <b>ReLU</b> compute for a negative input?', 'Zero<br><img src="relu.png">'], ords: [0] },
  { fields: ['Which optimiser keeps per-parameter learning rates?', 'The Adam optimiser [sound:adam.mp3]', 'Adaptive moment estimation'], ords: [0, 1] },
  { fields: ['A {{c1::convolution}} slides a {{c2::filter::small matrix}} over the image.', 'Back extra: weight sharing'], ords: [0, 1] },
  { fields: ['What does &quot;dropout&quot; randomly remove during training?', 'Units<div>(neurons)</div>'], ords: [0] },
];

const require = createRequire(import.meta.url);

/** An Anki collection written with sql.js: the tables and columns the importer reads (notes, cards), plus col. */
export async function buildCollection(notes: readonly FixtureNote[]): Promise<Uint8Array> {
  const SQL = await initSqlJs({ locateFile: () => require.resolve('sql.js/dist/sql-wasm.wasm') });
  const db = new SQL.Database();
  db.run(`create table col (id integer primary key, crt integer, mod integer, scm integer, ver integer, dty integer, usn integer, ls integer, conf text, models text, decks text, dconf text, tags text);
    create table notes (id integer primary key, guid text, mid integer, mod integer, usn integer, tags text, flds text, sfld text, csum integer, flags integer, data text);
    create table cards (id integer primary key, nid integer, did integer, ord integer, mod integer, usn integer, type integer, queue integer, due integer, ivl integer, factor integer, reps integer, lapses integer, left integer, odue integer, odid integer, flags integer, data text);`);
  db.run(`insert into col values (1, 0, 0, 0, 11, 0, 0, 0, '{}', '{}', '{}', '{}', '{}')`);
  let cardId = 1;
  notes.forEach((note, i) => {
    const noteId = 1_700_000_000_000 + i;
    db.run('insert into notes values (?, ?, 1, 0, 0, ?, ?, ?, 0, 0, ?)', [noteId, `g${i}`, '', note.fields.join('\x1f'), note.fields[0] ?? '', '']);
    for (const ord of note.ords) db.run('insert into cards values (?, ?, 1, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?)', [cardId++, noteId, ord, '']);
  });
  const bytes = db.export();
  db.close();
  return bytes;
}

/** An .apkg (a zip) holding the collection in one of Anki's three formats, and a media file. */
export async function buildApkg(notes: readonly FixtureNote[], format: CollectionFormat = 'anki21'): Promise<Uint8Array> {
  let collection = await buildCollection(notes);
  if (format === 'anki21b') {
    await initZstd();
    collection = compress(collection, 3);
  }
  const files: Record<string, Uint8Array> = { [`collection.${format}`]: collection, media: new TextEncoder().encode('{"0": "relu.png"}'), '0': new Uint8Array(64) };
  // A current export also holds a legacy collection that only asks to update Anki.
  if (format !== 'anki2') files['collection.anki2'] = await buildCollection([{ fields: ['Please update to the latest Anki version', 'x'], ords: [0] }]);
  return zipSync(files);
}

/** `count` basic notes, for limits and the benchmark. */
export function basicNotes(count: number): FixtureNote[] {
  return Array.from({ length: count }, (_, i) => ({ fields: [`Question number ${i + 1}: what is ${i} plus ${i}?`, `${2 * i}`], ords: [0] }));
}
