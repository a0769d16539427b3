import { DiscordAPIError, RESTJSONErrorCodes, Routes, type REST } from 'discord.js';
import type { Logger } from '../logger.js';
import type { MemberLookup } from '../servers/membership.js';

/**
 * Discord's answer to "is this user still in this guild?" (`GET /guilds/{guild}/members/{user}`, bot token). Only
 * 10007 Unknown Member means they left; anything else (no access, rate limits, time out) means "cannot tell".
 */
export function createMemberLookup(rest: REST, logger: Logger): MemberLookup {
  return async (guildId, discordUserId, signal) => {
    try {
      await rest.get(Routes.guildMember(guildId, discordUserId), { signal });
      return 'present';
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMember) return 'absent';
      if (!signal.aborted) logger.debug({ err: error, guildId, discordUserId }, 'member lookup failed');
      return 'unknown';
    }
  };
}
