import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The bot's Prometheus metrics, recorded where the work happens (the router's boundary, the database
 * client, the Discord publishers) and served by src/http. Services never see prom-client.
 * Every label value comes from a fixed set: command names, button actions and statement names from
 * the code, never anything a member typed.
 */
export const registry = new Registry();

export const INTERACTION_OUTCOMES = ['ok', 'user_error', 'unavailable', 'error', 'refused'] as const;
export type InteractionOutcome = (typeof INTERACTION_OUTCOMES)[number];
export const DAILY_POST_OUTCOMES = ['posted', 'paused', 'failed'] as const;
export type DailyPostOutcome = (typeof DAILY_POST_OUTCOMES)[number];

const interactions = new Counter({
  name: 'deepcards_interactions_total',
  help: 'Interactions handled, by command or button action and outcome (ok, user_error, unavailable, error, refused).',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});
const responseSeconds = new Histogram({
  name: 'deepcards_interaction_response_seconds',
  help: 'Time from receiving an interaction to its first response to Discord (a reply, an update or a deferral).',
  labelNames: ['kind'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 5],
  registers: [registry],
});
const deferred = new Counter({
  name: 'deepcards_interactions_deferred_total',
  help: 'Interactions acknowledged with a deferral before their answer.',
  registers: [registry],
});
const statementSeconds = new Histogram({
  name: 'deepcards_db_statement_seconds',
  help: 'Duration of the hot-path database statements, by statement name.',
  labelNames: ['statement'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});
const dailyPosts = new Counter({
  name: 'deepcards_daily_posts_total',
  help: 'Daily challenge posts, by outcome (posted; paused: a permanent Discord refusal; failed: will be retried).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
const remindersSent = new Counter({
  name: 'deepcards_reminders_sent_total',
  help: 'Review reminders sent as direct messages.',
  registers: [registry],
});

/** What the gateway gauges read when scraped. */
export interface GatewaySource {
  up(): boolean;
  /** The last heartbeat round trip in ms, or a negative number before the first one. */
  pingMs(): number;
  guilds(): number;
}
let gateway: GatewaySource | undefined;
new Gauge({
  name: 'deepcards_gateway_up',
  help: '1 while the Discord gateway connection is ready, 0 otherwise.',
  registers: [registry],
  collect() {
    this.set(gateway?.up() ? 1 : 0);
  },
});
new Gauge({
  name: 'deepcards_gateway_ping_seconds',
  help: 'The last gateway heartbeat round trip.',
  registers: [registry],
  collect() {
    const ms = gateway?.pingMs() ?? -1;
    if (ms >= 0) this.set(ms / 1000);
  },
});
new Gauge({
  name: 'deepcards_guilds',
  help: 'Servers the bot is in.',
  registers: [registry],
  collect() {
    this.set(gateway?.guilds() ?? 0);
  },
});

export const metrics = {
  interaction(kind: string, outcome: InteractionOutcome): void {
    interactions.inc({ kind, outcome });
  },
  firstResponse(kind: string, seconds: number): void {
    responseSeconds.observe({ kind }, seconds);
  },
  deferral(): void {
    deferred.inc();
  },
  statement(name: string, seconds: number): void {
    statementSeconds.observe({ statement: name }, seconds);
  },
  dailyPost(outcome: DailyPostOutcome): void {
    dailyPosts.inc({ outcome });
  },
  reminderSent(): void {
    remindersSent.inc();
  },
  watchGateway(source: GatewaySource): void {
    gateway = source;
  },
};

let defaultsCollected = false;
/** Adds Node's default metrics (event loop lag, heap, GC, …) once per process, when metrics are served. */
export function collectNodeMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: registry });
}
