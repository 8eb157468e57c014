import { buildHeatmap, HEATMAP_DAYS, type Heatmap } from '../domain/heatmap.js';
import type { MemoryRepository } from '../db/repositories/memory-repository.js';
import type { StatsRepository } from '../db/repositories/stats-repository.js';

const DAY_MS = 86_400_000;

/** The study calendar of /stats. */
export class HeatmapService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly memory: MemoryRepository,
  ) {}

  /** A member's last 365 days in their timezone (from /review-settings, else UTC). */
  async studyHeatmap(userId: string, now: Date): Promise<Heatmap> {
    const { timeZone } = await this.memory.settings(userId);
    // Two days more than a year: the local year starts up to 14 hours before the UTC one.
    const since = new Date(now.getTime() - (HEATMAP_DAYS + 2) * DAY_MS);
    return buildHeatmap(await this.stats.gradedPerLocalDay(userId, since, timeZone), now, timeZone);
  }
}
