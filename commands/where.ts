import type { BaseInteraction } from 'discord.js';

/**
 * Where an interaction happened, as far as the bot is concerned:
 * - `server`: a server the bot is in (installed there: `authorizing_integration_owners` has the GUILD_INSTALL key);
 * - `foreign-server`: a server the bot is not in, reached through the member's own install of the app (USER_INSTALL
 *   only): the bot knows nothing of its channels or members;
 * - `dm`: the bot's DM, or a DM or group DM between members (PRIVATE_CHANNEL).
 */
export type Place = 'server' | 'foreign-server' | 'dm';

export function placeOf(interaction: Pick<BaseInteraction, 'guildId' | 'authorizingIntegrationOwners'>): Place {
  if (interaction.guildId === null) return 'dm';
  // discord.js reads the GUILD_INSTALL ("0") key into guildId; it is absent for a user-install-only interaction.
  return interaction.authorizingIntegrationOwners?.guildId ? 'server' : 'foreign-server';
}
