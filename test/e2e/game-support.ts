import type { FakeDiscord } from '../support/fake-discord/index.js';
import type { StoredMessage } from '../support/fake-discord/types.js';

/**
 * Game timings for tests: one game second is 250 ms (seconds:30 is 7.5 s; the pause between questions
 * 0.75 s), short enough to play games in seconds, long enough for a loaded machine to press in time.
 */
export const TEST_GAME_SECOND_MS = 250;
export const FAST_GAME_ENV = { GAME_SECOND_MS: String(TEST_GAME_SECOND_MS), GAME_TICK_MS: '500' };

const QUESTION_FOOTER = /· game #(\d+) · question (\d+)$/;

export interface QuestionPost {
  message: StoredMessage;
  gameId: number;
  number: number;
  closed: boolean;
}

/** The game question posts of a channel, oldest first, as members see them now. */
export function questionPosts(fake: FakeDiscord, channelId: string): QuestionPost[] {
  const posts: QuestionPost[] = [];
  for (const message of fake.messages(channelId)) {
    const match = QUESTION_FOOTER.exec(message.embeds[0]?.footer?.text ?? '');
    if (!match) continue;
    posts.push({ message, gameId: Number(match[1]), number: Number(match[2]), closed: (message.embeds[0]?.title ?? '').endsWith('· closed') });
  }
  return posts;
}

export function scoreboardPosts(fake: FakeDiscord, channelId: string, gameId?: number): StoredMessage[] {
  return fake
    .messages(channelId)
    .filter((m) => (gameId === undefined ? /^game #\d+ · scoreboard$/ : new RegExp(`^game #${gameId} · scoreboard$`)).test(m.embeds[0]?.footer?.text ?? ''));
}

/** Polls `probe` until it returns a value, failing with `what` after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits for question `number` to be posted and open in the channel. */
export function openQuestion(fake: FakeDiscord, channelId: string, number: number, timeoutMs?: number): Promise<QuestionPost> {
  return waitFor(() => questionPosts(fake, channelId).find((q) => q.number === number && !q.closed), `question ${number} to open`, timeoutMs);
}

export function closedQuestion(fake: FakeDiscord, channelId: string, number: number, timeoutMs?: number): Promise<QuestionPost> {
  return waitFor(() => questionPosts(fake, channelId).find((q) => q.number === number && q.closed), `question ${number} to close`, timeoutMs);
}

/** Game points by member for presses in order per question: 2 for a right answer, 1 more for the first right one. */
export function expectedGamePoints(questions: readonly (readonly [string, boolean])[][]): Map<string, number> {
  const points = new Map<string, number>();
  for (const presses of questions) {
    let fastestTaken = false;
    for (const [member, right] of presses) {
      let add = 0;
      if (right) {
        add = fastestTaken ? 2 : 3;
        fastestTaken = true;
      }
      points.set(member, (points.get(member) ?? 0) + add);
    }
  }
  return points;
}
