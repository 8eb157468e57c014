// `npm run bench:deck-import`: /deck import of a 5,000-card .apkg (zstd collection.anki21b) into the
// built bot, timed from sending the interaction to the summary edit; meanwhile other members study
// (/quiz, Reveal answer, Good, one at a time) and their answers' latency is measured, against the same
// study loop without an import. On PGlite and on PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL,
// else postgres://postgres@127.0.0.1:5432/postgres; a database is created there and dropped).
// Options: --quick (fewer cards, nothing written), --no-write, --only=pglite|postgres (nothing written).

import path from 'node:path';
import { buildApkg, basicNotes } from '../test/support/anki-fixtures.js';
import { createBotDatabase, REPO_ROOT, startBot } from '../test/support/bot-process.js';
import { FakeDiscord, type FakeMember, type InteractionResult } from '../test/support/fake-discord/index.js';
import { writeSection } from './support/benchmarks-doc.js';
import { fmt, loadAverage, machine, Samples } from './support/measure.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const write = !quick && !only && !process.argv.includes('--no-write');
const CARDS = quick ? 1_000 : 5_000;
const BASELINE_ROUNDS = quick ? 30 : 100;
const STUDIERS = 5;
const IMPORT_BUDGET_MS = 10_000;
const P99_BUDGET_MS = 100;
const HEADING = '## Servers bring their own decks: /deck import (npm run bench:deck-import)';

type Target = 'pglite' | 'postgres';

interface Result {
  target: Target;
  importMs: number;
  imported: string;
  baseline: Samples;
  during: Samples;
}

function buttonId(result: InteractionResult, label: string): string {
  const id = (result.message?.components ?? []).flatMap((r) => r.components ?? []).find((c) => c.label === label)?.custom_id;
  if (!id) throw new Error(`no ${label} button: ${JSON.stringify(result.data).slice(0, 300)}`);
  return id;
}

async function measure(target: Target, apkg: Uint8Array): Promise<Result> {
  const fake = await FakeDiscord.start();
  const serverUrl = target === 'postgres' ? (process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres') : undefined;
  const db = await createBotDatabase({ serverUrl, prefix: 'deepcards_bench_deck' });
  const bot = await startBot({ fake, env: { ...db.env, LOG_LEVEL: 'warn' }, timeoutMs: 120_000 });
  try {
    const guild = fake.addGuild({ name: 'Bench' });
    const channel = fake.addChannel(guild.id, { name: 'study' });
    const admin = fake.addMember(guild.id, { username: 'admin', permissions: ['ManageGuild'] });
    const studiers = Array.from({ length: STUDIERS }, (_, i) => fake.addMember(guild.id, { username: `s${i}` }));
    const studyOnce = async (user: FakeMember, into: Samples) => {
      const card = await fake.command({ user, guildId: guild.id, channelId: channel.id, name: 'quiz', options: { deck: 'cnn' } });
      into.add(card.latencyMs, card.callbackType);
      const revealed = await fake.press({ user, message: card.message!.id, customId: buttonId(card, 'Reveal answer') });
      into.add(revealed.latencyMs, revealed.callbackType);
      const graded = await fake.press({ user, message: revealed.message!.id, customId: buttonId(revealed, 'Good') });
      into.add(graded.latencyMs, graded.callbackType);
    };
    const warm = new Samples();
    for (let i = 0; i < 20; i++) await studyOnce(studiers[i % STUDIERS]!, warm);
    const baseline = new Samples();
    for (let i = 0; i < BASELINE_ROUNDS; i++) await studyOnce(studiers[i % STUDIERS]!, baseline);

    const file = fake.addAttachment({ filename: 'big.apkg', data: apkg });
    const during = new Samples();
    let done = false;
    const startedAt = performance.now();
    const importing = (async () => {
      const r = await fake.command({ user: admin, guildId: guild.id, channelId: channel.id, name: 'deck', subcommand: 'import', options: { file: { type: 11, value: file.id }, deck: 'big-deck' }, timeoutMs: 30_000 });
      const summary = r.callbackType === 5 ? await r.waitForEdit(60_000) : r.message;
      const ms = performance.now() - startedAt;
      done = true;
      return { ms, text: summary?.embeds?.[0]?.description ?? summary?.content ?? '' };
    })();
    const studying = (async () => {
      for (let i = 0; !done; i++) await studyOnce(studiers[i % STUDIERS]!, during);
    })();
    const [imported] = await Promise.all([importing, studying]);
    return { target, importMs: imported.ms, imported: imported.text.split('\n')[0] ?? '', baseline, during };
  } finally {
    await bot.stop().catch(() => bot.kill());
    await fake.stop();
    await db.drop();
  }
}

const apkg = await buildApkg(basicNotes(CARDS), 'anki21b');
const targets: Target[] = only ? [only as Target] : ['pglite', 'postgres'];
const results: Result[] = [];
for (const target of targets) {
  const result = await measure(target, apkg);
  results.push(result);
  process.stdout.write(`${target}: import ${fmt(result.importMs)} ms; during: p50 ${fmt(result.during.percentile(50))} p99 ${fmt(result.during.percentile(99))} max ${fmt(result.during.max())} (${result.during.count})\n`);
}

const m = machine();
const rows = results.map(
  (r) =>
    `| ${r.target === 'pglite' ? 'PGlite' : 'PostgreSQL'} | ${(r.importMs / 1000).toFixed(2)} s | ${r.imported} | ${fmt(r.baseline.percentile(50))} / ${fmt(r.baseline.percentile(99))} (${r.baseline.count}) | ${fmt(r.during.percentile(50))} / ${fmt(r.during.percentile(99))} / ${fmt(r.during.max())} (${r.during.count}) |`,
);
const verdict = results.map((r) => `${r.target}: import ${r.importMs < IMPORT_BUDGET_MS ? 'met' : 'MISSED'} (< ${IMPORT_BUDGET_MS / 1000} s), p99 during it ${r.during.percentile(99) < P99_BUDGET_MS ? 'met' : 'MISSED'} (< ${P99_BUDGET_MS} ms)`).join('; ');
const section = `${HEADING}

A ${CARDS.toLocaleString('en-US')}-card \`.apkg\` (zstd \`collection.anki21b\`, ${(apkg.length / 1024).toFixed(0)} KiB) imported with
\`/deck import\` into the built bot (child process, fake Discord on 127.0.0.1), timed from sending the interaction to the
summary edit. Meanwhile ${STUDIERS} members study the shipped \`cnn\` deck one interaction at a time (\`/quiz\`, Reveal answer, Good),
and their answers' latency (interaction sent → callback) is compared with the same loop before the import.
${m.cores} cores, ${m.cpu}, Node ${m.node}; load average ${loadAverage().toFixed(2)} at the end (other work shares the machine).

| database | import → summary | summary | study before: p50 / p99 ms (n) | study during the import: p50 / p99 / max ms (n) |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

Budgets: ${verdict}.
`;
process.stdout.write(`\n${section}`);
if (write) writeSection(path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md'), HEADING, section);
