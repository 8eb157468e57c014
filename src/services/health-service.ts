import type { Logger } from '../logger.js';

/** The gateway connection as the health checks see it. */
export interface GatewayState {
  connected: boolean;
  /** When it last became connected or disconnected. */
  since: Date;
  detail: string;
}

/** The database counts as answering when its last ping succeeded within this long. */
export const DATABASE_FRESH_MS = 30_000;
/** How often the database is pinged. */
export const DATABASE_PING_INTERVAL_MS = 5_000;
/** A ping not answered within this long counts as failed. */
export const DATABASE_PING_TIMEOUT_MS = 3_000;

export interface Readiness {
  ready: boolean;
  gateway: string;
  database: string;
}

/**
 * Readiness for /readyz: the gateway is connected and the database answered within the last 30 s
 * (it is pinged every 5 s, so a cut connection shows within a ping's timeout).
 */
export class HealthService {
  private lastAnswer: Date | undefined;
  private lastFailure: { at: Date; reason: string } | undefined;
  private pinging = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      gateway: () => GatewayState;
      pingDatabase: () => Promise<void>;
      logger: Logger;
      now?: () => Date;
    },
  ) {}

  /** Pings the database now and then every few seconds until {@link stop}. */
  start(): void {
    if (this.timer) return;
    void this.ping();
    this.timer = setInterval(() => void this.ping(), DATABASE_PING_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One ping, skipped while the previous one is still waiting. */
  async ping(): Promise<void> {
    if (this.pinging) return;
    this.pinging = true;
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.deps.pingDatabase(),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no answer within ${DATABASE_PING_TIMEOUT_MS} ms`)), DATABASE_PING_TIMEOUT_MS);
        }),
      ]);
      if (this.lastFailure) this.deps.logger.info('the database answers again');
      this.lastAnswer = this.now();
      this.lastFailure = undefined;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!this.lastFailure) {
        this.deps.logger.warn(
          { reason },
          'the database does not answer; members are told to try again meanwhile. Check that it is running and reachable (DATABASE_URL)',
        );
      }
      this.lastFailure = { at: this.lastFailure?.at ?? this.now(), reason };
    } finally {
      clearTimeout(timeout);
      this.pinging = false;
    }
  }

  readiness(): Readiness {
    const now = this.now();
    const gateway = this.deps.gateway();
    const gatewayText = gateway.connected ? 'ok' : `${gateway.detail} since ${gateway.since.toISOString()}`;
    let database = 'ok';
    if (this.lastFailure) database = `no answer since ${this.lastFailure.at.toISOString()} (${this.lastFailure.reason})`;
    else if (!this.lastAnswer) database = 'not checked yet';
    else if (now.getTime() - this.lastAnswer.getTime() > DATABASE_FRESH_MS) database = `last answered at ${this.lastAnswer.toISOString()}`;
    return { ready: gateway.connected && database === 'ok', gateway: gatewayText, database };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
