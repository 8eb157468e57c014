import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type InteractionReplyOptions, type ModalMessageModalSubmitInteraction, type ModalSubmitInteraction } from 'discord.js';

/**
 * Discord drops an interaction that is not acknowledged within 3 seconds of being sent: the member sees
 * "This interaction failed", whatever the bot did. Past this long without an answer, deepcards
 * acknowledges first (a deferral) and answers when it can.
 */
export const ACKNOWLEDGE_AFTER_MS = 2_000;

/**
 * How long an interaction's database work may take in all, from its arrival. Past it the member gets
 * "temporarily unavailable" (after the deferral at ACKNOWLEDGE_AFTER_MS), about 2.5 s after pressing,
 * instead of "thinking…" for as long as the database is away.
 */
export const INTERACTION_DB_BUDGET_MS = 2_500;

type Answerable = ButtonInteraction | ChatInputCommandInteraction | ModalSubmitInteraction;

/** A press, or a modal submitted from a message's button: answered on that message, like a press. */
function answersOnMessage(interaction: Answerable): interaction is ButtonInteraction | ModalMessageModalSubmitInteraction {
  return interaction.isButton() || (interaction.isModalSubmit() && interaction.isFromMessage());
}

/**
 * Keeps a slow answer inside Discord's deadline without changing the handlers. If the handler has not
 * started answering `afterMs` after this call, the interaction is deferred: a press keeps its message as
 * it is while it loads, a command shows "deepcards is thinking…" (privately when `ephemeral`). The
 * handler's reply() and update() then become what Discord expects after a deferral: update() edits the
 * message; reply() to a press is a follow-up; reply() to a command replaces the "thinking" message (or
 * deletes it and follows up, when the answer's privacy differs from the deferral's).
 * Returns the function that stops the timer once the handler is done.
 */
export function guardDeadline(interaction: Answerable, afterMs: number, ephemeral: boolean): () => void {
  let deferral: Promise<unknown> | undefined;
  let answered = false;

  const reply = interaction.reply.bind(interaction) as (options: InteractionReplyOptions) => Promise<unknown>;
  const whenDeferred = async <T>(answer: () => Promise<T>): Promise<T> => {
    await deferral;
    return answer();
  };

  const replyAfterDeferral = async (options: InteractionReplyOptions): Promise<unknown> => {
    if (answersOnMessage(interaction)) return interaction.followUp(options);
    if (isEphemeral(options) === ephemeral) {
      // The deferral already decided who sees the answer; an edit takes no such flag.
      const { flags: _flags, ...edit } = options;
      return interaction.editReply(edit);
    }
    await interaction.deleteReply();
    return interaction.followUp(options);
  };

  Object.assign(interaction, {
    reply: (options: InteractionReplyOptions) => {
      if (deferral) return whenDeferred(() => replyAfterDeferral(options));
      answered = true;
      return reply(options);
    },
  });
  if (answersOnMessage(interaction)) {
    const update = interaction.update.bind(interaction) as (options: unknown) => Promise<unknown>;
    Object.assign(interaction, {
      update: (options: Parameters<ButtonInteraction['editReply']>[0]) => {
        if (deferral) return whenDeferred(() => interaction.editReply(options));
        answered = true;
        return update(options);
      },
    });
  }
  if (interaction.isButton()) {
    // A modal must be the first answer to a press: once it is on its way there is nothing to defer.
    const showModal = interaction.showModal.bind(interaction) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(interaction, {
      showModal: (...args: unknown[]) => {
        answered = true;
        return showModal(...args);
      },
    });
  }

  const timer = setTimeout(() => {
    if (answered) return;
    // A failed deferral (the interaction already expired) leaves the answer to fail the same way, and
    // the router's error boundary to deal with it.
    deferral = (answersOnMessage(interaction) ? interaction.deferUpdate() : interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {})).catch(
      () => undefined,
    );
  }, afterMs);
  return () => clearTimeout(timer);
}

function isEphemeral(options: InteractionReplyOptions): boolean {
  const flags = options.flags;
  if (typeof flags === 'number') return (flags & MessageFlags.Ephemeral) !== 0;
  if (Array.isArray(flags)) return flags.includes(MessageFlags.Ephemeral) || flags.includes('Ephemeral');
  return false;
}
