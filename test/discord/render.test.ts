import { describe, expect, test } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { buildChoiceSet } from '../../src/domain/choices.js';
import type { Deck } from '../../src/domain/types.js';
import { loadDecks } from '../../src/decks/loader.js';
import { embedLength } from '../../src/discord/render/common.js';
import { renderChallenge, renderDailyVerdict } from '../../src/discord/render/daily.js';
import { EMBED_LIMITS } from '../../src/discord/render/limits.js';
import { renderGraded, renderQuestion, renderRevealed } from '../../src/discord/render/quiz.js';
import type { Round } from '../../src/db/repositories/rounds-repository.js';
import type { DailyChallengeRow } from '../../src/db/repositories/daily-repository.js';
import { SHIPPED_DECKS_DIR, seededRandom } from '../support/fixtures.js';

const decks: Deck[] = await loadDecks(SHIPPED_DECKS_DIR);
const cards = decks.flatMap((deck) => deck.cards.map((card) => ({ deck, card })));

function round(over: Partial<Round>): Round {
  return {
    id: 9_007_199_254_740_991,
    interactionId: null,
    answeredInteractionId: null,
    source: 'quiz',
    ownerId: '300000000000000001',
    guildId: '100000000000000001',
    channelId: '200000000000000001',
    deckId: 'x',
    cardId: 'x',
    mode: 'flashcard',
    choiceOrder: null,
    correctIndex: null,
    isPrivate: false,
    createdAt: new Date(),
    revealedAt: null,
    answeredAt: null,
    reviewedBefore: 0,
    reviewDeck: null,
    typedAnswer: null,
    typedAt: null,
    ...over,
  };
}

function expectWithinLimits(embed: APIEmbed | undefined) {
  expect(embed).toBeDefined();
  expect(embed!.title?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.title);
  expect(embed!.description?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.description);
  for (const f of embed!.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
  expect(embedLength(embed!)).toBeLessThanOrEqual(EMBED_LIMITS.total);
  // Nothing had to be cut to fit.
  expect(embed!.description ?? '').not.toMatch(/…$/);
}

describe('every shipped card renders within Discord limits, uncut', () => {
  test.each(cards.map(({ deck, card }) => [card.id, deck, card] as const))('GIVEN %s THEN question, reveal, grade and daily views fit', (_id, deck, card) => {
    const { options, correctIndex } = buildChoiceSet(card, deck, seededRandom(1));
    const flash = { round: round({ deckId: deck.id, cardId: card.id }), deck, card };
    const choice = { round: round({ deckId: deck.id, cardId: card.id, mode: 'choice', choiceOrder: options, correctIndex }), deck, card };
    const views = [
      renderQuestion(flash),
      renderQuestion({ ...flash, round: { ...flash.round, source: 'review' } }, `${card.id}: You said **Good**. +1 point · 1234 in this server. Back in 3d.`),
      renderQuestion(choice),
      renderRevealed(flash, { again: 'Again · 10m', hard: 'Hard · 12d', good: 'Good · 1.5y', easy: 'Easy · 11mo' }),
      renderGraded({ kind: 'graded', view: flash, result: 'good', chosen: undefined, correct: true, points: 1, alreadyEarnedToday: false, totalPoints: 99_999, studyStreak: 365, nextDue: new Date() }),
      renderGraded({ kind: 'graded', view: choice, result: 'wrong', chosen: (correctIndex + 1) % 4, correct: false, points: 0, alreadyEarnedToday: false, totalPoints: 5, studyStreak: 2, nextDue: new Date() }),
    ];
    for (const view of views) {
      expectWithinLimits(view.embeds[0]);
      for (const row of view.components) for (const b of row.components) expect((b as { label?: string }).label?.length ?? 0).toBeLessThanOrEqual(80);
      expect(view.allowedMentions).toEqual({ parse: [] });
    }
    expect(views[3]!.embeds[0]!.description).toContain(card.answer);
    if (card.explanation) expect(views[3]!.embeds[0]!.description).toContain(card.explanation);

    const challenge: DailyChallengeRow = {
      id: 123456, guildId: 'g', localDate: '2026-03-10', kind: 'scheduled', channelId: 'c', messageId: 'm', deckId: deck.id, cardId: card.id,
      options, correctIndex, status: 'open', claimedAt: new Date(), postedAt: new Date(), closedAt: null, interactionId: null,
    };
    const users = ['300000000000000001', '300000000000000002', '300000000000000003'];
    expectWithinLimits(renderChallenge({ challenge, card, deck, answered: 12_345 }).embeds[0]);
    expectWithinLimits(renderChallenge({ challenge: { ...challenge, status: 'closed' }, card, deck, closing: { answered: 500, right: 333, firstRight: users } }).embeds[0]);
    const verdict = renderDailyVerdict({ kind: 'answered', view: { challenge, card, deck }, choice: 0, correct: false, points: 0, dailyStreak: 0, bestDailyStreak: 40 });
    expectWithinLimits(verdict.embeds[0]);
  });
});
