import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDecks } from '../../src/decks/loader.js';
import type { Card, Deck } from '../../src/domain/types.js';
import type { Random } from '../../src/domain/random.js';

export const FIXTURE_DECKS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'decks');
export const SHIPPED_DECKS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'decks');

export function fixtureDecks(): Promise<Deck[]> {
  return loadDecks(FIXTURE_DECKS_DIR);
}

/** A deck `d` of `size` cards `d-0`, `d-1`, …, each with three wrong options. */
export function numberedDeck(size: number): Deck {
  const cards: Card[] = Array.from({ length: size }, (_, i) => ({
    id: `d-${i}`,
    deckId: 'd',
    question: `Question ${i}?`,
    answer: `Answer ${i}`,
    explanation: undefined,
    choices: [`Wrong ${i}a`, `Wrong ${i}b`, `Wrong ${i}c`],
    position: i + 1,
  }));
  return { id: 'd', title: 'D', description: 'A deck of numbered cards.', color: 0, cards };
}

/** A repeatable random source (mulberry32), so shuffles in tests are the same every run. */
export function seededRandom(seed = 42): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(private current: Date) {}
  now = (): Date => new Date(this.current);
  set(iso: string | Date): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
