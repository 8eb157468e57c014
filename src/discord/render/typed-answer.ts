import { ComponentType, TextInputStyle, escapeMarkdown, type APIModalInteractionResponseCallbackData } from 'discord.js';
import { matchPercent, TYPED_ANSWER_MAX_LENGTH, type TypedComparison } from '../../domain/typed-answer.js';
import { buildModalCustomId, TYPED_ANSWER_INPUT_ID } from '../custom-id.js';

/** The modal behind "Type your answer": one paragraph input, up to 400 characters. */
export function renderTypedAnswerModal(roundId: number): APIModalInteractionResponseCallbackData {
  return {
    custom_id: buildModalCustomId({ action: 'typed', roundId }),
    title: 'Type your answer',
    components: [
      {
        type: ComponentType.Label,
        label: 'Your answer',
        component: {
          type: ComponentType.TextInput,
          custom_id: TYPED_ANSWER_INPUT_ID,
          style: TextInputStyle.Paragraph,
          max_length: TYPED_ANSWER_MAX_LENGTH,
          required: true,
        },
      },
    ],
  };
}

/**
 * The member's answer beside the right one: their text as typed, the word differences of the
 * normalised answers (~~struck~~: not in the answer; __underlined__: missing) and the match score.
 */
export function typedAnswerBlock(typed: string, comparison: TypedComparison): string {
  const shown = escapeMarkdown(typed.replace(/\s+/g, ' ').trim()) || '(empty)';
  const diff = comparison.diff
    .map((part) => (part.kind === 'same' ? part.text : part.kind === 'extra' ? `~~${part.text}~~` : `__${part.text}__`))
    .join(' ');
  const verdict = comparison.exact ? 'exact match' : `${matchPercent(comparison.score)}% match`;
  return [`**Your answer:** ${shown}`, `**Differences:** ${diff || '—'}`, `**${verdict}**`].join('\n');
}
