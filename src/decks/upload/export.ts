import { Document, Scalar, visit } from 'yaml';
import type { Card, Deck } from '../../domain/types.js';

/** A deck as a deepcards YAML file: what DECKS_DIR loads and /deck import reads back. */
export function deckToYaml(deck: Deck & { handle?: string }, cardId: (storedId: string) => string = (id) => id): string {
  const doc = new Document({
    id: deck.handle ?? deck.id,
    title: deck.title,
    description: deck.description,
    cards: deck.cards.map((c: Card) => ({
      id: cardId(c.id),
      question: c.question,
      answer: c.answer,
      ...(c.explanation ? { explanation: c.explanation } : {}),
      ...(c.choices.length === 3 ? { choices: [...c.choices] } : {}),
    })),
  });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
    },
  });
  return `# Exported from deepcards with /deck export.\n${doc.toString({ lineWidth: 0 })}`;
}
