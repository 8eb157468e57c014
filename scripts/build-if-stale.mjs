// Runs before `npm start` and every operational script: compiles src/ into dist/ only when the
// TypeScript compiler is installed and a source file is newer than the last build. A production
// install (`npm ci --omit=dev`, the Docker image) has no compiler and runs the dist/ it was given.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const entry = path.join(root, 'dist', 'src', 'index.js');
// Written after each successful build: tsc's own .tsbuildinfo is not rewritten when nothing changed.
const stamp = path.join(root, 'dist', '.build-stamp');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!existsSync(entry) || !existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const sources = [path.join(root, 'src'), path.join(root, 'tsconfig.json'), path.join(root, 'tsconfig.build.json')].filter(existsSync);
  return sources.some((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs) > built);
}

if (!existsSync(tsc)) {
  if (!existsSync(entry)) {
    process.stderr.write(
      'deepcards: dist/ is missing and the TypeScript compiler is not installed.\n' +
        'Build first with the dev dependencies (npm ci && npm run build), then install for production with npm ci --omit=dev.\n',
    );
    process.exit(1);
  }
} else if (existsSync(path.join(root, 'src')) && isStale()) {
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
