import type { ReviewDone, SrsStats } from '../../services/review-service.js';
import type { SrsSettings } from '../../db/repositories/memory-repository.js';
import { COLORS, field, message, type MessageView } from './common.js';
import { percent } from './stats.js';

const at = (d: Date) => `<t:${Math.floor(d.getTime() / 1000)}:R>`;

/** The end of a /review session, or the answer to /review when nothing is due. */
export function renderReviewDone(done: ReviewDone): MessageView {
  const lines: string[] = [];
  lines.push(done.reviewed > 0 ? `You reviewed **${done.reviewed}** card${done.reviewed === 1 ? '' : 's'}. Nothing else is due right now.` : 'Nothing is due right now.');
  lines.push(done.nextDue ? `Next card due ${at(done.nextDue)}.` : 'No reviews are scheduled yet.');
  if (done.newCardsRemain) {
    lines.push(done.newLeftToday > 0 ? `New cards left today: ${done.newLeftToday}.` : 'You have met today\'s new-card limit; more tomorrow (or raise it with /review-settings).');
  } else {
    lines.push('You have started every card in scope.');
  }
  return message([{ title: done.reviewed > 0 ? 'Review session done' : 'Review', color: COLORS.right, description: lines.join('\n') }]);
}

export function renderSrsSettings(settings: SrsSettings, saved: boolean): MessageView {
  return message([
    {
      title: saved ? 'Review settings saved' : 'Your review settings',
      color: COLORS.neutral,
      fields: [
        field('New cards per day', String(settings.newPerDay), true),
        field('Retention', settings.retention.toFixed(2), true),
        field('Timezone', settings.timeZone, true),
        field('Reminder', settings.reminderEnabled ? `on, at ${String(settings.reminderHour ?? 0).padStart(2, '0')}:00` : 'off', true),
      ],
      footer: { text: 'Change any of them with /review-settings' },
    },
  ]);
}

/** The spaced-repetition fields /stats adds. */
export function srsFields(stats: SrsStats) {
  const learned = stats.learnedPerDeck.filter((d) => d.learned > 0);
  return [
    field('Due', `${stats.dueToday} today · ${stats.dueTomorrow} tomorrow`, true),
    field('Retention (30 days)', stats.retention30d === null ? '—' : `${percent(stats.retention30d)} of ${stats.reviews30d} reviews`, true),
    field('Learned', learned.length === 0 ? 'No cards learned yet: try /review.' : learned.map((d) => `**${d.title}**: ${d.learned}/${d.total}`).join('\n')),
  ];
}
