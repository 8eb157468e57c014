import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildCustomId, buildModalCustomId, CUSTOM_ID_MAX_LENGTH, parseCustomId, parseModalCustomId, type CustomId } from '../../src/discord/custom-id.js';

const samples: CustomId[] = [
  { action: 'reveal', roundId: 1 },
  { action: 'grade', roundId: 42, grade: 'again' },
  { action: 'grade', roundId: 42, grade: 'easy' },
  { action: 'choose', roundId: 9_007_199_254_740_991, choice: 3 },
  { action: 'next', roundId: 7 },
  { action: 'daily', challengeId: 5, choice: 0 },
  { action: 'type', roundId: 12 },

  { action: 'game', questionId: 12, choice: 2 },
  { action: 'gameScore', gameId: 3 },
  { action: 'deckPage', page: 0, deck: 'ml-exam' },
  { action: 'deckPage', page: 999, deck: 'a1234567890123456789012345678901' },
  { action: 'deckRemove', deck: 'ml-exam' },
];

describe('custom ids', () => {
  test.each(samples)('GIVEN %o THEN it survives a build/parse round trip', (id) => {
    const raw = buildCustomId(id);
    expect(raw.startsWith('v1:')).toBe(true);
    expect(raw.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
    expect(parseCustomId(raw)).toEqual(id);
  });

  test('GIVEN any round id and grade THEN the id round-trips and stays short', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('again', 'hard', 'good', 'easy' as const), (roundId, grade) => {
        const raw = buildCustomId({ action: 'grade', roundId, grade });
        expect(raw.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
        expect(parseCustomId(raw)).toEqual({ action: 'grade', roundId, grade });
      }),
    );
  });

  test.each([
    '',
    'garbage',
    'v1',
    'v1:rv',
    'v1:rv:',
    'v1:rv:abc',
    'v1:rv:0',
    'v1:rv:-3',
    'v1:rv:01',
    'v1:rv:1:extra',
    'v2:rv:1',
    'v1:zz:1',
    'v1:gr:1',
    'v1:gr:1:5',
    'v1:gr:1:good',
    'v1:ch:1:4',
    'v1:ch:1:A',
    'v1:dc:1',
    'v1:gm:1',
    'v1:gm:1:4',
    'v1:gs:1:2',
    'v1:rv:99999999999999999',
    `v1:rv:1${'0'.repeat(120)}`,
    'v1:dp:1',
    'v1:dp:-1:ml-exam',
    'v1:dp:01:ml-exam',
    'v1:dp:1:ML-EXAM',
    'v1:dp:1:ml-exam:x',
    'v1:dr',
    'v1:dr:ml exam',
    'v1:dr:ml-exam:1',
    'v2:dr:ml-exam',
  ])('GIVEN the malformed id %j THEN it parses to null', (raw) => {
    expect(parseCustomId(raw)).toBeNull();
  });

  test('GIVEN any string THEN parsing never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (raw) => {
        expect(() => parseCustomId(raw)).not.toThrow();
      }),
    );
  });

  test('GIVEN a non-string THEN parsing returns null', () => {
    expect(parseCustomId(undefined)).toBeNull();
    expect(parseCustomId(42)).toBeNull();
  });

  test('GIVEN a typed-answer modal id THEN it round-trips, stays short, and is no button id (nor the reverse)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (roundId) => {
        const raw = buildModalCustomId({ action: 'typed', roundId });
        expect(raw).toBe(`v1:ta:${roundId}`);
        expect(raw.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
        expect(parseModalCustomId(raw)).toEqual({ action: 'typed', roundId });
        expect(parseCustomId(raw)).toBeNull();
        expect(parseModalCustomId(buildCustomId({ action: 'type', roundId }))).toBeNull();
      }),
    );
  });

  test.each(['', 'v1:ta', 'v1:ta:0', 'v1:ta:1:2', 'v2:ta:1', 'v1:ty:1', 42])('GIVEN the malformed modal id %j THEN it parses to null', (raw) => {
    expect(parseModalCustomId(raw)).toBeNull();
  });
});
