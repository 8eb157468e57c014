import { Routes, type Client, type GuildTextBasedChannel } from 'discord.js';
import type { GamePublisher, GameQuestionView, ScoreboardView } from '../services/game-service.js';
import { classify, postableChannel } from './daily-publisher.js';
import type { MessageView } from './render/common.js';
import { questionMarker, renderGameQuestion, renderScoreboard, scoreboardMarker } from './render/game.js';

/** How far back a restarted game looks for a post a crash left unrecorded. */
const RECENT_MESSAGES = 50;

/** Posts and edits /game messages through discord.js. */
export class DiscordGamePublisher implements GamePublisher {
  constructor(private readonly client: Client) {}

  async postQuestion(channelId: string, view: GameQuestionView): Promise<string> {
    return this.send(channelId, renderGameQuestion(view));
  }

  async editQuestion(channelId: string, messageId: string, view: GameQuestionView, signal?: AbortSignal): Promise<void> {
    const { content, embeds, components } = renderGameQuestion(view);
    // Through REST directly, to pass the signal: a count edit held by a rate limit is given up, not queued ahead of the result.
    try {
      await this.client.rest.patch(Routes.channelMessage(channelId, messageId), {
        body: { ...(content !== undefined ? { content } : {}), embeds, components, allowed_mentions: { parse: [] } },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw classify(error);
    }
  }

  async postScoreboard(channelId: string, view: ScoreboardView): Promise<string> {
    return this.send(channelId, renderScoreboard(view));
  }

  findQuestion(channelId: string, gameId: number, number: number): Promise<string | undefined> {
    return this.findByFooter(channelId, (footer) => footer.endsWith(questionMarker(gameId, number)));
  }

  findScoreboard(channelId: string, gameId: number): Promise<string | undefined> {
    return this.findByFooter(channelId, (footer) => footer === scoreboardMarker(gameId));
  }

  private async send(channelId: string, view: MessageView): Promise<string> {
    const channel = await this.channel(channelId);
    try {
      return (await channel.send(view)).id;
    } catch (error) {
      throw classify(error);
    }
  }

  private async findByFooter(channelId: string, matches: (footer: string) => boolean): Promise<string | undefined> {
    const channel = await this.channel(channelId);
    const recent = await channel.messages.fetch({ limit: RECENT_MESSAGES });
    return recent.find((m) => m.author.id === this.client.user?.id && matches(m.embeds[0]?.footer?.text ?? ''))?.id;
  }

  private channel(channelId: string): Promise<GuildTextBasedChannel> {
    return postableChannel(this.client, channelId);
  }
}
