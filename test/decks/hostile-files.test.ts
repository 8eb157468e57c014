import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { ImportError, importExportFile } from '../../src/decks/import.js';
import { MAX_CARDS_PER_DECK, MAX_DECK_FILE_BYTES, MAX_IMPORT_INPUT_BYTES } from '../../src/decks/limits.js';
import { checkDecks, formatProblem } from '../../src/decks/loader.js';
import { projectRoot } from '../../src/paths.js';

const ROOT = projectRoot();
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;

const laughs = (levels: number) => {
  const lines = ['id: bomb', 'title: Bomb', 'description: A billion laughs.', 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  lines.push(`cards: [*a${levels - 1}]`);
  return `${lines.join('\n')}\n`;
};

const card = (i: number) => `  - id: card-${i}\n    question: What is question number ${i}?\n    answer: Answer ${i}\n`;
const deckSource = (cards: number) => `id: big\ntitle: Big\ndescription: Many cards.\ncards:\n${Array.from({ length: cards }, (_, i) => card(i)).join('')}`;

describe('hostile and huge deck files', () => {
  const temps: string[] = [];
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'deepcards-decks-'));
    temps.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    { name: 'a YAML alias bomb (9 levels of 9 aliases)', source: laughs(9), message: /bomb\.yaml:\d+: YAML aliases \(\*name\) expand to too much/ },
    { name: '100,000 nested brackets', source: `id: deep\ncards: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, message: /bomb\.yaml:2: YAML nested more than 64 brackets deep/ },
    { name: '3,000 levels of nested mappings', source: `id: deep\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')}\n`, message: /bomb\.yaml:\d+: YAML (nested too deep|syntax)/ },
  ])('GIVEN $name THEN checking the decks gives one file:line problem and does not throw', async ({ source, message }) => {
    const dir = folder({ 'bomb.yaml': source });
    const { problems } = await checkDecks(dir);
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(formatProblem(problems[0]!)).toMatch(message);
  });

  test('GIVEN a deck file over 5 MB THEN it is refused by its size with one line', async () => {
    const dir = folder({ 'huge.yaml': `id: huge\n# ${'x'.repeat(MAX_DECK_FILE_BYTES)}\n` });
    const { problems } = await checkDecks(dir);
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(/huge\.yaml:1: the file is 5(\.0)? MB; a deck file is at most 5 MB/)]);
  });

  test('GIVEN a deck of 5,001 cards THEN it is refused; 5,000 load', async () => {
    const over = await checkDecks(folder({ 'big.yaml': deckSource(MAX_CARDS_PER_DECK + 1) }));
    expect(over.problems.map(formatProblem)).toEqual([expect.stringMatching(/big\.yaml:5: cards: 5001 cards; a deck holds at most 5,000/)]);
    const at = await checkDecks(folder({ 'big.yaml': deckSource(MAX_CARDS_PER_DECK) }));
    expect(at.problems).toEqual([]);
    expect(at.decks[0]?.cards).toHaveLength(MAX_CARDS_PER_DECK);
  }, 60_000);

  test('GIVEN decks:check on a folder holding an alias bomb THEN it exits 1 with file:line lines and no stack trace', () => {
    const dir = folder({ 'bomb.yaml': laughs(9) });
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS'));
    const run = spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'src', 'cli', 'decks-check.ts')], { cwd: dir, env: { ...env, DECKS_DIR: dir }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    const output = `${run.stdout}${run.stderr}`;
    expect(output).toMatch(/bomb\.yaml:\d+: YAML aliases/);
    expect(output).not.toMatch(/ReferenceError|\n\s+at /);
  }, 60_000);

  test('GIVEN an export file over 20 MB (a 3 GB sparse file) THEN decks:import refuses it by its size, without reading it', async () => {
    const dir = folder({});
    const file = path.join(dir, 'huge.csv');
    writeFileSync(file, '');
    truncateSync(file, 3 * 1024 ** 3);
    const before = process.memoryUsage().rss;
    const attempt = importExportFile({ decksDir: dir, file, deckId: 'huge' });
    await expect(attempt).rejects.toThrow(ImportError);
    await expect(attempt).rejects.toThrow(`huge.csv is 3072 MB; decks:import reads at most ${MAX_IMPORT_INPUT_BYTES / 1024 ** 2} MB`);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 ** 2);
  });

  test('GIVEN an export of 5,001 new cards THEN decks:import writes nothing and says a deck holds at most 5,000', async () => {
    const dir = folder({});
    const file = path.join(dir, 'many.txt');
    writeFileSync(file, Array.from({ length: MAX_CARDS_PER_DECK + 1 }, (_, i) => `What is question number ${i}?\tAnswer ${i}`).join('\n'));
    await expect(importExportFile({ decksDir: dir, file, deckId: 'many' })).rejects.toThrow(/deck "many" would hold 5,001 cards; a deck holds at most 5,000/);
    expect((await checkDecks(dir)).problems[0]?.message).toMatch(/no deck files/);
  }, 60_000);
});
