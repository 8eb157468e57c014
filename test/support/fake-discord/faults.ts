import type { KnownDiscordErrorCode } from './validate.js';
import { DiscordErrors } from './validate.js';

/** Which requests a fault applies to. */
export interface FaultMatch {
  /** HTTP method (any if omitted). */
  method?: string;
  /**
   * The decoded path relative to /api/v10 (e.g. `/channels/123/messages`): a RegExp is tested against
   * it, a string must equal it (a leading `/api/v10` is ignored).
   */
  path: RegExp | string;
  /** How many matching requests are hit (default 1; `Infinity` for all). */
  times?: number;
}

/** What the fake does instead of (or before) answering a matching request. */
export interface FaultResponse {
  /** Status to answer with. Without it, the request is handled normally (after `delayMs`). */
  status?: number;
  /** JSON body (a string is sent as text/plain). Defaults to a Discord-style error for the status. */
  body?: unknown;
  /** Extra headers (override the default rate-limit headers). */
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /**
   * Handle the request (its effects are visible at once, e.g. an interaction's answer), then hold the
   * HTTP response this long: the bot has answered, and its await for Discord's response is still pending.
   */
  holdAnswerMs?: number;
  /** Destroy the socket without answering (discord.js sees a network error and retries). */
  destroySocket?: boolean;
}

/** A live fault registration returned by `fake.inject`. */
export interface InjectedFault {
  /** Requests this fault has hit so far. */
  readonly hits: number;
  /** Requests it will still hit. */
  readonly remaining: number;
  /** Stops the fault. */
  remove(): void;
}

interface FaultEntry {
  match: FaultMatch;
  response: FaultResponse;
  hits: number;
  remaining: number;
}

/** Fault registrations, checked in order. */
export class FaultRegistry {
  #entries: FaultEntry[] = [];

  add(match: FaultMatch, response: FaultResponse): InjectedFault {
    const entry: FaultEntry = { match, response, hits: 0, remaining: match.times ?? 1 };
    this.#entries.push(entry);
    const remove = (): void => {
      this.#entries = this.#entries.filter((e) => e !== entry);
    };
    return {
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return entry.remaining;
      },
      remove,
    };
  }

  take(method: string, path: string): FaultResponse | undefined {
    for (const entry of this.#entries) {
      if (entry.remaining <= 0) continue;
      if (entry.match.method && entry.match.method.toUpperCase() !== method) continue;
      const p = entry.match.path;
      const hit = typeof p === 'string' ? p.replace(/^\/api\/v\d+/, '') === path : p.test(path);
      if (!hit) continue;
      entry.hits += 1;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.#entries = this.#entries.filter((e) => e !== entry);
      return entry.response;
    }
    return undefined;
  }

  clear(): void {
    this.#entries = [];
  }
}

/** Ready-made faults shaped like Discord's own answers. */
export const Faults = {
  /**
   * A 429 as Discord sends it: `retry_after` in the body, `retry-after`, `x-ratelimit-scope` and,
   * when global, `x-ratelimit-global` headers. discord.js waits `retryAfterSeconds` (+50 ms) and retries.
   */
  rateLimited(retryAfterSeconds = 0.05, opts: { global?: boolean; scope?: 'user' | 'global' | 'shared' } = {}): FaultResponse {
    const global = opts.global ?? false;
    const headers: Record<string, string> = {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-scope': opts.scope ?? (global ? 'global' : 'user'),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': ((Date.now() + retryAfterSeconds * 1000) / 1000).toFixed(3),
      'x-ratelimit-reset-after': retryAfterSeconds.toFixed(3),
    };
    if (global) headers['x-ratelimit-global'] = 'true';
    return { status: 429, headers, body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global } };
  },

  /** A Discord JSON error, e.g. 50013 Missing Permissions (403), 50001 Missing Access (403), 10003 Unknown Channel (404). */
  discordError(code: KnownDiscordErrorCode, message?: string): FaultResponse {
    const known = DiscordErrors[code];
    return { status: known.status, body: { message: message ?? known.message, code } };
  },

  /** A 5xx (discord.js retries these up to 3 times before throwing HTTPError). */
  serverError(status = 500): FaultResponse {
    return { status, body: { message: `${status}: Internal Server Error`, code: 0 } };
  },

  /** Handles the request normally after `ms`. */
  delay(ms: number): FaultResponse {
    return { delayMs: ms };
  },

  /** Drops the connection (a network error for the client). */
  networkError(): FaultResponse {
    return { destroySocket: true };
  },
} as const;
