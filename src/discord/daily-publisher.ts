import { DiscordAPIError, RESTJSONErrorCodes, type Client, type GuildTextBasedChannel } from 'discord.js';
import { PublishError, type ChallengePublisher, type ChallengeView } from '../services/daily-service.js';
import { metrics } from '../metrics.js';
import { DAILY_FOOTER_PREFIX, renderChallenge } from './render/daily.js';

/** Discord errors that will not go away by retrying: they pause the guild's daily challenge. */
const PERMANENT: Record<number, string> = {
  [RESTJSONErrorCodes.MissingAccess]: 'Missing Access to the channel',
  [RESTJSONErrorCodes.MissingPermissions]: 'Missing Permissions in the channel (View Channel, Send Messages, Embed Links)',
  [RESTJSONErrorCodes.UnknownChannel]: 'the channel was deleted or is unknown',
};

/** Posts and edits challenge messages through discord.js. */
export class DiscordChallengePublisher implements ChallengePublisher {
  constructor(private readonly client: Client) {}

  async post(channelId: string, view: ChallengeView): Promise<string> {
    try {
      const channel = await this.channel(channelId);
      const id = (await channel.send(renderChallenge(view))).id;
      metrics.dailyPost('posted');
      return id;
    } catch (error) {
      const failure = classify(error);
      metrics.dailyPost(failure.permanent ? 'paused' : 'failed');
      throw failure;
    }
  }

  async edit(channelId: string, messageId: string, view: ChallengeView): Promise<void> {
    const channel = await this.channel(channelId);
    try {
      await channel.messages.edit(messageId, renderChallenge(view));
    } catch (error) {
      throw classify(error);
    }
  }

  async delete(channelId: string, messageId: string): Promise<void> {
    const channel = await this.channel(channelId);
    try {
      await channel.messages.delete(messageId);
    } catch (error) {
      // Already gone is what we wanted.
      if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage) return;
      throw classify(error);
    }
  }

  async findPosted(channelId: string, challengeId: number): Promise<string | undefined> {
    const channel = await this.channel(channelId);
    const recent = await channel.messages.fetch({ limit: 50 });
    const footer = `${DAILY_FOOTER_PREFIX}${challengeId} `;
    return recent.find((m) => m.author.id === this.client.user?.id && m.embeds[0]?.footer?.text.startsWith(footer))?.id;
  }

  private channel(channelId: string): Promise<GuildTextBasedChannel> {
    return postableChannel(this.client, channelId);
  }
}

/** A channel the bot can post in, or a PublishError saying why not (permanent when it is gone). */
export async function postableChannel(client: Client, channelId: string): Promise<GuildTextBasedChannel> {
  let channel;
  try {
    channel = await client.channels.fetch(channelId);
  } catch (error) {
    throw classify(error);
  }
  if (!channel || !channel.isTextBased() || channel.isDMBased()) {
    throw new PublishError(true, 'the channel was deleted or cannot hold messages');
  }
  return channel;
}

export function classify(error: unknown): PublishError {
  if (error instanceof PublishError) return error;
  if (error instanceof DiscordAPIError && typeof error.code === 'number' && PERMANENT[error.code]) {
    return new PublishError(true, PERMANENT[error.code] as string);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new PublishError(false, `temporary Discord error: ${detail.slice(0, 200)}`);
}
