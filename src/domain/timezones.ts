const ZONES: readonly string[] = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
const BY_LOWER = new Map(ZONES.map((z) => [z.toLowerCase(), z]));

/**
 * The canonical IANA name for what a member typed (case-insensitive, aliases such as
 * Asia/Calcutta accepted), or null when it is not an IANA zone. Offsets such as "+02:00" and
 * abbreviations such as "CET" are refused: they do not follow daylight-saving changes.
 */
export function canonicalTimeZone(input: string): string | null {
  const typed = input.trim().replace(/ +/g, '_');
  if (typed === '' || typed.length > 64) return null;
  const known = BY_LOWER.get(typed.toLowerCase());
  if (known) return known;
  if (!/^[A-Za-z]+(\/[A-Za-z0-9_+-]+)+$/.test(typed)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: typed }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Up to `limit` IANA names closest to what was typed, for "did you mean …". */
export function suggestTimeZones(input: string, limit = 3): string[] {
  const typed = input.trim().toLowerCase().replace(/ +/g, '_');
  if (!typed) return ['UTC', 'Europe/London', 'America/New_York'].slice(0, limit);
  const scored = ZONES.map((zone) => {
    const lower = zone.toLowerCase();
    const city = lower.slice(lower.lastIndexOf('/') + 1);
    let score = Math.min(distance(typed, lower), distance(typed, city) + 1);
    if (lower.includes(typed) || (typed.length >= 3 && city.startsWith(typed))) score -= 10;
    return { zone, score };
  });
  scored.sort((a, b) => a.score - b.score || a.zone.localeCompare(b.zone));
  return scored.slice(0, limit).map((s) => s.zone);
}

/** Zones matching typed text, for autocomplete. */
export function searchTimeZones(input: string, limit = 25): string[] {
  const typed = input.trim().toLowerCase().replace(/ +/g, '_');
  if (!typed) return ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney'].slice(0, limit);
  const hits = ZONES.filter((z) => z.toLowerCase().includes(typed));
  return (hits.length > 0 ? hits : suggestTimeZones(input, limit)).slice(0, limit);
}

/** Levenshtein distance, enough for a few hundred short names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const temp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = temp;
    }
  }
  return row[b.length]!;
}
