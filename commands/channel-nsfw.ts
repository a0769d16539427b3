import type { BaseInteraction } from 'discord.js';
import { isNsfwInteractionChannel } from '../src/bot/interaction-channel.js';
import { placeOf } from './where.js';

/**
 * Whether adult titles may be shown where this interaction happened.
 *
 * The bot has no gateway intent, so discord.js knows no channel: the answer comes from the interaction's own
 * payload (src/bot/interaction-channel.ts). A guild channel's `nsfw` flag counts; a thread takes its parent's
 * (looked up once, before the handler runs); DMs, group DMs and anything that cannot be told count as not NSFW:
 * when in doubt, hide. A server the bot is not in (a member's own install of the app) counts as not NSFW too: the
 * bot cannot look up its channels, so it does not vouch for them.
 */
export function isNsfwChannel(interaction: BaseInteraction): boolean {
  if (placeOf(interaction) !== 'server') return false;
  return isNsfwInteractionChannel(interaction);
}
