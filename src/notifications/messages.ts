import { escapeMarkdown } from 'discord.js';
import type { AniListNotification } from '../anilist/index.js';
import type { MessageKey, Translator } from '../i18n/index.js';

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

/** "3 new likes", by category. */
const CATEGORY_COUNT: Record<Category, MessageKey> = {
  like: 'notifications.dm.count.like',
  reply: 'notifications.dm.count.reply',
  mention: 'notifications.dm.count.mention',
  message: 'notifications.dm.count.message',
  follower: 'notifications.dm.count.follower',
};

function isSocial(notification: AniListNotification): notification is Social {
  return notification.__typename in CATEGORY;
}

/**
 * The DMs for a member's new notifications, oldest first, in `t`'s language (the member's). What concerns a title
 * (an episode aired, a related entry was added, a change to an entry on their list) gets a message of its own;
 * replies, likes, mentions, messages and follows that follow one another go together ("3 new likes and 1 new
 * follower"). Messages only ever group neighbours, so each one ends at a notification id every earlier notification
 * is below: the cursor can move there without skipping anything.
 *
 * What happened is said in the catalogues' words for each kind of notification, not in the English `context` AniList
 * sends along; titles, names and a moderator's reason are AniList's, as they are.
 */
export function composeNotificationMessages(
  t: Translator,
  notifications: readonly AniListNotification[],
  options: { olderNotFetched: boolean } = { olderNotFetched: false },
): NotificationMessage[] {
  const ordered = [...notifications].sort((a, b) => a.id - b.id);
  const messages: NotificationMessage[] = [];
  let batch: Social[] = [];
  const flush = () => {
    const last = batch.at(-1);
    if (last) messages.push({ content: socialText(t, batch), lastId: last.id, count: batch.length });
    batch = [];
  };
  for (const notification of ordered) {
    if (isSocial(notification)) {
      batch.push(notification);
      continue;
    }
    flush();
    messages.push({ content: ownText(t, notification), lastId: notification.id, count: 1 });
  }
  flush();
  const first = messages[0];
  if (first && options.olderNotFetched) {
    // More arrived since the last look than one poll reads: say so instead of dropping them silently.
    const note = t('notifications.dm.olderNotFetched', { url: ANILIST_NOTIFICATIONS_URL });
    messages[0] = { ...first, content: fit(`${note}\n${first.content}`) };
  }
  return messages;
}

function title(t: Translator, media: { title: { userPreferred: string | null; romaji: string | null } | null } | null | undefined): string {
  const text = media?.title?.userPreferred ?? media?.title?.romaji ?? t('notifications.dm.anEntry');
  return `**${escapeMarkdown(text)}**`;
}

function withLink(text: string, url: string | null | undefined): string {
  return url ? `${text}\n${url}` : text;
}

/** AniList's submission statuses, as the catalogues name them; any other reads "reviewed". */
function submissionStatus(status: string | null | undefined): string {
  return (status ?? '').trim().toUpperCase().replace(/[\s-]+/g, '_');
}

function ownText(t: Translator, notification: Exclude<AniListNotification, Social>): string {
  switch (notification.__typename) {
    case 'AiringNotification':
      return fit(withLink(t('notifications.dm.airing', { episode: notification.episode, title: title(t, notification.media) }), notification.media?.siteUrl));
    case 'RelatedMediaAdditionNotification':
      return fit(withLink(t('notifications.dm.related', { title: title(t, notification.media) }), notification.media?.siteUrl));
    case 'MediaDataChangeNotification':
      return fit(withLink(`${t('notifications.dm.dataChanged', { title: title(t, notification.media) })}${reason(t, notification.reason)}`, notification.media?.siteUrl));
    case 'MediaMergeNotification': {
      const merged = (notification.deletedMediaTitles ?? []).filter((text): text is string => typeof text === 'string').map((text) => `**${escapeMarkdown(text)}**`);
      return fit(withLink(t('notifications.dm.merged', { merged: t.list(merged), count: merged.length, title: title(t, notification.media) }), notification.media?.siteUrl));
    }
    case 'MediaDeletionNotification': {
      const deleted = `**${escapeMarkdown(notification.deletedMediaTitle ?? t('notifications.dm.anEntryOfYours'))}**`;
      return fit(`${t('notifications.dm.deleted', { title: deleted })}${reason(t, notification.reason)}`);
    }
    case 'MediaSubmissionUpdateNotification':
    case 'StaffSubmissionUpdateNotification':
    case 'CharacterSubmissionUpdateNotification':
      return fit(t('notifications.dm.submission', { status: submissionStatus(notification.status), url: ANILIST_NOTIFICATIONS_URL }));
  }
}

function reason(t: Translator, text: string | null | undefined): string {
  const trimmed = text?.trim();
  return trimmed ? `\n${t('notifications.dm.reason', { reason: escapeMarkdown(trimmed) })}` : '';
}

function socialText(t: Translator, batch: readonly Social[]): string {
  const counts = new Map<Category, number>();
  for (const notification of batch) {
    const category = CATEGORY[notification.__typename];
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const parts = [...counts].map(([category, count]) => `**${t(CATEGORY_COUNT[category], { count })}**`);
  const lines = batch.slice(0, MAX_BATCH_LINES).map((notification) => `• ${socialLine(t, notification)}`);
  if (batch.length > MAX_BATCH_LINES) lines.push(`• ${t('notifications.dm.more', { count: batch.length - MAX_BATCH_LINES })}`);
  return fit([t('notifications.dm.social', { summary: t.list(parts) }), ...lines, `<${ANILIST_NOTIFICATIONS_URL}>`].join('\n'));
}

function socialLine(t: Translator, notification: Social): string {
  const who = `**${escapeMarkdown(notification.user?.name ?? t('notifications.dm.someone'))}**`;
  const what = t(`notifications.dm.social.${notification.__typename}` as MessageKey, { who });
  const activity = 'activityId' in notification ? ` <https://anilist.co/activity/${notification.activityId}>` : '';
  return `${what}${activity}`;
}

/** Within Discord's 2,000 characters, cut at a line end when it must be cut. */
function fit(content: string): string {
  if (content.length <= MAX_CONTENT) return content;
  const cut = content.slice(0, MAX_CONTENT - 2);
  const lineEnd = cut.lastIndexOf('\n');
  return `${lineEnd > MAX_CONTENT / 2 ? cut.slice(0, lineEnd) : cut}\n…`;
}
