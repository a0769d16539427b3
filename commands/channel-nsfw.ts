import type { BaseInteraction } from 'discord.js';
import { placeOf } from './where.js';

/**
 * Whether adult titles may be shown where this interaction happened.
 *
 * discord.js 14 copies the payload's partial channel into its channel cache only when it already knows the
 * channel, which it does for every guild channel through the Guilds intent (GUILD_CREATE / CHANNEL_UPDATE keep
 * `nsfw` current). Threads take the flag from their parent. DMs, group DMs and servers the bot is not in (a member's
 * own install of the app: the partial channel's flag is not something the bot can check) count as not NSFW: when in
 * doubt, hide.
 */
export function isNsfwChannel(interaction: Pick<BaseInteraction, 'channel' | 'guildId' | 'authorizingIntegrationOwners'>): boolean {
  if (placeOf(interaction) !== 'server') return false;
  const channel = interaction.channel;
  if (!channel || channel.isDMBased()) return false;
  if (channel.isThread()) return channel.parent?.nsfw === true;
  return 'nsfw' in channel && channel.nsfw === true;
}
