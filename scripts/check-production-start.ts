// The production start, as an operator runs it (issue 13), on a fresh clone of HEAD:
//   build → remove node_modules → npm ci --omit=dev → npm start reaches ready against the fake Discord
//   → npm run decks:check passes. Run by .ci/run; takes about a minute (two npm installs).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createBotDatabase, REPO_ROOT, startBot } from '../test/support/bot-process.js';
import { FakeDiscord } from '../test/support/fake-discord/index.js';

const INSTALL_TIMEOUT_MS = 300_000;
const step = (text: string): void => void process.stdout.write(`  - ${text}\n`);
const run = (cwd: string, command: string, args: string[]): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });

const dir = await mkdtemp(path.join(os.tmpdir(), 'deepcards-prod-'));
const fake = await FakeDiscord.start();
const db = await createBotDatabase({ prefix: 'deepcards_prod' });
try {
  step(`git clone ${REPO_ROOT} (HEAD) into ${dir}`);
  run(REPO_ROOT, 'git', ['clone', '--quiet', '--depth', '1', `file://${REPO_ROOT}`, dir]);
  step('npm ci && npm run build');
  run(dir, 'npm', ['ci', '--no-audit', '--no-fund']);
  run(dir, 'npm', ['run', 'build']);
  step('rm -rf node_modules && npm ci --omit=dev');
  await rm(path.join(dir, 'node_modules'), { recursive: true, force: true });
  run(dir, 'npm', ['ci', '--omit=dev', '--no-audit', '--no-fund']);
  if (existsSync(path.join(dir, 'node_modules', 'typescript')) || existsSync(path.join(dir, 'node_modules', 'tsx'))) {
    throw new Error('the production install holds typescript or tsx: they must stay dev dependencies');
  }
  step('npm start (waits for the gateway and the command registration)');
  const bot = await startBot({ fake, env: db.env, command: 'npm', args: ['start'], cwd: dir, timeoutMs: 60_000 });
  // npm passes SIGTERM on to the bot and exits by the same signal; the bot itself still logs its clean stop.
  await bot.stop('SIGTERM', 10_000);
  const stopBy = Date.now() + 10_000;
  while (!bot.output().includes('"msg":"stopped"')) {
    if (Date.now() > stopBy) throw new Error(`the bot under npm start did not stop cleanly on SIGTERM. Output:\n${bot.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  step('npm run decks:check');
  const checked = run(dir, 'npm', ['run', '--silent', 'decks:check']);
  if (!/^OK: \d+ decks, \d+ cards$/m.test(checked)) throw new Error(`decks:check did not end with OK:\n${checked}`);
  process.stdout.write('production start: OK\n');
} finally {
  await fake.stop();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
}
