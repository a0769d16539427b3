import { and, asc, count, eq, gt, isNotNull, isNull, lte, min, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from './database.js';
import { linkedAccounts, notificationSubscriptions, type NotificationSubscriptionRow } from './schema.js';

export type NotificationSubscription = NotificationSubscriptionRow;
export type NotificationTypesChoice = NotificationSubscriptionRow['types'];

/** Which subscription rows a poll may write into: this member's, still in the generation the poll read. */
export interface SubscriptionGeneration {
  readonly discordUserId: string;
  readonly generation: number;
}

export interface DueSubscription {
  readonly discordUserId: string;
  readonly nextPollAt: Date;
}

/** What the database says about the notification polls, for /metrics and `npm run doctor`. */
export interface NotificationBackgroundState {
  /** Members opted in, whatever their state. */
  readonly optedIn: number;
  /** Polled: opted in, with a usable AniList link and open DMs. */
  readonly active: number;
  /** Waiting for the member to link again (token expired or rejected by AniList). */
  readonly pausedForToken: number;
  /** Waiting for the member to open their DMs and opt in again. */
  readonly pausedForDms: number;
  /** The earliest `next_poll_at` of the active members: how far behind schedule the polls are when it is past. */
  readonly oldestDueAt: Date | undefined;
  /**
   * The least recent poll AniList answered among the active members (their opt-in when never polled yet): the
   * longest any active member has gone without a look at their inbox.
   */
  readonly oldestPollAt: Date | undefined;
}

export interface NotificationSubscriptionsRepository {
  find(discordUserId: string): NotificationSubscription | undefined;
  /** A new subscription, polled first at `at`. Replaces any row of this member. */
  create(input: { discordUserId: string; anilistUserId: number; types: NotificationTypesChoice }, at: Date): NotificationSubscription;
  /**
   * Starts over at `at`: new types and/or AniList account, no cursor, polled at once, DMs assumed open again; the
   * generation moves on so polls already under way record nothing. Returns the new row, or undefined when none.
   */
  restart(discordUserId: string, input: { anilistUserId: number; types: NotificationTypesChoice }, at: Date): NotificationSubscription | undefined;
  /** The member opened their DMs again: polling resumes from the cursor (nothing is skipped), at once. */
  resume(discordUserId: string, at: Date): boolean;
  delete(discordUserId: string): boolean;
  /**
   * Up to `limit` active subscriptions due at `now`, most overdue first, leaving out `excluding` (polls under way).
   * Active: a link whose token may still work, and DMs not found closed.
   */
  due(now: Date, limit: number, excluding: readonly string[]): DueSubscription[];
  /** When the next active subscription outside `excluding` falls due, or undefined when there is none. */
  nextDueAt(now: Date, excluding: readonly string[]): Date | undefined;
  /** After a poll (answered or not): the next one is due at `nextPollAt`; `answeredAt` records a poll AniList answered. */
  reschedule(discordUserId: string, nextPollAt: Date, answeredAt: Date | undefined): void;
  /**
   * The inbox's newest notification when nothing had been delivered yet: later polls count from its id. Only while
   * there is no cursor in that generation. Returns whether it was stored.
   */
  setStartingCursor(subscription: SubscriptionGeneration, cursor: number, at: Date): boolean;
  /**
   * Records one DM that carried `count` notifications up to id `upToId`, and moves the cursor there, in one
   * statement. False when the subscription is gone or started over meanwhile: the caller stops delivering.
   */
  recordDelivery(subscription: SubscriptionGeneration, upToId: number, count: number, at: Date): boolean;
  /** Discord refused the DM for good: polling stops until the member opts in again, and they are told once. */
  markDmClosed(subscription: SubscriptionGeneration, at: Date): boolean;
  /** Whether the member still has to be told that their DMs were found closed. */
  hasPendingDmNotice(discordUserId: string): boolean;
  clearDmNotice(discordUserId: string): void;
  backgroundState(now: Date): NotificationBackgroundState;
}

export function createNotificationSubscriptionsRepository(db: Db): NotificationSubscriptionsRepository {
  const subscriptions = notificationSubscriptions;
  /** A link whose token may still work: what `links.usableMember` accepts, in SQL. */
  const usableLink = (now: Date): SQL => and(isNull(linkedAccounts.tokenRejectedAt), gt(linkedAccounts.tokenExpiresAt, now))!;
  const active = (now: Date): SQL => and(isNull(subscriptions.dmClosedAt), usableLink(now))!;
  const inGeneration = ({ discordUserId, generation }: SubscriptionGeneration): SQL =>
    and(eq(subscriptions.discordUserId, discordUserId), eq(subscriptions.generation, generation))!;
  // Every command a member runs asks whether they are owed a notice, so this one query is prepared once.
  const pendingNotice = db
    .select({ pending: subscriptions.dmClosedNoticePending })
    .from(subscriptions)
    .where(eq(subscriptions.discordUserId, sql.placeholder('discordUserId')))
    .prepare();

  function activeSubscriptions(now: Date, excluding: readonly string[]) {
    const conditions = [active(now)];
    if (excluding.length > 0) conditions.push(notInArray(subscriptions.discordUserId, [...excluding]));
    return and(...conditions);
  }

  return {
    find: (discordUserId) => db.select().from(subscriptions).where(eq(subscriptions.discordUserId, discordUserId)).get(),

    create({ discordUserId, anilistUserId, types }, at) {
      const row = { discordUserId, anilistUserId, types, generation: 0, since: at, cursor: null, nextPollAt: at, lastPolledAt: null, lastDeliveredAt: null, deliveredCount: 0, dmClosedAt: null, dmClosedNoticePending: false, createdAt: at, updatedAt: at };
      return db.insert(subscriptions).values(row).onConflictDoUpdate({ target: subscriptions.discordUserId, set: row }).returning().get();
    },

    restart: (discordUserId, { anilistUserId, types }, at) =>
      db
        .update(subscriptions)
        .set({
          anilistUserId,
          types,
          generation: sql`${subscriptions.generation} + 1`,
          since: at,
          cursor: null,
          nextPollAt: at,
          dmClosedAt: null,
          dmClosedNoticePending: false,
          updatedAt: at,
        })
        .where(eq(subscriptions.discordUserId, discordUserId))
        .returning()
        .get(),

    resume: (discordUserId, at) =>
      db
        .update(subscriptions)
        .set({ dmClosedAt: null, dmClosedNoticePending: false, nextPollAt: at, updatedAt: at })
        .where(eq(subscriptions.discordUserId, discordUserId))
        .run().changes > 0,

    delete: (discordUserId) => db.delete(subscriptions).where(eq(subscriptions.discordUserId, discordUserId)).run().changes > 0,

    due: (now, limit, excluding) =>
      db
        .select({ discordUserId: subscriptions.discordUserId, nextPollAt: subscriptions.nextPollAt })
        .from(subscriptions)
        .innerJoin(linkedAccounts, eq(linkedAccounts.discordUserId, subscriptions.discordUserId))
        .where(and(activeSubscriptions(now, excluding), lte(subscriptions.nextPollAt, now)))
        .orderBy(asc(subscriptions.nextPollAt))
        .limit(limit)
        .all(),

    nextDueAt(now, excluding) {
      const row = db
        .select({ next: min(subscriptions.nextPollAt) })
        .from(subscriptions)
        .innerJoin(linkedAccounts, eq(linkedAccounts.discordUserId, subscriptions.discordUserId))
        .where(activeSubscriptions(now, excluding))
        .get();
      return row?.next ?? undefined;
    },

    reschedule(discordUserId, nextPollAt, answeredAt) {
      db.update(subscriptions)
        .set(answeredAt === undefined ? { nextPollAt } : { nextPollAt, lastPolledAt: answeredAt })
        .where(eq(subscriptions.discordUserId, discordUserId))
        .run();
    },

    setStartingCursor: (subscription, cursor, at) =>
      db
        .update(subscriptions)
        .set({ cursor, updatedAt: at })
        .where(and(inGeneration(subscription), isNull(subscriptions.cursor)))
        .run().changes > 0,

    recordDelivery: (subscription, upToId, delivered, at) =>
      db
        .update(subscriptions)
        .set({
          cursor: sql`max(coalesce(${subscriptions.cursor}, 0), ${upToId})`,
          deliveredCount: sql`${subscriptions.deliveredCount} + ${delivered}`,
          lastDeliveredAt: at,
          updatedAt: at,
        })
        .where(and(inGeneration(subscription), isNull(subscriptions.dmClosedAt)))
        .run().changes > 0,

    markDmClosed: (subscription, at) =>
      db
        .update(subscriptions)
        .set({ dmClosedAt: at, dmClosedNoticePending: true, updatedAt: at })
        .where(inGeneration(subscription))
        .run().changes > 0,

    hasPendingDmNotice: (discordUserId) => pendingNotice.get({ discordUserId })?.pending === true,

    clearDmNotice(discordUserId) {
      db.update(subscriptions).set({ dmClosedNoticePending: false }).where(eq(subscriptions.discordUserId, discordUserId)).run();
    },

    backgroundState(now) {
      const isActive = active(now);
      const row = db
        .select({
          optedIn: count(),
          active: sql<number>`coalesce(sum(case when ${isActive} then 1 else 0 end), 0)`,
          pausedForToken: sql<number>`coalesce(sum(case when ${usableLink(now)} then 0 else 1 end), 0)`,
          pausedForDms: sql<number>`coalesce(sum(case when ${and(isNotNull(subscriptions.dmClosedAt), usableLink(now))} then 1 else 0 end), 0)`,
          oldestDueAt: sql<number | null>`min(case when ${isActive} then ${subscriptions.nextPollAt} end)`,
          oldestPollAt: sql<number | null>`min(case when ${isActive} then coalesce(${subscriptions.lastPolledAt}, ${subscriptions.createdAt}) end)`,
        })
        .from(subscriptions)
        .innerJoin(linkedAccounts, eq(linkedAccounts.discordUserId, subscriptions.discordUserId))
        .get();
      const date = (ms: number | null | undefined) => (ms === null || ms === undefined ? undefined : new Date(ms));
      return {
        optedIn: row?.optedIn ?? 0,
        active: row?.active ?? 0,
        pausedForToken: row?.pausedForToken ?? 0,
        pausedForDms: row?.pausedForDms ?? 0,
        oldestDueAt: date(row?.oldestDueAt),
        oldestPollAt: date(row?.oldestPollAt),
      };
    },
  };
}
