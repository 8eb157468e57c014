import { ButtonStyle } from 'discord.js';
import { cardLabel } from '../../domain/server-ids.js';
import { letterAt } from '../../domain/choices.js';
import type { ChallengeView, DailyAnswerOutcome, DailyStatus } from '../../services/daily-service.js';
import { buildCustomId } from '../custom-id.js';
import { COLORS, button, field, message, note, type MessageView } from './common.js';

export const DAILY_FOOTER_PREFIX = 'daily #';

function optionLines(view: ChallengeView, reveal: boolean): string {
  return view.challenge.options
    .map((option, i) => {
      const line = `**${letterAt(i)}.** ${option}`;
      if (!reveal) return line;
      return i === view.challenge.correctIndex ? `✅ ${line}` : `▫️ ${line}`;
    })
    .join('\n');
}

/** The public challenge post: open with buttons and a live count, or closed with the result. */
export function renderChallenge(view: ChallengeView): MessageView {
  const { challenge, card, deck, closing } = view;
  const closed = challenge.status === 'closed';
  const footer = { text: `${DAILY_FOOTER_PREFIX}${challenge.id} · ${challenge.localDate} · ${cardLabel(card.id)}` };
  const buttons = challenge.options.map((_, i) =>
    button(buildCustomId({ action: 'daily', challengeId: challenge.id, choice: i }), letterAt(i), ButtonStyle.Secondary, closed),
  );
  if (!closed) {
    const answered = view.answered ?? 0;
    return message(
      [
        {
          title: `Daily challenge · ${deck.title}`,
          color: deck.color,
          description: `${card.question}\n\n${optionLines(view, false)}`,
          fields: [field('Answers', answered === 0 ? 'Nobody yet — be the first!' : `${answered} answered so far`)],
          footer,
        },
      ],
      [buttons],
    );
  }
  const answered = closing?.answered ?? 0;
  const right = closing?.right ?? 0;
  const share = answered > 0 ? Math.round((right / answered) * 100) : 0;
  const first = closing?.firstRight ?? [];
  return message(
    [
      {
        title: `Daily challenge · ${deck.title} · closed`,
        color: COLORS.neutral,
        description: [
          `${card.question}`,
          optionLines(view, true),
          `**Answer:** ${letterAt(challenge.correctIndex)} — ${card.answer}`,
          card.explanation ?? '',
        ]
          .filter(Boolean)
          .join('\n\n'),
        fields: [
          field('Result', `${answered} answered · ${share}% right`),
          field('First right', first.length > 0 ? first.map((id, i) => `${i + 1}. <@${id}>`).join('\n') : 'Nobody this time.'),
        ],
        footer,
      },
    ],
    [buttons],
  );
}

/** The private verdict a member gets after pressing an option. */
export function renderDailyVerdict(outcome: Exclude<DailyAnswerOutcome, { kind: 'gone' }>): MessageView & { flags: 64 } {
  const { challenge, card } = outcome.view;
  const letter = letterAt(challenge.correctIndex);
  if (outcome.kind === 'closed') {
    return note(`This challenge has closed, so answers no longer count — thanks for trying! The answer was ${letter}: ${card.answer}. A new challenge is posted every day.`);
  }
  if (outcome.kind === 'duplicate') {
    const prev = outcome.previous;
    const chosen = prev?.choice !== null && prev?.choice !== undefined ? `${letterAt(prev.choice)} — ${challenge.options[prev.choice] ?? ''}` : 'an option';
    return note(`You already answered: ${chosen}. One answer per member; the result shows when the challenge closes.`);
  }
  const head = outcome.correct ? `✅ **Right!** +${outcome.points} points.` : `❌ **Not this time.** You chose ${letterAt(outcome.choice)}.`;
  const streak = outcome.correct
    ? `Daily streak: ${outcome.dailyStreak} (best ${outcome.bestDailyStreak}).`
    : `Daily streak: 0 (best ${outcome.bestDailyStreak}). Get tomorrow's right to start a new one.`;
  return {
    ...message([
      {
        title: 'Daily challenge',
        color: outcome.correct ? COLORS.right : COLORS.wrong,
        description: [head, `**Answer:** ${letter} — ${card.answer}`, card.explanation ?? '', streak].filter(Boolean).join('\n\n'),
        footer: { text: cardLabel(card.id) },
      },
    ]),
    flags: 64,
  };
}

export function renderDailyStatus(status: DailyStatus): MessageView {
  const s = status.settings;
  if (!s) {
    return message([{ title: 'Daily challenge', color: COLORS.neutral, description: 'Not set up in this server. An admin can start it with `/daily setup channel time timezone [deck]`.' }]);
  }
  const state = !s.enabled ? 'Disabled (run /daily setup to enable)' : s.pausedReason ? `**Paused:** ${s.pausedReason} — fix it, then run /daily setup` : 'Enabled';
  const next = status.nextPost ? `<t:${Math.floor(status.nextPost.at.getTime() / 1000)}:F> · ${status.nextPost.date} ${s.time} (${s.timeZone})` : '—';
  const last = status.last
    ? `${status.last.localDate} (${status.last.kind}, ${status.last.status})${status.last.postedAt ? ` · <t:${Math.floor(status.last.postedAt.getTime() / 1000)}:R>` : ''}`
    : 'None yet';
  return message([
    {
      title: 'Daily challenge status',
      color: s.pausedReason ? COLORS.warning : COLORS.neutral,
      fields: [
        field('State', state),
        field('Channel', `<#${s.channelId}>`, true),
        field('Time', s.time, true),
        field('Timezone', s.timeZone, true),
        field('Deck', s.deckId ?? 'all', true),
        field('Next post', next),
        field('Last post', last),
        field('Last error', s.lastError ? `${s.lastError}${s.lastErrorAt ? ` · <t:${Math.floor(s.lastErrorAt.getTime() / 1000)}:R>` : ''}` : 'None'),
      ],
    },
  ]);
}
