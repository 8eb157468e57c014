import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import type { Heatmap } from '../../domain/heatmap.js';

/**
 * The font every label is drawn with, shipped in an npm package (a dependency, so production installs
 * carry it): the image looks the same on every machine, and no system font is ever read.
 */
export const HEATMAP_FONT_FILE = createRequire(import.meta.url).resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf');
export const HEATMAP_FONT_FAMILY = 'Inter';
export const HEATMAP_FILE_NAME = 'study-heatmap.png';

const CELL = 11;
const STEP = 14;
const LEFT = 34;
const TOP = 22;
const RIGHT = 12;
const LEGEND = 30;
const WIDTH = LEFT + 53 * STEP - (STEP - CELL) + RIGHT;
const HEIGHT = TOP + 7 * STEP - (STEP - CELL) + LEGEND;

/** Background, text, and the five shades from no cards to the busiest day (GitHub's dark greens). */
const PALETTE = {
  background: '#0d1117',
  text: '#8b949e',
  levels: ['#161b22', '#0e4429', '#006d32', '#26a641', '#39d353'],
} as const;

const WEEKDAY_LABELS: readonly [number, string][] = [
  [0, 'Mon'],
  [2, 'Wed'],
  [4, 'Fri'],
];

function text(x: number, y: number, content: string, anchor: 'start' | 'end' = 'start'): string {
  return `<text x="${x}" y="${y}" text-anchor="${anchor}">${content}</text>`;
}

/** The calendar as SVG: month labels on top, Mon/Wed/Fri on the left, a square per day, a legend below. */
export function heatmapSvg(heatmap: Heatmap): string {
  const parts: string[] = [];
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="${PALETTE.background}"/>`);
  parts.push(`<g font-family="${HEATMAP_FONT_FAMILY}" font-size="10" fill="${PALETTE.text}">`);
  heatmap.monthLabels.forEach((label, w) => {
    if (label) parts.push(text(LEFT + w * STEP, TOP - 8, label));
  });
  for (const [row, label] of WEEKDAY_LABELS) parts.push(text(LEFT - 6, TOP + row * STEP + CELL - 1, label, 'end'));
  const bottom = TOP + 7 * STEP - (STEP - CELL);
  parts.push(text(LEFT, bottom + 20, `${heatmap.total} card${heatmap.total === 1 ? '' : 's'} in the last year`));
  const legendRight = WIDTH - RIGHT;
  const legendSquares = legendRight - 30 - 5 * STEP;
  parts.push(text(legendSquares - 6, bottom + 20, 'Less', 'end'));
  parts.push(text(legendRight, bottom + 20, 'More', 'end'));
  parts.push('</g>');
  PALETTE.levels.forEach((fill, i) => {
    parts.push(`<rect x="${legendSquares + i * STEP}" y="${bottom + 11}" width="${CELL}" height="${CELL}" rx="2" fill="${fill}"/>`);
  });
  heatmap.weeks.forEach((column, w) => {
    column.forEach((cell, d) => {
      if (!cell) return;
      parts.push(`<rect x="${LEFT + w * STEP}" y="${TOP + d * STEP}" width="${CELL}" height="${CELL}" rx="2" fill="${PALETTE.levels[cell.level]}"/>`);
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">${parts.join('')}</svg>`;
}

function rasterise(heatmap: Heatmap): Resvg {
  return new Resvg(heatmapSvg(heatmap), {
    font: { fontFiles: [HEATMAP_FONT_FILE], loadSystemFonts: false, defaultFontFamily: HEATMAP_FONT_FAMILY },
  });
}

/** The calendar as a PNG, for the /stats attachment. */
export function renderHeatmapPng(heatmap: Heatmap): Buffer {
  return rasterise(heatmap).render().asPng();
}

/** The calendar's raw RGBA pixels with its size (what the PNG encodes), for comparing images. */
export function renderHeatmapPixels(heatmap: Heatmap): { width: number; height: number; pixels: Buffer } {
  const image = rasterise(heatmap).render();
  return { width: image.width, height: image.height, pixels: image.pixels };
}
