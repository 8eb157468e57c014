import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Hand-written notes below this line in a section survive the benchmark rewriting the section. */
export const NOTES_MARKER = '<!-- notes below are kept when the benchmark rewrites this section -->';

const LEGACY_MARKERS = ['<!-- notes below are kept when bench:latency rewrites this section -->'];

const NEW_FILE = '# Benchmarks\n\nEach section is written by its benchmark; run it again to refresh it.\n';

/**
 * Replaces the section that starts with `heading` (up to the next `## ` heading) with `section`, or
 * appends it; every other section, and the notes under {@link NOTES_MARKER} in this one, stay as they are.
 */
export function writeSection(file: string, heading: string, section: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const text = existsSync(file) ? readFileSync(file, 'utf8') : NEW_FILE;
  const start = text.indexOf(heading);
  const end = start < 0 ? -1 : text.indexOf('\n## ', start + heading.length);
  const old = start < 0 ? '' : text.slice(start, end >= 0 ? end : undefined);
  const marker = [NOTES_MARKER, ...LEGACY_MARKERS].find((m) => old.includes(m));
  const notes = marker ? `${NOTES_MARKER}${old.slice(old.indexOf(marker) + marker.length)}`.trimEnd() : NOTES_MARKER;
  const ours = `${section.trimEnd()}\n\n${notes}\n`;
  const updated = start < 0 ? `${text.trimEnd()}\n\n${ours}` : `${text.slice(0, start)}${ours}${end >= 0 ? text.slice(end) : ''}`;
  writeFileSync(file, `${updated.trimEnd()}\n`);
  return file;
}
