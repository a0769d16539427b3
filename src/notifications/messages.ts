import { escapeMarkdown } from 'discord.js';
import type { AniListNotification } from '../anilist/index.js';

/** One DM: the notifications it carries end at `lastId`, which becomes the member's cursor once it was sent. */
export interface NotificationMessage {
  readonly content: string;
  readonly lastId: number;
  /** How many notifications it carries. */
  readonly count: number;
}

export const ANILIST_NOTIFICATIONS_URL = 'https://anilist.co/notifications';
/** Lines of a batched message before "…and N more". */
const MAX_BATCH_LINES = 10;
/** Discord's limit for a message's content. */
const MAX_CONTENT = 2_000;

type Social = Extract<AniListNotification, { user: unknown }>;
type Category = 'like' | 'reply' | 'mention' | 'message' | 'follower';

const CATEGORY: Record<Social['__typename'], Category> = {
  FollowingNotification: 'follower',
  ActivityMessageNotification: 'message',
  ActivityMentionNotification: 'mention',
  ActivityReplyNotification: 'reply',
  ActivityReplySubscribedNotification: 'reply',
  ActivityLikeNotification: 'like',
  ActivityReplyLikeNotification: 'like',
  ThreadCommentMentionNotification: 'mention',
  ThreadCommentReplyNotification: 'reply',
  ThreadCommentSubscribedNotification: 'reply',
  ThreadCommentLikeNotification: 'like',
  ThreadLikeNotification: 'like',
};

const CATEGORY_WORDS: Record<Category, [one: string, many: string]> = {
  like: ['new like', 'new likes'],
  reply: ['new reply', 'new replies'],
  mention: ['new mention', 'new mentions'],
  message: ['new message', 'new messages'],
  follower: ['new follower', 'new followers'],
};

function isSocial(notification: AniListNotification): notification is Social {
  return notification.__typename in CATEGORY;
}

/**
 * The DMs for a member's new notifications, oldest first. What concerns a title (an episode aired, a related
 * entry was added, a change to an entry on their list) gets a message of its own; replies, likes, mentions,
 * messages and follows that follow one another go together ("3 new likes and 1 new follower"). Messages only ever
 * group neighbours, so each one ends at a notification id every earlier notification is below: the cursor can
 * move there without skipping anything.
 */
export function composeNotificationMessages(
  notifications: readonly AniListNotification[],
  options: { olderNotFetched: boolean } = { olderNotFetched: false },
): NotificationMessage[] {
  const ordered = [...notifications].sort((a, b) => a.id - b.id);
  const messages: NotificationMessage[] = [];
  let batch: Social[] = [];
  const flush = () => {
    const last = batch.at(-1);
    if (last) messages.push({ content: socialText(batch), lastId: last.id, count: batch.length });
    batch = [];
  };
  for (const notification of ordered) {
    if (isSocial(notification)) {
      batch.push(notification);
      continue;
    }
    flush();
    messages.push({ content: ownText(notification), lastId: notification.id, count: 1 });
  }
  flush();
  const first = messages[0];
  if (first && options.olderNotFetched) {
    // More arrived since the last look than one poll reads: say so instead of dropping them silently.
    const note = `-# More notifications arrived than I could fetch at once; the older ones are on AniList: <${ANILIST_NOTIFICATIONS_URL}>`;
    messages[0] = { ...first, content: fit(`${note}\n${first.content}`) };
  }
  return messages;
}

function title(media: { title: { userPreferred: string | null; romaji: string | null } | null } | null | undefined): string {
  const text = media?.title?.userPreferred ?? media?.title?.romaji ?? 'an entry on AniList';
  return `**${escapeMarkdown(text)}**`;
}

/** AniList's own words around the names (" liked your activity."), trimmed; `fallback` when it sent none. */
function context(text: string | null | undefined, fallback: string): string {
  const trimmed = (text ?? '').replace(/\s+/g, ' ').trim().replace(/[,]$/, '');
  return escapeMarkdown(trimmed === '' ? fallback : trimmed);
}

function withLink(text: string, url: string | null | undefined): string {
  return url ? `${text}\n${url}` : text;
}

function ownText(notification: Exclude<AniListNotification, Social>): string {
  switch (notification.__typename) {
    case 'AiringNotification':
      return fit(withLink(`📺 Episode **${notification.episode}** of ${title(notification.media)} aired.`, notification.media?.siteUrl));
    case 'RelatedMediaAdditionNotification':
      return fit(withLink(`➕ ${title(notification.media)} ${context(notification.context, 'was added to AniList')} (related to your list)`, notification.media?.siteUrl));
    case 'MediaDataChangeNotification':
      return fit(withLink(`✏️ ${title(notification.media)} ${context(notification.context, 'received site data changes.')}${reason(notification.reason)}`, notification.media?.siteUrl));
    case 'MediaMergeNotification': {
      const merged = (notification.deletedMediaTitles ?? []).filter((t): t is string => typeof t === 'string').map((t) => `**${escapeMarkdown(t)}**`);
      return fit(withLink(`🔀 ${merged.join(', ') || 'Entries on your list'} ${context(notification.context, 'were merged into')} ${title(notification.media)}`, notification.media?.siteUrl));
    }
    case 'MediaDeletionNotification':
      return fit(`🗑️ **${escapeMarkdown(notification.deletedMediaTitle ?? 'An entry on your list')}** ${context(notification.context, 'was deleted from AniList.')}${reason(notification.reason)}`);
    case 'MediaSubmissionUpdateNotification':
    case 'StaffSubmissionUpdateNotification':
    case 'CharacterSubmissionUpdateNotification':
      return fit(`📝 Your AniList submission was ${escapeMarkdown((notification.status ?? 'reviewed').toLowerCase())}. <${ANILIST_NOTIFICATIONS_URL}>`);
  }
}

function reason(text: string | null | undefined): string {
  const trimmed = text?.trim();
  return trimmed ? `\nReason: ${escapeMarkdown(trimmed)}` : '';
}

function socialText(batch: readonly Social[]): string {
  const counts = new Map<Category, number>();
  for (const notification of batch) {
    const category = CATEGORY[notification.__typename];
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const parts = [...counts].map(([category, n]) => `**${n} ${CATEGORY_WORDS[category][n === 1 ? 0 : 1]}**`);
  const summary = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
  const lines = batch.slice(0, MAX_BATCH_LINES).map((notification) => `• ${socialLine(notification)}`);
  if (batch.length > MAX_BATCH_LINES) lines.push(`• …and ${batch.length - MAX_BATCH_LINES} more`);
  return fit([`🔔 ${summary} on AniList:`, ...lines, `<${ANILIST_NOTIFICATIONS_URL}>`].join('\n'));
}

function socialLine(notification: Social): string {
  const who = `**${escapeMarkdown(notification.user?.name ?? 'Someone')}**`;
  const what = context(notification.context, CATEGORY_WORDS[CATEGORY[notification.__typename]][0]);
  const activity = 'activityId' in notification ? ` <https://anilist.co/activity/${notification.activityId}>` : '';
  return `${who} ${what}${activity}`;
}

/** Within Discord's 2,000 characters, cut at a line end when it must be cut. */
function fit(content: string): string {
  if (content.length <= MAX_CONTENT) return content;
  const cut = content.slice(0, MAX_CONTENT - 2);
  const lineEnd = cut.lastIndexOf('\n');
  return `${lineEnd > MAX_CONTENT / 2 ? cut.slice(0, lineEnd) : cut}\n…`;
}
