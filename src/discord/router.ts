import {
  DiscordAPIError,
  MessageFlags,
  RESTJSONErrorCodes,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { isDatabaseUnavailable, UserError } from '../errors.js';
import type { SlashCommand } from './commands/types.js';
import { handleDailyAnswer } from './components/daily-buttons.js';
import { handleGrade, handleNext, handleReveal, GONE_TEXT } from './components/quiz-buttons.js';
import type { BotContext } from './context.js';
import { parseCustomId, type CustomId } from './custom-id.js';
import { ACKNOWLEDGE_AFTER_MS, guardDeadline } from './deadline.js';
import { observeInteraction, outcomeOf } from './interaction-metrics.js';
import { NO_MENTIONS } from './render/common.js';

export type ButtonHandlers = {
  [A in CustomId['action']]: (interaction: ButtonInteraction, id: Extract<CustomId, { action: A }>, ctx: BotContext) => Promise<void>;
};

export const BUTTONS = {
  reveal: handleReveal,
  grade: handleGrade,
  choose: handleGrade,
  next: handleNext,
  daily: handleDailyAnswer,
} satisfies ButtonHandlers;

export const APOLOGY = 'Sorry, something went wrong on our side. It has been logged; please try again in a moment.';
export const UNAVAILABLE = 'deepcards is temporarily unavailable (its database cannot be reached). Try again in a minute.';

/** Discord errors that only mean the interaction or its message is gone: nothing to tell anyone. */
const IGNORED_DISCORD_CODES = new Set<number>([
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.UnknownMessage,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
]);

/**
 * The one entry point for interactions and the one error boundary: handler errors are answered
 * here and never escape to crash the process. It also keeps every answer inside Discord's deadline
 * (see guardDeadline).
 */
export class InteractionRouter {
  private readonly commands: Map<string, SlashCommand>;
  private inFlight = 0;
  private accepting = true;
  private idleWaiters: (() => void)[] = [];

  constructor(
    commands: readonly SlashCommand[],
    private readonly buttons: Partial<ButtonHandlers>,
    private readonly ctx: BotContext,
    private readonly acknowledgeAfterMs = ACKNOWLEDGE_AFTER_MS,
  ) {
    this.commands = new Map(commands.map((c) => [c.data.name, c]));
  }

  async handle(interaction: Interaction): Promise<void> {
    const done = observeInteraction(interaction, this.commands);
    if (!this.accepting) return done('refused');
    this.inFlight++;
    const stopGuard = interaction.isButton() || interaction.isChatInputCommand() ? guardDeadline(interaction, this.acknowledgeAfterMs, this.isEphemeral(interaction)) : undefined;
    try {
      await this.dispatch(interaction);
      done('ok');
    } catch (error) {
      done(outcomeOf(error));
      await this.fail(interaction, error);
    } finally {
      stopGuard?.();
      this.inFlight--;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Stops taking new interactions and resolves once those in flight have finished (or on timeout). */
  async drain(timeoutMs: number): Promise<void> {
    this.accepting = false;
    if (this.inFlight === 0) return;
    await Promise.race([
      new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
      new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  /** Whether a command's answer is private, for deferring it the same way; a press is answered on its message. */
  private isEphemeral(interaction: Interaction): boolean {
    if (!interaction.isChatInputCommand()) return false;
    return this.commands.get(interaction.commandName)?.ephemeral?.(interaction) ?? false;
  }

  private async dispatch(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) {
      const command = this.commands.get(interaction.commandName);
      if (!command) throw new UserError('That command is not available any more. Type / to see the current ones.');
      await command.execute(interaction, this.ctx);
    } else if (interaction.isAutocomplete()) {
      await this.commands.get(interaction.commandName)?.autocomplete?.(interaction, this.ctx);
    } else if (interaction.isButton()) {
      const id = parseCustomId(interaction.customId);
      const handler = id && (this.buttons[id.action] as ((i: ButtonInteraction, id: CustomId, ctx: BotContext) => Promise<void>) | undefined);
      if (!id || !handler) throw new UserError(GONE_TEXT);
      await handler(interaction, id, this.ctx);
    }
  }

  private async fail(interaction: Interaction, error: unknown): Promise<void> {
    if (interaction.isAutocomplete()) {
      await this.answerAutocomplete(interaction, error);
      return;
    }
    if (!interaction.isRepliable()) return;
    let text: string;
    if (error instanceof UserError) {
      text = error.message;
    } else if (isDatabaseUnavailable(error)) {
      this.ctx.logger.warn({ err: summarise(error), ...where(interaction) }, 'database unavailable');
      text = UNAVAILABLE;
    } else if (error instanceof DiscordAPIError && IGNORED_DISCORD_CODES.has(Number(error.code))) {
      this.ctx.logger.debug({ code: error.code, ...where(interaction) }, 'interaction gone before it was answered');
      return;
    } else {
      this.ctx.logger.error({ err: error, ...where(interaction) }, 'interaction handler failed');
      text = APOLOGY;
    }
    const payload = { content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS } as const;
    try {
      // After a deferral (guardDeadline), reply() still does the right thing: it replaces a command's
      // "thinking" message rather than leaving it there.
      if (interaction.replied) await interaction.followUp(payload);
      else await interaction.reply(payload);
    } catch (replyError) {
      this.ctx.logger.warn({ err: summarise(replyError), ...where(interaction) }, 'could not tell the member about a failure');
    }
  }

  private async answerAutocomplete(interaction: AutocompleteInteraction, error: unknown): Promise<void> {
    if (!isDatabaseUnavailable(error) && !(error instanceof UserError)) {
      this.ctx.logger.error({ err: error, ...where(interaction) }, 'autocomplete failed');
    }
    if (!interaction.responded) await interaction.respond([]).catch(() => {});
  }
}

function where(interaction: Interaction): Record<string, unknown> {
  return {
    command: interaction.isCommand() || interaction.isAutocomplete() ? (interaction as ChatInputCommandInteraction).commandName : undefined,
    customId: interaction.isButton() ? interaction.customId : undefined,
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
  };
}

function summarise(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
