/**
 * Every word the airing feed says, in one place (the command's replies, the posts, the DM to the admin), so the
 * catalogue of translations can take them over as they are.
 */
import { escapeMarkdown } from 'discord.js';
import type { AiringFeedDisabledReason } from '../db/airing-feeds.js';

/** Discord's limit for a message's content. */
const MAX_CONTENT = 2_000;

const REASON: Record<AiringFeedDisabledReason, string> = {
  missing_access: 'I cannot see that channel any more (Missing Access)',
  missing_permissions: 'I am not allowed to send messages there (Missing Permissions)',
  unknown_channel: 'the channel no longer exists (Unknown Channel)',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const AIRING_FEED_MESSAGES = {
  guildOnly: 'The airing feed belongs to a server: run `/airing-feed` in the server whose channel should get it.',
  needsManageServer: 'Only members with the **Manage Server** permission can set up or stop this server’s airing feed.',
  unavailable:
    'This bot does not run airing feeds: its admin gave background work no share of the AniList budget (ANILIST_BACKGROUND_SHARE=0).',
  notATextChannel: (channelId: string) => `<#${channelId}> is not a text or announcement channel: pick one where messages can be posted.`,
  everyoneRole: 'Pick a role other than @everyone, or leave `role` out: the feed never pings the whole server.',
  cannotPost: (channelId: string, reason: AiringFeedDisabledReason) =>
    `I cannot post in <#${channelId}>: ${REASON[reason]}. Give me **View Channel** and **Send Messages** there, then run \`/airing-feed set\` again. Nothing was changed.`,
  couldNotCheck: (channelId: string) =>
    `Discord did not answer when I tried to post in <#${channelId}>, so I could not check that I may post there. Nothing was changed; please try again in a minute.`,

  /** Posted in the channel when the feed is set: it proves the bot may post there. */
  announcement: (setBy: string) =>
    `📺 This channel now gets the **airing feed**: when an episode airs of an anime that linked members of this server are watching on AniList, I say so here. Set up by <@${setBy}> with \`/airing-feed\`.`,

  set: (options: { channelId: string; roleId: string | null; channelNsfw: boolean; linkedMembers: number; replaced: boolean; roleMentionable: boolean }) =>
    [
      `${options.replaced ? 'Airing feed moved' : 'Airing feed on'}: new episodes go to <#${options.channelId}>${options.roleId ? `, mentioning <@&${options.roleId}>` : ''}.`,
      `It follows the anime the linked members of this server (${plural(options.linkedMembers, 'member so far', 'members so far')}) have as **Watching** on AniList, from their public profiles only; members who chose \`/privacy server_views:false\` are left out. Members count once they have used the bot here.`,
      options.channelNsfw ? 'This channel is age-restricted, so adult titles are announced too.' : 'Adult titles are left out: this channel is not age-restricted.',
      options.roleId && !options.roleMentionable
        ? 'Note: Discord pings that role only if it allows anyone to mention it, or if I have the “Mention @everyone, @here and All Roles” permission.'
        : '',
      'A member’s new Watching titles are picked up within a few hours. `/airing-feed off` stops the feed.',
    ]
      .filter(Boolean)
      .join('\n'),
  off: (channelId: string) => `Airing feed off: nothing more goes to <#${channelId}>.`,
  offNone: 'This server has no airing feed, so there is nothing to stop.',

  /** The post for one episode. */
  post: (post: { title: string; episode: number; watchers: number; siteUrl: string | null; roleId: string | null }) => {
    const mention = post.roleId ? `<@&${post.roleId}> ` : '';
    const who = `${plural(post.watchers, 'member', 'members')} here ${post.watchers === 1 ? 'is' : 'are'} watching.`;
    const link = post.siteUrl ? ` <${post.siteUrl}>` : '';
    return fit(`${mention}📺 Episode **${post.episode}** of **${escapeMarkdown(post.title)}** aired. ${who}${link}`);
  },

  /** DM to whoever set the feed up, once Discord refused a post for good. */
  disabled: (channelId: string, guildId: string, reason: AiringFeedDisabledReason) =>
    `I stopped the airing feed of <#${channelId}> (server ${guildId}): ${REASON[reason]}. ` +
    'Give me **View Channel** and **Send Messages** in a channel, then run `/airing-feed set` there to start it again.',
} as const;

/** Within Discord's 2,000 characters (a title is at most a few hundred). */
function fit(content: string): string {
  return content.length <= MAX_CONTENT ? content : `${content.slice(0, MAX_CONTENT - 1)}…`;
}
