import { DiscordAPIError, Routes, type REST } from 'discord.js';

export type DirectMessageResult = 'sent' | 'undeliverable';

export interface DirectMessage {
  content: string;
}

export interface DirectMessages {
  /**
   * Opens (or reuses) the DM channel with `userId` and posts `message`. Resolves 'undeliverable' when Discord
   * says it will never work (DMs closed, unknown user); rejects on anything that may work later (outage, 5xx).
   */
  send(userId: string, message: DirectMessage): Promise<DirectMessageResult>;
}

/**
 * Discord error codes that retrying cannot fix: 50007 "Cannot send messages to this user" (DMs closed, no
 * shared server, or the user blocked the bot), 50033 "Invalid recipient(s)", 10013 "Unknown user".
 */
const PERMANENT_CODES = new Set<number | string>([50007, 50033, 10013]);

/** DMs through discord.js's REST client (which handles Discord's rate limits); no gateway connection is needed. */
export function createDirectMessages(rest: REST): DirectMessages {
  return {
    async send(userId, message) {
      try {
        const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
        await rest.post(Routes.channelMessages(channel.id), {
          body: { content: message.content, allowed_mentions: { parse: [] } },
        });
        return 'sent';
      } catch (error) {
        if (error instanceof DiscordAPIError && PERMANENT_CODES.has(error.code)) return 'undeliverable';
        throw error;
      }
    },
  };
}
