import type { PublishError} from '../../src/services/daily-service.js';
import { type ChallengePublisher, type ChallengeView } from '../../src/services/daily-service.js';

/** The Discord boundary of the daily challenge, in memory: records posts and edits, fails on demand. */
export class MemoryPublisher implements ChallengePublisher {
  posts: { channelId: string; messageId: string; view: ChallengeView }[] = [];
  edits: { channelId: string; messageId: string; view: ChallengeView; at: number }[] = [];
  private failures = new Map<string, PublishError>();
  /** How long an edit takes to reach "Discord", to let other work overtake it. */
  editDelayMs: (view: ChallengeView) => number = () => 0;
  private next = 1;

  failChannel(channelId: string, error: PublishError | undefined): void {
    if (error) this.failures.set(channelId, error);
    else this.failures.delete(channelId);
  }

  async post(channelId: string, view: ChallengeView): Promise<string> {
    const delay = this.postDelayMs(channelId);
    await (delay > 0 ? new Promise((r) => setTimeout(r, delay)) : Promise.resolve());
    const failure = this.failures.get(channelId);
    if (failure) throw failure;
    const messageId = `m${this.next++}`;
    this.posts.push({ channelId, messageId, view });
    return messageId;
  }

  async edit(channelId: string, messageId: string, view: ChallengeView): Promise<void> {
    await new Promise((r) => setTimeout(r, this.editDelayMs(view)));
    this.edits.push({ channelId, messageId, view, at: Date.now() });
  }

  /** Messages deleted again (a post made after its claim was taken over). */
  deleted: { channelId: string; messageId: string }[] = [];
  /** How long a post to a channel takes to reach "Discord" (a slow channel, a 429's retry_after). */
  postDelayMs: (channelId: string) => number = () => 0;

  async delete(channelId: string, messageId: string): Promise<void> {
    await Promise.resolve();
    this.deleted.push({ channelId, messageId });
  }

  /** Posts that are still in their channel. */
  livePostsIn(channelId: string) {
    return this.postsIn(channelId).filter((p) => !this.deleted.some((d) => d.messageId === p.messageId));
  }

  async findPosted(_channelId: string, challengeId: number): Promise<string | undefined> {
    return this.posts.find((p) => p.view.challenge.id === challengeId)?.messageId;
  }

  postsIn(channelId: string) {
    return this.posts.filter((p) => p.channelId === channelId);
  }
}
