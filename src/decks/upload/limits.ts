/**
 * Limits of /deck import, in one place. (Deck-file limits of the faults issue live beside the loader;
 * the per-deck card cap is the same number.)
 */
export const UPLOAD_LIMITS = {
  /** Largest CSV, TSV, text or YAML attachment downloaded. */
  textBytes: 5 * 1024 * 1024,
  /** Largest .apkg attachment downloaded. */
  apkgBytes: 25 * 1024 * 1024,
  /** Largest collection inside an .apkg, once unzipped (and un-zstd'd): beyond it, a zip bomb or a media-heavy collection. */
  collectionBytes: 150 * 1024 * 1024,
  /** Cards in one deck. */
  cardsPerDeck: 5_000,
  /** Decks one server may own. */
  decksPerGuild: 50,
  /** Cards over all of one server's decks. */
  cardsPerGuild: 20_000,
} as const;

/** How long downloading an attachment from Discord's CDN may take before the import gives up. */
export const ATTACHMENT_DOWNLOAD_TIMEOUT_MS = 15_000;
