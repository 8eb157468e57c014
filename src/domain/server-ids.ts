/** The stored id of a server deck: shipped ids never hold a slash, so the two never meet. */
export function serverDeckId(guildId: string, handle: string): string {
  return `${guildId}/${handle}`;
}

/** The stored id of a server card, unique across guilds: a member's memory of it is theirs in that guild's deck only. */
export function serverCardId(guildId: string, handle: string, cardId: string): string {
  return `${guildId}/${handle}/${cardId}`;
}

/** The guild a stored deck or card id belongs to; undefined for shipped ones. */
export function guildOfId(id: string): string | undefined {
  const slash = id.indexOf('/');
  return slash > 0 ? id.slice(0, slash) : undefined;
}

/** A card's id as members see it: a server card's id within its deck, a shipped card's as it is. */
export function cardLabel(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}
