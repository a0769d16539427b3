// The public face of the notifications room: what commands, the dispatcher and the builder use.
export { composeNotificationMessages, ANILIST_NOTIFICATIONS_URL, type NotificationMessage } from './messages.js';
export { createNotificationPoller, type NotificationDmOutcome, type NotificationPollerDeps, type PollOutcome } from './poller.js';
export {
  DMS_CLOSED_NOTICE,
  createNotificationSettings,
  type EnableOutcome,
  type NotificationSettings,
  type NotificationSettingsDeps,
} from './settings.js';
export {
  ANILIST_TYPES_BY_CHOICE,
  DEFAULT_NOTIFICATION_TYPES,
  NOTIFICATION_TYPES_DESCRIPTION,
  NOTIFICATION_TYPE_CHOICES,
  type NotificationTypesChoice,
} from './types.js';
