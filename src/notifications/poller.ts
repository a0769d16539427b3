import { isAniListError, type AniListClient, type AniListNotification } from '../anilist/index.js';
import type { BackgroundSource, BackgroundWork } from '../background/scheduler.js';
import type { NotificationSubscription, NotificationSubscriptionsRepository, SubscriptionGeneration } from '../db/notification-subscriptions.js';
import type { DirectMessages } from '../expiry/direct-messages.js';
import type { Translations } from '../i18n/index.js';
import type { MemberDirectory, UsableMember } from '../linking/index.js';
import type { Logger } from '../logger.js';
import { composeNotificationMessages } from './messages.js';
import { ANILIST_TYPES_BY_CHOICE } from './types.js';

/** What one poll came to: AniList answered (`ok`), did not (`failed`: retried next time), or rejected the token. */
export type PollOutcome = 'ok' | 'failed' | 'token_rejected';
export type NotificationDmOutcome = 'sent' | 'undeliverable' | 'failed';

export interface NotificationPollerDeps {
  subscriptions: NotificationSubscriptionsRepository;
  members: Pick<MemberDirectory, 'usableMember'>;
  anilist: Pick<AniListClient, 'notifications'>;
  dms: DirectMessages;
  /** The DMs are written in the member's Discord language (as of their latest /link). */
  i18n: Translations;
  clock: () => Date;
  logger: Logger;
  /** NOTIFICATION_POLL_SECONDS in ms: the shortest time between two answered polls of one member. */
  pollIntervalMs: number;
  /** Pages (50 notifications each) one poll reads at most before pointing the member to AniList for the rest. */
  maxPages?: number;
  onPoll?: (outcome: PollOutcome) => void;
  onDm?: (outcome: NotificationDmOutcome) => void;
}

const PER_PAGE = 50;
const DEFAULT_MAX_PAGES = 4;

/**
 * Reads each opted-in member's AniList inbox with their own token on the limiter's background lane and DMs them
 * what is new, oldest first. A source for the background scheduler: one item per member, due at `next_poll_at`.
 *
 * AniList lists notifications newest first only, so a poll reads pages until it reaches the member's cursor (the
 * last notification delivered) or, before the first delivery, notifications older than their opt-in; then it
 * delivers oldest first and moves the cursor after each DM Discord accepted. Nothing is marked read on AniList.
 */
export function createNotificationPoller(deps: NotificationPollerDeps): BackgroundSource {
  const { subscriptions, members, anilist, dms, clock, logger, pollIntervalMs } = deps;
  const maxPages = deps.maxPages ?? DEFAULT_MAX_PAGES;

  interface Inbox {
    /** New notifications, oldest first. */
    readonly fresh: readonly AniListNotification[];
    /** The newest notification id seen, new or not. */
    readonly newestId: number | undefined;
    /** More new notifications exist than the pages read. */
    readonly olderNotFetched: boolean;
  }

  async function readInbox(member: UsableMember, subscription: NotificationSubscription, signal: AbortSignal): Promise<Inbox> {
    const { cursor } = subscription;
    const sinceSeconds = Math.floor(subscription.since.getTime() / 1000);
    const isNew = (notification: AniListNotification) =>
      cursor === null ? (notification.createdAt ?? 0) >= sinceSeconds : notification.id > cursor;
    // Pages shift while we read when something new arrives in between: the map drops the repeats.
    const fresh = new Map<number, AniListNotification>();
    let newestId: number | undefined;
    for (let page = 1; page <= maxPages; page++) {
      const result = await anilist.notifications(
        { page, perPage: PER_PAGE, types: ANILIST_TYPES_BY_CHOICE[subscription.types] },
        { key: member.discordUserId, token: member.token(), signal, lane: 'background' },
      );
      let reachedOld = false;
      for (const notification of result.notifications) {
        newestId = Math.max(newestId ?? notification.id, notification.id);
        if (!isNew(notification)) {
          reachedOld = true;
          break;
        }
        fresh.set(notification.id, notification);
      }
      if (reachedOld || !result.hasNextPage) return { fresh: oldestFirst(fresh), newestId, olderNotFetched: false };
    }
    return { fresh: oldestFirst(fresh), newestId, olderNotFetched: true };
  }

  async function deliver(member: UsableMember, generation: SubscriptionGeneration, inbox: Inbox, signal: AbortSignal, log: Logger): Promise<void> {
    const t = deps.i18n.forDiscord(member.discordLocale);
    const messages = composeNotificationMessages(t, inbox.fresh, { olderNotFetched: inbox.olderNotFetched });
    for (const message of messages) {
      if (signal.aborted) return;
      let outcome: Awaited<ReturnType<DirectMessages['send']>>;
      try {
        outcome = await dms.send(generation.discordUserId, { content: message.content });
      } catch (error) {
        deps.onDm?.('failed');
        log.warn({ err: error }, 'could not DM a notification; the next poll sends it again');
        return;
      }
      if (outcome === 'undeliverable') {
        subscriptions.markDmClosed(generation, clock());
        deps.onDm?.('undeliverable');
        log.info('notification DM undeliverable (DMs closed or no shared server); paused until the member opts in again');
        return;
      }
      deps.onDm?.('sent');
      // The DM went out: the cursor moves past it now. A crash right before this line repeats this one message.
      if (!subscriptions.recordDelivery(generation, message.lastId, message.count, clock())) {
        log.info('the member turned notifications off or changed them meanwhile; delivery stops');
        return;
      }
    }
    log.info({ notifications: inbox.fresh.length, messages: messages.length }, 'AniList notifications delivered');
  }

  /** Returns whether AniList answered. */
  async function poll(discordUserId: string, signal: AbortSignal): Promise<boolean> {
    const log = logger.child({ discordUserId });
    let subscription = subscriptions.find(discordUserId);
    if (!subscription || subscription.dmClosedAt !== null) return false;
    // Expired or rejected: paused until the member links again (the expiry reminder tells them).
    const member = members.usableMember(discordUserId);
    if (!member) return false;
    if (member.anilistUserId !== subscription.anilistUserId) {
      // The cursor belonged to another AniList account: this one's inbox counts from now.
      subscription = subscriptions.restart(discordUserId, { anilistUserId: member.anilistUserId, types: subscription.types }, clock());
      if (!subscription) return false;
      log.info('the member linked another AniList account; their notifications start over from now');
    }
    let inbox: Inbox;
    try {
      inbox = await readInbox(member, subscription, signal);
    } catch (error) {
      if (signal.aborted) return false;
      if (isAniListError(error) && error.kind === 'invalidToken') {
        member.rejectToken();
        deps.onPoll?.('token_rejected');
        log.info('AniList rejected the token; notifications pause until the member links again');
        return false;
      }
      deps.onPoll?.('failed');
      log.warn({ kind: isAniListError(error) ? error.kind : 'error', err: isAniListError(error) ? undefined : error }, 'could not read AniList notifications; the next poll tries again');
      return false;
    }
    deps.onPoll?.('ok');
    const generation = { discordUserId, generation: subscription.generation };
    if (inbox.fresh.length === 0) {
      // Nothing new yet: from now on the newest id, not the opt-in time, tells new from old.
      if (subscription.cursor === null && inbox.newestId !== undefined) subscriptions.setStartingCursor(generation, inbox.newestId, clock());
      return true;
    }
    await deliver(member, generation, inbox, signal, log);
    return true;
  }

  return {
    name: 'notifications',
    due(now, limit, running): BackgroundWork[] {
      return subscriptions.due(now, limit, [...running]).map((due) => ({ key: due.discordUserId, dueAt: due.nextPollAt.getTime() }));
    },
    nextDueAt(now, running) {
      return subscriptions.nextDueAt(now, [...running])?.getTime();
    },
    async run(work, signal) {
      let answeredAt: Date | undefined;
      try {
        if (await poll(work.key, signal)) answeredAt = clock();
      } finally {
        // From the end of this poll, so a member whose turn came late is not due again at once ahead of others.
        subscriptions.reschedule(work.key, new Date(clock().getTime() + pollIntervalMs), answeredAt);
      }
    },
  };
}

function oldestFirst(notifications: Map<number, AniListNotification>): AniListNotification[] {
  return [...notifications.values()].sort((a, b) => a.id - b.id);
}
