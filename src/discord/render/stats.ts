import { deckHandle } from '../../domain/types.js';
import type { DeckProgress, MemberRecord } from '../../services/stats-service.js';
import type { SrsStats } from '../../services/review-service.js';
import { COLORS, field, message, type MessageView } from './common.js';
import { srsFields } from './review.js';

export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)}%`;
}

export function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

export function renderStats(record: MemberRecord, displayName: string, srs?: SrsStats): MessageView {
  return message([
    {
      title: `Stats for ${displayName}`,
      color: COLORS.neutral,
      description: `<@${record.userId}>`,
      fields: [
        field('Points', String(record.points), true),
        field('This week', String(record.weekPoints), true),
        field('This month', String(record.monthPoints), true),
        field('Answers', `${record.answers} (${record.correct} correct)`, true),
        field('Accuracy', percent(record.accuracy), true),
        field('Study streak', `${days(record.studyStreak.current)} · best ${days(record.studyStreak.best)}`, true),
        field('Daily streak', `${record.dailyStreak.current} · best ${record.dailyStreak.best}`, true),
        field(
          'By deck',
          record.decks.length === 0
            ? 'No answers yet.'
            : record.decks.map((d) => `**${d.title}**: ${d.answers} answered · ${percent(d.correct / d.answers)} right`).join('\n'),
        ),
        ...(srs ? srsFields(srs) : []),
      ],
      footer: { text: record.answers === 0 ? 'No answers yet: run /quiz to start.' : 'Points are counted in this server.' },
    },
  ]);
}

export function renderDecks(progress: DeckProgress[]): MessageView {
  const lines = progress.map(
    ({ deck, answered }) => `**${deck.title}** · \`${deckHandle(deck)}\` — ${deck.cards.length} cards, you answered ${answered}\n${deck.description}`,
  );
  return message([
    {
      title: 'Decks',
      color: COLORS.neutral,
      description: lines.join('\n\n') || 'No decks are loaded.',
      footer: { text: 'Study one with /quiz deck:<id>' },
    },
  ]);
}
