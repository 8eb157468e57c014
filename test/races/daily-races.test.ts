import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { DailyRepository } from '../../src/db/repositories/daily-repository.js';
import { DeckLibrary } from '../../src/decks/library.js';
import type { Deck } from '../../src/domain/types.js';
import { DailyService, type ChallengePublisher, type ChallengeView } from '../../src/services/daily-service.js';
import { resetDatabase, testDatabase, TEST_DB_KIND } from '../support/database.js';
import { fixtureDecks, seededRandom } from '../support/fixtures.js';
import { MemoryPublisher } from '../support/memory-publisher.js';

const ADMIN = '310000000000000000';
const guild = (n: number) => `11000000000000000${n}`;
const channel = (n: number) => `21000000000000000${n}`;
const logger = pino({ level: 'silent' });
const WAIT_MS = 10_000;

/** A bot process's view of Discord: posts go to the shared channels, and the first one can be held (a 429, a stall). */
class HeldPublisher implements ChallengePublisher {
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  private held = false;
  /** True once a post is being held. */
  holding = false;

  constructor(
    private readonly shared: MemoryPublisher,
    private readonly holdFirst: boolean,
  ) {}

  async post(channelId: string, view: ChallengeView): Promise<string> {
    if (this.holdFirst && !this.held) {
      this.held = true;
      this.holding = true;
      await this.gate;
    }
    return this.shared.post(channelId, view);
  }
  letGo(): void {
    this.release();
  }
  edit = (channelId: string, messageId: string, view: ChallengeView) => this.shared.edit(channelId, messageId, view);
  findPosted = (channelId: string, challengeId: number) => this.shared.findPosted(channelId, challengeId);
  delete = (channelId: string, messageId: string) => this.shared.delete(channelId, messageId);
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe(`daily posts racing each other on ${TEST_DB_KIND}`, () => {
  let database: Database;
  let decks: Deck[];
  let shared: MemoryPublisher;
  const services: DailyService[] = [];
  const process = (publisher: ChallengePublisher, seed: number) => {
    const service = new DailyService(new DeckLibrary(decks), new DailyRepository(database), publisher, seededRandom(seed), logger, { countRefreshMs: 60_000 });
    services.push(service);
    return service;
  };
  const setup = (service: DailyService, n: number) =>
    service.setup({ guildId: guild(n), channelId: channel(n), time: '18:00', timeZone: 'Europe/Berlin', deck: 'alpha', userId: ADMIN, now: new Date('2026-01-15T12:00:00Z') });

  beforeAll(async () => {
    database = await testDatabase();
    decks = await fixtureDecks();
  });
  beforeEach(async () => {
    await resetDatabase(database);
    shared = new MemoryPublisher();
  });
  afterEach(() => services.splice(0).forEach((s) => s.stop()));

  test('GIVEN session A claims the post and its send stalls (a 429 of 150 s) WHEN session B takes the stale claim over and posts, THEN A\'s late post lands AND A deletes it: the channel shows one live challenge, the recorded one', async () => {
    const slow = new HeldPublisher(shared, true);
    const a = process(slow, 1);
    const b = process(new HeldPublisher(shared, false), 2);
    await setup(a, 1);

    const aTick = a.tick(new Date('2026-01-15T17:00:00Z'));
    await until(() => slow.holding, 'session A to hold its post');
    // Session B, three minutes on: the claim is stale and nothing was posted, so it is released and posted again.
    await b.tick(new Date('2026-01-15T17:03:00Z'));
    await b.tick(new Date('2026-01-15T17:04:00Z'));
    expect(shared.livePostsIn(channel(1))).toHaveLength(1);

    slow.letGo();
    expect(await aTick).toMatchObject({ posted: 0 });
    const live = shared.livePostsIn(channel(1));
    expect(shared.postsIn(channel(1))).toHaveLength(2);
    expect(live).toHaveLength(1);
    const rows = await database.rows<{ status: string; message_id: string | null }>(sql`select status, message_id from daily_challenges where guild_id = ${guild(1)}`);
    expect(rows).toEqual([{ status: 'open', message_id: live[0]!.messageId }]);
  });

  test('GIVEN five guilds due WHEN the first post of the tick is held (a 70 s retry_after) THEN the other four post in the same tick without waiting for it', async () => {
    const held = new HeldPublisher(shared, true);
    const service = process(held, 3);
    for (let n = 1; n <= 5; n++) await setup(service, n);

    const tick = service.tick(new Date('2026-01-15T17:00:00Z'));
    await until(() => held.holding, 'the first post to be held');
    await until(() => shared.posts.length === 4, 'the four other guilds to post while the first is held');
    held.letGo();
    expect(await tick).toEqual({ due: 5, posted: 5, failed: 0 });
    for (let n = 1; n <= 5; n++) expect(shared.livePostsIn(channel(n))).toHaveLength(1);
  });
});
