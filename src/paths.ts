import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder, whether running from src/ (tsx) or dist/src/ (compiled). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (no package.json above src/)');
    dir = parent;
  }
  return dir;
}

export const MIGRATIONS_DIR = path.join(projectRoot(), 'drizzle');
