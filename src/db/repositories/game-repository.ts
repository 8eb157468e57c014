import { and, asc, eq, sql } from 'drizzle-orm';
import { timed, type Database } from '../client.js';
import { isUniqueViolation } from '../../errors.js';
import { answers, cardMemory, gameQuestions, games, memberSettings, memberStats } from '../schema.js';
import type { GameAnswer } from '../../domain/game.js';
import type { MemoryState } from '../../domain/srs.js';
import type { StudyStreak } from '../../domain/streak.js';
import { memberState } from './rounds-repository.js';
import { memoryCtes, memoryValues, p, periodPointsCte, totalsCte, totalsValues, type MemoryWrite } from './shared-sql.js';

export type GameRow = typeof games.$inferSelect;
export type GameQuestionRow = typeof gameQuestions.$inferSelect;
export type NewGame = Pick<GameRow, 'guildId' | 'channelId' | 'deckId' | 'startedBy' | 'questionCount' | 'seconds' | 'createdAt'>;
export type NewGameQuestion = Pick<GameQuestionRow, 'deckId' | 'cardId' | 'options' | 'correctIndex'>;

/** A claim on advancing a game: every write of the step carries its token. */
export interface GameClaim {
  gameId: number;
  token: number;
}

export interface GameAnswerContext {
  question: GameQuestionRow;
  guildId: string;
  earnedToday: boolean;
  studyStreak: StudyStreak;
  memory: MemoryState | null;
  retention: number;
}

export interface GameAnswerRecord {
  questionId: number;
  guildId: string;
  userId: string;
  deckId: string;
  cardId: string;
  choice: number;
  correct: boolean;
  points: number;
  answeredAt: Date;
  awardDay: string;
  studyStreak: StudyStreak;
  memory: MemoryWrite;
}

export type GameAnswerWrite =
  | { kind: 'recorded'; answered: number; joined: number; waitingFor: number }
  | { kind: 'duplicate' }
  | { kind: 'closed' };

export interface QuestionTally {
  answered: number;
  right: number;
  /** Members who joined the game before this question (answered an earlier one). */
  joined: number;
  /** Of those, how many have not answered this question yet. */
  waitingFor: number;
}

export interface FastAnswer {
  userId: string;
  answeredAt: Date;
}

export class GameRepository {
  private readonly answerContextQuery;
  private readonly answerStatement;

  constructor(private readonly database: Database) {
    const db = database.db;
    const userId = p('userId');
    this.answerContextQuery = timed(
      'game_answer_context',
      db
        .select({
          question: gameQuestions,
          guildId: games.guildId,
          earnedToday: sql<boolean>`exists (
            select 1 from ${answers} a
            where a.guild_id = ${games.guildId} and a.user_id = ${userId} and a.card_id = ${gameQuestions.cardId}
              and a.award_day = ${p('today')}::date and a.points > 0 and a.source <> 'daily')`,
          studyStreak: memberStats.studyStreak,
          bestStudyStreak: memberStats.bestStudyStreak,
          lastStudyDay: memberStats.lastStudyDay,
          memory: cardMemory,
          retention: memberSettings.retention,
        })
        .from(gameQuestions)
        .innerJoin(games, eq(games.id, gameQuestions.gameId))
        .leftJoin(memberStats, and(eq(memberStats.guildId, games.guildId), eq(memberStats.userId, userId)))
        .leftJoin(cardMemory, and(eq(cardMemory.userId, userId), eq(cardMemory.cardId, gameQuestions.cardId)))
        .leftJoin(memberSettings, eq(memberSettings.userId, userId))
        .where(eq(gameQuestions.id, p('questionId')))
        .limit(1)
        .prepare('game_answer_context'),
    );
    // The question row is only share-locked, so a burst of answers does not queue on it, while
    // closing (an update of that row) waits for the answers in flight. An answer after the deadline
    // is refused here even if no process has closed the question yet.
    this.answerStatement = database.prepare<{ open: boolean; inserted: number; answered: number; joined: number; waiting_for: number }>(
      'game_record_answer',
      sql`
      with open_question as (
        select id, game_id, position from game_questions
        where id = ${p('questionId')} and status = 'open' and deadline > ${p('at')}::timestamptz
        for share
      ), inserted as (
        insert into answers (game_question_id, source, guild_id, user_id, deck_id, card_id, result, correct, choice, points, answered_at, award_day)
        select id, 'game', ${p('guildId')}, ${p('userId')}, ${p('deckId')}, ${p('cardId')}, ${p('result')}, ${p('correct')}::boolean,
               ${p('choice')}::smallint, ${p('points')}::int, ${p('at')}::timestamptz, ${p('awardDay')}::date
        from open_question
        on conflict (game_question_id, user_id) do nothing
        returning game_question_id
      ), earlier as (
        select distinct a.user_id from answers a join game_questions g on g.id = a.game_question_id
        where g.game_id = (select game_id from open_question) and g.position < (select position from open_question)
      )${totalsCte('inserted', false)}${periodPointsCte('inserted')}${memoryCtes('inserted')}
      select exists (select 1 from open_question) as open,
             (select count(*)::int from inserted) as inserted,
             (select count(*)::int from answers where game_question_id = ${p('questionId')}) + (select count(*)::int from inserted) as answered,
             (select count(*)::int from earlier) as joined,
             (select count(*)::int from earlier e where e.user_id <> ${p('userId')}
                and not exists (select 1 from answers b where b.game_question_id = ${p('questionId')} and b.user_id = e.user_id)) as waiting_for`,
    );
  }

  /**
   * Creates a game with all its questions, or returns the game already running in the channel (the
   * unique index on running games per channel decides between two /game at once).
   */
  async create(game: NewGame, questions: readonly NewGameQuestion[]): Promise<{ created: true; game: GameRow } | { created: false; running: GameRow | undefined }> {
    return this.database.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(games)
        .values({ ...game, status: 'running' })
        .onConflictDoNothing()
        .returning();
      if (!row) {
        const [running] = await tx.select().from(games).where(and(eq(games.channelId, game.channelId), eq(games.status, 'running'))).limit(1);
        return { created: false as const, running };
      }
      await tx.insert(gameQuestions).values(questions.map((q, position) => ({ ...q, gameId: row.id, position, status: 'pending' as const })));
      return { created: true as const, game: row };
    });
  }

  async runningInChannel(channelId: string): Promise<GameRow | undefined> {
    const [row] = await this.database.db.select().from(games).where(and(eq(games.channelId, channelId), eq(games.status, 'running'))).limit(1);
    return row;
  }

  async runningGameIds(): Promise<number[]> {
    const rows = await this.database.db.select({ id: games.id }).from(games).where(eq(games.status, 'running')).orderBy(asc(games.id));
    return rows.map((r) => r.id);
  }

  async game(id: number): Promise<GameRow | undefined> {
    const [row] = await this.database.db.select().from(games).where(eq(games.id, id)).limit(1);
    return row;
  }

  async questions(gameId: number): Promise<GameQuestionRow[]> {
    return this.database.db.select().from(gameQuestions).where(eq(gameQuestions.gameId, gameId)).orderBy(asc(gameQuestions.position));
  }

  async question(id: number): Promise<GameQuestionRow | undefined> {
    const [row] = await this.database.db.select().from(gameQuestions).where(eq(gameQuestions.id, id)).limit(1);
    return row;
  }

  /**
   * Takes the claim on advancing a running game, unless another process holds one that has not
   * expired. The token grows with every claim: writes made under an older token change nothing.
   */
  async claim(gameId: number, holder: string, now: Date, ttlMs: number): Promise<GameClaim | undefined> {
    const rows = await this.database.rows<{ claim_token: string | number }>(sql`
      update games set claimed_by = ${holder}, claim_token = claim_token + 1,
                       claim_expires_at = ${new Date(now.getTime() + ttlMs).toISOString()}::timestamptz
      where id = ${gameId} and status = 'running' and (claim_expires_at is null or claim_expires_at <= ${now.toISOString()}::timestamptz)
      returning claim_token`);
    const row = rows[0];
    return row ? { gameId, token: Number(row.claim_token) } : undefined;
  }

  async release(claim: GameClaim): Promise<void> {
    await this.database.db
      .update(games)
      .set({ claimedBy: null, claimExpiresAt: null })
      .where(and(eq(games.id, claim.gameId), eq(games.claimToken, claim.token)));
  }

  /**
   * Opens a pending question with its deadline, before its message is posted: a member may press the
   * moment the message appears. False when the claim was lost or it was no longer pending.
   */
  async open(claim: GameClaim, questionId: number, postedAt: Date, deadline: Date): Promise<boolean> {
    return this.fenced(
      claim,
      sql`update game_questions set status = 'open', posted_at = ${postedAt.toISOString()}::timestamptz, deadline = ${deadline.toISOString()}::timestamptz
          where id = ${questionId} and status = 'pending'`,
    );
  }

  /** Records the message of an opened question; an open question without one was not (known to be) posted. */
  async recordMessage(claim: GameClaim, questionId: number, messageId: string): Promise<boolean> {
    return this.fenced(claim, sql`update game_questions set message_id = ${messageId} where id = ${questionId} and message_id is null`);
  }

  /**
   * Closes an open question once, then gives the fastest right answer its bonus point in the ledger
   * (only if that answer earned points there: the once-a-day rule). One transaction: the close waits
   * for answers in flight (they share-lock the question), and the bonus, a second statement, sees them.
   */
  async closeQuestion(claim: GameClaim, questionId: number, now: Date, nextAt: Date): Promise<boolean> {
    return this.database.db.transaction(async (tx) => {
      const closed = (await tx.execute(sql`
        update game_questions set status = 'closed', closed_at = ${now.toISOString()}::timestamptz
        where id = ${questionId} and status = 'open'
          and exists (select 1 from games where id = ${claim.gameId} and claim_token = ${claim.token} and status = 'running')
        returning id`)) as unknown;
      if (rowCount(closed) === 0) return false;
      await tx.execute(sql`update games set next_at = ${nextAt.toISOString()}::timestamptz where id = ${claim.gameId} and claim_token = ${claim.token}`);
      await tx.execute(sql`
        with fastest as (
          select id from answers where game_question_id = ${questionId} and correct order by answered_at, id limit 1
        ), bonus as (
          update answers a set points = a.points + 1 from fastest f where a.id = f.id and a.points > 0
          returning a.guild_id, a.user_id, a.answered_at
        ), totals as (
          update member_stats s set points = s.points + 1 from bonus b where s.guild_id = b.guild_id and s.user_id = b.user_id returning 1
        )
        update member_period_points mp set points = mp.points + 1
        from bonus b cross join lateral (select coalesce((select time_zone from daily_settings where guild_id = b.guild_id), 'UTC') as tz) z
        where mp.guild_id = b.guild_id and mp.user_id = b.user_id
          and ((mp.period = 'week' and mp.starts_on = date_trunc('week', b.answered_at at time zone z.tz)::date)
            or (mp.period = 'month' and mp.starts_on = date_trunc('month', b.answered_at at time zone z.tz)::date))`);
      return true;
    });
  }

  /** Ends a game: `finished` after its last question, `stopped` by /game stop. */
  async finish(claim: GameClaim, status: 'finished' | 'stopped', scoreboardMessageId: string | null, now: Date): Promise<boolean> {
    return this.fenced(
      claim,
      sql`update games set status = ${status}, scoreboard_message_id = ${scoreboardMessageId}, finished_at = ${now.toISOString()}::timestamptz,
                 claimed_by = null, claim_expires_at = null
          where id = ${claim.gameId} and status = 'running'`,
    );
  }

  async requestStop(gameId: number, by: string): Promise<boolean> {
    const rows = await this.database.db
      .update(games)
      .set({ stopRequestedBy: by })
      .where(and(eq(games.id, gameId), eq(games.status, 'running')))
      .returning({ id: games.id });
    return rows.length > 0;
  }

  async tally(questionId: number): Promise<QuestionTally> {
    const [row] = await this.database.rows<QuestionTally>(sql`
      with q as (select game_id, position from game_questions where id = ${questionId}),
      earlier as (
        select distinct a.user_id from answers a join game_questions g on g.id = a.game_question_id
        where g.game_id = (select game_id from q) and g.position < (select position from q)
      )
      select (select count(*)::int from answers where game_question_id = ${questionId}) as answered,
             (select count(*)::int from answers where game_question_id = ${questionId} and correct) as "right",
             (select count(*)::int from earlier) as joined,
             (select count(*)::int from earlier e where not exists (
                select 1 from answers b where b.game_question_id = ${questionId} and b.user_id = e.user_id)) as "waitingFor"`);
    return {
      answered: Number(row?.answered ?? 0),
      right: Number(row?.right ?? 0),
      joined: Number(row?.joined ?? 0),
      waitingFor: Number(row?.waitingFor ?? 0),
    };
  }

  async fastestRight(questionId: number, limit: number): Promise<FastAnswer[]> {
    return this.database.db
      .select({ userId: answers.userId, answeredAt: answers.answeredAt })
      .from(answers)
      .where(and(eq(answers.gameQuestionId, questionId), eq(answers.correct, true)))
      .orderBy(asc(answers.answeredAt), asc(answers.id))
      .limit(limit);
  }

  /** Every answer of a game, for its scoreboard. */
  async gameAnswers(gameId: number): Promise<GameAnswer[]> {
    const rows = await this.database.db
      .select({ id: answers.id, questionId: answers.gameQuestionId, userId: answers.userId, correct: answers.correct, answeredAt: answers.answeredAt })
      .from(answers)
      .innerJoin(gameQuestions, eq(gameQuestions.id, answers.gameQuestionId))
      .where(eq(gameQuestions.gameId, gameId));
    return rows.map((r) => ({ ...r, questionId: Number(r.questionId) }));
  }

  async memberChoice(questionId: number, userId: string): Promise<number | null | undefined> {
    const [row] = await this.database.db
      .select({ choice: answers.choice })
      .from(answers)
      .where(and(eq(answers.gameQuestionId, questionId), eq(answers.userId, userId)))
      .limit(1);
    return row?.choice;
  }

  async answerContext(questionId: number, userId: string, today: string): Promise<GameAnswerContext | undefined> {
    const [row] = await this.answerContextQuery.execute({ questionId, userId, today });
    if (!row) return undefined;
    return { question: row.question, guildId: row.guildId, earnedToday: row.earnedToday, ...memberState(row) };
  }

  /**
   * Records a game answer in one statement: only while the question is open and before its deadline,
   * once per member (the unique (question, member) index), with the member's totals, period points and
   * card memory. A concurrent answer of the same card elsewhere that took the day's points first makes
   * the once-a-day index refuse this one: that comes back as `raced`, to be computed again.
   */
  async recordAnswer(a: GameAnswerRecord): Promise<GameAnswerWrite | { kind: 'raced' }> {
    let rows;
    try {
      rows = await this.answerStatement({
        questionId: a.questionId,
        guildId: a.guildId,
        userId: a.userId,
        deckId: a.deckId,
        cardId: a.cardId,
        result: a.correct ? 'right' : 'wrong',
        correct: a.correct,
        choice: a.choice,
        points: a.points,
        at: a.answeredAt.toISOString(),
        awardDay: a.awardDay,
        ...totalsValues(a, undefined),
        ...memoryValues(a.memory),
      });
    } catch (error) {
      if (isUniqueViolation(error, 'answers_card_points_once_a_day')) return { kind: 'raced' };
      throw error;
    }
    const row = rows[0];
    if (!row?.open) return { kind: 'closed' };
    if (!row.inserted) return { kind: 'duplicate' };
    return { kind: 'recorded', answered: Number(row.answered), joined: Number(row.joined), waitingFor: Number(row.waiting_for) };
  }

  /** Runs an update only while `claim` is the game's current claim; whether it changed a row. */
  private async fenced(claim: GameClaim, update: ReturnType<typeof sql>): Promise<boolean> {
    const rows = await this.database.rows<{ ok: number }>(sql`
      with fence as (select 1 from games where id = ${claim.gameId} and claim_token = ${claim.token} for update),
      changed as (${update} and exists (select 1 from fence) returning 1)
      select count(*)::int as ok from changed`);
    return Number(rows[0]?.ok ?? 0) > 0;
  }
}

function rowCount(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  return (result as { rows?: unknown[] }).rows?.length ?? 0;
}
