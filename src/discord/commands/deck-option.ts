import type { AutocompleteInteraction } from 'discord.js';
import { deckHandle } from '../../domain/types.js';
import type { BotContext } from '../context.js';

/** Autocomplete for a deck option: ids and titles matching what was typed. */
export async function autocompleteDeck(interaction: AutocompleteInteraction, ctx: BotContext, extra: { name: string; value: string }[] = []): Promise<void> {
  const typed = String(interaction.options.getFocused());
  const decks = (await ctx.decks.forGuild(interaction.guildId)).search(typed, 25 - extra.length);
  const matchingExtra = extra.filter((e) => e.value.includes(typed.toLowerCase()) || e.name.toLowerCase().includes(typed.toLowerCase()));
  await interaction.respond([
    ...matchingExtra,
    ...decks.map((d) => ({ name: `${d.title} (${deckHandle(d)}) · ${d.cards.length} cards`.slice(0, 100), value: deckHandle(d) })),
  ]);
}
