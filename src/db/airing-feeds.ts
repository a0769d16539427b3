import { and, asc, count, eq, inArray, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { airingFeedPosts, airingFeedState, airingFeeds, airingWatchlist, airingWatchlistReads, type AiringFeedPostRow, type AiringFeedRow } from './schema.js';

export type AiringFeed = AiringFeedRow;
export type AiringFeedPost = AiringFeedPostRow;
export type AiringFeedDisabledReason = NonNullable<AiringFeedRow['disabledReason']>;

/** A post to queue: one episode for one server. */
export type NewAiringFeedPost = Pick<AiringFeedPostRow, 'guildId' | 'mediaId' | 'episode' | 'airingAt' | 'title' | 'siteUrl' | 'isAdult' | 'watchers'>;

export interface AiringFeedState {
  /** Episodes airing up to this moment were looked at; undefined before the first check. */
  readonly checkedThrough: Date | undefined;
  readonly nextCheckAt: Date | undefined;
}

/** What `npm run doctor` and /metrics tell about the feeds. */
export interface AiringFeedCounts {
  readonly active: number;
  readonly disabled: number;
  /** Posts waiting for Discord. */
  readonly pending: number;
  readonly nextCheckAt: Date | undefined;
}

export interface AiringFeedsRepository {
  find(guildId: string): AiringFeed | undefined;
  /** Sets (or replaces) the server's feed, enabled, announcing episodes from `at` on. */
  set(input: Pick<AiringFeedRow, 'guildId' | 'channelId' | 'roleId' | 'channelNsfw' | 'setBy' | 'locale'>, at: Date): AiringFeed;
  /** Deletes the server's feed and its posts; false when it had none. */
  remove(guildId: string): boolean;
  /** Feeds that post (not disabled). */
  active(): AiringFeed[];
  /** Stops a feed Discord will not let the bot post in, and drops its waiting posts. False when it was not active. */
  disable(guildId: string, reason: AiringFeedDisabledReason, at: Date): boolean;
  counts(): AiringFeedCounts;

  state(): AiringFeedState;
  /** The next check is due no later than `at` (e.g. a feed was just set). */
  checkNoLaterThan(at: Date): void;
  /** A check failed: the next one is due at `at`; where the last one got to stays. */
  retryCheckAt(at: Date): void;
  /**
   * A check that looked at episodes up to `checkedThrough`: queues its posts (a post already there, pending or done,
   * stays as it is) and moves the check on, in one transaction. Returns how many posts were new.
   */
  recordCheck(posts: readonly NewAiringFeedPost[], checkedThrough: Date, nextCheckAt: Date, at: Date): number;

  /** When each of these members' CURRENT anime were last read (members never read are absent). */
  watchlistReadTimes(anilistUserIds: readonly number[]): Map<number, Date>;
  /** Replaces the watchlists of `anilistUserIds` (all of them were read) with `entries`, in one transaction. */
  replaceWatchlists(anilistUserIds: readonly number[], entries: readonly { userId: number; mediaId: number }[], at: Date): void;
  /** The CURRENT anime of these members, by media id. */
  watchers(anilistUserIds: readonly number[]): Map<number, Set<number>>;
  /** Forgets the watchlists of members no feed server counts any more. */
  pruneWatchlists(keepAnilistUserIds: readonly number[]): number;

  /** Up to `limit` pending posts of active feeds, oldest airing first. */
  pendingPosts(limit: number): AiringFeedPost[];
  /** Claims a pending post before Discord is asked; false when it is no longer pending. */
  markSending(post: PostKey): boolean;
  markSent(post: PostKey, at: Date): void;
  /** Discord failed in a way that may pass: pending again, one attempt more (dropped after `maxAttempts`). */
  release(post: PostKey, maxAttempts: number): void;
  drop(post: PostKey): void;
  /**
   * Forgets finished posts of episodes that aired before `before`: a window never looks that far back, so they
   * cannot be announced again. Returns how many went.
   */
  purgePostsBefore(before: Date): number;
}

export type PostKey = Pick<AiringFeedPostRow, 'guildId' | 'mediaId' | 'episode'>;

const STATE_ID = 1;
/** SQLite's default limit of bound parameters is far above this; chunks keep statements small. */
const CHUNK = 500;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

export function createAiringFeedsRepository(db: Db): AiringFeedsRepository {
  const onePost = (post: PostKey) =>
    and(eq(airingFeedPosts.guildId, post.guildId), eq(airingFeedPosts.mediaId, post.mediaId), eq(airingFeedPosts.episode, post.episode));

  function state(): AiringFeedState {
    const row = db.select().from(airingFeedState).where(eq(airingFeedState.id, STATE_ID)).get();
    return { checkedThrough: row?.checkedThrough ?? undefined, nextCheckAt: row?.nextCheckAt };
  }

  function writeState(values: { checkedThrough?: Date | null; nextCheckAt: Date }): void {
    db.insert(airingFeedState)
      .values({ id: STATE_ID, checkedThrough: values.checkedThrough ?? null, nextCheckAt: values.nextCheckAt })
      .onConflictDoUpdate({ target: airingFeedState.id, set: values.checkedThrough === undefined ? { nextCheckAt: values.nextCheckAt } : values })
      .run();
  }

  return {
    find: (guildId) => db.select().from(airingFeeds).where(eq(airingFeeds.guildId, guildId)).get(),

    set(input, at) {
      const row = { ...input, since: at, disabledAt: null, disabledReason: null, updatedAt: at };
      return db
        .insert(airingFeeds)
        .values({ ...row, createdAt: at })
        .onConflictDoUpdate({ target: airingFeeds.guildId, set: row })
        .returning()
        .get();
    },

    remove: (guildId) => db.delete(airingFeeds).where(eq(airingFeeds.guildId, guildId)).run().changes > 0,

    active: () => db.select().from(airingFeeds).where(isNull(airingFeeds.disabledAt)).orderBy(asc(airingFeeds.guildId)).all(),

    disable(guildId, reason, at) {
      return db.transaction((tx) => {
        const changed = tx
          .update(airingFeeds)
          .set({ disabledAt: at, disabledReason: reason, updatedAt: at })
          .where(and(eq(airingFeeds.guildId, guildId), isNull(airingFeeds.disabledAt)))
          .run().changes;
        tx.update(airingFeedPosts)
          .set({ state: 'dropped' })
          .where(and(eq(airingFeedPosts.guildId, guildId), eq(airingFeedPosts.state, 'pending')))
          .run();
        return changed > 0;
      });
    },

    counts() {
      const feeds = db
        .select({ disabled: isNotNull(airingFeeds.disabledAt), total: count() })
        .from(airingFeeds)
        .groupBy(isNotNull(airingFeeds.disabledAt))
        .all();
      const pending = db.select({ total: count() }).from(airingFeedPosts).where(eq(airingFeedPosts.state, 'pending')).get()?.total ?? 0;
      return {
        active: feeds.find((row) => !row.disabled)?.total ?? 0,
        disabled: feeds.find((row) => row.disabled)?.total ?? 0,
        pending,
        nextCheckAt: state().nextCheckAt,
      };
    },

    state,

    checkNoLaterThan(at) {
      const current = state().nextCheckAt;
      if (current === undefined || current.getTime() > at.getTime()) writeState({ nextCheckAt: at });
    },

    retryCheckAt(at) {
      writeState({ nextCheckAt: at });
    },

    recordCheck(posts, checkedThrough, nextCheckAt, at) {
      return db.transaction((tx) => {
        let added = 0;
        for (const part of chunks(posts)) {
          added += tx
            .insert(airingFeedPosts)
            .values(part.map((post) => ({ ...post, state: 'pending' as const, attempts: 0, createdAt: at })))
            .onConflictDoNothing()
            .run().changes;
        }
        tx.insert(airingFeedState)
          .values({ id: STATE_ID, checkedThrough, nextCheckAt })
          .onConflictDoUpdate({ target: airingFeedState.id, set: { checkedThrough, nextCheckAt } })
          .run();
        return added;
      });
    },

    watchlistReadTimes(anilistUserIds) {
      const times = new Map<number, Date>();
      for (const part of chunks(anilistUserIds)) {
        for (const row of db.select().from(airingWatchlistReads).where(inArray(airingWatchlistReads.anilistUserId, part)).all()) times.set(row.anilistUserId, row.readAt);
      }
      return times;
    },

    replaceWatchlists(anilistUserIds, entries, at) {
      const asked = new Set(anilistUserIds);
      db.transaction((tx) => {
        for (const part of chunks(anilistUserIds)) {
          tx.delete(airingWatchlist).where(inArray(airingWatchlist.anilistUserId, part)).run();
          tx.insert(airingWatchlistReads)
            .values(part.map((anilistUserId) => ({ anilistUserId, readAt: at })))
            .onConflictDoUpdate({ target: airingWatchlistReads.anilistUserId, set: { readAt: at } })
            .run();
        }
        const rows = entries.filter((entry) => asked.has(entry.userId)).map((entry) => ({ anilistUserId: entry.userId, mediaId: entry.mediaId }));
        for (const part of chunks(rows)) tx.insert(airingWatchlist).values(part).onConflictDoNothing().run();
      });
    },

    watchers(anilistUserIds) {
      const byMedia = new Map<number, Set<number>>();
      for (const part of chunks(anilistUserIds)) {
        for (const row of db.select().from(airingWatchlist).where(inArray(airingWatchlist.anilistUserId, part)).all()) {
          let users = byMedia.get(row.mediaId);
          if (!users) byMedia.set(row.mediaId, (users = new Set()));
          users.add(row.anilistUserId);
        }
      }
      return byMedia;
    },

    pruneWatchlists(keep) {
      return db.transaction((tx) => {
        if (keep.length === 0) {
          tx.delete(airingWatchlist).run();
          return tx.delete(airingWatchlistReads).run().changes;
        }
        // Members kept are few enough for one statement in practice; a temporary table would be the next step.
        const ids = sql.join(keep.map((id) => sql`${id}`), sql`, `);
        tx.delete(airingWatchlist).where(sql`${airingWatchlist.anilistUserId} not in (${ids})`).run();
        return tx.delete(airingWatchlistReads).where(sql`${airingWatchlistReads.anilistUserId} not in (${ids})`).run().changes;
      });
    },

    pendingPosts(limit) {
      return db
        .select({ post: airingFeedPosts })
        .from(airingFeedPosts)
        .innerJoin(airingFeeds, eq(airingFeeds.guildId, airingFeedPosts.guildId))
        .where(and(eq(airingFeedPosts.state, 'pending'), isNull(airingFeeds.disabledAt)))
        .orderBy(asc(airingFeedPosts.airingAt), asc(airingFeedPosts.guildId), asc(airingFeedPosts.mediaId))
        .limit(limit)
        .all()
        .map((row) => row.post);
    },

    markSending: (post) => db.update(airingFeedPosts).set({ state: 'sending' }).where(and(onePost(post), eq(airingFeedPosts.state, 'pending'))).run().changes > 0,

    markSent(post, at) {
      db.update(airingFeedPosts).set({ state: 'sent', postedAt: at }).where(onePost(post)).run();
    },

    release(post, maxAttempts) {
      db.update(airingFeedPosts)
        .set({
          attempts: sql`${airingFeedPosts.attempts} + 1`,
          state: sql`case when ${airingFeedPosts.attempts} + 1 >= ${maxAttempts} then 'dropped' else 'pending' end`,
        })
        .where(and(onePost(post), eq(airingFeedPosts.state, 'sending')))
        .run();
    },

    drop(post) {
      db.update(airingFeedPosts).set({ state: 'dropped' }).where(onePost(post)).run();
    },

    purgePostsBefore: (before) =>
      db.delete(airingFeedPosts).where(and(lt(airingFeedPosts.airingAt, before), ne(airingFeedPosts.state, 'pending'))).run().changes,
  };
}
