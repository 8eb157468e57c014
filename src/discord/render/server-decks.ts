import { ButtonStyle } from 'discord.js';
import type { DeckPage, ImportSummary } from '../../services/server-deck-service.js';
import type { ServerDeck } from '../../services/deck-catalog.js';
import { SKIPPED_SHOWN } from '../../services/server-deck-service.js';
import { buildCustomId } from '../custom-id.js';
import { button, COLORS, field, message, type MessageView } from './common.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A card's text inside the deck's embed only: a quote block keeps its formatting from running into the rest. */
function quoted(text: string, max = 300): string {
  const cut = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return cut
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

export function renderImportSummary(summary: ImportSummary): MessageView {
  const { deck } = summary;
  const verb = summary.mode === 'replace' ? 'Replaced the cards of' : 'Imported';
  const head =
    summary.mode === 'replace'
      ? `${verb} \`${deck.handle}\` with ${plural(summary.imported, 'card')}${summary.removed > 0 ? ` (${summary.removed} no longer in it)` : ''}`
      : `Imported ${plural(summary.imported, 'card')} into \`${deck.handle}\``;
  const lines = [`${head}; ${summary.skipped.length} skipped.`];
  if (summary.mediaDropped > 0) lines.push(`${plural(summary.mediaDropped, 'media reference')} (images, sounds) dropped: cards are text only.`);
  const fields = [];
  if (summary.skipped.length > 0) {
    const shown = summary.skipped.slice(0, SKIPPED_SHOWN).map((s) => (s.line > 0 ? `${summary.unit} ${s.line}: ${s.reason}` : s.reason));
    const more = summary.skipped.length - shown.length;
    fields.push(field('Skipped', [...shown, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n')));
  }
  if (summary.preview) {
    fields.push(field('Preview', `${quoted(summary.preview.question)}\n**Answer:** ${summary.preview.answer.slice(0, 200)}`));
  }
  return message([
    {
      title: `${deck.title} · ${plural(deck.cards.length, 'card')}`,
      color: deck.color,
      description: lines.join('\n'),
      fields,
      footer: { text: `Study it with /quiz deck:${deck.handle}` },
    },
  ]);
}

export function renderServerDeckList(decks: readonly ServerDeck[]): MessageView {
  const lines = decks.map(
    (d) => `**${d.title}** · \`${d.handle}\` — ${plural(d.cards.length, 'card')}, imported by <@${d.importedBy}> <t:${Math.floor(d.importedAt.getTime() / 1000)}:R>`,
  );
  return message([
    {
      title: "This server's decks",
      color: COLORS.neutral,
      description: lines.join('\n') || 'This server has no decks of its own yet. Import one with /deck import.',
      footer: { text: 'Members study them with /quiz, /review and /daily like the shipped decks.' },
    },
  ]);
}

export function renderDeckPage(view: DeckPage): MessageView {
  const { deck, page, pages, cards } = view;
  const description = cards
    .map((c) => `**${c.position}.** ${quoted(c.question, 250)}\n**Answer:** ${c.answer.slice(0, 200)}`)
    .join('\n\n');
  const nav = [
    button(buildCustomId({ action: 'deckPage', page: page - 1, deck: deck.handle }), 'Previous', ButtonStyle.Secondary, page === 0),
    button(buildCustomId({ action: 'deckPage', page: page + 1, deck: deck.handle }), 'Next', ButtonStyle.Secondary, page >= pages - 1),
  ];
  return message([{ title: deck.title, color: deck.color, description, footer: { text: `${deck.handle} · page ${page + 1} of ${pages}` } }], [nav]);
}

export function renderRemoveConfirmation(deck: ServerDeck): MessageView {
  return message(
    [],
    [[button(buildCustomId({ action: 'deckRemove', deck: deck.handle }), `Remove ${deck.handle}`, ButtonStyle.Danger)]],
    `Remove \`${deck.handle}\` (${deck.title}, ${plural(deck.cards.length, 'card')}) from this server? Points already earned stay. Dismiss this message to keep it.`,
  );
}
