import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Card, Deck } from '../../src/domain/types.js';
import { LONGEST_ANSWER_MAX_SHARE, answerRepeatsQuestion, editorialWarnings, longestAnswerWarnings, reviewDecks } from '../../src/decks/check.js';

type CardText = Pick<Card, 'id' | 'question' | 'answer'>;

function deck(id: string, cards: CardText[]): Deck {
  return {
    id,
    title: id,
    description: id,
    color: 0,
    cards: cards.map((c, i) => ({ ...c, deckId: id, explanation: undefined, choices: [], position: i + 1 })),
  };
}

const flagged = (decks: Deck[]) => editorialWarnings(decks).map((w) => [w.cardId, w.message.match(/^(answer repeats|question is a near-duplicate of card "[^"]+")/)?.[0]]);

describe('editorial warnings', () => {
  test('GIVEN the same question reworded slightly in two decks THEN the second card is warned naming the first', () => {
    const decks = [
      deck('cnn', [{ id: 'cnn-pool', question: 'What does max pooling keep from each window?', answer: 'The largest value' }]),
      deck('ml', [{ id: 'ml-pool', question: 'What does max-pooling keep from each pooling window?', answer: 'The largest value in it' }]),
    ];
    expect(flagged(decks)).toEqual([['ml-pool', 'question is a near-duplicate of card "cnn-pool"']]);
  });

  test('GIVEN two cards in one deck with identical questions but different answers THEN it is warned', () => {
    const decks = [
      deck('ml', [
        { id: 'ml-a', question: 'What is the F1 score of precision 0.5 and recall 1.0?', answer: '0.67' },
        { id: 'ml-b', question: 'What is the F1 score for precision 0.5 and recall 1.0?', answer: 'Two thirds' },
      ]),
    ];
    expect(flagged(decks)).toEqual([['ml-b', 'question is a near-duplicate of card "ml-a"']]);
  });

  test.each([
    {
      kind: 'a deliberate contrast pair with different answers',
      a: { question: 'A 2×2 window holds 1, 3, 2 and 6. What does max pooling output?', answer: '6' },
      b: { question: 'A 2×2 window holds 1, 3, 2 and 6. What does average pooling output?', answer: '3' },
    },
    {
      kind: 'questions about different things',
      a: { question: 'What is the capital of France?', answer: 'Paris' },
      b: { question: 'What is the capital of Germany?', answer: 'Berlin' },
    },
    {
      kind: 'questions sharing a topic only',
      a: { question: 'What is teacher forcing when training an RNN decoder?', answer: 'Feeding the true previous token' },
      b: { question: 'What problem arises from training a decoder only with teacher forcing?', answer: 'Exposure bias' },
    },
  ])('GIVEN $kind THEN no warning', ({ a, b }) => {
    expect(editorialWarnings([deck('d', [{ id: 'd-a', ...a }, { id: 'd-b', ...b }])])).toEqual([]);
  });

  test.each([
    ['What is gradient clipping?', 'Gradient clipping.'],
    ['What does the LSTM forget gate decide?', 'The forget gate decides.'],
    ['Dropout randomly zeroes activations during training. What is this technique called?', 'Dropout randomly zeroes activations'],
    ['Which layer type shares its weights across positions?', 'Which layer type shares its weights across positions?'],
  ])('GIVEN question "%s" and answer "%s" THEN the answer is said to repeat the question', (question, answer) => {
    expect(answerRepeatsQuestion(question, answer)).toBe(true);
    expect(flagged([deck('d', [{ id: 'd-x', question, answer }])])).toEqual([['d-x', 'answer repeats']]);
  });

  test.each([
    ['A conv layer with 16 filters is applied to an RGB image. What is the depth of its output?', '16'],
    ['Does batch normalisation use batch statistics or running statistics at inference?', 'Running statistics'],
    ['In cross-attention, where do the queries, keys and values come from?', 'Queries from the decoder; keys and values from the encoder output.'],
    ['Why does a convolutional layer need fewer parameters than a dense layer?', 'Its filter weights are shared across every position.'],
  ])('GIVEN question "%s" and answer "%s" THEN the answer is not said to repeat it', (question, answer) => {
    expect(answerRepeatsQuestion(question, answer)).toBe(false);
  });
});

describe('reviewDecks', () => {
  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('GIVEN near-duplicates in two files THEN the warning carries the file and line of both cards and is not an error', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'decks-check-'));
    const card = (id: string, question: string) => `  - id: ${id}\n    question: ${question}\n    answer: Its weights are shared.\n`;
    await writeFile(path.join(dir, 'a.yaml'), `id: aa\ntitle: A\ndescription: A.\ncards:\n${card('aa-one', 'What is the capital of Italy?')}${card('aa-shared', 'Why does a conv layer need few parameters?')}`);
    await writeFile(path.join(dir, 'b.yaml'), `id: bb\ntitle: B\ndescription: B.\ncards:\n${card('bb-shared', 'Why does a conv layer need so few parameters?')}`);
    const report = await reviewDecks(dir);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toHaveLength(1);
    const [warning] = report.warnings;
    expect(warning).toMatchObject({ file: path.join(dir, 'b.yaml'), line: 5, cardId: 'bb-shared' });
    expect(warning?.message).toContain(`card "aa-shared" at ${path.join(dir, 'a.yaml')}:8`);
  });
});

describe('longest-answer warning', () => {
  /** A deck of `total` choice cards where the first `longest` have an answer longer than every distractor and the rest tie. */
  function choiceDeck(id: string, total: number, longest: number): Deck {
    const cards = Array.from({ length: total }, (_, i) => ({
      id: `${id}-${i}`,
      deckId: id,
      question: `Question number ${i} about something?`,
      answer: i < longest ? 'a longer answer' : 'same length',
      explanation: undefined,
      choices: ['one choice.', 'two choice.', 'six choice.'],
      position: i + 1,
    }));
    return { id, title: id, description: id, color: 0, cards };
  }

  test('GIVEN a deck whose answer is the longest option in 5 of 10 cards THEN it is warned with the deck name and 50%', () => {
    const warnings = longestAnswerWarnings([choiceDeck('emb', 10, 5)]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/^deck "emb": the answer is the longest option in 50% of its cards with choices \(5 of 10;/);
  });

  test('GIVEN exactly 40% (4 of 10) THEN no warning, since only more than 40% is warned', () => {
    expect(LONGEST_ANSWER_MAX_SHARE).toBe(0.4);
    expect(longestAnswerWarnings([choiceDeck('emb', 10, 4)])).toEqual([]);
  });

  test('GIVEN answers that only tie the longest distractor THEN ties are not counted as longest', () => {
    // 'same length' and the distractors are all 11 characters.
    expect(longestAnswerWarnings([choiceDeck('emb', 10, 0)])).toEqual([]);
  });

  test('GIVEN a deck without choices THEN no warning', () => {
    const deck = choiceDeck('plain', 3, 3);
    expect(longestAnswerWarnings([{ ...deck, cards: deck.cards.map((c) => ({ ...c, choices: [] })) }])).toEqual([]);
  });

  test('GIVEN a deck file above the limit THEN reviewDecks warns at the file without failing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'decks-longest-'));
    try {
      const card = (n: number, question: string, answer: string) =>
        `  - id: ll-${n}\n    question: ${question}\n    answer: ${answer}\n    choices: [Short a, Short b, Short c]\n`;
      const cards = card(1, 'What is the capital of Italy?', 'Rome, on the Tiber') + card(2, 'Which gas do plants absorb?', 'Carbon dioxide');
      await writeFile(path.join(dir, 'll.yaml'), `id: ll\ntitle: L\ndescription: L.\ncards:\n${cards}`);
      const report = await reviewDecks(dir);
      expect(report.problems).toEqual([]);
      expect(report.warnings).toEqual([expect.objectContaining({ file: path.join(dir, 'll.yaml'), line: 1, message: expect.stringContaining('deck "ll"') })]);
      expect(report.warnings[0]?.message).toContain('100%');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
