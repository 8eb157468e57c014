import { SlashCommandBuilder, type SlashCommandStringOption } from '@discordjs/builders';
import { AttachmentBuilder, InteractionContextType, MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { runWithBudget } from '../../deadlines.js';
import { UserError } from '../../errors.js';
import { note } from '../render/common.js';
import { APOLOGY } from '../router.js';
import { renderDeckPage, renderImportSummary, renderRemoveConfirmation, renderServerDeckList } from '../render/server-decks.js';
import type { BotContext } from '../context.js';
import type { SlashCommand } from './types.js';

const deckOption = (o: SlashCommandStringOption) =>
  o.setName('deck').setDescription("One of this server's decks, e.g. ml-exam").setRequired(true).setAutocomplete(true).setMaxLength(32);

export const deckCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('deck')
    .setDescription("This server's own decks: import, list, browse, export, remove")
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('import')
        .setDescription('Import cards from a CSV, TSV, Anki (.apkg or text), Quizlet or YAML file (Manage Server)')
        .addAttachmentOption((o) => o.setName('file').setDescription('The export: .csv, .tsv, .txt, .yaml or .apkg').setRequired(true))
        .addStringOption((o) => o.setName('deck').setDescription('The deck id members will type, e.g. ml-exam').setRequired(true).setMaxLength(32))
        .addStringOption((o) => o.setName('title').setDescription('The deck title, e.g. ML exam').setMaxLength(80))
        .addStringOption((o) => o.setName('description').setDescription('One line about the deck').setMaxLength(200))
        .addStringOption((o) =>
          o
            .setName('mode')
            .setDescription('add (default): append new cards; replace: the deck becomes exactly this file')
            .addChoices({ name: 'add', value: 'add' }, { name: 'replace', value: 'replace' }),
        ),
    )
    .addSubcommand((s) => s.setName('list').setDescription("This server's decks, with card counts and who imported them"))
    .addSubcommand((s) => s.setName('show').setDescription("Browse a deck's cards (only you see them)").addStringOption(deckOption))
    .addSubcommand((s) => s.setName('export').setDescription('The deck as a deepcards YAML file').addStringOption(deckOption))
    .addSubcommand((s) => s.setName('remove').setDescription('Remove a deck and its cards (Manage Server)').addStringOption(deckOption)),

  ephemeral: () => true,
  async execute(interaction, ctx) {
    const guildId = interaction.guildId;
    if (!guildId) throw new UserError("Server decks belong to a server: run /deck in a server channel.");
    switch (interaction.options.getSubcommand(true)) {
      case 'import':
        return importDeck(interaction, guildId, ctx);
      case 'list':
        await interaction.reply({ ...renderServerDeckList(await ctx.serverDecks.list(guildId)), flags: MessageFlags.Ephemeral });
        return;
      case 'show': {
        const page = await ctx.serverDecks.page(guildId, interaction.options.getString('deck', true), 0);
        await interaction.reply({ ...renderDeckPage(page), flags: MessageFlags.Ephemeral });
        return;
      }
      case 'export': {
        const file = await ctx.serverDecks.export(guildId, interaction.options.getString('deck', true));
        await interaction.reply({
          content: `\`${file.deck.handle}\`: ${file.deck.cards.length} cards. Put the file in DECKS_DIR, or import it with /deck import.`,
          files: [new AttachmentBuilder(Buffer.from(file.text, 'utf8'), { name: file.fileName })],
          allowedMentions: { parse: [] },
          flags: MessageFlags.Ephemeral,
        });
        return;
      }
      case 'remove': {
        requireManageGuild(interaction);
        const deck = await ctx.serverDecks.requireDeck(guildId, interaction.options.getString('deck', true));
        await interaction.reply({ ...renderRemoveConfirmation(deck), flags: MessageFlags.Ephemeral });
        return;
      }
    }
  },

  async autocomplete(interaction, ctx) {
    if (!interaction.guildId) return void (await interaction.respond([]));
    const typed = String(interaction.options.getFocused()).trim().toLowerCase();
    const decks = (await ctx.serverDecks.list(interaction.guildId)).filter((d) => !typed || d.handle.includes(typed) || d.title.toLowerCase().includes(typed));
    await interaction.respond(decks.slice(0, 25).map((d) => ({ name: `${d.title} (${d.handle}) · ${d.cards.length} cards`.slice(0, 100), value: d.handle })));
  },
};

export function requireManageGuild(interaction: { memberPermissions: { has(p: bigint): boolean } | null }): void {
  // default_member_permissions cannot be set per subcommand, so importing and removing check here.
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserError("Only members with the Manage Server permission can import or remove this server's decks. Ask an admin; /deck list and /deck show are open to all.");
  }
}

/**
 * The database time an import may use once deferred. The interaction's usual 2.5 s budget (#12) runs
 * from its arrival and is spent by the download and the parse; each statement is still bounded by
 * the client's own per-call deadline.
 */
export const DECK_IMPORT_DB_BUDGET_MS = 90_000;

/** Deferred at once: downloading and parsing take seconds. Every answer, refusals too, edits the deferred reply. */
async function importDeck(interaction: ChatInputCommandInteraction, guildId: string, ctx: BotContext): Promise<void> {
  requireManageGuild(interaction);
  const attachment = interaction.options.getAttachment('file', true);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    const summary = await runWithBudget(DECK_IMPORT_DB_BUDGET_MS, () =>
      ctx.serverDecks.import({
        guildId,
        userId: interaction.user.id,
        deck: interaction.options.getString('deck', true),
        title: interaction.options.getString('title'),
        description: interaction.options.getString('description'),
        mode: (interaction.options.getString('mode') as 'add' | 'replace' | null) ?? 'add',
        attachment: { name: attachment.name, url: attachment.url, size: attachment.size },
        now: ctx.now(),
      }),
    ).done;
    await interaction.editReply(renderImportSummary(summary));
  } catch (error) {
    // This reply was deferred here, not by the router's deadline guard: the router cannot replace it, so say it here.
    const { flags: _flags, ...edit } = note(error instanceof UserError ? error.message : APOLOGY);
    await interaction.editReply(edit);
    if (!(error instanceof UserError)) throw error;
  }
}
