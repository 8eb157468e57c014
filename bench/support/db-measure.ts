import { performance } from 'node:perf_hooks';

/** One measured operation's latencies, in milliseconds. */
export interface Measured {
  name: string;
  /** p95 target in ms; undefined when the measure is for information only. */
  target: number | undefined;
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  /** True when the time budget ended the runs before the planned count. */
  capped: boolean;
  note?: string;
}

export interface MeasureOptions {
  warmup?: number;
  runs?: number;
  /** Wall-clock budget for the measured runs; a slow operation stops early rather than running for minutes. */
  budgetMs?: number;
  /** Fewest timed runs before the budget may stop them (default 30). */
  minRuns?: number;
  target?: number;
  note?: string;
  /** 'returned': `op` resolves to the duration to record (e.g. a server-side execution time) instead of wall time. */
  timer?: 'wall' | 'returned';
}

/** Nearest-rank percentile (p in 0–100) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/**
 * Warms an operation up, then times it run by run. `op` gets the run index so callers can rotate
 * inputs (random members) without allocating them inside the timed region.
 */
export async function measure(name: string, op: (i: number) => Promise<unknown>, opts: MeasureOptions = {}): Promise<Measured> {
  const warmup = opts.warmup ?? 30;
  const runs = opts.runs ?? 300;
  const budgetMs = opts.budgetMs ?? 20_000;
  const minRuns = opts.minRuns ?? 30;
  const warmStart = performance.now();
  for (let i = 0; i < warmup; i++) {
    await op(i);
    // A very slow operation does not need 30 warm-up runs to reach a steady state.
    if (performance.now() - warmStart > budgetMs / 3) break;
  }
  const values: number[] = [];
  const start = performance.now();
  let capped = false;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const returned = await op(warmup + i);
    values.push(opts.timer === 'returned' ? Number(returned) : performance.now() - t0);
    if (performance.now() - start > budgetMs && values.length >= minRuns && i < runs - 1) {
      capped = true;
      break;
    }
  }
  values.sort((a, b) => a - b);
  const result: Measured = {
    name,
    target: opts.target,
    runs: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    capped,
    ...(opts.note ? { note: opts.note } : {}),
  };
  console.log(`  ${formatRow(result)}`);
  return result;
}

export const fmtMs = (ms: number): string => (Number.isFinite(ms) ? (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)) : '—');

export function verdict(m: Measured): string {
  if (m.target === undefined) return 'info';
  return m.p95 < m.target ? `met (< ${m.target})` : `MISSED (< ${m.target})`;
}

function formatRow(m: Measured): string {
  return `${m.name.padEnd(64)} n=${String(m.runs).padStart(3)}${m.capped ? '*' : ' '} p50 ${fmtMs(m.p50).padStart(6)}  p95 ${fmtMs(m.p95).padStart(6)}  p99 ${fmtMs(m.p99).padStart(6)}  ${verdict(m)}`;
}

/** A Markdown table of measures, for the terminal and docs/BENCHMARKS.md alike. */
export function markdownTable(rows: readonly Measured[]): string {
  const lines = ['| Measure | Runs | p50 ms | p95 ms | p99 ms | p95 target |', '| --- | ---: | ---: | ---: | ---: | --- |'];
  for (const m of rows) {
    const runs = `${m.runs}${m.capped ? '*' : ''}`;
    const name = m.note ? `${m.name} — ${m.note}` : m.name;
    lines.push(`| ${name} | ${runs} | ${fmtMs(m.p50)} | ${fmtMs(m.p95)} | ${fmtMs(m.p99)} | ${verdict(m)} |`);
  }
  return lines.join('\n');
}
