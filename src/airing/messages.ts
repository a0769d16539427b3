/**
 * Every word the airing feed says (the command's replies, the posts, the DM to the admin), from the catalogues
 * (src/i18n/messages, ids `airingFeed.*`). Refusals are messages the error boundary words in the member's language;
 * posts and the DM are written with the feed's stored language, the server's.
 */
import { escapeMarkdown } from 'discord.js';
import type { AiringFeedDisabledReason } from '../db/airing-feeds.js';
import { msg, type Message, type Translator } from '../i18n/index.js';

/** Discord's limit for a message's content. */
const MAX_CONTENT = 2_000;

const channelMention = (channelId: string) => `<#${channelId}>`;
const reason = (why: AiringFeedDisabledReason): Message => msg('airingFeed.reason', { reason: why });

export const AIRING_FEED_MESSAGES = {
  guildOnly: msg('airingFeed.guildOnly'),
  needsManageServer: msg('airingFeed.needsManageServer'),
  unavailable: msg('airingFeed.unavailable'),
  notATextChannel: (channelId: string) => msg('airingFeed.notATextChannel', { channel: channelMention(channelId) }),
  everyoneRole: msg('airingFeed.everyoneRole'),
  cannotPost: (channelId: string, why: AiringFeedDisabledReason) => msg('airingFeed.cannotPost', { channel: channelMention(channelId), reason: reason(why) }),
  couldNotCheck: (channelId: string) => msg('airingFeed.couldNotCheck', { channel: channelMention(channelId) }),

  /** Posted in the channel when the feed is set: it proves the bot may post there. */
  announcement: (t: Translator, setBy: string) => t('airingFeed.announcement', { admin: `<@${setBy}>` }),

  set: (
    t: Translator,
    options: { channelId: string; roleId: string | null; channelNsfw: boolean; linkedMembers: number; replaced: boolean; roleMentionable: boolean },
  ) =>
    [
      t('airingFeed.set.headline', {
        state: options.replaced ? 'moved' : 'on',
        channel: channelMention(options.channelId),
        hasRole: options.roleId ? 'yes' : 'no',
        role: options.roleId ? `<@&${options.roleId}>` : '',
      }),
      t('airingFeed.set.members', { count: options.linkedMembers }),
      t('airingFeed.set.adult', { nsfw: options.channelNsfw ? 'yes' : 'no' }),
      options.roleId && !options.roleMentionable ? t('airingFeed.set.roleNotMentionable') : '',
      t('airingFeed.set.pickup'),
    ]
      .filter(Boolean)
      .join('\n'),
  off: (t: Translator, channelId: string) => t('airingFeed.off', { channel: channelMention(channelId) }),
  offNone: (t: Translator) => t('airingFeed.offNone'),

  /** The post for one episode, in the server's language. */
  post: (t: Translator, post: { title: string; episode: number; watchers: number; siteUrl: string | null; roleId: string | null }) =>
    fit(
      t('airingFeed.post', {
        mention: post.roleId ? `<@&${post.roleId}> ` : '',
        episode: post.episode,
        title: escapeMarkdown(post.title),
        watchers: post.watchers,
        link: post.siteUrl ? ` <${post.siteUrl}>` : '',
      }),
    ),

  /** DM to whoever set the feed up, once Discord refused a post for good. */
  disabled: (t: Translator, channelId: string, guildId: string, why: AiringFeedDisabledReason) =>
    t('airingFeed.disabled', { channel: channelMention(channelId), guild: guildId, reason: reason(why) }),
} as const;

/** Within Discord's 2,000 characters (a title is at most a few hundred). */
function fit(content: string): string {
  return content.length <= MAX_CONTENT ? content : `${content.slice(0, MAX_CONTENT - 1)}…`;
}
