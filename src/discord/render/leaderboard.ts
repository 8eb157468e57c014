import type { BoardRow } from '../../db/repositories/leaderboard-repository.js';
import type { Leaderboard } from '../../services/leaderboard-service.js';
import { COLORS, message, type MessageView } from './common.js';

const PERIOD_TITLE = { week: 'this week', month: 'this month', all: 'all time' } as const;
const MEDALS = ['🥇', '🥈', '🥉'];

function line(row: BoardRow, by: Leaderboard['by']): string {
  const rank = MEDALS[row.rank - 1] ?? `**${row.rank}.**`;
  const score = by === 'streak' ? `${row.dailyStreak} in a row (best ${row.bestDailyStreak})` : `${row.points} pts`;
  return `${rank} <@${row.userId}> — ${score}`;
}

/**
 * The board: members in rank order as mentions, and nothing that mentions anyone before the first.
 * The caller's own rank follows when they are outside the top.
 */
export function renderLeaderboard(board: Leaderboard): MessageView {
  const title = board.by === 'streak' ? 'Leaderboard · daily streaks' : `Leaderboard · ${PERIOD_TITLE[board.period]}`;
  if (board.top.length === 0) {
    const how =
      board.by === 'streak'
        ? 'No daily streaks yet: answer the daily challenge right to start one.'
        : 'Nobody has points here yet. Run `/quiz` and grade a card Good, or answer the daily challenge, to get on the board!';
    return message([{ title, color: COLORS.neutral, description: how }]);
  }
  const lines = board.top.map((row) => line(row, board.by));
  if (board.caller) lines.push('', `You: ${line(board.caller, board.by)}`);
  const footer =
    board.since !== null ? `Since ${board.since.toISOString().slice(0, 16).replace('T', ' ')} UTC · weeks start on Monday (${board.timeZone})` : 'Ties go to whoever got there first.';
  return message([{ title, color: COLORS.neutral, description: lines.join('\n'), footer: { text: footer } }]);
}
