import type { DeckSource } from '../decks/library.js';
import {
  formatInterval,
  localDayBounds,
  NEW_PER_DAY_RANGE,
  pickReview,
  previewIntervals,
  RETENTION_RANGE,
} from '../domain/srs.js';
import { addDays, localDay, localTime } from '../domain/time.js';
import { canonicalTimeZone, suggestTimeZones } from '../domain/timezones.js';
import { GRADES, type Grade } from '../domain/types.js';
import type { MemoryRepository, SrsSettings } from '../db/repositories/memory-repository.js';
import type { Round, RoundsRepository } from '../db/repositories/rounds-repository.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RoundView } from './quiz-service.js';

export interface ReviewDone {
  kind: 'done';
  /** Cards reviewed in this session. */
  reviewed: number;
  nextDue: Date | null;
  newLeftToday: number;
  /** Whether unseen cards remain in scope at all. */
  newCardsRemain: boolean;
}

export interface SrsStats {
  dueToday: number;
  dueTomorrow: number;
  learnedPerDeck: { deckId: string; title: string; learned: number; total: number }[];
  /** Share of review-state cards recalled over the last 30 days, or null without reviews. */
  retention30d: number | null;
  reviews30d: number;
}

export interface SettingsInput {
  newPerDay?: number | null;
  retention?: number | null;
  timeZone?: string | null;
  reminder?: boolean | null;
  reminderHour?: number | null;
}

/** A direct message to a member, implemented in discord/. */
export interface DirectMessenger {
  /** Sends a DM; rejects with {@link DmClosedError} when the member does not accept DMs from the bot. */
  send(userId: string, text: string): Promise<void>;
}

export class DmClosedError extends Error {
  constructor(readonly userId: string) {
    super(`direct messages to ${userId} are closed`);
    this.name = 'DmClosedError';
  }
}

const DAY_MS = 86_400_000;

export class ReviewService {
  constructor(
    private readonly decks: DeckSource,
    private readonly rounds: RoundsRepository,
    private readonly memory: MemoryRepository,
    private readonly logger: Logger,
  ) {}

  /** /review [deck]: the most overdue card, else a new one within today's allowance, else a summary. */
  async start(input: { userId: string; guildId: string | null; channelId: string; deck: string | null; typed?: boolean; now: Date }): Promise<RoundView | ReviewDone> {
    let deckId: string | null = null;
    if (input.deck) {
      const deck = await this.decks.resolve(input.guildId, input.deck);
      if (!deck) {
        const handles = (await this.decks.forGuild(input.guildId)).handles();
        throw new UserError(`There is no deck called "${input.deck.slice(0, 40)}". Try one of: ${handles.map((id) => `\`${id}\``).join(', ')}, or leave deck empty for all.`);
      }
      deckId = deck.id;
    }
    return this.serve({ ...input, deckId, reviewedBefore: 0, mode: input.typed ? 'typed' : 'flashcard' });
  }

  /** After a review is graded: the next card of the same session, or the session's summary. */
  async continueAfter(round: Round, now: Date): Promise<RoundView | ReviewDone> {
    return this.serve({
      userId: round.ownerId,
      guildId: round.guildId,
      channelId: round.channelId,
      deckId: round.reviewDeck,
      reviewedBefore: round.reviewedBefore + 1,
      // A typed session stays typed.
      mode: round.mode === 'typed' ? 'typed' : 'flashcard',
      now,
    });
  }

  /** The grade buttons' labels with when the card would come back: "Again · 1m", "Good · 3d". */
  async gradeLabels(view: RoundView, now: Date): Promise<Record<Grade, string>> {
    const [memory, settings] = await Promise.all([this.memory.memory(view.round.ownerId, view.card.id), this.memory.settings(view.round.ownerId)]);
    const intervals = previewIntervals(memory, now, settings.retention);
    const label = (g: Grade) => `${g[0]!.toUpperCase()}${g.slice(1)} · ${formatInterval(intervals[g])}`;
    return Object.fromEntries(GRADES.map((g) => [g, label(g)])) as Record<Grade, string>;
  }

  async settings(userId: string): Promise<SrsSettings> {
    return this.memory.settings(userId);
  }

  /** Validates and saves /review-settings; anything left out keeps its value. */
  async updateSettings(userId: string, input: SettingsInput, now: Date): Promise<SrsSettings> {
    const current = await this.memory.settings(userId);
    const next: SrsSettings = { ...current };
    if (input.newPerDay !== undefined && input.newPerDay !== null) {
      if (!Number.isInteger(input.newPerDay) || input.newPerDay < NEW_PER_DAY_RANGE.min || input.newPerDay > NEW_PER_DAY_RANGE.max) {
        throw new UserError(`new_per_day must be a whole number from ${NEW_PER_DAY_RANGE.min} to ${NEW_PER_DAY_RANGE.max}; you gave ${input.newPerDay}.`);
      }
      next.newPerDay = input.newPerDay;
    }
    if (input.retention !== undefined && input.retention !== null) {
      if (!(input.retention >= RETENTION_RANGE.min && input.retention <= RETENTION_RANGE.max)) {
        throw new UserError(
          `retention must be between ${RETENTION_RANGE.min.toFixed(2)} and ${RETENTION_RANGE.max.toFixed(2)} (the share of cards you want to still remember when they come back); you gave ${input.retention}. 0.90 is a good default.`,
        );
      }
      next.retention = Math.round(input.retention * 1000) / 1000;
    }
    if (input.timeZone !== undefined && input.timeZone !== null) {
      const zone = canonicalTimeZone(input.timeZone);
      if (!zone) {
        throw new UserError(`"${input.timeZone.slice(0, 40)}" is not an IANA timezone. Did you mean ${suggestTimeZones(input.timeZone).map((z) => `\`${z}\``).join(', ')}?`);
      }
      next.timeZone = zone;
    }
    if (input.reminderHour !== undefined && input.reminderHour !== null) {
      if (!Number.isInteger(input.reminderHour) || input.reminderHour < 0 || input.reminderHour > 23) {
        throw new UserError(`reminder_hour must be a whole hour from 0 to 23 in your timezone; you gave ${input.reminderHour}.`);
      }
      next.reminderHour = input.reminderHour;
    }
    if (input.reminder !== undefined && input.reminder !== null) {
      if (input.reminder && next.reminderHour === null) {
        throw new UserError('Say when to remind you: add reminder_hour (0–23, in your timezone), e.g. reminder:true reminder_hour:19.');
      }
      next.reminderEnabled = input.reminder;
    }
    await this.memory.saveSettings(userId, next, now);
    return next;
  }

  /** /stats' spaced-repetition part: due today and tomorrow (member's timezone), learned per deck, 30-day retention. */
  async memberStats(userId: string, now: Date, guildId: string | null = null): Promise<SrsStats> {
    const settings = await this.memory.settings(userId);
    const today = localDay(now, settings.timeZone);
    const { end: endOfToday } = localDayBounds(today, settings.timeZone);
    const { end: endOfTomorrow } = localDayBounds(addDays(today, 1), settings.timeZone);
    const [library, dueByToday, dueByTomorrow, learned, recall] = await Promise.all([
      this.decks.forGuild(guildId),
      this.memory.dueBetween(userId, endOfToday),
      this.memory.dueBetween(userId, endOfTomorrow),
      this.memory.learnedPerDeck(userId),
      this.memory.recallSince(userId, new Date(now.getTime() - 30 * DAY_MS)),
    ]);
    return {
      dueToday: dueByToday,
      dueTomorrow: dueByTomorrow - dueByToday,
      learnedPerDeck: library.decks.map((d) => ({ deckId: d.id, title: d.title, learned: learned.get(d.id) ?? 0, total: d.cards.length })),
      retention30d: recall.reviews > 0 ? recall.recalled / recall.reviews : null,
      reviews30d: recall.reviews,
    };
  }

  /**
   * Sends the daily reminder DM to every member whose local hour has come, who has cards due, and who
   * has not had today's check yet. A closed DM turns the reminder off; nothing is retried in a loop.
   */
  async sendReminders(now: Date, messenger: DirectMessenger): Promise<{ sent: number; disabled: number }> {
    let sent = 0;
    let disabled = 0;
    for (const member of await this.memory.reminderMembers()) {
      if (member.reminderHour === null) continue;
      const local = localTime(now, member.timeZone);
      if (Number(local.time.slice(0, 2)) < member.reminderHour) continue;
      if (member.lastReminderDate !== null && member.lastReminderDate >= local.date) continue;
      // The day is claimed only once there is something to remind of: a member with nothing due at
      // the first tick after their hour still gets a reminder when a card falls due later that day.
      const due = await this.memory.dueBetween(member.userId, now);
      if (due === 0) continue;
      if (!(await this.memory.claimReminderDay(member.userId, local.date))) continue;
      try {
        await messenger.send(member.userId, `${due} card${due === 1 ? ' is' : 's are'} due — /review`);
        sent++;
      } catch (error) {
        if (error instanceof DmClosedError) {
          await this.memory.disableReminder(member.userId, now);
          disabled++;
          this.logger.info({ userId: member.userId }, 'review reminder turned off: the member does not accept DMs');
        } else {
          this.logger.warn({ err: error, userId: member.userId }, 'review reminder could not be sent; not retried today');
        }
      }
    }
    return { sent, disabled };
  }

  private async serve(input: {
    userId: string;
    guildId: string | null;
    channelId: string;
    deckId: string | null;
    reviewedBefore: number;
    mode: 'flashcard' | 'typed';
    now: Date;
  }): Promise<RoundView | ReviewDone> {
    const library = await this.decks.forGuild(input.guildId);
    const decks = input.deckId ? [library.deck(input.deckId)!].filter(Boolean) : [...library.decks];
    const deckIds = decks.map((d) => d.id);
    const cardIds = decks.flatMap((d) => d.cards.map((c) => c.id));
    const [settings, earliest] = await Promise.all([this.memory.settings(input.userId), this.memory.earliestDue(input.userId, deckIds)]);
    // A due card is served without looking further; only otherwise are new cards counted.
    let pick = pickReview({ earliest, now: input.now, cardIds: [], known: new Set(), newPerDay: 0, newToday: 0 });
    let known = new Set<string>();
    if (pick.kind !== 'due') {
      const { start: dayStart } = localDayBounds(localDay(input.now, settings.timeZone), settings.timeZone);
      let newToday: number;
      [known, newToday] = await Promise.all([this.memory.knownCardIds(input.userId, deckIds), this.memory.newReviewedSince(input.userId, dayStart)]);
      pick = pickReview({ earliest, now: input.now, cardIds, known, newPerDay: settings.newPerDay, newToday });
    }
    if (pick.kind === 'none') {
      return {
        kind: 'done',
        reviewed: input.reviewedBefore,
        nextDue: pick.nextDue,
        newLeftToday: pick.newLeftToday,
        newCardsRemain: cardIds.some((id) => !known.has(id)),
      };
    }
    const card = library.card(pick.cardId);
    const deck = card && library.deck(card.deckId);
    if (!card || !deck) throw new Error(`review picked card ${pick.cardId}, which is not loaded`);
    const round = await this.rounds.create({
      source: 'review',
      ownerId: input.userId,
      guildId: input.guildId,
      channelId: input.channelId,
      deckId: deck.id,
      cardId: card.id,
      mode: input.mode,
      choiceOrder: null,
      correctIndex: null,
      isPrivate: true,
      createdAt: input.now,
      reviewedBefore: input.reviewedBefore,
      reviewDeck: input.deckId,
    });
    return { round, deck, card };
  }
}
