import { colorFromId, LIMITS } from '../decks/loader.js';
import { defaultTitle, isDeckId, type ExistingCard, type SkippedRow } from '../decks/import.js';
import type { AttachmentDownloader } from '../decks/upload/download.js';
import { UploadError } from '../decks/upload/errors.js';
import { UPLOAD_LIMITS } from '../decks/upload/limits.js';
import { formatOf, sizeLimitOf, type UploadPlan } from '../decks/upload/plan.js';
import { planUploadOffThread } from '../decks/upload/plan-off-thread.js';
import { megabytes } from '../decks/upload/apkg.js';
import { deckToYaml } from '../decks/upload/export.js';
import { cardLabel } from '../domain/server-ids.js';
import type { Card } from '../domain/types.js';
import type { ServerDecksRepository } from '../db/repositories/server-decks-repository.js';
import { UserError } from '../errors.js';
import type { DeckCatalog, ServerDeck } from './deck-catalog.js';

export const DECK_PAGE_SIZE = 5;
/** Skipped rows the summary lists; the rest are counted. */
export const SKIPPED_SHOWN = 10;

export interface ImportInput {
  guildId: string;
  userId: string;
  deck: string;
  title: string | null;
  description: string | null;
  mode: 'add' | 'replace';
  attachment: { name: string; url: string; size: number };
  now: Date;
}

export interface ImportSummary {
  deck: ServerDeck;
  created: boolean;
  mode: 'add' | 'replace';
  imported: number;
  /** Cards a replace took out of the deck. */
  removed: number;
  unit: UploadPlan['unit'];
  skipped: SkippedRow[];
  mediaDropped: number;
  preview: Card | undefined;
}

export interface DeckPage {
  deck: ServerDeck;
  page: number;
  pages: number;
  cards: Card[];
}

/** /deck: a server's own decks, imported from attachments, browsed, exported and removed. */
export class ServerDeckService {
  constructor(
    private readonly catalog: DeckCatalog,
    private readonly repository: ServerDecksRepository,
    private readonly download: AttachmentDownloader,
  ) {}

  async import(input: ImportInput): Promise<ImportSummary> {
    const handle = input.deck.trim().toLowerCase();
    if (!isDeckId(handle)) {
      throw new UserError(`"${input.deck.slice(0, 40)}" is not a deck id: use 2–32 lowercase letters, digits and dashes, e.g. ml-exam.`);
    }
    if (this.catalog.shipped.deck(handle)) {
      throw new UserError(`\`${handle}\` is the id of a deck that comes with deepcards; choose another id, e.g. ${handle}-notes.`);
    }
    const format = formatOf(input.attachment.name);
    if (input.attachment.size > sizeLimitOf(format)) {
      throw new UserError(`The file is ${megabytes(input.attachment.size)}; a .${input.attachment.name.split('.').pop()} file may be at most ${megabytes(sizeLimitOf(format))}. Split it into several decks.`);
    }
    const current = (await this.catalog.serverDecks(input.guildId)).find((d) => d.handle === handle);
    const existing = new Map<string, ExistingCard>();
    if (current && input.mode === 'add') {
      for (const c of current.cards) existing.set(localId(c.id), { file: handle, line: c.position, question: c.question });
    }
    let plan: UploadPlan;
    try {
      const bytes = await this.download(input.attachment.url, sizeLimitOf(format));
      plan = await planUploadOffThread(input.attachment.name, bytes, handle, existing);
    } catch (error) {
      if (error instanceof UploadError) throw new UserError(error.message);
      throw error;
    }
    const tooManyInDeck = (total: number) =>
      new UserError(`\`${handle}\` would hold ${total} cards; a deck holds at most ${UPLOAD_LIMITS.cardsPerDeck}. Import into a new deck, or use mode:replace.`);
    const total = (current && input.mode === 'add' ? current.cards.length : 0) + plan.cards.length;
    if (total > UPLOAD_LIMITS.cardsPerDeck) throw tooManyInDeck(total);
    const title = (input.title?.trim() || plan.title || current?.title || defaultTitle(handle)).slice(0, LIMITS.deckTitle);
    const description = (input.description?.trim() || plan.description || current?.description || `Imported from ${input.attachment.name}`).slice(0, LIMITS.deckDescription);
    const written = await this.repository.write({
      guildId: input.guildId,
      deckId: handle,
      title,
      description,
      color: colorFromId(handle),
      importedBy: input.userId,
      importedAt: input.now,
      mode: input.mode,
      cards: plan.cards.map((c) => ({ cardId: c.id, question: c.question, answer: c.answer, explanation: c.explanation, choices: c.choices })),
      limits: { decks: UPLOAD_LIMITS.decksPerGuild, cards: UPLOAD_LIMITS.cardsPerGuild, cardsPerDeck: UPLOAD_LIMITS.cardsPerDeck },
    });
    if (written.kind === 'too-many-decks') {
      throw new UserError(`This server already has ${written.decks} decks, the most it may have. Remove one with /deck remove, or import into an existing deck.`);
    }
    if (written.kind === 'too-many-cards') {
      throw new UserError(`This server's decks would hold ${written.cards} cards; at most ${UPLOAD_LIMITS.cardsPerGuild} are allowed. Remove a deck with /deck remove, or import fewer cards.`);
    }
    // The repository checks again under the guild's lock: another import may have added cards since the check above.
    if (written.kind === 'too-many-cards-in-deck') throw tooManyInDeck(written.cards);
    if (written.kind === 'deck-removed') {
      this.catalog.invalidate(input.guildId);
      throw new UserError(`\`${handle}\` was removed while its cards were being imported, so the import stopped. Import the file again to create the deck anew.`);
    }
    this.catalog.invalidate(input.guildId);
    const deck = await this.requireDeck(input.guildId, handle);
    const skipped = [...plan.skipped, ...written.existing.map((id) => ({ line: 0, reason: `card "${id}" is already in the deck` }))];
    const firstAdded = written.added[0];
    return {
      deck,
      created: !current,
      mode: input.mode,
      imported: input.mode === 'add' ? written.added.length : plan.cards.length,
      removed: written.removed,
      unit: plan.unit,
      skipped,
      mediaDropped: plan.mediaDropped,
      preview: deck.cards.find((c) => localId(c.id) === (firstAdded ?? plan.cards[0]?.id)),
    };
  }

  async list(guildId: string): Promise<ServerDeck[]> {
    return this.catalog.serverDecks(guildId);
  }

  /** One page (0-based) of a deck's cards, clamped to the deck. */
  async page(guildId: string, handle: string, page: number): Promise<DeckPage> {
    const deck = await this.requireDeck(guildId, handle);
    const pages = Math.max(1, Math.ceil(deck.cards.length / DECK_PAGE_SIZE));
    const at = Math.min(Math.max(0, page), pages - 1);
    return { deck, page: at, pages, cards: deck.cards.slice(at * DECK_PAGE_SIZE, (at + 1) * DECK_PAGE_SIZE) };
  }

  /** The deck as a deepcards YAML file, which DECKS_DIR and /deck import both read. */
  async export(guildId: string, handle: string): Promise<{ fileName: string; text: string; deck: ServerDeck }> {
    const deck = await this.requireDeck(guildId, handle);
    return { fileName: `${deck.handle}.yaml`, text: deckToYaml(deck, localId), deck };
  }

  /** Checks that the deck exists before the confirmation button is shown. */
  async requireDeck(guildId: string, handle: string): Promise<ServerDeck> {
    const decks = await this.catalog.serverDecks(guildId);
    const deck = decks.find((d) => d.handle === handle.trim().toLowerCase());
    if (deck) return deck;
    const list = decks.map((d) => `\`${d.handle}\``).join(', ');
    throw new UserError(
      decks.length === 0
        ? `This server has no decks of its own yet. Import one with /deck import.`
        : `This server has no deck called "${handle.slice(0, 40)}". Its decks: ${list}.`,
    );
  }

  async remove(guildId: string, handle: string): Promise<void> {
    const removed = await this.repository.remove(guildId, handle.trim().toLowerCase());
    this.catalog.invalidate(guildId);
    if (!removed) throw new UserError(`This server has no deck called "${handle.slice(0, 40)}" any more; nothing was removed.`);
  }
}

/** A server card's id within its deck (the stored id is `<guild>/<deck>/<card>`). */
const localId = cardLabel;
