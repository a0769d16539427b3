import { DiscordAPIError, RESTJSONErrorCodes, Routes, type REST } from 'discord.js';
import type { AiringFeedDisabledReason } from '../db/airing-feeds.js';

/** Posts into a server's channel through discord.js's REST client (which waits out Discord's rate limits). */
export interface ChannelPoster {
  /**
   * Posts `content`, pinging `roleId` only (no other mention ever pings). Resolves 'sent', or why Discord refused for
   * good (Missing Access, Missing Permissions, Unknown Channel); rejects on anything that may pass (outage, 5xx).
   */
  post(channelId: string, content: string, roleId: string | null): Promise<'sent' | AiringFeedDisabledReason>;
}

const REFUSALS = new Map<number | string, AiringFeedDisabledReason>([
  [RESTJSONErrorCodes.MissingAccess, 'missing_access'],
  [RESTJSONErrorCodes.MissingPermissions, 'missing_permissions'],
  [RESTJSONErrorCodes.UnknownChannel, 'unknown_channel'],
]);

export function createChannelPoster(rest: REST): ChannelPoster {
  return {
    async post(channelId, content, roleId) {
      try {
        await rest.post(Routes.channelMessages(channelId), {
          body: { content, allowed_mentions: { parse: [], roles: roleId ? [roleId] : [] } },
        });
        return 'sent';
      } catch (error) {
        const refusal = error instanceof DiscordAPIError ? REFUSALS.get(error.code) : undefined;
        if (refusal) return refusal;
        throw error;
      }
    },
  };
}
