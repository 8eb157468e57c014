/*
 * Limits on what a deck file and an import may hold, so a hostile or mistaken file gives one clear
 * line instead of exhausting memory (documented in decks/README.md). Server-deck import reuses them.
 */

/** A deck file larger than this is refused before it is read. */
export const MAX_DECK_FILE_BYTES = 5 * 1024 * 1024;
/** Cards one deck may hold. */
export const MAX_CARDS_PER_DECK = 5_000;
/** An export file larger than this is refused by decks:import before it is read. */
export const MAX_IMPORT_INPUT_BYTES = 20 * 1024 * 1024;
/** YAML aliases a deck file may expand (the yaml library's own guard against "billion laughs"). */
export const MAX_YAML_ALIAS_COUNT = 100;
/** Brackets (`[`, `{`) nested deeper than this are refused before parsing: the parser's memory grows with depth. */
export const MAX_YAML_FLOW_DEPTH = 64;

/** "5 MB" for a byte count, as the limits are written in decks/README.md. */
export function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}
