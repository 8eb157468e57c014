import { Client, Events, GatewayIntentBits, Options, type Interaction } from 'discord.js';
import { sql } from 'drizzle-orm';
import type { ScheduledTask } from 'node-cron';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { DailyRepository } from './db/repositories/daily-repository.js';
import { LeaderboardRepository } from './db/repositories/leaderboard-repository.js';
import { MemoryRepository } from './db/repositories/memory-repository.js';
import { RoundsRepository } from './db/repositories/rounds-repository.js';
import { BotStateRepository, StatsRepository } from './db/repositories/stats-repository.js';
import { DeckLibrary } from './decks/library.js';
import type { Random } from './domain/random.js';
import type { Deck } from './domain/types.js';
import { COMMANDS } from './discord/commands/index.js';
import type { BotContext } from './discord/context.js';
import { DiscordChallengePublisher } from './discord/daily-publisher.js';
import { DiscordDirectMessenger } from './discord/direct-messenger.js';
import { inviteUrl } from './discord/invite.js';
import { registerCommands } from './discord/register-commands.js';
import { BUTTONS, InteractionRouter } from './discord/router.js';
import { trackGateway } from './discord/gateway-status.js';
import { runMinuteTick, scheduleMinuteJob } from './jobs/minute-job.js';
import { metrics } from './metrics.js';
import { HealthService } from './services/health-service.js';
import type { Logger } from './logger.js';
import { DailyService } from './services/daily-service.js';
import { LeaderboardService } from './services/leaderboard-service.js';
import { QuizService } from './services/quiz-service.js';
import { ReviewService } from './services/review-service.js';
import { StatsService } from './services/stats-service.js';

export interface AppDeps {
  config: Pick<Config, 'discordApiUrl' | 'devGuildId'>;
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
}

/** The bot, wired but not connected: repositories → services → router → discord.js client. */
export interface App {
  client: Client;
  router: InteractionRouter;
  context: BotContext;
  state: BotStateRepository;
  /** Readiness for /readyz: the gateway and the database. */
  health: HealthService;
  /** Logs in and resolves once the gateway session is ready and commands are registered. */
  start(token: string): Promise<void>;
  /** Runs one scheduler tick now (daily challenge, then review reminders). */
  tick(): Promise<void>;
  /** Stops the scheduler and new interactions, lets those in flight finish, closes the gateway (not the database). */
  stop(timeoutMs: number): Promise<void>;
}

export function createApp(deps: AppDeps): App {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const library = new DeckLibrary(deps.decks);
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
  });
  const daily = new DailyService(
    library,
    new DailyRepository(deps.database),
    new DiscordChallengePublisher(client),
    random,
    deps.logger.child({ feature: 'daily' }),
    { countRefreshMs: deps.countRefreshMs ?? 10_000 },
  );
  const rounds = new RoundsRepository(deps.database);
  const review = new ReviewService(library, rounds, memory, deps.logger.child({ feature: 'review' }));
  const context: BotContext = {
    decks: library,
    quiz: new QuizService(library, rounds, random),
    stats: new StatsService(library, statsRepository, boards),
    daily,
    leaderboard: new LeaderboardService(boards),
    review,
    now,
    logger: deps.logger,
  };
  const router = new InteractionRouter(COMMANDS, BUTTONS, context, deps.acknowledgeAfterMs);
  client.on(Events.InteractionCreate, (interaction: Interaction) => void router.handle(interaction));
  client.on(Events.Error, (error) => deps.logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => deps.logger.warn({ message }, 'discord client warning'));
  const gateway = trackGateway(client, deps.logger.child({ feature: 'gateway' }));
  metrics.watchGateway({ up: () => gateway().connected, pingMs: () => client.ws.ping, guilds: () => client.guilds.cache.size });
  const health = new HealthService({
    gateway,
    pingDatabase: async () => void (await deps.database.rows(sql`select 1`)),
    logger: deps.logger.child({ feature: 'health' }),
  });

  const jobDeps = {
    daily,
    review,
    messenger: new DiscordDirectMessenger(client),
    isReady: () => client.isReady(),
    logger: deps.logger.child({ feature: 'jobs' }),
    now,
  };
  let job: ScheduledTask | undefined;

  return {
    client,
    router,
    context,
    state,
    health,
    async start(token) {
      health.start();
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      deps.logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
      if (client.guilds.cache.size === 0) {
        const url = inviteUrl(client.application?.id ?? client.user?.id ?? '');
        deps.logger.info({ invite: url }, `the bot is in no server yet: invite it with ${url}`);
      }
      try {
        await registerCommands({
          rest: client.rest,
          applicationId: client.application?.id ?? client.user?.id ?? '',
          guildId: deps.config.devGuildId,
          commands: COMMANDS,
          state,
          logger: deps.logger,
          now: now(),
        });
      } catch (error) {
        // The bot still answers commands registered earlier; the next start tries again.
        deps.logger.error({ err: error }, 'could not register commands');
      }
      if (deps.scheduler ?? true) {
        job = scheduleMinuteJob(jobDeps);
        // Catch up at once on a challenge missed while the bot was down, rather than at the next minute.
        void runMinuteTick(jobDeps, now());
      }
    },
    tick: () => runMinuteTick(jobDeps, now()),
    async stop(timeoutMs) {
      health.stop();
      await job?.stop();
      daily.stop();
      await router.drain(timeoutMs);
      await client.destroy();
    },
  };
}
