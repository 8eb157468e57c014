import { zipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { parseDeckFile } from '../../src/decks/loader.js';
import { readApkg } from '../../src/decks/upload/apkg.js';
import { UploadError } from '../../src/decks/upload/errors.js';
import { deckToYaml } from '../../src/decks/upload/export.js';
import { UPLOAD_LIMITS } from '../../src/decks/upload/limits.js';
import { planUpload } from '../../src/decks/upload/plan.js';
import { basicNotes, buildApkg, buildCollection, REALISTIC_NOTES, type CollectionFormat } from '../support/anki-fixtures.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('/deck import formats', () => {
  test.each<CollectionFormat>(['anki2', 'anki21', 'anki21b'])(
    'GIVEN an .apkg with basic, reversed and cloze notes in collection.%s THEN each card comes out as text, one per cloze, media counted',
    async (format) => {
      const plan = await planUpload('ml.apkg', await buildApkg(REALISTIC_NOTES, format), 'ml-exam');
      const pairs = plan.cards.map((c) => [c.question, c.answer]);
      expect(pairs).toEqual([
        ['What does ReLU compute for a negative input?', 'Zero'],
        ['Which optimiser keeps per-parameter learning rates?', 'The Adam optimiser'],
        ['The Adam optimiser', 'Which optimiser keeps per-parameter learning rates?'],
        ['A […] slides a filter over the image.', 'convolution'],
        ['A convolution slides a [small matrix] over the image.', 'filter'],
        ['What does "dropout" randomly remove during training?', 'Units\n(neurons)'],
      ]);
      expect(plan.cards[1]!.explanation).toBe('Adaptive moment estimation');
      expect(plan.cards[3]!.explanation).toBe('Back extra: weight sharing');
      expect(plan.mediaDropped).toBe(2);
      expect(plan.unit).toBe('note');
      expect(new Set(plan.cards.map((c) => c.id)).size).toBe(6);
    },
  );

  test('GIVEN an Anki plain-text export with # headers and HTML THEN the headers are honoured and HTML becomes text', async () => {
    const file = '#separator:tab\n#html:true\n#tags column:3\nWhat is a <i>tensor</i> in deep learning?\tA multi-dimensional array<br>of numbers\tml\nshort\tx\tml\n';
    const plan = await planUpload('notes.txt', text(file), 'tensors');
    expect(plan.cards).toEqual([{ id: expect.stringMatching(/^tensors-/), question: 'What is a tensor in deep learning?', answer: 'A multi-dimensional array\nof numbers', explanation: null, choices: [] }]);
    expect(plan.skipped).toEqual([{ line: 5, reason: 'the question is 5 characters; at least 10 are needed' }]);
  });

  test('GIVEN a Quizlet export (term TAB definition, one per line) THEN each line is a card', async () => {
    const plan = await planUpload('quizlet.txt', text('Gradient descent step direction\tAgainst the gradient\nWhat does "epoch" mean here?\tOne pass over the data\n'), 'quizlet-set');
    expect(plan.cards.map((c) => [c.question, c.answer])).toEqual([
      ['Gradient descent step direction', 'Against the gradient'],
      ['What does "epoch" mean here?', 'One pass over the data'],
    ]);
  });

  test('GIVEN a CSV with a header row in another order and quoted newlines THEN columns follow the header and the newline stays', async () => {
    const csv = 'Back,Front,Extra\n"Two lines,\nwith a comma","What does this quoted answer hold?","see ""notes"""\nAnswer two,Second question of the file,\n';
    const plan = await planUpload('cards.csv', text(csv), 'csv-deck');
    expect(plan.cards.map((c) => [c.question, c.answer, c.explanation])).toEqual([
      ['What does this quoted answer hold?', 'Two lines,\nwith a comma', 'see "notes"'],
      ['Second question of the file', 'Answer two', null],
    ]);
  });

  test('GIVEN a CSV without a header THEN the columns are question, answer, explanation', async () => {
    const plan = await planUpload('cards.csv', text('What is the derivative of x squared?,2x,power rule\n'), 'calc');
    expect(plan.cards.map((c) => [c.question, c.answer, c.explanation])).toEqual([['What is the derivative of x squared?', '2x', 'power rule']]);
  });

  test('GIVEN an exported deck THEN deepcards YAML reads it back: ids, texts and choices survive the round trip', async () => {
    const deck = {
      id: '1/ml-exam',
      handle: 'ml-exam',
      title: 'ML exam',
      description: 'Course cards',
      color: 0,
      cards: [
        { id: '1/ml-exam/ml-exam-relu', deckId: '1/ml-exam', question: 'What does ReLU output for -3?', answer: '0', explanation: 'max(0, x)\non two lines', choices: ['-3', '3', '1'], position: 1 },
        { id: '1/ml-exam/ml-exam-adam', deckId: '1/ml-exam', question: 'Which optimiser is adaptive?', answer: 'Adam', explanation: undefined, choices: [], position: 2 },
      ],
    };
    const yaml = deckToYaml(deck, (id) => id.split('/').pop()!);
    const loaded = parseDeckFile('ml-exam.yaml', yaml);
    expect(loaded.problems).toEqual([]);
    expect(loaded.deck?.cards.map((c) => [c.id, c.question, c.answer, c.explanation, c.choices])).toEqual([
      ['ml-exam-relu', 'What does ReLU output for -3?', '0', 'max(0, x)\non two lines', ['-3', '3', '1']],
      ['ml-exam-adam', 'Which optimiser is adaptive?', 'Adam', undefined, []],
    ]);
    const again = await planUpload('ml-exam.yaml', text(yaml), 'ml-exam');
    expect(again.cards.map((c) => c.id)).toEqual(['ml-exam-relu', 'ml-exam-adam']);
    expect(again.title).toBe('ML exam');
  });
});

describe('/deck import refuses hostile files in one line', () => {
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UploadError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  };

  test('GIVEN a zip bomb (a collection whose header says it unpacks past the limit) THEN it is refused without unpacking it', async () => {
    const bomb = zipSync({ 'collection.anki21': new Uint8Array(1024 * 1024) }, { level: 9 });
    // What a real bomb's headers say: the entry unpacks to 200 MB (local header offset 22, central directory offset 24).
    const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
    const central = bomb.findIndex((_, i) => view.getUint32(i, true) === 0x02014b50);
    view.setUint32(22, 200 * 1024 * 1024, true);
    view.setUint32(central + 24, 200 * 1024 * 1024, true);
    expect(await refusal(readApkg(bomb))).toMatch(/^The collection in this package unpacks to 200 MB; at most 150 MB can be imported\./);
  });

  test('GIVEN a zstd collection that unpacks past the limit THEN decoding stops at the limit', async () => {
    expect(await refusal(readApkg(zipSync({ 'collection.anki21b': zstdZeros(160 * 1024 * 1024) })))).toMatch(/unpacks to more than 150 MB/);
  });

  test('GIVEN more cards than a deck may hold THEN the import is refused with the count', async () => {
    const apkg = zipSync({ 'collection.anki21': await buildCollection(basicNotes(UPLOAD_LIMITS.cardsPerDeck + 1)) });
    expect(await refusal(planUpload('big.apkg', apkg, 'big'))).toBe(`The file holds 5001 cards; a deck holds at most 5000. Split it into several decks.`);
  });

  test.each([
    ['not-a-zip.apkg', text('question,answer\n'), /not an Anki package/],
    ['photo.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), /not a text file/],
    ['deck.pdf', text('%PDF'), /not a format \/deck import reads/],
    ['empty.zip.apkg', zipSync({ 'readme.txt': text('hi') }), /holds no Anki collection/],
  ])('GIVEN %s, which is not what its name says THEN it is refused', async (name, bytes, message) => {
    expect(await refusal(planUpload(name, bytes, 'deck'))).toMatch(message);
  });

  test('GIVEN SQL and mentions in fields THEN they are kept as plain text', async () => {
    const plan = await planUpload(
      'evil.csv',
      text(`"Robert'); DROP TABLE server_cards;-- what is this?",<@123> @everyone\n`),
      'evil',
    );
    expect(plan.cards.map((c) => [c.question, c.answer])).toEqual([["Robert'); DROP TABLE server_cards;-- what is this?", '<@123> @everyone']]);
  });

  test('GIVEN an over-long field THEN that row is skipped with its line and the limit', async () => {
    const plan = await planUpload('long.csv', text(`What is a fine question here?,ok\nAnother fine question here?,${'a'.repeat(201)}\n`), 'long');
    expect(plan.cards).toHaveLength(1);
    expect(plan.skipped).toEqual([{ line: 2, reason: 'the answer is 201 characters; at most 200 are allowed (move the detail to the third column)' }]);
  });

  test('GIVEN a text file over 5 MB THEN it is refused', async () => {
    expect(await refusal(planUpload('big.csv', new Uint8Array(UPLOAD_LIMITS.textBytes + 1).fill(65), 'big'))).toMatch(/at most 5 MB/);
  });
});

/**
 * A zstd frame (RFC 8878) that unpacks to `bytes` zeros, written block by block: a 128 KiB window and
 * run-length blocks of 128 KiB, 4 bytes each, so 160 MB take 5 KB. Built by hand rather than by an
 * encoder, whose WebAssembly memory a large input can overrun once other tests have used it.
 */
function zstdZeros(bytes: number): Uint8Array {
  const BLOCK = 128 * 1024;
  const blocks = Math.ceil(bytes / BLOCK);
  const out = new Uint8Array(6 + blocks * 4);
  out.set([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3]); // magic; no content size, no checksum; window 2^(10+7)
  for (let b = 0; b < blocks; b++) {
    const size = Math.min(BLOCK, bytes - b * BLOCK);
    const header = (size << 3) | (1 << 1) | (b === blocks - 1 ? 1 : 0); // RLE block; the last one ends the frame
    out.set([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x00], 6 + b * 4);
  }
  return out;
}
