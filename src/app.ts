import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Client, Events, GatewayIntentBits, Options, type Interaction } from 'discord.js';
import { assignShards, describeShards, type ShardAssignment, type ShardPlan } from './domain/shards.js';
import { fetchRecommendedShards } from './discord/shards.js';
import { sql } from 'drizzle-orm';
import type { ScheduledTask } from 'node-cron';
import type { Config } from './config.js';
import { LOCKS, withAdvisoryLock } from './db/advisory-lock.js';
import type { Database } from './db/client.js';
import { DailyRepository } from './db/repositories/daily-repository.js';
import { GameRepository } from './db/repositories/game-repository.js';
import { LeaderboardRepository } from './db/repositories/leaderboard-repository.js';
import { MemoryRepository } from './db/repositories/memory-repository.js';
import { RewardsRepository } from './db/repositories/rewards-repository.js';
import { RoundsRepository } from './db/repositories/rounds-repository.js';
import { ShardHoldersRepository } from './db/repositories/shard-holders-repository.js';
import { BotStateRepository, StatsRepository } from './db/repositories/stats-repository.js';
import { DeckLibrary } from './decks/library.js';
import { attachmentDownloader, type AttachmentDownloader } from './decks/upload/download.js';
import { ServerDecksRepository } from './db/repositories/server-decks-repository.js';
import { DeckCatalog } from './services/deck-catalog.js';
import { ServerDeckService } from './services/server-deck-service.js';
import type { Random } from './domain/random.js';
import type { Deck } from './domain/types.js';
import { COMMANDS } from './discord/commands/index.js';
import type { BotContext } from './discord/context.js';
import { DiscordChallengePublisher } from './discord/daily-publisher.js';
import { DiscordDirectMessenger } from './discord/direct-messenger.js';
import { watchGateway } from './discord/gateway-watch.js';

import { DiscordGamePublisher } from './discord/game-publisher.js';
import { inviteUrl } from './discord/invite.js';
import { registerCommands } from './discord/register-commands.js';
import { DiscordRoleGateway } from './discord/role-gateway.js';
import { BUTTONS, InteractionRouter } from './discord/router.js';
import { scheduleGameTick, type GameTick } from './jobs/game-job.js';
import { trackGateway } from './discord/gateway-status.js';
import { runMinuteTick, scheduleMinuteJob } from './jobs/minute-job.js';
import { metrics } from './metrics.js';
import { HealthService } from './services/health-service.js';
import type { Logger } from './logger.js';
import { DailyService } from './services/daily-service.js';
import { DEFAULT_GAME_OPTIONS, GameService } from './services/game-service.js';
import { LeaderboardService } from './services/leaderboard-service.js';
import { LedgerService } from './services/ledger-service.js';
import { LedgerRepository } from './db/repositories/ledger-repository.js';
import { withDeadline } from './deadlines.js';
import { QuizService } from './services/quiz-service.js';
import { ReviewService } from './services/review-service.js';
import { RewardsService } from './services/rewards-service.js';
import { ShardService } from './services/shard-service.js';
import { StatsService } from './services/stats-service.js';
import { HeatmapService } from './services/heatmap-service.js';

export interface AppDeps {
  config: Pick<Config, 'discordApiUrl' | 'devGuildId'> & Partial<Pick<Config, 'gameSecondMs' | 'gameTickMs'>> & { shards?: ShardPlan };
  database: Database;
  decks: readonly Deck[];
  logger: Logger;
  now?: () => Date;
  random?: Random;
  /** Run the minute scheduler (off in tests that drive ticks themselves). Default true. */
  scheduler?: boolean;
  /** Shortest interval between edits of a challenge's answer count. Default 10 s. */
  countRefreshMs?: number;
  /** An interaction still unanswered this long after it arrived is deferred first. Default ACKNOWLEDGE_AFTER_MS (2 s). */
  acknowledgeAfterMs?: number;
  /** How long an interaction's database work may take in all. Default INTERACTION_DB_BUDGET_MS (2.5 s). */
  interactionBudgetMs?: number;
  /** How long one scheduler tick may take. Default MINUTE_TICK_TIMEOUT_MS. */
  tickTimeoutMs?: number;
  /** How /deck import fetches attachments. Default: from Discord's CDN with ATTACHMENT_DOWNLOAD_TIMEOUT_MS. */
  downloadAttachment?: AttachmentDownloader;
}

/** The bot, wired but not connected: repositories → services → router → discord.js client. */
export interface App {
  client: Client;
  router: InteractionRouter;
  context: BotContext;
  state: BotStateRepository;
  /** The shards this process connects, known once started. */
  shards(): ShardAssignment | undefined;
  /** Readiness for /readyz: the gateway and the database. */
  health: HealthService;
  /** Logs in and resolves once the gateway session is ready and commands are registered. */
  start(token: string): Promise<void>;
  /** Runs one scheduler tick now (daily challenge, then review reminders). */
  tick(): Promise<void>;
  /**
   * Stops the scheduler; answers new interactions "restarting"; gives those in flight `timeoutMs` to
   * finish, then tells the rest "restarting" too; closes the gateway (not the database).
   */
  stop(timeoutMs: number): Promise<void>;
}

export function createApp(deps: AppDeps): App {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const serverDecksRepository = new ServerDecksRepository(deps.database);
  const library = new DeckCatalog(new DeckLibrary(deps.decks), serverDecksRepository);
  const state = new BotStateRepository(deps.database);
  const statsRepository = new StatsRepository(deps.database);
  const boards = new LeaderboardRepository(deps.database);
  const memory = new MemoryRepository(deps.database);
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    // Every interaction carries its member and user, and messages are edited by id: caching those
    // would only grow memory with each member who ever pressed a button. The bot's own member and
    // user stay cached (channel permission checks need them).
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
    }),
    ...(deps.config.discordApiUrl ? { rest: { api: deps.config.discordApiUrl } } : {}),
    // Given explicitly so discord.js never reads SHARDS/SHARD_COUNT itself; start() sets the real plan.
    shards: [0],
    shardCount: 1,
  });
  let shards: ShardAssignment | undefined;
  // Answers are recorded in the statement that answers the member; the rest follows after the reply.
  const ledger = new LedgerService(new LedgerRepository(deps.database), deps.logger.child({ feature: 'ledger' }));
  const daily = new DailyService(
    library,
    new DailyRepository(deps.database),
    new DiscordChallengePublisher(client),
    random,
    deps.logger.child({ feature: 'daily' }),
    { countRefreshMs: deps.countRefreshMs ?? 10_000, ledger },
  );
  const game = new GameService(
    library,
    new GameRepository(deps.database),
    new DiscordGamePublisher(client),
    random,
    deps.logger.child({ feature: 'game' }),
    { ...DEFAULT_GAME_OPTIONS, secondMs: deps.config.gameSecondMs ?? DEFAULT_GAME_OPTIONS.secondMs, now },
  );
  const rounds = new RoundsRepository(deps.database);
  const review = new ReviewService(library, rounds, memory, deps.logger.child({ feature: 'review' }));
  const rewards = new RewardsService(new RewardsRepository(deps.database), new DiscordRoleGateway(client), deps.logger.child({ feature: 'rewards' }));
  const context: BotContext = {
    decks: library,
    quiz: new QuizService(library, rounds, random, ledger),
    stats: new StatsService(library, statsRepository, boards),
    daily,
    game,
    leaderboard: new LeaderboardService(boards),
    review,
    rewards,

    heatmap: new HeatmapService(statsRepository, memory),
    serverDecks: new ServerDeckService(library, serverDecksRepository, deps.downloadAttachment ?? attachmentDownloader()),
    ledger,
    now,
    logger: deps.logger,
  };
  const router = new InteractionRouter(COMMANDS, BUTTONS, context, deps.acknowledgeAfterMs, deps.interactionBudgetMs);
  client.on(Events.InteractionCreate, (interaction: Interaction) => void router.handle(interaction));
  client.on(Events.Error, (error) => deps.logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => deps.logger.warn({ message }, 'discord client warning'));
  const stopWatchingGateway = watchGateway(client, deps.logger.child({ feature: 'gateway' }));
  let stopping = false;
  const gateway = trackGateway(client, deps.logger.child({ feature: 'gateway' }), () => stopping);
  metrics.watchGateway({ up: () => gateway().connected, pingMs: () => client.ws.ping, guilds: () => client.guilds.cache.size });
  const health = new HealthService({
    gateway,
    pingDatabase: async () => void (await deps.database.rows(sql`select 1`)),
    logger: deps.logger.child({ feature: 'health' }),
  });

  const jobDeps = {
    daily,
    ledger,
    review,
    rewards,
    messenger: new DiscordDirectMessenger(client),
    isReady: () => client.isReady(),
    shards: () => shards,
    shardService: new ShardService(new ShardHoldersRepository(deps.database), `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`),
    logger: deps.logger.child({ feature: 'jobs' }),
    now,
    ...(deps.tickTimeoutMs === undefined ? {} : { tickTimeoutMs: deps.tickTimeoutMs }),
  };
  let job: ScheduledTask | undefined;
  let gameTick: GameTick | undefined;

  return {
    client,
    router,
    context,
    state,
    shards: () => shards,
    health,
    async start(token) {
      health.start();
      // Answers a process recorded and could not apply before it died are applied before any new one.
      await ledger.catchUp();
      const plan = deps.config.shards ?? { count: 'auto', ids: 'all', managed: false };
      client.rest.setToken(token);
      shards = assignShards(plan, plan.count === 'auto' ? await fetchRecommendedShards(client.rest) : plan.count);
      client.options.shards = shards.ids;
      client.options.shardCount = shards.count;
      deps.logger.info({ shards: describeShards(shards) }, 'connecting shards');
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      deps.logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
      if (client.guilds.cache.size === 0) {
        const url = inviteUrl(client.application?.id ?? client.user?.id ?? '');
        deps.logger.info({ invite: url }, `the bot is in no server yet: invite it with ${url}`);
      }
      try {
        // With many processes starting at once, one registers and the others find the hash unchanged.
        await withAdvisoryLock(deps.database, LOCKS.registerCommands, () => registerCommands({
          rest: client.rest,
          applicationId: client.application?.id ?? client.user?.id ?? '',
          guildId: deps.config.devGuildId,
          commands: COMMANDS,
          state,
          logger: deps.logger,
          now: now(),
        }));
      } catch (error) {
        // The bot still answers commands registered earlier; the next start tries again.
        deps.logger.error({ err: error }, 'could not register commands');
      }
      if (deps.scheduler ?? true) {
        job = scheduleMinuteJob(jobDeps);
        // Catch up at once on a challenge missed while the bot was down, rather than at the next minute.
        void runMinuteTick(jobDeps, now());
        // Games are timed in seconds: their catch-up (a restart mid-game, a game of another process) ticks faster, starting now.
        gameTick = scheduleGameTick({ game, isReady: jobDeps.isReady, logger: jobDeps.logger }, deps.config.gameTickMs ?? 5000);
      }
    },
    tick: () => runMinuteTick(jobDeps, now()),
    async stop(timeoutMs) {
      stopping = true;
      health.stop();
      await job?.stop();
      daily.stop();
      gameTick?.stop();
      // Interactions in flight drain while the game's pending count edits settle, within one budget.
      await Promise.all([router.shutdown(timeoutMs), game.shutdown(Math.min(2000, timeoutMs))]);
      // What the answered interactions recorded is applied now; anything cut short here, the next start applies.
      await withDeadline(ledger.settleAll(), Math.min(2000, timeoutMs), 'applying recorded answers').catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'stopped before every recorded answer was applied; the next start applies the rest'),
      );
      stopWatchingGateway();
      await client.destroy();
    },
  };
}
