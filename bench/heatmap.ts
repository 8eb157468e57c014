// The /stats heatmap image: size and render time of the PNG, and the typed-answer comparison's cost.
// Run with `npm run bench:heatmap`; writes its section of docs/BENCHMARKS.md.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHeatmap, type DayCount } from '../src/domain/heatmap.js';
import { addDays } from '../src/domain/time.js';
import { compareTypedAnswer } from '../src/domain/typed-answer.js';
import { renderHeatmapPng } from '../src/discord/render/heatmap.js';
import { writeSection } from './support/benchmarks-doc.js';
import { percentile } from './support/db-measure.js';
import { fmt, loadAverage, machine } from './support/measure.js';

const HEADING = '## Study beyond the peers: the /stats heatmap image and typed answers (npm run bench:heatmap)';
const DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'BENCHMARKS.md');
const WARMUP = 30;
const RUNS = 300;
const NOW = new Date('2027-03-10T12:00:00Z');

interface Timed {
  name: string;
  bytes: number | null;
  wall: number[];
  cpu: number[];
}

function time(name: string, op: () => Buffer | unknown): Timed {
  for (let i = 0; i < WARMUP; i++) op();
  const wall: number[] = [];
  const cpu: number[] = [];
  let bytes: number | null = null;
  for (let i = 0; i < RUNS; i++) {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const out = op();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    if (Buffer.isBuffer(out)) bytes = out.length;
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { name, bytes, wall, cpu };
}

const year = (count: (i: number) => number, skip: (i: number) => boolean = () => false): DayCount[] =>
  Array.from({ length: 365 }, (_, i) => i)
    .filter((i) => !skip(i))
    .map((i) => ({ day: addDays('2027-03-10', -i), count: count(i) }));

const cases: [string, DayCount[]][] = [
  ['empty year (no history)', []],
  ['a regular: 5 days a week, 1–29 cards', year((i) => 1 + ((i * 37) % 29), (i) => i % 7 >= 5)],
  ['busiest: every day, 1–997 cards (every shade)', year((i) => 1 + ((i * 7919) % 997))],
];

const loadBefore = loadAverage();
const started = Date.now();
const rows: Timed[] = cases.map(([name, counts]) => {
  const heatmap = buildHeatmap(counts, NOW, 'Europe/Berlin');
  return time(`PNG: ${name}`, () => renderHeatmapPng(heatmap));
});
rows.push(time('grid: buildHeatmap of the busiest year', () => buildHeatmap(cases[2]![1], NOW, 'Europe/Berlin')));
const long = 'Shared neighbours capture wider context, so one coincidental close pair cannot join two clusters. '.repeat(4).slice(0, 400);
rows.push(time('typed answer: compare 400 characters with a 100-character answer', () => compareTypedAnswer(long, long.slice(0, 100))));
const loadAfter = loadAverage();

const m = machine();
const p = (xs: number[], q: number) => fmt(percentile(xs, q));
const table = [
  '| case | PNG size | wall p50 / p95 / p99 (ms) | CPU p50 / p95 (ms) |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${r.bytes === null ? '—' : `${(r.bytes / 1024).toFixed(1)} KB`} | ${p(r.wall, 50)} / ${p(r.wall, 95)} / ${p(r.wall, 99)} | ${p(r.cpu, 50)} / ${p(r.cpu, 95)} |`),
].join('\n');
const pngRows = rows.filter((r) => r.bytes !== null);
const maxBytes = Math.max(...pngRows.map((r) => r.bytes ?? 0));
const worstWallP95 = Math.max(...pngRows.map((r) => percentile(r.wall, 95)));
const worstCpuP95 = Math.max(...pngRows.map((r) => percentile(r.cpu, 95)));
const section = `${HEADING}

Run ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.cores} cores (${m.cpu}), Node ${m.node}; ${WARMUP} warm-up runs, then ${RUNS} timed runs per case, in one process. Load average (1 min) ${loadBefore.toFixed(2)} before and ${loadAfter.toFixed(2)} after: wall time includes waiting for a core, CPU time (process.cpuUsage around each render) does not.

A render is the whole of renderHeatmapPng: resvg parses the SVG (371 squares, labels), loads Inter from @expo-google-fonts/inter (no system fonts), rasterises ${'784×146'} pixels and encodes the PNG.

${table}

Targets:

- ${maxBytes < 100 * 1024 ? '✅' : '❌'} PNG under 100 KB: largest ${(maxBytes / 1024).toFixed(1)} KB
- ${worstWallP95 < 50 ? '✅' : '❌'} render p95 under 50 ms, wall time: worst case ${fmt(worstWallP95)} ms (CPU time ${fmt(worstCpuP95)} ms)
`;
console.log(section);
writeSection(DOC, HEADING, section);
console.log(`written to ${DOC}`);
