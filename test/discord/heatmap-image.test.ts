import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { buildHeatmap, type DayCount } from '../../src/domain/heatmap.js';
import { addDays } from '../../src/domain/time.js';
import { heatmapSvg, renderHeatmapPixels, renderHeatmapPng } from '../../src/discord/render/heatmap.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'heatmap', 'year.png');
const NOW = new Date('2027-03-10T12:00:00Z');

/** A repeatable year: most days studied, counts spread over every shade, some gaps. */
function sampleYear(): DayCount[] {
  const out: DayCount[] = [];
  for (let i = 0; i < 365; i++) {
    if (i % 7 === 3 || i % 11 === 0) continue;
    out.push({ day: addDays('2027-03-10', -i), count: 1 + ((i * 37) % 29) });
  }
  return out;
}

/** Pixels whose channels differ by more than `threshold` (antialiasing of text may move a little). */
function differingPixels(a: Buffer, b: Buffer, threshold = 24): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (Math.max(Math.abs(a[i]! - b[i]!), Math.abs(a[i + 1]! - b[i + 1]!), Math.abs(a[i + 2]! - b[i + 2]!), Math.abs(a[i + 3]! - b[i + 3]!)) > threshold) n++;
  }
  return n;
}

const p95 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.ceil(xs.length * 0.95) - 1]!;

describe('the heatmap image', () => {
  test('GIVEN a sample year THEN the image matches the golden PNG pixel for pixel, within a tolerance for antialiasing', () => {
    const heatmap = buildHeatmap(sampleYear(), NOW, 'UTC');
    // UPDATE_GOLDEN=1 rewrites the golden file after a deliberate change of the drawing; look at it before committing.
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, renderHeatmapPng(heatmap));
    const golden = PNG.sync.read(readFileSync(GOLDEN));
    const actual = renderHeatmapPixels(heatmap);
    expect([actual.width, actual.height]).toEqual([golden.width, golden.height]);
    const differing = differingPixels(actual.pixels, golden.data);
    expect(differing / (golden.width * golden.height)).toBeLessThan(0.002);
  });

  test('GIVEN the same year shaded one day differently THEN the comparison notices', () => {
    const year = sampleYear();
    const changed = year.map((d, i) => (i === 0 ? { ...d, count: d.count === 29 ? 1 : 29 } : d));
    const golden = PNG.sync.read(readFileSync(GOLDEN));
    const actual = renderHeatmapPixels(buildHeatmap(changed, NOW, 'UTC'));
    expect(differingPixels(actual.pixels, golden.data)).toBeGreaterThan(50);
  });

  test('GIVEN the busiest possible year and an empty one THEN each PNG is a valid image under 100 KB', () => {
    const busiest = Array.from({ length: 365 }, (_, i) => ({ day: addDays('2027-03-10', -i), count: 1 + ((i * 7919) % 997) }));
    for (const counts of [busiest, []]) {
      const png = renderHeatmapPng(buildHeatmap(counts, NOW, 'UTC'));
      expect(png.length).toBeLessThan(100 * 1024);
      const decoded = PNG.sync.read(png);
      expect(decoded.width).toBeGreaterThan(700);
    }
  });

  test('GIVEN an empty history THEN the calendar is drawn with blank squares and no shaded one', () => {
    const svg = heatmapSvg(buildHeatmap([], NOW, 'UTC'));
    expect(svg.match(/fill="#161b22"/g)).toHaveLength(365 + 1);
    expect(svg).toContain('0 cards in the last year');
    for (const shade of ['#0e4429', '#006d32', '#26a641', '#39d353']) expect(svg.match(new RegExp(`fill="${shade}"`, 'g'))).toHaveLength(1);
  });

  test('GIVEN 40 renders after a warm-up THEN the 95th percentile of the CPU time each takes is under 50 ms', () => {
    const heatmap = buildHeatmap(sampleYear(), NOW, 'UTC');
    renderHeatmapPng(heatmap);
    const cpuMs: number[] = [];
    for (let i = 0; i < 40; i++) {
      // CPU time, not wall time: seven other test runs share these two cores, and a render waiting for
      // a core is not a slow render (bench/heatmap.ts records both).
      const before = process.cpuUsage();
      renderHeatmapPng(heatmap);
      const used = process.cpuUsage(before);
      cpuMs.push((used.user + used.system) / 1000);
    }
    expect(p95(cpuMs)).toBeLessThan(50);
  });
});
