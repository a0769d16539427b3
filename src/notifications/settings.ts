import type { MemberNotices } from '../bot/dispatcher.js';
import type { NotificationSubscriptionsRepository } from '../db/notification-subscriptions.js';
import type { LinkSummary } from '../linking/index.js';
import { msg } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { DEFAULT_NOTIFICATION_TYPES, type NotificationTypesChoice } from './types.js';

/**
 * `started`: newly opted in. `changed`: other types (or another AniList account), counted from now. `resumed`: DMs
 * had been found closed; delivery picks up where it stopped. `unchanged`: already on as asked.
 */
export type EnableOutcome = 'started' | 'changed' | 'resumed' | 'unchanged';

/** What `/notifications` changes; commands see this, never the subscription rows. */
export interface NotificationSettings {
  /** False when the admin gave background work no budget (ANILIST_BACKGROUND_SHARE=0): nothing would be polled. */
  readonly available: boolean;
  /** NOTIFICATION_POLL_SECONDS: how often a member's inbox is read while the budget has room. */
  readonly pollSeconds: number;
  /**
   * Opts `member` in, or changes their types (`types` undefined keeps the current ones, or all for a newcomer).
   * Notifications count from this moment, except after closed DMs, when the ones not delivered yet still come.
   */
  enable(member: Pick<LinkSummary, 'discordUserId' | 'anilistUserId'>, types: NotificationTypesChoice | undefined): { outcome: EnableOutcome; types: NotificationTypesChoice };
  /** Opts out; false when the member was not opted in. */
  disable(discordUserId: string): boolean;
}

export const DMS_CLOSED_NOTICE = msg('notifications.dmsClosed');

export interface NotificationSettingsDeps {
  subscriptions: NotificationSubscriptionsRepository;
  clock: () => Date;
  logger: Logger;
  available: boolean;
  pollSeconds: number;
  /** Called after a member opted in or changed their types, e.g. to poll them soon. */
  onChange?: () => void;
}

export function createNotificationSettings(deps: NotificationSettingsDeps): NotificationSettings & MemberNotices {
  const { subscriptions, clock, logger } = deps;
  return {
    available: deps.available,
    pollSeconds: deps.pollSeconds,

    enable({ discordUserId, anilistUserId }, requested) {
      const now = clock();
      const existing = subscriptions.find(discordUserId);
      let outcome: EnableOutcome;
      let types: NotificationTypesChoice;
      if (!existing) {
        types = requested ?? DEFAULT_NOTIFICATION_TYPES;
        subscriptions.create({ discordUserId, anilistUserId, types }, now);
        outcome = 'started';
      } else {
        types = requested ?? existing.types;
        if (types !== existing.types || anilistUserId !== existing.anilistUserId) {
          subscriptions.restart(discordUserId, { anilistUserId, types }, now);
          outcome = 'changed';
        } else if (existing.dmClosedAt !== null) {
          subscriptions.resume(discordUserId, now);
          outcome = 'resumed';
        } else {
          outcome = 'unchanged';
        }
      }
      logger.info({ discordUserId, types, outcome }, 'notifications enabled');
      if (outcome !== 'unchanged') deps.onChange?.();
      return { outcome, types };
    },

    disable(discordUserId) {
      const removed = subscriptions.delete(discordUserId);
      if (removed) logger.info({ discordUserId }, 'notifications disabled');
      return removed;
    },

    pendingFor: (discordUserId) => (subscriptions.hasPendingDmNotice(discordUserId) ? DMS_CLOSED_NOTICE : undefined),

    delivered(discordUserId) {
      subscriptions.clearDmNotice(discordUserId);
    },
  };
}
