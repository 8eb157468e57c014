import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { checkDecks, DeckValidationError, formatProblem, loadDecks, parseDeckFile } from '../../src/decks/loader.js';

const GOOD = `id: demo
title: Demo deck
description: A deck for tests.
cards:
  - id: demo-one
    question: What is one plus one?
    answer: Two
    explanation: Adding one to one gives two.
    choices: [Three, Four, Zero]
  - id: demo-two
    question: What colour is a clear daytime sky?
    answer: Blue
`;

const problems = (source: string) => parseDeckFile('decks/demo.yaml', source).problems;

describe('deck loader', () => {
  test('GIVEN a valid deck THEN its cards load with positions and a colour', () => {
    const { deck, problems: found } = parseDeckFile('decks/demo.yaml', GOOD);
    expect(found).toEqual([]);
    expect(deck?.id).toBe('demo');
    expect(deck?.cards.map((c) => [c.id, c.position, c.choices.length])).toEqual([
      ['demo-one', 1, 3],
      ['demo-two', 2, 0],
    ]);
    expect(typeof deck?.color).toBe('number');
  });

  test.each([
    {
      kind: 'YAML syntax error',
      source: GOOD.replace('answer: Two', 'answer: [Two'),
      line: 8,
      cardId: undefined,
      message: /YAML syntax/,
    },
    {
      kind: 'missing answer',
      source: GOOD.replace('    answer: Blue\n', ''),
      line: 10,
      cardId: 'demo-two',
      message: /answer: is required/,
    },
    {
      kind: 'answer too long',
      source: GOOD.replace('answer: Blue', `answer: ${'x'.repeat(201)}`),
      line: 12,
      cardId: 'demo-two',
      message: /answer: must be at most 200 characters/,
    },
    {
      kind: 'explanation too long',
      source: GOOD.replace('explanation: Adding one to one gives two.', `explanation: ${'y'.repeat(901)}`),
      line: 8,
      cardId: 'demo-one',
      message: /explanation: must be at most 900 characters/,
    },
    {
      kind: 'two choices instead of three',
      source: GOOD.replace('[Three, Four, Zero]', '[Three, Four]'),
      line: 9,
      cardId: 'demo-one',
      message: /exactly three wrong options/,
    },
    {
      kind: 'a choice equal to the answer',
      source: GOOD.replace('[Three, Four, Zero]', '[Three, two, Zero]'),
      line: 9,
      cardId: 'demo-one',
      message: /equals the answer/,
    },
    {
      kind: 'duplicate choices',
      source: GOOD.replace('[Three, Four, Zero]', '[Three, Three, Zero]'),
      line: 9,
      cardId: 'demo-one',
      message: /must differ/,
    },
    {
      kind: 'unknown key',
      source: GOOD.replace('explanation:', 'explaination:'),
      line: 5,
      cardId: 'demo-one',
      message: /unknown key "explaination"/,
    },
    {
      kind: 'bad card id',
      source: GOOD.replace('id: demo-two', 'id: Demo Two'),
      line: 10,
      cardId: 'Demo Two',
      message: /id: must be lowercase/,
    },
    {
      kind: 'duplicate card id',
      source: GOOD.replace('id: demo-two', 'id: demo-one'),
      line: 10,
      cardId: 'demo-one',
      message: /duplicate card id \(first at line 5\)/,
    },
    {
      kind: 'question too short',
      source: GOOD.replace('question: What is one plus one?', 'question: Sum?'),
      line: 6,
      cardId: 'demo-one',
      message: /question: must be at least 10 characters/,
    },
    {
      kind: 'bad deck id',
      source: GOOD.replace('id: demo\n', 'id: Demo!\n'),
      line: 1,
      cardId: undefined,
      message: /^id: must be lowercase/,
    },
    {
      kind: 'missing title',
      source: GOOD.replace('title: Demo deck\n', ''),
      line: 1,
      cardId: undefined,
      message: /title: is required/,
    },
  ])('GIVEN a deck with $kind THEN the problem names the file, line $line and card', ({ source, line, cardId, message }) => {
    const found = problems(source);
    expect(found.length).toBeGreaterThan(0);
    const problem = found[0]!;
    expect(problem.file).toBe('decks/demo.yaml');
    expect(problem.line).toBe(line);
    expect(problem.cardId).toBe(cardId);
    expect(problem.message).toMatch(message);
    expect(formatProblem(problem)).toContain(`decks/demo.yaml:${line}`);
  });

  test('GIVEN several broken cards THEN every problem is reported at once', () => {
    const source = GOOD.replace('answer: Two', `answer: ${'x'.repeat(300)}`).replace('    answer: Blue\n', '');
    expect(problems(source).map((p) => p.cardId)).toEqual(['demo-one', 'demo-two']);
  });
});

describe('deck folder', () => {
  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('GIVEN two files sharing a card id and a deck id THEN both collisions are reported and loading fails', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'decks-'));
    await writeFile(path.join(dir, 'a.yaml'), GOOD);
    await writeFile(path.join(dir, 'b.yaml'), GOOD.replace('id: demo\n', 'id: other\n').replace('id: demo-two', 'id: other-two'));
    await writeFile(path.join(dir, 'c.yaml'), GOOD.replace('id: demo-one', 'id: c-one').replace('id: demo-two', 'id: c-two'));
    await writeFile(path.join(dir, '_draft.yaml'), 'this: is ignored');
    const { problems: found } = await checkDecks(dir);
    expect(found.map((p) => [path.basename(p.file), p.line, p.cardId ?? null, p.message.split(' (')[0]])).toEqual([
      ['b.yaml', 5, 'demo-one', expect.stringContaining('card id already used in')],
      ['c.yaml', 1, null, expect.stringContaining('deck id "demo" is already used')],
    ]);
    await expect(loadDecks(dir)).rejects.toBeInstanceOf(DeckValidationError);
  });

  test('GIVEN two DECKS_DIR folders THEN their decks load together, and a card id reused across them is reported', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'decks-'));
    await mkdir(path.join(dir, 'shipped'));
    await mkdir(path.join(dir, 'ours'));
    await writeFile(path.join(dir, 'shipped', 'demo.yaml'), GOOD);
    await writeFile(path.join(dir, 'ours', 'bio.yaml'), GOOD.replace('id: demo\n', 'id: bio\n').replace('id: demo-one', 'id: bio-one').replace('id: demo-two', 'id: bio-two'));
    const both = await loadDecks([path.join(dir, 'shipped'), path.join(dir, 'ours')]);
    expect(both.map((d) => d.id)).toEqual(['demo', 'bio']);
    await writeFile(path.join(dir, 'ours', 'bio.yaml'), GOOD.replace('id: demo\n', 'id: bio\n').replace('id: demo-two', 'id: bio-two'));
    const { problems: found } = await checkDecks([path.join(dir, 'shipped'), path.join(dir, 'ours')]);
    expect(found.map((p) => [p.cardId, p.message.split(' in ')[0]])).toEqual([['demo-one', 'card id already used']]);
  });

  test('GIVEN a folder that does not exist THEN the problem says so', async () => {
    const { problems: found } = await checkDecks('/nonexistent/decks');
    expect(found[0]?.message).toMatch(/cannot read the decks folder \(DECKS_DIR\): the folder does not exist/);
  });
});
