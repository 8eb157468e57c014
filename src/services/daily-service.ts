import type { DeckLibrary, DeckSource } from '../decks/library.js';
import { buildChoiceSet } from '../domain/choices.js';
import { pickDailyCard } from '../domain/daily-cards.js';
import {
  firstDailyDate,
  isDailyDue,
  isDailyDueAt,
  nextDailyDate,
  nextDueAt,
  parseDailyTime,
  zonedInstant,
  type DailySchedule,
} from '../domain/daily-schedule.js';
import type { Random } from '../domain/random.js';
import type { ShardAssignment } from '../domain/shards.js';
import { awardedPoints } from '../domain/scoring.js';
import { localTime, utcDay, type LocalTime } from '../domain/time.js';
import { canonicalTimeZone, suggestTimeZones } from '../domain/timezones.js';
import type { Card, Deck } from '../domain/types.js';
import type {
  ClosingSummary,
  DailyChallengeRow,
  DailyRepository,
  DailySettingsRow,
  ScheduleRow,
} from '../db/repositories/daily-repository.js';
import { outsideBudget } from '../deadlines.js';
import { LedgerService } from './ledger-service.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';

/** What a challenge message shows: open with a live count, or closed with the result. */
export interface ChallengeView {
  challenge: DailyChallengeRow;
  card: Card;
  deck: Deck;
  /** Members who have answered so far (open challenges). */
  answered?: number;
  closing?: ClosingSummary;
}

/** Open challenges kept in memory for answering (see DailyService.answered). */
const MAX_CHALLENGES_KEPT = 1_000;

/** Why posting failed. Permanent failures (no access, deleted channel) pause the guild. */
export class PublishError extends Error {
  constructor(
    readonly permanent: boolean,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'PublishError';
  }
}

/** The Discord side of the daily challenge, implemented in discord/. */
export interface ChallengePublisher {
  post(channelId: string, view: ChallengeView): Promise<string>;
  edit(channelId: string, messageId: string, view: ChallengeView): Promise<void>;
  /** Finds a challenge message posted before a crash kept it from being recorded. */
  findPosted(channelId: string, challengeId: number): Promise<string | undefined>;
  /** Deletes a challenge message this process posted after its claim was taken over. */
  delete(channelId: string, messageId: string): Promise<void>;
}

export type DailyAnswerOutcome =
  | { kind: 'gone' }
  | { kind: 'closed'; view: ChallengeView }
  | { kind: 'duplicate'; view: ChallengeView; previous: { choice: number | null; correct: boolean } | undefined }
  | { kind: 'answered'; view: ChallengeView; choice: number; correct: boolean; points: number; dailyStreak: number; bestDailyStreak: number };

export interface DailyStatus {
  settings: DailySettingsRow | undefined;
  nextPost: { date: string; at: Date } | null;
  last: DailyChallengeRow | undefined;
}

export type PostResult =
  | { kind: 'posted'; challenge: DailyChallengeRow }
  /** Another post holds the claim (another process, or a tick a moment ago); this one posted nothing that stays. */
  | { kind: 'taken' }
  | { kind: 'failed'; permanent: boolean; reason: string };

const STALE_CLAIM_MS = 2 * 60_000;
/** Guilds posted to at once by one tick: a slow or rate-limited channel holds up only its own slot. */
export const DAILY_POST_CONCURRENCY = 8;
export const ALL_DECKS = 'all';

export class DailyService {
  private readonly refreshTimers = new Map<number, NodeJS.Timeout>();
  private readonly lastRefresh = new Map<number, number>();

  constructor(
    private readonly decks: DeckSource,
    private readonly daily: DailyRepository,
    private readonly publisher: ChallengePublisher,
    private readonly random: Random,
    private readonly logger: Logger,
    private readonly options: { countRefreshMs: number; ledger?: LedgerService } = { countRefreshMs: 10_000 },
  ) {
    // The bot passes its deferred ledger; tools and tests get answers applied before answer() returns.
    this.ledger = options.ledger ?? LedgerService.immediate(daily.database, logger);
  }

  private readonly ledger: LedgerService;
  /**
   * Challenges answered lately, as read: what an answer needs of one (its guild, card and right option)
   * never changes once posted, and whether it is still open is checked by the answer's write. So a
   * burst of answers reads the challenge once, not once per member.
   */
  private readonly answered = new Map<number, DailyChallengeRow>();

  /**
   * Validates and saves a guild's daily settings. Every bad value is refused with a message that
   * says what to type instead, and nothing is saved. The first challenge comes at the next
   * occurrence of the time.
   */
  async setup(input: { guildId: string; channelId: string; time: string; timeZone: string; deck: string | null; userId: string; now: Date }): Promise<DailyStatus> {
    const time = parseDailyTime(input.time);
    if (!time) {
      throw new UserError(`"${input.time.slice(0, 20)}" is not a time on a 24-hour clock. Use HH:MM, for example 18:00 or 07:30.`);
    }
    const timeZone = canonicalTimeZone(input.timeZone);
    if (!timeZone) {
      throw new UserError(
        `"${input.timeZone.slice(0, 40)}" is not an IANA timezone. Did you mean ${suggestTimeZones(input.timeZone).map((z) => `\`${z}\``).join(', ')}? ` +
          'Names look like Europe/Berlin or America/New_York.',
      );
    }
    const deckInput = (input.deck ?? ALL_DECKS).trim().toLowerCase();
    let deckId: string | null = null;
    if (deckInput !== ALL_DECKS) {
      const deck = await this.decks.resolve(input.guildId, deckInput);
      if (!deck) {
        const handles = (await this.decks.forGuild(input.guildId)).handles();
        throw new UserError(`There is no deck called "${deckInput.slice(0, 40)}". Use \`all\` or one of: ${handles.map((id) => `\`${id}\``).join(', ')}.`);
      }
      deckId = deck.id;
    }
    const previous = await this.daily.settings(input.guildId);
    const startsOn = firstDailyDate(time, timeZone, input.now);
    await this.daily.saveSettings({
      guildId: input.guildId,
      channelId: input.channelId,
      time,
      timeZone,
      deckId,
      startsOn,
      updatedBy: input.userId,
      updatedAt: input.now,
      // A challenge already posted that day is found by the tick, which then moves this on a day.
      nextDueAt: nextDueAt({ enabled: true, paused: false, time, timeZone, startsOn }, input.now, null),
    });
    // Week and month boards follow the guild's timezone (UTC before it had one).
    if ((previous?.timeZone ?? 'UTC') !== timeZone) await this.daily.rebuildPeriodPoints(input.guildId, timeZone, input.now);
    return this.status(input.guildId, input.now);
  }

  async disable(guildId: string, userId: string, now: Date): Promise<void> {
    if (!(await this.daily.disable(guildId, userId, now))) {
      throw new UserError('The daily challenge is not set up in this server. Set it up with /daily setup.');
    }
  }

  async status(guildId: string, now: Date): Promise<DailyStatus> {
    const [settings, last] = await Promise.all([this.daily.settings(guildId), this.daily.lastChallenge(guildId)]);
    let nextPost: DailyStatus['nextPost'] = null;
    if (settings) {
      const date = nextDailyDate(scheduleOf(settings), now, lastScheduledDate(last));
      if (date) nextPost = { date, at: zonedInstant(date, settings.time, settings.timeZone) };
    }
    return { settings, nextPost, last };
  }

  /**
   * /daily now: posts a challenge at once and closes the current one. One challenge per interaction:
   * the same interaction delivered to a second process (or resent) finds its claim taken.
   */
  async postNow(guildId: string, now: Date, interactionId?: string): Promise<PostResult> {
    const settings = await this.daily.settings(guildId);
    if (!settings) throw new UserError('The daily challenge is not set up in this server yet. Run /daily setup first.');
    if (!settings.enabled) throw new UserError('The daily challenge is disabled in this server. Run /daily setup to turn it back on.');
    if (settings.pausedReason) {
      throw new UserError(`The daily challenge is paused: ${settings.pausedReason}. Fix it, then run /daily setup again.`);
    }
    return this.publish(settings, 'manual', localTime(now, settings.timeZone).date, now, interactionId);
  }

  /**
   * One scheduler tick: posts for every guild that is due, up to {@link DAILY_POST_CONCURRENCY} at
   * once, so a failing, slow or rate-limited guild never holds up the others. Also settles claims
   * left by a crash between posting and recording.
   */
  async tick(now: Date, shards?: ShardAssignment): Promise<{ due: number; posted: number; failed: number }> {
    const schedules = await this.daily.schedulesToCheck(now, shards);
    // Local time once per timezone: thousands of guilds share a few dozen zones.
    const localNow = new Map<string, LocalTime>();
    const local = (zone: string) => localNow.get(zone) ?? localNow.set(zone, localTime(now, zone)).get(zone)!;
    let due = 0;
    let posted = 0;
    let failed = 0;
    await forEachBounded(schedules, DAILY_POST_CONCURRENCY, async (row) => {
      const { settings } = row;
      try {
        if (row.last?.status === 'claimed') await this.settleStaleClaim(settings, row.last, now);
        const today = local(settings.timeZone);
        if (!isDailyDueAt(scheduleOf(settings), today, row.lastDate)) {
          // Posted already (by /daily now, or a process on overlapping shards): look again when next due.
          // Not while a claim is held: its post may still fail and be released.
          if (row.last?.status !== 'claimed') await this.daily.setNextDue(settings.guildId, nextDueAt(scheduleOf(settings), now, row.lastDate));
          return;
        }
        due++;
        const result = await this.publish(settings, 'scheduled', today.date, now);
        if (result.kind === 'posted') posted++;
        if (result.kind === 'failed') failed++;
      } catch (error) {
        failed++;
        this.logger.error({ err: error, guildId: settings.guildId }, 'daily challenge tick failed for a guild');
      }
    });
    return { due, posted, failed };
  }

  /** The guilds among `rows` that are due at `now`, by the pure rule alone (the benchmark checks the prefilter with it). */
  dueGuilds(rows: { settings: DailySettingsRow; lastDate: string | null }[], now: Date): string[] {
    return rows.filter((r) => isDailyDue(scheduleOf(r.settings), now, r.lastDate)).map((r) => r.settings.guildId);
  }

  /**
   * A member's answer; `pressedIn` (the press's guild, null in a DM) must be the challenge's, when given.
   * It is recorded in the ledger in one statement, and the member's totals, streak and memory of the
   * card follow once the reply has gone (LedgerService).
   */
  answer(challengeId: number, userId: string, choice: number, now: Date, pressedIn?: string | null): Promise<DailyAnswerOutcome> {
    return this.answerAs(this.answered.get(challengeId), challengeId, userId, choice, now, pressedIn);
  }

  /** {@link answer}, judged by the challenge as `kept` in memory, or else as read now. */
  private async answerAs(
    kept: DailyChallengeRow | undefined,
    challengeId: number,
    userId: string,
    choice: number,
    now: Date,
    pressedIn: string | null | undefined,
  ): Promise<DailyAnswerOutcome> {
    const challenge = kept ?? (await this.challengeToAnswer(challengeId));
    // A press from another guild than the challenge's (only a forged request makes one) finds nothing.
    if (challenge && pressedIn !== undefined && challenge.guildId !== pressedIn) return { kind: 'gone' };
    const view = challenge && (await this.viewOf(challenge));
    if (!challenge || !view) return { kind: 'gone' };
    if (challenge.status !== 'open') return { kind: 'closed', view };
    const correct = choice === challenge.correctIndex;
    const points = awardedPoints('daily', correct ? 'right' : 'wrong', false);
    const written = await this.daily.recordAnswer({
      challengeId,
      guildId: challenge.guildId,
      userId,
      deckId: challenge.deckId,
      cardId: challenge.cardId,
      choice,
      correct,
      points,
      answeredAt: now,
      awardDay: utcDay(now),
      correctIndex: challenge.correctIndex,
    });
    if (written.kind === 'closed') {
      this.answered.delete(challengeId);
      // Judged by a challenge kept in memory that is not open as kept: decide again from the database.
      if (kept) return this.answerAs(undefined, challengeId, userId, choice, now, pressedIn);
      return { kind: 'closed', view };
    }
    if (written.kind === 'duplicate') {
      return { kind: 'duplicate', view, previous: await this.daily.memberAnswer(challengeId, userId) };
    }
    await this.ledger.recorded(userId);
    this.scheduleCountRefresh(challengeId);
    return { kind: 'answered', view, choice, correct, points, dailyStreak: written.dailyStreak, bestDailyStreak: written.bestDailyStreak };
  }

  /** Reads the challenge a press answers, and keeps it while it is open (see `answered`). */
  private async challengeToAnswer(challengeId: number): Promise<DailyChallengeRow | undefined> {
    const challenge = await this.daily.challenge(challengeId);
    if (challenge?.status === 'open') {
      this.answered.set(challengeId, challenge);
      // Open challenges are a few a day per guild; keep the newest.
      for (const oldest of this.answered.keys()) {
        if (this.answered.size <= MAX_CHALLENGES_KEPT) break;
        this.answered.delete(oldest);
      }
    }
    return challenge;
  }

  /** Stops pending message refreshes (shutdown, tests). */
  stop(): void {
    for (const timer of this.refreshTimers.values()) clearTimeout(timer);
    this.refreshTimers.clear();
  }

  private async publish(settings: DailySettingsRow, kind: 'scheduled' | 'manual', localDate: string, now: Date, interactionId?: string): Promise<PostResult> {
    const library = await this.decks.forGuild(settings.guildId);
    const pool = this.pool(library, settings.deckId);
    if (pool.length === 0) {
      await this.daily.pause(settings.guildId, `the deck "${settings.deckId}" is no longer loaded`, now);
      return { kind: 'failed', permanent: true, reason: 'deck missing' };
    }
    const card = pickDailyCard(pool, await this.daily.cardUsage(settings.guildId), this.random);
    const deck = library.deck(card.deckId) as Deck;
    const { options, correctIndex } = buildChoiceSet(card, deck, this.random);
    const claimed = await this.daily.claim({
      guildId: settings.guildId,
      localDate,
      kind,
      channelId: settings.channelId,
      deckId: deck.id,
      cardId: card.id,
      options,
      correctIndex,
      claimedAt: now,
      interactionId: interactionId ?? null,
    });
    if (!claimed) return { kind: 'taken' };
    let messageId: string;
    try {
      messageId = await this.publisher.post(settings.channelId, { challenge: { ...claimed, status: 'open' }, card, deck });
    } catch (error) {
      await this.daily.release(claimed.id);
      const failure = error instanceof PublishError ? error : new PublishError(false, error instanceof Error ? error.message : String(error));
      if (failure.permanent) {
        await this.daily.pause(settings.guildId, failure.reason, now);
        this.logger.warn({ guildId: settings.guildId, reason: failure.reason }, 'daily challenge paused');
      } else {
        await this.daily.recordError(settings.guildId, failure.reason, now);
        this.logger.warn({ guildId: settings.guildId, reason: failure.reason }, 'daily challenge post failed; the next tick retries');
      }
      return { kind: 'failed', permanent: failure.permanent, reason: failure.reason };
    }
    // The claim's id is its fencing token: if the post took so long that another process took the
    // claim over, this message must not stay beside that process's post.
    if (!(await this.daily.markPosted(claimed.id, messageId, now))) {
      await this.publisher.delete(settings.channelId, messageId).catch((error: unknown) => {
        this.logger.error({ err: error, guildId: settings.guildId, messageId }, 'could not delete a challenge posted after its claim was taken over');
      });
      this.logger.warn({ guildId: settings.guildId, challengeId: claimed.id }, 'challenge posted after its claim was taken over; deleted it again');
      return { kind: 'taken' };
    }
    await this.daily.setNextDue(settings.guildId, nextDueAt(scheduleOf(settings), now, localDate));
    const posted = { ...claimed, status: 'open' as const, messageId, postedAt: now };
    await this.closePrevious(settings.guildId, posted.id, now);
    return { kind: 'posted', challenge: posted };
  }

  private async closePrevious(guildId: string, id: number, now: Date): Promise<void> {
    for (const previous of await this.daily.openBefore(guildId, id)) {
      const closing = await this.daily.close(previous.id, now);
      this.cancelRefresh(previous.id);
      const view = await this.viewOf(previous);
      if (!closing || !view || !previous.messageId) continue;
      try {
        await this.publisher.edit(previous.channelId, previous.messageId, { ...view, challenge: { ...previous, status: 'closed' }, closing });
      } catch (error) {
        this.logger.warn({ err: error, guildId, challengeId: previous.id }, 'could not edit the closed challenge message');
      }
    }
  }

  /** A claim with no message after a while: find the post a crash left unrecorded, or give the claim back. */
  private async settleStaleClaim(settings: DailySettingsRow, claim: NonNullable<ScheduleRow['last']>, now: Date): Promise<void> {
    if (now.getTime() - claim.claimedAt.getTime() < STALE_CLAIM_MS) return;
    const messageId = await this.publisher.findPosted(claim.channelId, claim.id).catch(() => undefined);
    if (messageId) {
      await this.daily.markPosted(claim.id, messageId, now);
      await this.daily.setNextDue(settings.guildId, nextDueAt(scheduleOf(settings), now, localTime(claim.claimedAt, settings.timeZone).date));
      await this.closePrevious(settings.guildId, claim.id, now);
      this.logger.info({ guildId: settings.guildId, challengeId: claim.id }, 'recovered a challenge posted before a crash');
    } else {
      await this.daily.release(claim.id);
      this.logger.info({ guildId: settings.guildId, challengeId: claim.id }, 'released a stale claim; the next tick posts again');
    }
  }

  private scheduleCountRefresh(challengeId: number): void {
    if (this.refreshTimers.has(challengeId)) return;
    const since = Date.now() - (this.lastRefresh.get(challengeId) ?? 0);
    const delay = Math.max(0, this.options.countRefreshMs - since);
    const timer = outsideBudget(() =>
      setTimeout(() => {
        this.refreshTimers.delete(challengeId);
        this.lastRefresh.set(challengeId, Date.now());
        void this.refreshCount(challengeId);
      }, delay),
    );
    timer.unref();
    this.refreshTimers.set(challengeId, timer);
  }

  private cancelRefresh(challengeId: number): void {
    clearTimeout(this.refreshTimers.get(challengeId));
    this.refreshTimers.delete(challengeId);
    this.lastRefresh.delete(challengeId);
  }

  private async refreshCount(challengeId: number): Promise<void> {
    try {
      const challenge = await this.daily.challenge(challengeId);
      const view = challenge && (await this.viewOf(challenge));
      if (!challenge || !view || challenge.status !== 'open' || !challenge.messageId) return;
      const { answered } = await this.daily.counts(challengeId);
      await this.publisher.edit(challenge.channelId, challenge.messageId, { ...view, answered });
      // The challenge may have closed (here or in another process) while this edit was on its way;
      // the closed post must win, so put it back.
      const after = await this.daily.challenge(challengeId);
      if (after?.status === 'closed') {
        const closing = { ...(await this.daily.counts(challengeId)), firstRight: await this.daily.firstRight(challengeId, 3) };
        await this.publisher.edit(challenge.channelId, challenge.messageId, { ...view, challenge: after, closing });
      }
    } catch (error) {
      this.logger.warn({ err: error, challengeId }, 'could not refresh the answer count');
    }
  }

  private pool(library: DeckLibrary, deckId: string | null): Card[] {
    if (deckId === null) return library.decks.flatMap((d) => d.cards);
    return [...(library.deck(deckId)?.cards ?? [])];
  }

  async viewOf(challenge: DailyChallengeRow): Promise<ChallengeView | undefined> {
    const found = await this.decks.deckAndCard(challenge.deckId, challenge.cardId);
    return found && { challenge, ...found };
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function scheduleOf(settings: DailySettingsRow): DailySchedule {
  return {
    enabled: settings.enabled,
    paused: settings.pausedReason !== null,
    time: settings.time,
    timeZone: settings.timeZone,
    startsOn: settings.startsOn,
  };
}

function lastScheduledDate(last: DailyChallengeRow | undefined): string | null {
  return last?.localDate ?? null;
}
