import { DiscordAPIError, RESTJSONErrorCodes, type Client } from 'discord.js';
import { metrics } from '../metrics.js';
import { DmClosedError, type DirectMessenger } from '../services/review-service.js';

/** Sends DMs through discord.js; a member who does not accept them raises DmClosedError. */
export class DiscordDirectMessenger implements DirectMessenger {
  constructor(private readonly client: Client) {}

  async send(userId: string, text: string): Promise<void> {
    try {
      await this.client.users.send(userId, { content: text, allowedMentions: { parse: [] } });
      metrics.reminderSent();
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser) throw new DmClosedError(userId);
      throw error;
    }
  }
}
