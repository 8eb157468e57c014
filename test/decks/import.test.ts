import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  appendToDeckSource,
  cardIdFor,
  htmlToText,
  ImportError,
  importExportFile,
  newDeckSource,
  parseExport,
  planImport,
  questionHash,
  splitRecords,
  tidyWhitespace,
} from '../../src/decks/import.js';
import { parseDeckFile } from '../../src/decks/loader.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/import');
const fixture = (name: string) => path.join(FIXTURES, name);
const CARD_ID = /^[a-z0-9][a-z0-9-]{1,63}$/;

const EXISTING_DECK = `# Deep-learning basics, written by hand.
id: basics
title: Basics
description: Hand-written cards.
cards:
  # --- Activations ---
  - id: basics-relu
    question: What does ReLU output for a negative input?
    answer: Zero
    choices: [One, The input, Minus one]  # keep this flow list

  - id: basics-sigmoid-range
    question: What is the range of the sigmoid function?
    answer: (0, 1)
`;

describe('reading exports', () => {
  test('GIVEN a real-shaped Anki export THEN headers are honoured, HTML becomes text and bad rows are skipped with their line', async () => {
    const parsed = parseExport(await readFile(fixture('anki-notes.txt'), 'utf8'));
    expect(parsed).toMatchObject({ separator: '\t', html: true });
    const { cards, skipped } = planImport(parsed, 'dl');
    expect(cards.map((c) => [c.line, c.id, c.question, c.answer, c.explanation])).toEqual([
      [4, 'dl-relu-output-negative-input', 'What does ReLU output for a negative input?', 'Zero', undefined],
      [5, 'dl-normalise-inputs-before-gradient-descent', 'Why do we normalise inputs before gradient descent?', 'Features on similar scales\ngive a rounder loss surface. Line two with a tab', undefined],
      [7, 'dl-operator-mean-python-sets', 'What does the & operator mean in Python sets?', "Intersection <> union\n'and' ☺ ok", undefined],
      [9, 'dl-capital-france', 'What is the capital of France?', 'Paris', undefined],
      [11, 'dl-randomly-zeroes-activations-during-training', '[…] randomly zeroes activations during training.', 'Dropout', 'A regulariser.'],
    ]);
    expect(skipped).toEqual([
      { line: 8, reason: 'the answer (back) is empty' },
      { line: 10, reason: 'the question is 6 characters; at least 10 are needed' },
    ]);
  });

  test('GIVEN an Anki export with guid, notetype and deck columns THEN front and back come from the note fields', async () => {
    const { cards } = planImport(parseExport(await readFile(fixture('anki-guid.txt'), 'utf8')), 'dl');
    expect(cards.map((c) => [c.line, c.question, c.answer])).toEqual([
      [7, 'What does SGD stand for?', 'Stochastic gradient descent'],
      [8, 'What is an epoch in training?', 'One full pass over the training set'],
    ]);
  });

  test.each([
    { file: 'quizlet.csv', separator: ',', lines: [1, 2, 3, 6], skipped: [5] },
    { file: 'quizlet-tab.txt', separator: '\t', lines: [1, 2, 3], skipped: [] },
  ])('GIVEN a real-shaped unquoted Quizlet export ($file) THEN the separator is detected and every row with a term and a definition is a card', async ({ file, separator, lines, skipped }) => {
    const parsed = parseExport(await readFile(fixture(file), 'utf8'));
    expect(parsed).toMatchObject({ separator, html: false });
    const plan = planImport(parsed, 'bio');
    expect(plan.cards.map((c) => c.line)).toEqual(lines);
    expect(plan.skipped.map((s) => s.line)).toEqual(skipped);
    expect(plan.cards.every((c) => CARD_ID.test(c.id) && c.id.startsWith('bio-'))).toBe(true);
  });

  test.each([
    { kind: 'a quoted separator', body: '"a, b",c\n', sep: ',', rows: [[1, ['a, b', 'c']]] },
    { kind: 'an embedded newline and tab', body: '"one\n\ttwo"\tx\nnext\ty\n', sep: '\t', rows: [[1, ['one\n\ttwo', 'x']], [3, ['next', 'y']]] },
    { kind: 'doubled quotes', body: '"say ""hi""",ok\n', sep: ',', rows: [[1, ['say "hi"', 'ok']]] },
    { kind: 'quotes inside an unquoted field', body: 'say "hi",ok\n', sep: ',', rows: [[1, ['say "hi"', 'ok']]] },
    { kind: 'CRLF line ends and blank lines', body: 'a,b\r\n\r\nc,d\r\n', sep: ',', rows: [[1, ['a', 'b']], [3, ['c', 'd']]] },
    { kind: 'no final newline', body: 'a;b', sep: ';', rows: [[1, ['a', 'b']]] },
    { kind: 'a multi-character separator', body: 'term - definition - more\n', sep: ' - ', rows: [[1, ['term', 'definition', 'more']]] },
  ])('GIVEN $kind THEN the records split as a CSV reader would', ({ body, sep, rows }) => {
    expect(splitRecords(body, sep).map((r) => [r.line, r.fields])).toEqual(rows);
  });

  test('GIVEN a quote that never closes THEN that row is reported at the line it starts', () => {
    const rows = splitRecords('a,b\nc,"d\ne,f\n', ',');
    expect(rows.map((r) => [r.line, r.problem ?? null])).toEqual([
      [1, null],
      [2, expect.stringContaining('opened on line 2 never closes')],
    ]);
  });

  test.each([
    ['#separator:Semicolon', ';'],
    ['#separator:pipe', '|'],
    ['#separator:Comma', ','],
    ['#separator:space', ' '],
    ['#separator:#', '#'],
  ])('GIVEN the header %s THEN rows split on %j', (header, separator) => {
    const parsed = parseExport(`${header}\n#notetype:Basic\n"What is the question here?"${separator}"The answer"\n`);
    expect(parsed.separator).toBe(separator);
    expect(parsed.rows.map((r) => [r.line, r.fields.length])).toEqual([[3, 2]]);
  });

  test.each([
    ['one<br>two<br/>three<br />four', 'one\ntwo\nthree\nfour'],
    ['<div>first</div><div>second</div>', 'first\nsecond'],
    ['<p>para</p><p>graph</p>', 'para\ngraph'],
    ['a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;&nbsp;f', 'a & b <c> "d" \'e\' f'],
    ['&#955; and &#x3BB; and &unknown;', 'λ and λ and &unknown;'],
    ['<b>bold</b>  and\n<i>spaced</i>', 'bold and spaced'],
    ['Paris <img src="paris.jpg"> [sound:paris.mp3]', 'Paris'],
    ['x &lt;b&gt; y', 'x <b> y'],
  ])('GIVEN the HTML %j THEN the text is %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe('card ids', () => {
  test('GIVEN the same question THEN the id is the same on every run and reads like the question', () => {
    const question = 'Why does a convolutional layer need far fewer parameters than a dense layer?';
    expect(cardIdFor('cnn', question)).toBe('cnn-convolutional-layer-need-far-fewer-parameters');
    expect(cardIdFor('cnn', question)).toBe(cardIdFor('cnn', `  ${question.toUpperCase()} `));
  });

  test('GIVEN any question and deck id THEN the id is a valid card id starting with the deck id', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,31}$/), fc.string({ maxLength: 500 }), (deckId, question) => {
        const id = cardIdFor(deckId, question);
        expect(id).toMatch(CARD_ID);
        expect(id.startsWith(`${deckId}-`)).toBe(true);
      }),
    );
  });

  test('GIVEN two different questions of one file that slug alike THEN the later gets a stable hash suffix, even once the first exists', () => {
    const q32 = 'What is the output size of a 3x3 convolution with stride 1 on a 32x32 input?';
    const q64 = 'What is the output size of a 3x3 convolution with stride 1 on a 64x64 input?';
    const parsed = parseExport(`${q32}\t30x30\n${q64}\t62x62\n`);
    const base = 'cnn-output-size-3x3-convolution-stride-1';
    expect(cardIdFor('cnn', q64)).toBe(base);
    const first = planImport(parsed, 'cnn').cards.map((c) => c.id);
    expect(first).toEqual([base, `${base}-${questionHash(q64)}`]);
    expect(first[1]).toMatch(/-[0-9a-f]{6}$/);
    const rerun = planImport(parsed, 'cnn', new Map([[base, { file: 'cnn.yaml', line: 3, question: q32 }]]));
    expect(rerun.cards.map((c) => c.id)).toEqual([first[1]]);
  });
});

describe('importing into DECKS_DIR', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'decks-import-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('GIVEN a new deck id THEN a deck file is written that the loader accepts, with the title and file name', async () => {
    const result = await importExportFile({ decksDir: dir, file: fixture('anki-notes.txt'), deckId: 'dl', title: 'Deep learning' });
    expect(result).toMatchObject({ createdDeck: true, path: path.join(dir, 'dl.yaml') });
    expect(result.imported).toHaveLength(5);
    const { deck, problems } = parseDeckFile(result.path, await readFile(result.path, 'utf8'));
    expect(problems).toEqual([]);
    expect(deck).toMatchObject({ id: 'dl', title: 'Deep learning', description: 'Imported from anki-notes.txt' });
    expect(deck?.cards.map((c) => [c.id, c.question, c.answer, c.explanation, c.choices])).toEqual(
      result.imported.map((c) => [c.id, c.question, c.answer, c.explanation, []]),
    );
  });

  test('GIVEN no --title THEN the title is the deck id capitalised', async () => {
    const result = await importExportFile({ decksDir: dir, file: fixture('quizlet.csv'), deckId: 'cell-biology' });
    const { deck } = parseDeckFile(result.path, await readFile(result.path, 'utf8'));
    expect(deck?.title).toBe('Cell biology');
  });

  test('GIVEN the same export imported twice into fresh folders THEN the ids are the same', async () => {
    const first = await importExportFile({ decksDir: dir, file: fixture('anki-notes.txt'), deckId: 'dl' });
    const other = await mkdtemp(path.join(tmpdir(), 'decks-import-'));
    try {
      const second = await importExportFile({ decksDir: other, file: fixture('anki-notes.txt'), deckId: 'dl' });
      expect(second.imported.map((c) => c.id)).toEqual(first.imported.map((c) => c.id));
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  test('GIVEN the same export imported again into the same folder THEN nothing is imported, the file is unchanged and every row says why', async () => {
    const first = await importExportFile({ decksDir: dir, file: fixture('quizlet.csv'), deckId: 'bio' });
    const written = await readFile(first.path, 'utf8');
    const again = await importExportFile({ decksDir: dir, file: fixture('quizlet.csv'), deckId: 'bio' });
    expect(again.imported).toEqual([]);
    expect(again.skipped.map((s) => [s.line, s.reason.replace(/ in .*:\d+/, '')])).toEqual([
      [1, 'id "bio-mitochondria" already exists (same question, imported before)'],
      [2, 'id "bio-function-ribosomes" already exists (same question, imported before)'],
      [3, 'id "bio-photosynthesis-takes-place" already exists (same question, imported before)'],
      [5, 'the answer (back) is empty'],
      [6, 'id "bio-dna-stand" already exists (same question, imported before)'],
    ]);
    expect(await readFile(first.path, 'utf8')).toBe(written);
  });

  test('GIVEN an id or a question that another deck already has THEN those rows are skipped naming that deck and nothing is overwritten', async () => {
    const other = `id: other\ntitle: Other\ndescription: Another deck.\ncards:\n  - id: bio-mitochondria\n    question: Which organelle makes ATP?\n    answer: The mitochondrion\n  - id: other-dna\n    question: What does DNA stand for?\n    answer: Deoxyribonucleic acid\n`;
    await writeFile(path.join(dir, 'other.yaml'), other);
    const result = await importExportFile({ decksDir: dir, file: fixture('quizlet.csv'), deckId: 'bio' });
    const otherFile = path.join(dir, 'other.yaml');
    expect(result.skipped).toEqual([
      { line: 1, reason: `id "bio-mitochondria" already exists in ${otherFile}:5 (a different question; reword this one or add it by hand)` },
      { line: 5, reason: 'the answer (back) is empty' },
      { line: 6, reason: `the same question is already card "other-dna" in ${otherFile}:8` },
    ]);
    expect(result.imported.map((c) => c.id)).toEqual(['bio-function-ribosomes', 'bio-photosynthesis-takes-place']);
    expect(await readFile(otherFile, 'utf8')).toBe(other);
  });

  test('GIVEN an existing deck in a file named otherwise THEN the cards are appended to it, keeping its cards and comments', async () => {
    const file = path.join(dir, 'hand-written.yaml');
    await writeFile(file, EXISTING_DECK);
    const result = await importExportFile({ decksDir: dir, file: fixture('quizlet-tab.txt'), deckId: 'basics', title: 'ignored' });
    expect(result).toMatchObject({ path: file, createdDeck: false, notes: [expect.stringContaining('--title ignored')] });
    const after = await readFile(file, 'utf8');
    expect(after.startsWith(EXISTING_DECK)).toBe(true);
    expect(after).toContain('\n  # Imported from quizlet-tab.txt\n  - id: basics-define-entropy-information-theory\n');
    const { deck, problems } = parseDeckFile(file, after);
    expect(problems).toEqual([]);
    expect(deck?.title).toBe('Basics');
    expect(deck?.cards.map((c) => c.id)).toEqual([
      'basics-relu',
      'basics-sigmoid-range',
      'basics-define-entropy-information-theory',
      'basics-define-cross-entropy-loss',
      'basics-define-kl-divergence',
    ]);
    expect(deck?.cards[0]?.choices).toEqual(['One', 'The input', 'Minus one']);
  });

  test('GIVEN a deck whose cards list is not the last key THEN the new cards still land in that list', () => {
    const source = `id: basics\ntitle: Basics\ndescription: D.\ncards:\n  - id: basics-one\n    question: What is one plus one?\n    answer: Two\n# colour chosen by design\ncolor: "#112233"\n`;
    const out = appendToDeckSource(source, [{ line: 1, id: 'basics-two', question: 'What is two plus two?', answer: 'Four' }], 'x.txt');
    const { deck, problems } = parseDeckFile('basics.yaml', out);
    expect(problems).toEqual([]);
    expect(deck?.cards.map((c) => c.id)).toEqual(['basics-one', 'basics-two']);
    expect(deck?.color).toBe(0x112233);
    expect(out).toContain('# colour chosen by design\ncolor: "#112233"\n');
  });

  test.each([
    { kind: 'a missing file', file: 'nope.txt', deckId: 'dl', message: /nope\.txt does not exist/ },
    { kind: 'an invalid deck id', file: 'quizlet.csv', deckId: 'Bad Id', message: /"Bad Id" is not a valid deck id/ },
  ])('GIVEN $kind THEN the import fails with a clear message', async ({ file, deckId, message }) => {
    const run = importExportFile({ decksDir: dir, file: fixture(file), deckId });
    await expect(run).rejects.toBeInstanceOf(ImportError);
    await expect(run).rejects.toThrow(message);
  });

  test('GIVEN an export where every row is bad THEN nothing is imported and no file is written', async () => {
    const bad = path.join(dir, 'bad.txt');
    await writeFile(bad, 'Short?\tYes\nno back at all here\n');
    const result = await importExportFile({ decksDir: dir, file: bad, deckId: 'dl' });
    expect(result.imported).toEqual([]);
    expect(result.skipped.map((s) => s.line)).toEqual([1, 2]);
    await expect(readFile(path.join(dir, 'dl.yaml'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('writing cards', () => {
  const text = (min: number, max: number) =>
    fc
      .string({ unit: fc.constantFrom('a', 'Z', '9', ' ', '\n', ':', '#', '-', '"', "'", '|', '>', '[', '{', '&', '*', '!', '%', '@', '`', 'é', '…', '\\'), maxLength: max * 2 })
      .map(tidyWhitespace)
      .filter((s) => s.length >= min && s.length <= max);

  test('GIVEN any card texts THEN the written deck reads back exactly the same texts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text(10, 500), text(1, 200), fc.option(text(1, 900), { nil: undefined })), { minLength: 1, maxLength: 5 }), (rows) => {
        const cards = rows.map(([question, answer, explanation], i) => ({ line: i + 1, id: `dl-card-${i}`, question, answer, ...(explanation ? { explanation } : {}) }));
        const { deck, problems } = parseDeckFile('dl.yaml', newDeckSource({ id: 'dl', title: 'T', description: 'D' }, cards, 'x.txt'));
        expect(problems).toEqual([]);
        expect(deck?.cards.map((c) => [c.question, c.answer, c.explanation])).toEqual(cards.map((c) => [c.question, c.answer, c.explanation]));
      }),
      { numRuns: 200 },
    );
  });
});
