import { createHash } from 'node:crypto';
import { Routes, type REST } from 'discord.js';
import type { BotStateRepository } from '../db/repositories/stats-repository.js';
import type { Logger } from '../logger.js';
import type { SlashCommand } from './commands/types.js';

export function commandsBody(commands: readonly SlashCommand[]) {
  return commands.map((c) => c.data.toJSON());
}

export function commandsHash(commands: readonly SlashCommand[]): string {
  return createHash('sha256').update(JSON.stringify(commandsBody(commands))).digest('hex');
}

/** Where commands were registered: `global`, or a guild id. */
type Scope = string;
const GLOBAL = 'global';
const hashKey = (applicationId: string, scope: Scope) => `commands:${applicationId}:${scope}`;
const scopeKey = (applicationId: string) => `commands-scope:${applicationId}`;
const routeOf = (applicationId: string, scope: Scope) =>
  scope === GLOBAL ? Routes.applicationCommands(applicationId) : Routes.applicationGuildCommands(applicationId, scope);

/**
 * Registers the commands by bulk overwrite, to one guild when `guildId` is set (changes show at once)
 * or globally. Skips the call when the definitions have not changed since the last registration to
 * the same place: the hash is kept in the database, so restarts do not re-register.
 * The last registration's scope is kept too: moving between global and a guild (DEV_GUILD_ID set or
 * unset) first clears the commands left in the other scope, so members never see every command twice.
 */
export async function registerCommands(opts: {
  rest: REST;
  applicationId: string;
  guildId: string | undefined;
  commands: readonly SlashCommand[];
  state: BotStateRepository;
  logger: Logger;
  now: Date;
  force?: boolean;
}): Promise<'registered' | 'unchanged'> {
  const scope = opts.guildId ?? GLOBAL;
  // Before the scope was kept, a global registration left only its hash behind.
  const previous = (await opts.state.get(scopeKey(opts.applicationId))) || ((await opts.state.get(hashKey(opts.applicationId, GLOBAL))) ? GLOBAL : undefined);
  if (previous && previous !== scope) {
    await clearScope(opts, previous);
    opts.logger.info({ cleared: previous, target: scope }, 'cleared the commands registered earlier elsewhere, so they do not show twice');
  }
  const key = hashKey(opts.applicationId, scope);
  const hash = commandsHash(opts.commands);
  if (!opts.force && (await opts.state.get(key)) === hash) {
    if (previous !== scope) await opts.state.set(scopeKey(opts.applicationId), scope, opts.now);
    opts.logger.info({ target: scope }, 'commands unchanged since last registration');
    return 'unchanged';
  }
  await opts.rest.put(routeOf(opts.applicationId, scope), { body: commandsBody(opts.commands) });
  await opts.state.set(key, hash, opts.now);
  await opts.state.set(scopeKey(opts.applicationId), scope, opts.now);
  opts.logger.info({ target: scope, count: opts.commands.length }, 'commands registered');
  return 'registered';
}

/** Removes the commands of one scope and forgets its hash, so registering there again is not skipped. */
async function clearScope(opts: { rest: REST; applicationId: string; state: BotStateRepository; now: Date }, scope: Scope): Promise<void> {
  await opts.rest.put(routeOf(opts.applicationId, scope), { body: [] });
  await opts.state.set(hashKey(opts.applicationId, scope), '', opts.now);
}

/**
 * `deploy-commands --clear`: removes the global commands and those of `guildId` and of the last
 * registered guild. Returns the scopes cleared.
 */
export async function clearCommands(opts: { rest: REST; applicationId: string; guildId: string | undefined; state: BotStateRepository; now: Date }): Promise<Scope[]> {
  const last = await opts.state.get(scopeKey(opts.applicationId));
  const scopes = [...new Set([GLOBAL, opts.guildId, last].filter((s): s is string => Boolean(s)))];
  for (const scope of scopes) await clearScope(opts, scope);
  await opts.state.set(scopeKey(opts.applicationId), '', opts.now);
  return scopes;
}
