import type { ButtonInteraction } from 'discord.js';
import { UserError } from '../../errors.js';
import { requireManageGuild } from '../commands/deck.js';
import type { BotContext } from '../context.js';
import type { CustomId } from '../custom-id.js';
import { message } from '../render/common.js';
import { renderDeckPage } from '../render/server-decks.js';

function guildOf(interaction: ButtonInteraction): string {
  if (!interaction.guildId) throw new UserError('Server decks belong to a server: run /deck in a server channel.');
  return interaction.guildId;
}

export async function handleDeckPage(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'deckPage' }>, ctx: BotContext): Promise<void> {
  const page = await ctx.serverDecks.page(guildOf(interaction), id.deck, id.page);
  await interaction.update(renderDeckPage(page));
}

export async function handleDeckRemove(interaction: ButtonInteraction, id: Extract<CustomId, { action: 'deckRemove' }>, ctx: BotContext): Promise<void> {
  requireManageGuild(interaction);
  const deck = await ctx.serverDecks.requireDeck(guildOf(interaction), id.deck);
  await ctx.serverDecks.remove(guildOf(interaction), id.deck);
  await interaction.update(message([], [], `Removed \`${deck.handle}\` and its ${deck.cards.length} cards. Points already earned stay.`));
}
