import { loadConfig } from '../config.js';
import { reviewDecks } from '../decks/check.js';
import { formatProblem } from '../decks/loader.js';

const config = loadConfig();
const report = await reviewDecks(config.decksDirs);
for (const problem of report.problems) process.stderr.write(`error: ${formatProblem(problem)}\n`);
for (const warning of report.warnings) process.stdout.write(`warning: ${formatProblem(warning)}\n`);
if (report.decks.length > 0) {
  const width = Math.max(4, ...report.decks.map((d) => d.id.length));
  process.stdout.write(`\n${'deck'.padEnd(width)}  cards  with choices\n`);
  for (const deck of report.decks) {
    const withChoices = deck.cards.filter((c) => c.choices.length === 3).length;
    process.stdout.write(`${deck.id.padEnd(width)}  ${String(deck.cards.length).padStart(5)}  ${String(withChoices).padStart(12)}\n`);
  }
  process.stdout.write('\n');
}
if (report.problems.length > 0) {
  process.stderr.write(`FAILED: ${report.problems.length} error(s) in ${config.decksDirs.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`OK: ${report.decks.length} decks, ${report.decks.reduce((n, d) => n + d.cards.length, 0)} cards\n`);
