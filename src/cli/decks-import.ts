import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { ImportError, importExportFile } from '../decks/import.js';

const USAGE = 'usage: npm run decks:import -- <export.txt|.csv> --deck <deck-id> [--title "Deck title"] [--separator tab|comma|semicolon|pipe|space|<char>]';

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n${USAGE}\n`);
  process.exit(1);
}

const args = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { deck: { type: 'string' }, title: { type: 'string' }, separator: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const [file, ...extra] = args.positionals;
if (!file) fail('missing the export file to import (an Anki "Notes in Plain Text" .txt or a Quizlet export)');
if (extra.length > 0) fail(`one file at a time; unexpected ${extra.map((e) => `"${e}"`).join(', ')} (quote a --title with spaces)`);
if (!args.values.deck) fail('missing --deck <deck-id>: the deck to import into, e.g. --deck biology');

const config = loadConfig();
try {
  const result = await importExportFile({
    decksDir: config.decksDir,
    otherDecksDirs: config.decksDirs.slice(0, -1),
    file,
    deckId: args.values.deck,
    ...(args.values.title === undefined ? {} : { title: args.values.title }),
    ...(args.values.separator === undefined ? {} : { separator: args.values.separator }),
  });
  for (const note of result.notes) process.stdout.write(`${note}\n`);
  for (const row of result.skipped) process.stdout.write(`  ${file}:${row.line}: skipped: ${row.reason}\n`);
  process.stdout.write(`imported ${result.imported.length}, skipped ${result.skipped.length}\n`);
  if (result.imported.length === 0) {
    process.stderr.write(`error: nothing could be imported from ${file}; ${result.path} is unchanged\n`);
    process.exit(1);
  }
  process.stdout.write(`${result.createdDeck ? 'new deck ' : ''}written to ${result.path}; check it with npm run decks:check\n`);
} catch (error) {
  if (error instanceof ImportError) fail(error.message);
  throw error;
}
