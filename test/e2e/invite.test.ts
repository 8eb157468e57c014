import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PermissionsBitField } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBotDatabase, REPO_ROOT, startBot, type BotDatabase } from '../support/bot-process.js';
import { FakeDiscord } from '../support/fake-discord/index.js';

const run = promisify(execFile);
const INVITE_SCRIPT = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'invite.js');

/** The scopes and permissions README's Discord setup tells an operator to pick. */
function readmeInvite(): { scopes: string[]; permissions: string[] } {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => l.includes('OAuth2 → URL Generator')) ?? '';
  const next = readme.slice(readme.indexOf(line)).split('\n').slice(0, 3).join(' ');
  const scopes = [...(next.match(/scopes (.*?);/)?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  const permissions = [...(next.match(/bot permissions (.*?)\./)?.[1] ?? '').matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!.replaceAll(' ', ''));
  return { scopes, permissions };
}

function parseInvite(url: string): { clientId: string | null; scopes: string[]; permissions: string[] } {
  const u = new URL(url);
  return {
    clientId: u.searchParams.get('client_id'),
    scopes: (u.searchParams.get('scope') ?? '').split(' '),
    permissions: new PermissionsBitField(BigInt(u.searchParams.get('permissions') ?? '0')).toArray(),
  };
}

// The built bot and `npm run invite` (dist/src/cli/invite.js) against a fake Discord with no server.
describe('the invite URL', () => {
  let fake: FakeDiscord;
  let db: BotDatabase;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    db = await createBotDatabase({ prefix: 'deepcards_invite' });
  });
  afterAll(async () => {
    await fake.stop();
    await db.drop();
  });

  test('GIVEN npm run invite THEN it prints the URL with exactly the scopes and permissions README lists', async () => {
    const expected = readmeInvite();
    expect(expected).toEqual({ scopes: ['bot', 'applications.commands'], permissions: ['ViewChannel', 'SendMessages', 'EmbedLinks', 'ManageRoles'] });
    const env = { ...process.env, DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, NODE_OPTIONS: '' };
    const { stdout } = await run(process.execPath, [INVITE_SCRIPT], { cwd: REPO_ROOT, env, timeout: 30_000 });
    const invite = parseInvite(stdout.trim());
    expect(invite.clientId).toBe(fake.applicationId);
    expect(invite.scopes).toEqual(expected.scopes);
    expect(invite.permissions.sort()).toEqual([...expected.permissions].sort());
  });

  test('GIVEN the bot starts in no server THEN it logs the same invite URL once', async () => {
    const bot = await startBot({ fake, env: db.env, timeoutMs: 60_000 });
    await bot.stop();
    const lines = bot.output().split('\n').filter((l) => l.includes('invite it with'));
    expect(lines).toHaveLength(1);
    const url = (JSON.parse(lines[0]!) as { invite: string }).invite;
    expect(parseInvite(url)).toMatchObject({ clientId: fake.applicationId, scopes: ['bot', 'applications.commands'] });
  }, 60_000);
});
