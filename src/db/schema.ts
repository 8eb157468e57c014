import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { AnswerResult, AnswerSource, QuizMode } from '../domain/types.js';

const at = () => timestamp({ withTimezone: true, mode: 'date' });

/**
 * A card served to a member by /quiz or /review. Its buttons carry only this row's id, so a press
 * works after a restart and on any bot process sharing the database.
 */
export const rounds = pgTable(
  'rounds',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    source: text().$type<Exclude<AnswerSource, 'daily' | 'game'>>().notNull(),
    ownerId: text().notNull(),
    /** Null in DMs. */
    guildId: text(),
    channelId: text().notNull(),
    deckId: text().notNull(),
    cardId: text().notNull(),
    mode: text().$type<QuizMode>().notNull(),
    /** The options shown as A–D in choice mode, in order; null for flashcards. */
    choiceOrder: jsonb().$type<string[]>(),
    correctIndex: smallint(),
    isPrivate: boolean().notNull().default(false),
    createdAt: at().notNull(),
    revealedAt: at(),
    answeredAt: at(),
    /** In a /review session: how many cards were reviewed before this one. */
    reviewedBefore: integer().notNull().default(0),
    /** The deck filter a /review session was started with; null for all decks. */
    reviewDeck: text(),
    /** The Discord interaction that served it: a second process receiving it serves nothing more. */
    interactionId: text(),
    /** The Discord interaction (the press) that graded it: the same press delivered again is not "already answered". */
    answeredInteractionId: text(),

    /** In typed mode: what the member typed in the modal, and when (set once). */
    typedAnswer: text(),
    typedAt: at(),
  },
  (t) => [
    index('rounds_owner_deck_created_idx').on(t.ownerId, t.deckId, t.createdAt),
    uniqueIndex('rounds_interaction_id_unique').on(t.interactionId),
  ],
);

/**
 * The answers ledger: one row per graded answer, from which period leaderboards are computed.
 */
export const answers = pgTable(
  'answers',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    roundId: bigint({ mode: 'number' }).references(() => rounds.id, { onDelete: 'cascade' }),
    challengeId: bigint({ mode: 'number' }).references(() => dailyChallenges.id, { onDelete: 'cascade' }),
    /** The /game question answered (source `game`). */
    gameQuestionId: bigint({ mode: 'number' }).references(() => gameQuestions.id, { onDelete: 'cascade' }),
    /** The option pressed (0–3) in choice mode and the daily challenge. */
    choice: smallint(),
    source: text().$type<AnswerSource>().notNull(),
    /** Null for a review in DMs, which earns no points. */
    guildId: text(),
    userId: text().notNull(),
    deckId: text().notNull(),
    cardId: text().notNull(),
    result: text().$type<AnswerResult>().notNull(),
    correct: boolean().notNull(),
    points: integer().notNull(),
    answeredAt: at().notNull(),
    /** The UTC day of the answer, for "a card earns points once per member per day". */
    awardDay: date({ mode: 'string' }).notNull(),
  },
  (t) => [
    // One answer per round: two presses at the same moment record one answer.
    uniqueIndex('answers_round_once').on(t.roundId),
    // One answer per member per daily challenge.
    uniqueIndex('answers_challenge_member_once').on(t.challengeId, t.userId),
    // One answer per member per /game question.
    uniqueIndex('answers_game_question_member_once').on(t.gameQuestionId, t.userId),
    // A card earns points at most once per member per UTC day in quiz and review.
    uniqueIndex('answers_card_points_once_a_day')
      .on(t.guildId, t.userId, t.cardId, t.awardDay)
      .where(sql`${t.points} > 0 and ${t.source} <> 'daily'`),
    index('answers_guild_user_deck_idx').on(t.guildId, t.userId, t.deckId),
    // Week and month boards aggregate a guild's ledger from a date on, reading only this index.
    index('answers_guild_time_idx').on(t.guildId, t.answeredAt, t.userId, t.points),
    index('answers_guild_user_time_idx').on(t.guildId, t.userId, t.answeredAt),
    index('answers_user_deck_card_idx').on(t.userId, t.deckId, t.cardId),
    // The /stats heatmap counts a member's answers per day over a year.
    index('answers_user_time_idx').on(t.userId, t.answeredAt),
  ],
);

/**
 * Answers recorded but not yet folded into what derives from them (member_stats, member_period_points,
 * card_memory, review_logs). An answer is recorded with its row here, in the statement that answers the
 * member; the derived writes follow once the reply has gone, and delete this row in the same statement,
 * so each answer is applied exactly once (see LedgerRepository). A process that dies in between leaves
 * the row, and the next start applies it.
 */
export const answersToApply = pgTable(
  'answers_to_apply',
  {
    answerId: bigint({ mode: 'number' })
      .primaryKey()
      .references(() => answers.id, { onDelete: 'cascade' }),
    /** Whose: a member's answers are applied in the order they were recorded. */
    userId: text().notNull(),
  },
  (t) => [index('answers_to_apply_user_idx').on(t.userId, t.answerId)],
);

/** Running totals per guild and member: the all-time leaderboard and /stats read these. */
export const memberStats = pgTable(
  'member_stats',
  {
    guildId: text().notNull(),
    userId: text().notNull(),
    points: integer().notNull().default(0),
    answers: integer().notNull().default(0),
    correct: integer().notNull().default(0),
    /** When the member last gained points: ties on the board go to whoever got there first. */
    pointsReachedAt: at(),
    studyStreak: integer().notNull().default(0),
    bestStudyStreak: integer().notNull().default(0),
    lastStudyDay: date({ mode: 'string' }),
    /** Consecutive challenges of the guild answered right; reset when one closes without a right answer. */
    dailyStreak: integer().notNull().default(0),
    bestDailyStreak: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.userId] }),
    index('member_stats_points_idx').on(t.guildId, t.points.desc(), t.pointsReachedAt, t.userId),
    // Counting the members ahead of a caller: deduplicated (guild, points) keys make this index small.
    index('member_stats_guild_points_idx').on(t.guildId, t.points),
    index('member_stats_daily_streak_idx').on(t.guildId, t.dailyStreak.desc(), t.bestDailyStreak.desc(), t.userId),
  ],
);

/** A guild's daily challenge: where and when it posts, and whether a failure paused it. */
export const dailySettings = pgTable(
  'daily_settings',
  {
  guildId: text().primaryKey(),
  channelId: text().notNull(),
  /** `HH:MM`, 24-hour, in `timeZone`. */
  time: text().notNull(),
  timeZone: text().notNull(),
  /** Null: all decks. */
  deckId: text(),
  enabled: boolean().notNull().default(true),
  /** The first local date that may get a scheduled challenge. */
  startsOn: date({ mode: 'string' }).notNull(),
  /** Why posting is paused (missing access, deleted channel…); cleared by /daily setup. */
  pausedReason: text(),
  lastError: text(),
  lastErrorAt: at(),
  updatedBy: text().notNull(),
  updatedAt: at().notNull(),
  /**
   * When the scheduler next has to look at this guild (nextDueAt in domain/daily-schedule), kept by
   * setup and each post: a tick reads only the guilds due, not every configured one. Null: never.
   */
  nextDueAt: at(),
  },
  (t) => [index('daily_settings_next_due_idx').on(t.nextDueAt).where(sql`${t.nextDueAt} is not null`)],
);

/**
 * One posted (or being posted) daily challenge. A scheduled challenge is claimed here before it is
 * posted: the unique (guild, local date) makes two bot processes, or a retry after a crash, post once.
 */
export const dailyChallenges = pgTable(
  'daily_challenges',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    guildId: text().notNull(),
    localDate: date({ mode: 'string' }).notNull(),
    /** `scheduled` by the tick, or `manual` from /daily now. */
    kind: text().$type<'scheduled' | 'manual'>().notNull(),
    channelId: text().notNull(),
    messageId: text(),
    deckId: text().notNull(),
    cardId: text().notNull(),
    options: jsonb().$type<string[]>().notNull(),
    correctIndex: smallint().notNull(),
    status: text().$type<'claimed' | 'open' | 'closed'>().notNull(),
    claimedAt: at().notNull(),
    postedAt: at(),
    closedAt: at(),
    /** The /daily now interaction that posted it: one challenge per interaction, whoever receives it. */
    interactionId: text(),
  },
  (t) => [
    uniqueIndex('daily_challenges_interaction_id_unique').on(t.interactionId),
    uniqueIndex('daily_challenges_one_scheduled_per_day').on(t.guildId, t.localDate).where(sql`${t.kind} = 'scheduled'`),
    index('daily_challenges_guild_idx').on(t.guildId, t.localDate, t.id),
    index('daily_challenges_guild_card_idx').on(t.guildId, t.cardId),
  ],
);

/** Small pieces of bot state that must survive restarts, such as the registered commands' hash. */
export const botState = pgTable('bot_state', {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: at().notNull(),
});

/**
 * A member's memory of one card: every field ts-fsrs needs to schedule it. It belongs to the member,
 * not the guild, so studying in two servers or in DMs builds one progress.
 */
export const cardMemory = pgTable(
  'card_memory',
  {
    userId: text().notNull(),
    cardId: text().notNull(),
    deckId: text().notNull(),
    due: at().notNull(),
    stability: doublePrecision().notNull(),
    difficulty: doublePrecision().notNull(),
    elapsedDays: integer().notNull(),
    scheduledDays: integer().notNull(),
    learningSteps: integer().notNull(),
    reps: integer().notNull(),
    lapses: integer().notNull(),
    /** ts-fsrs State: 0 new, 1 learning, 2 review, 3 relearning. */
    state: smallint().notNull(),
    lastReview: at(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.cardId] }),
    index('card_memory_user_due_idx').on(t.userId, t.due),
    // Replacing or removing a server deck deletes its members' memories by deck (and card): without it, a scan of every memory.
    index('card_memory_deck_card_idx').on(t.deckId, t.cardId),
  ],
);

/** Every review with what FSRS saw, so parameters can be fitted to a member's history later. */
export const reviewLogs = pgTable(
  'review_logs',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: text().notNull(),
    cardId: text().notNull(),
    deckId: text().notNull(),
    source: text().$type<AnswerSource>().notNull(),
    roundId: bigint({ mode: 'number' }).references(() => rounds.id, { onDelete: 'set null' }),
    challengeId: bigint({ mode: 'number' }).references(() => dailyChallenges.id, { onDelete: 'set null' }),
    /** ts-fsrs Rating: 1 again, 2 hard, 3 good, 4 easy. */
    rating: smallint().notNull(),
    /** The card's state when it was reviewed. */
    state: smallint().notNull(),
    due: at().notNull(),
    stability: doublePrecision().notNull(),
    difficulty: doublePrecision().notNull(),
    elapsedDays: integer().notNull(),
    lastElapsedDays: integer().notNull(),
    scheduledDays: integer().notNull(),
    learningSteps: integer().notNull(),
    review: at().notNull(),
  },
  (t) => [
    index('review_logs_user_review_idx').on(t.userId, t.review),
    // A round is reviewed once, whatever presses arrive.
    uniqueIndex('review_logs_round_once').on(t.roundId),
    uniqueIndex('review_logs_challenge_member_once').on(t.challengeId, t.userId),
  ],
);

/** A member's spaced-repetition settings. Absent row: the defaults. */
export const memberSettings = pgTable(
  'member_settings',
  {
    userId: text().primaryKey(),
    newPerDay: integer().notNull().default(10),
    retention: doublePrecision().notNull().default(0.9),
    timeZone: text().notNull().default('UTC'),
    reminderEnabled: boolean().notNull().default(false),
    /** Local hour (0–23) of the daily reminder DM. */
    reminderHour: smallint(),
    /** The member's local date of the last reminder check: one DM a day at most. */
    lastReminderDate: date({ mode: 'string' }),
    updatedAt: at().notNull(),
  },
  (t) => [index('member_settings_reminder_idx').on(t.reminderEnabled)],
);

/**
 * Running week and month points per guild member, keyed by the local date the period began in the
 * guild's timezone, kept by the statement that records an answer: the period boards read an index
 * instead of summing the ledger.
 */
export const memberPeriodPoints = pgTable(
  'member_period_points',
  {
    guildId: text().notNull(),
    period: text().$type<'week' | 'month'>().notNull(),
    startsOn: date({ mode: 'string' }).notNull(),
    userId: text().notNull(),
    points: integer().notNull().default(0),
    pointsReachedAt: at(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.period, t.startsOn, t.userId] }),
    index('member_period_points_rank_idx').on(t.guildId, t.period, t.startsOn, t.points.desc(), t.pointsReachedAt, t.userId),
    index('member_period_points_count_idx').on(t.guildId, t.period, t.startsOn, t.points),
  ],
);

/**
 * A role the bot gives for effort in a guild: at a points or streak threshold, or to the leader of the
 * previous week or month (champion). A reward Discord refused is paused with the reason until set up again.
 */
export const roleRewards = pgTable(
  'role_rewards',
  {
    guildId: text().notNull(),
    roleId: text().notNull(),
    /** The role's name when it was set up, for /rewards list and the announcement. */
    roleName: text().notNull(),
    kind: text().$type<'points' | 'study_streak' | 'daily_streak' | 'champion'>().notNull(),
    /** Null for champion. */
    threshold: integer(),
    /** Champion only. */
    period: text().$type<'week' | 'month'>(),
    /** Champion only: the local start date of the period whose champion has been chosen (claimed once). */
    championFor: date({ mode: 'string' }),
    /** Why the reward is paused (Discord refused a role change); cleared by setting it up again. */
    pausedReason: text(),
    createdBy: text().notNull(),
    createdAt: at().notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.roleId] })],
);

/** Who holds a reward role because of the bot: the key makes a grant exactly-once whatever answers race. */
export const roleGrants = pgTable(
  'role_grants',
  {
    guildId: text().notNull(),
    roleId: text().notNull(),
    userId: text().notNull(),
    grantedAt: at().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.roleId, t.userId] }),
    foreignKey({ columns: [t.guildId, t.roleId], foreignColumns: [roleRewards.guildId, roleRewards.roleId] }).onDelete('cascade'),
  ],
);

/**
 * A /game: a timed quiz the whole channel plays. One running game per channel (the partial unique
 * index). Whoever advances it (closes a question, posts the next, posts the scoreboard) first takes
 * the claim: `claim_token` grows with every claim and every write of a step checks it (fencing), so a
 * process whose claim expired while it was stalled writes nothing.
 */
export const games = pgTable(
  'games',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    guildId: text().notNull(),
    channelId: text().notNull(),
    deckId: text().notNull(),
    startedBy: text().notNull(),
    questionCount: smallint().notNull(),
    seconds: smallint().notNull(),
    status: text().$type<'running' | 'finished' | 'stopped'>().notNull(),
    /** Set by /game stop: the next step closes the open question and posts the scoreboard. */
    stopRequestedBy: text(),
    /** When the next question may be posted (3 s after the last one closed). */
    nextAt: at(),
    scoreboardMessageId: text(),
    claimedBy: text(),
    claimToken: bigint({ mode: 'number' }).notNull().default(0),
    claimExpiresAt: at(),
    createdAt: at().notNull(),
    finishedAt: at(),
  },
  (t) => [
    uniqueIndex('games_one_running_per_channel').on(t.channelId).where(sql`${t.status} = 'running'`),
    index('games_running_idx').on(t.status).where(sql`${t.status} = 'running'`),
  ],
);

/** The questions of a game, all chosen when it starts; each is posted, then closed, once. */
export const gameQuestions = pgTable(
  'game_questions',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    gameId: bigint({ mode: 'number' })
      .notNull()
      .references(() => games.id, { onDelete: 'cascade' }),
    /** 0-based order in the game. */
    position: smallint().notNull(),
    deckId: text().notNull(),
    cardId: text().notNull(),
    options: jsonb().$type<string[]>().notNull(),
    correctIndex: smallint().notNull(),
    status: text().$type<'pending' | 'open' | 'closed'>().notNull(),
    /** Null while open: its post is on its way, or a crash left it unknown (found or posted again). */
    messageId: text(),
    postedAt: at(),
    /** Answers count until here; the question closes at this time at the latest. */
    deadline: at(),
    closedAt: at(),
  },
  (t) => [uniqueIndex('game_questions_position_once').on(t.gameId, t.position)],
);

/**
 * A deck a server imported with /deck import. Only that guild sees it; its id never equals a shipped
 * deck's (the service refuses those). Rounds, answers and memories refer to it by `<guildId>/<deckId>`.
 */
export const serverDecks = pgTable(
  'server_decks',
  {
    guildId: text().notNull(),
    deckId: text().notNull(),
    title: text().notNull(),
    description: text().notNull(),
    color: integer().notNull(),
    importedBy: text().notNull(),
    importedAt: at().notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.deckId] })],
);

/** A card of a server deck. Its id is stable (from the file, else from the question), so a re-import keeps history. */
export const serverCards = pgTable(
  'server_cards',
  {
    guildId: text().notNull(),
    deckId: text().notNull(),
    cardId: text().notNull(),
    position: integer().notNull(),
    question: text().notNull(),
    answer: text().notNull(),
    explanation: text(),
    /** Three wrong options, or empty: choice mode then draws from the deck's other answers. */
    choices: jsonb().$type<string[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.guildId, t.deckId, t.cardId] }),
    foreignKey({ columns: [t.guildId, t.deckId], foreignColumns: [serverDecks.guildId, serverDecks.deckId] }).onDelete('cascade'),
  ],
);

/** Bumped by every change to a guild's decks, so each bot process knows when its cached copy is stale. */
export const serverDeckVersions = pgTable('server_deck_versions', {
  guildId: text().primaryKey(),
  version: bigint({ mode: 'number' }).notNull(),
});

/**
 * Which process last ran each gateway shard, refreshed by every scheduler tick: a second process
 * seen on the same shard means overlapping SHARD_IDS (harmless, as the daily claims stay, but wasteful).
 */
export const shardHolders = pgTable(
  'shard_holders',
  {
    shardCount: integer().notNull(),
    shardId: integer().notNull(),
    holder: text().notNull(),
    seenAt: at().notNull(),
  },
  (t) => [primaryKey({ columns: [t.shardCount, t.shardId] })],
);
