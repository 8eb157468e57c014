import {
  DiscordAPIError,
  MessageFlags,
  RESTJSONErrorCodes,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type RepliableInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { createBudget, expireBudget, runInBudget, withDeadline, type Budget } from '../deadlines.js';
import { isDatabaseUnavailable, UserError } from '../errors.js';
import type { SlashCommand } from './commands/types.js';
import { handleDailyAnswer } from './components/daily-buttons.js';
import { handleGameAnswer, handleGameScore } from './components/game-buttons.js';
import { handleDeckPage, handleDeckRemove } from './components/deck-buttons.js';
import { handleGrade, handleNext, handleReveal, GONE_TEXT } from './components/quiz-buttons.js';
import { handleTypedSubmit, handleTypePrompt } from './components/typed-answer.js';
import type { BotContext } from './context.js';
import { parseCustomId, parseModalCustomId, type CustomId, type ModalCustomId } from './custom-id.js';
import { ACKNOWLEDGE_AFTER_MS, guardDeadline, INTERACTION_DB_BUDGET_MS } from './deadline.js';
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
  type: handleTypePrompt,

  game: handleGameAnswer,
  gameScore: handleGameScore,
  deckPage: handleDeckPage,
  deckRemove: handleDeckRemove,
} satisfies ButtonHandlers;

export const MODALS = {
  typed: handleTypedSubmit,
} satisfies { [A in ModalCustomId['action']]: (interaction: ModalSubmitInteraction, id: Extract<ModalCustomId, { action: A }>, ctx: BotContext) => Promise<void> };

export const APOLOGY = 'Sorry, something went wrong on our side. It has been logged; please try again in a moment.';
export const UNAVAILABLE = 'deepcards is temporarily unavailable (its database cannot be reached). Try again in a minute.';

/** Discord errors that only mean the interaction or its message is gone: nothing to tell anyone. */
const IGNORED_DISCORD_CODES = new Set<number>([
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.UnknownMessage,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
]);

/** The answer to an interaction that arrives, or is still unanswered, while the bot is shutting down. */
export const RESTARTING = 'deepcards is restarting — try again in a few seconds.';
/** The answer to a component or modal the bot does not (or no longer) handle. */
export const CONTROL_GONE = 'This control is no longer available. Run the command again for a fresh one.';

/** Once the drain is over, how long the "restarting" answers to what is still in flight may take. */
export const RESTARTING_ANSWER_TIMEOUT_MS = 1_000;

interface InFlight {
  interaction: Interaction;
  budget: Budget;
  /** Told "restarting" at shutdown: whatever the handler does afterwards is not shown as well. */
  superseded: boolean;
  /** Already telling its member how it failed ("temporarily unavailable", an apology): left to finish. */
  answering: boolean;
  /** Settles when the interaction is done with, answered or not. */
  finished: Promise<void>;
  /** Answered (or failed) and only applying what its member recorded: nothing more to tell them. */
  handled: boolean;
}

/**
 * The one entry point for interactions and the one error boundary: handler errors are answered
 * here and never escape to crash the process. It also keeps every answer inside Discord's deadline
 * (see guardDeadline), bounds each interaction's database work (INTERACTION_DB_BUDGET_MS), and once
 * shutting down answers every interaction truthfully (see {@link shutdown}).
 */
export class InteractionRouter {
  private readonly commands: Map<string, SlashCommand>;
  private readonly inFlight = new Set<InFlight>();
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    commands: readonly SlashCommand[],
    private readonly buttons: Partial<ButtonHandlers>,
    private readonly ctx: BotContext,
    private readonly acknowledgeAfterMs = ACKNOWLEDGE_AFTER_MS,
    private readonly dbBudgetMs = INTERACTION_DB_BUDGET_MS,
  ) {
    this.commands = new Map(commands.map((c) => [c.data.name, c]));
  }

  async handle(interaction: Interaction): Promise<void> {
    // Measured from arrival, before guardDeadline wraps the interaction, so its deferral is seen too.
    const done = observeInteraction(interaction, this.commands);
    const stopping = this.stopping;
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const entry: InFlight = { interaction, budget: createBudget(this.dbBudgetMs), superseded: false, answering: false, finished, handled: false };
    this.inFlight.add(entry);
    // The guard wraps reply() and update() before the handler can call them.
    const stopGuard =
      !stopping && (interaction.isButton() || interaction.isChatInputCommand() || interaction.isModalSubmit())
        ? guardDeadline(interaction, this.acknowledgeAfterMs, this.isEphemeral(interaction))
        : undefined;
    try {
      await runInBudget(entry.budget, () => (stopping ? this.answerRestarting(interaction) : this.dispatch(interaction)));
      done(stopping || entry.superseded ? 'refused' : 'ok');
    } catch (error) {
      done(entry.superseded ? 'refused' : outcomeOf(error));
      entry.answering = true;
      if (!entry.superseded) await this.fail(interaction, error);
    } finally {
      stopGuard?.();
      finish();
      entry.handled = true;
      // Answered: now what the member's answer derives (totals, memory) is applied, off the reply's
      // path but inside the interaction's time in flight, so a shutdown's drain waits for it too.
      await this.ctx.ledger.settleRecorded(interaction.user.id);
      this.inFlight.delete(entry);
      if (this.inFlight.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Resolves once no interaction is in flight (tests, before they clear the database). */
  whenIdle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Shutdown is a state: from now on every interaction that arrives is answered "restarting" and
   * changes nothing. Those in flight get `drainMs` to finish with their real answer; the ones still
   * running then are told "restarting" too, and their further database calls fail at once. One
   * already telling its member how it failed is let finish that instead: a second answer would race
   * the first (Discord's 50 requests a second can hold both), and the member could end with neither.
   */
  async shutdown(drainMs: number, answerMs = RESTARTING_ANSWER_TIMEOUT_MS): Promise<void> {
    this.stopping = true;
    await this.idle(drainMs);
    const running = [...this.inFlight].filter((entry) => !entry.superseded && !entry.handled);
    if (running.length === 0) return;
    const answering = running.filter((entry) => entry.answering);
    const late = running.filter((entry) => !entry.answering);
    if (late.length > 0) this.ctx.logger.warn({ count: late.length }, 'interactions still running at shutdown; telling their members to try again');
    for (const entry of late) {
      entry.superseded = true;
      expireBudget(entry.budget);
    }
    await withDeadline(
      Promise.all([...late.map((entry) => this.answerRestarting(entry.interaction)), ...answering.map((entry) => entry.finished)]),
      answerMs,
      'the "restarting" answers',
    ).catch(() => this.ctx.logger.warn('some "restarting" answers were not sent in time'));
  }

  /** Resolves once nothing is in flight, or after `timeoutMs`. */
  private async idle(timeoutMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  private async answerRestarting(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]).catch(() => {});
      return;
    }
    if (interaction.isRepliable() && !interaction.replied) await this.tell(interaction, RESTARTING);
  }

  /** Whether a command's answer is private, for deferring it the same way; a press is answered on its message. */
  private isEphemeral(interaction: Interaction): boolean {
    if (!interaction.isChatInputCommand()) return false;
    return this.commands.get(interaction.commandName)?.ephemeral?.(interaction) ?? false;
  }

  private async dispatch(interaction: Interaction): Promise<void> {
    // What this member answered before (in this process) is applied before anything reads their totals.
    await this.ctx.ledger.settleRecorded(interaction.user.id);
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
    } else if (interaction.isModalSubmit()) {
      const id = parseModalCustomId(interaction.customId);
      if (!id) throw new UserError(GONE_TEXT);
      await MODALS[id.action](interaction, id, this.ctx);
    } else if (interaction.isRepliable()) {
      // A select menu, a modal the bot did not open, a context-menu command: answered, never silence.
      throw new UserError(CONTROL_GONE);
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
    } else if (isIgnoredDiscordError(error)) {
      this.ctx.logger.debug({ code: error.code, ...where(interaction) }, 'interaction gone before it was answered');
      return;
    } else {
      this.ctx.logger.error({ err: error, ...where(interaction) }, 'interaction handler failed');
      text = APOLOGY;
    }
    await this.tell(interaction, text);
  }

  /** An ephemeral answer, however far the interaction got. */
  private async tell(interaction: RepliableInteraction, text: string): Promise<void> {
    const payload = { content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS } as const;
    try {
      // After a deferral (guardDeadline), reply() still does the right thing: it replaces a command's
      // "thinking" message rather than leaving it there.
      if (interaction.replied) await interaction.followUp(payload);
      else await interaction.reply(payload);
    } catch (replyError) {
      // Another process answered first (Discord resends, overlapping deploys), or the interaction expired.
      if (isIgnoredDiscordError(replyError)) return;
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

function isIgnoredDiscordError(error: unknown): error is DiscordAPIError {
  return error instanceof DiscordAPIError && IGNORED_DISCORD_CODES.has(Number(error.code));
}

function where(interaction: Interaction): Record<string, unknown> {
  return {
    command: interaction.isCommand() || interaction.isAutocomplete() ? (interaction as ChatInputCommandInteraction).commandName : undefined,
    customId: interaction.isMessageComponent() || interaction.isModalSubmit() ? interaction.customId : undefined,
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
  };
}

function summarise(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
