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

/**
 * Registers the commands by bulk overwrite, to one guild when `guildId` is set (changes show at once)
 * or globally. Skips the call when the definitions have not changed since the last registration to
 * the same place: the hash is kept in the database, so restarts do not re-register.
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
  const key = `commands:${opts.applicationId}:${opts.guildId ?? 'global'}`;
  const hash = commandsHash(opts.commands);
  if (!opts.force && (await opts.state.get(key)) === hash) {
    opts.logger.info({ target: opts.guildId ?? 'global' }, 'commands unchanged since last registration');
    return 'unchanged';
  }
  const route = opts.guildId
    ? Routes.applicationGuildCommands(opts.applicationId, opts.guildId)
    : Routes.applicationCommands(opts.applicationId);
  await opts.rest.put(route, { body: commandsBody(opts.commands) });
  await opts.state.set(key, hash, opts.now);
  opts.logger.info({ target: opts.guildId ?? 'global', count: opts.commands.length }, 'commands registered');
  return 'registered';
}
