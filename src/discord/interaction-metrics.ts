import type { Interaction } from 'discord.js';
import { isDatabaseUnavailable, UserError } from '../errors.js';
import { metrics, type InteractionOutcome } from '../metrics.js';
import { parseCustomId } from './custom-id.js';

/** The methods that send an interaction's first response to Discord. */
const FIRST_RESPONSES = ['reply', 'deferReply', 'update', 'deferUpdate', 'showModal', 'respond'] as const;
const DEFERRALS = new Set<string>(['deferReply', 'deferUpdate']);

/**
 * Starts measuring one interaction: its kind (a registered command's name, a button action, or a
 * fixed word), the time to its first response, and a deferral. Call before anything wraps the
 * interaction's methods (guardDeadline), so a deferral made there is seen. Returns the function that
 * records the outcome once the interaction is done.
 */
export function observeInteraction(interaction: Interaction, commands: ReadonlyMap<string, unknown>): (outcome: InteractionOutcome) => void {
  const kind = interactionKind(interaction, commands);
  const startedAt = performance.now();
  let responded = false;
  const target = interaction as unknown as Record<string, unknown>;
  for (const method of FIRST_RESPONSES) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    target[method] = (...args: unknown[]) => {
      if (!responded) {
        responded = true;
        metrics.firstResponse(kind, (performance.now() - startedAt) / 1000);
        if (DEFERRALS.has(method)) metrics.deferral();
      }
      return (original as (...a: unknown[]) => unknown).apply(interaction, args);
    };
  }
  return (outcome) => metrics.interaction(kind, outcome);
}

/** The outcome an error thrown by a handler stands for. */
export function outcomeOf(error: unknown): InteractionOutcome {
  if (error instanceof UserError) return 'user_error';
  return isDatabaseUnavailable(error) ? 'unavailable' : 'error';
}

function interactionKind(interaction: Interaction, commands: ReadonlyMap<string, unknown>): string {
  if (interaction.isChatInputCommand()) return commands.has(interaction.commandName) ? interaction.commandName : 'unknown_command';
  if (interaction.isAutocomplete()) return commands.has(interaction.commandName) ? `${interaction.commandName}_autocomplete` : 'unknown_command';
  if (interaction.isButton()) return parseCustomId(interaction.customId)?.action ?? 'unknown_button';
  if (interaction.isModalSubmit()) return 'modal';
  return 'other';
}
