import type { Logger } from '../logger.js';
import type { GameService } from '../services/game-service.js';

export interface GameTick {
  stop(): void;
}

/**
 * Looks at running games every `intervalMs`, and once at once: a game this process is not timing (it
 * restarted, or another process started the game) is advanced. A tick still running is not overlapped.
 */
export function scheduleGameTick(deps: { game: GameService; isReady: () => boolean; logger: Logger }, intervalMs: number): GameTick {
  let running = false;
  const tick = async () => {
    if (running || !deps.isReady()) return;
    running = true;
    try {
      await deps.game.catchUp();
    } catch (error) {
      deps.logger.error({ err: error }, 'game tick failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer) };
}
