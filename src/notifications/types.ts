import type { NotificationType } from '../anilist/generated/graphql.js';
import type { NotificationTypesChoice } from '../db/notification-subscriptions.js';
import type { MessageKey } from '../i18n/index.js';

export type { NotificationTypesChoice } from '../db/notification-subscriptions.js';

/** The `types` choices of `/notifications`, as Discord shows them. */
export const NOTIFICATION_TYPE_CHOICES = [
  { name: 'All', value: 'all' },
  { name: 'Airing only', value: 'airing' },
  { name: 'Airing and related media', value: 'airing_related' },
  { name: 'Activity (replies, likes, mentions, follows)', value: 'activity' },
] as const satisfies readonly { name: string; value: NotificationTypesChoice }[];

export const DEFAULT_NOTIFICATION_TYPES: NotificationTypesChoice = 'all';

const ACTIVITY_TYPES = [
  'ACTIVITY_MESSAGE',
  'ACTIVITY_REPLY',
  'ACTIVITY_REPLY_SUBSCRIBED',
  'ACTIVITY_MENTION',
  'ACTIVITY_LIKE',
  'ACTIVITY_REPLY_LIKE',
  'FOLLOWING',
] as const satisfies readonly NotificationType[];

/** AniList's `type_in` for each choice; undefined asks for every type. */
export const ANILIST_TYPES_BY_CHOICE: Record<NotificationTypesChoice, readonly NotificationType[] | undefined> = {
  all: undefined,
  airing: ['AIRING'],
  airing_related: ['AIRING', 'RELATED_MEDIA_ADDITION'],
  activity: ACTIVITY_TYPES,
};

/** What a choice delivers, in words for the member (the catalogues': "new episodes of the anime you are watching"). */
export const NOTIFICATION_TYPES_DESCRIPTION: Record<NotificationTypesChoice, MessageKey> = {
  all: 'notifications.what.all',
  airing: 'notifications.what.airing',
  airing_related: 'notifications.what.airing_related',
  activity: 'notifications.what.activity',
};
