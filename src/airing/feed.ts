import { isAniListError, type AiredEpisode, type AniListClient } from '../anilist/index.js';
import type { BackgroundSource, BackgroundWork } from '../background/scheduler.js';
import type { AiringFeed, AiringFeedPost, AiringFeedsRepository, NewAiringFeedPost } from '../db/airing-feeds.js';
import type { DirectMessages } from '../expiry/direct-messages.js';
import { isLocale, type Translations } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { ServerMembership } from '../servers/membership.js';
import type { ChannelPoster } from './channels.js';
import { AIRING_FEED_MESSAGES } from './messages.js';

/** What one check cost and found (tests and the benchmark read it; /metrics could). */
export interface AiringCheckOutcome {
  /** AniList requests reading members' CURRENT anime. */
  readonly watchlistRequests: number;
  /** AniList requests reading airing schedules. */
  readonly scheduleRequests: number;
  /** Titles the feeds' members are watching. */
  readonly titles: number;
  readonly episodes: number;
  /** Posts queued by this check (new ones only). */
  readonly queued: number;
  readonly ok: boolean;
}

export interface AiringFeedTuning {
  /** How old a member's CURRENT anime may get before they are read again (default 6 hours). */
  readonly watchlistRefreshMs?: number;
  /** Members whose CURRENT anime one check reads at most (default 200: four requests of 50 members, or more pages). */
  readonly maxWatchlistReadsPerCheck?: number;
  /** The furthest back a check looks after the bot was down (default 6 hours): older episodes are not announced. */
  readonly maxLookbackMs?: number;
  /** The most recently seen linked members of a server counted (default 1,000). */
  readonly maxMembersPerServer?: number;
}

export interface AiringFeedDeps {
  feeds: AiringFeedsRepository;
  membership: Pick<ServerMembership, 'linkedMembers'>;
  anilist: Pick<AniListClient, 'airingWatchlist' | 'airingSchedules'>;
  channels: ChannelPoster;
  /** Whether a channel is age-restricted right now (GET /channels/{id}, cached); false when it cannot be told. */
  channelIsNsfw: (channelId: string) => Promise<boolean>;
  dms: DirectMessages;
  i18n: Translations;
  clock: () => Date;
  logger: Logger;
  /** AIRING_FEED_POLL_SECONDS in ms: one window of airing episodes per this time, for every server at once. */
  checkIntervalMs: number;
  tuning?: AiringFeedTuning | undefined;
  onCheck?: (outcome: AiringCheckOutcome) => void;
}

const KEY = 'check';
/** The limiter's fairness key of the feed's AniList calls: one key, so members' own work is never queued behind it. */
const LIMITER_KEY = 'airing-feed';
const IDS_PER_REQUEST = 50;
const POSTS_PER_BATCH = 25;
/** A post Discord keeps failing (5xx, timeouts) is dropped after this many tries. */
const MAX_POST_ATTEMPTS = 5;
/** Finished posts are forgotten a week after their episode aired (far beyond any window's look back). */
const POST_RETENTION_MS = 7 * 86_400_000;
const DEFAULTS = {
  watchlistRefreshMs: 6 * 3_600_000,
  maxWatchlistReadsPerCheck: 200,
  maxLookbackMs: 6 * 3_600_000,
  maxMembersPerServer: 1_000,
} satisfies Required<AiringFeedTuning>;

/**
 * The airing feeds of every server, as one source of the background scheduler: one item, a check every
 * `checkIntervalMs`. A check costs AniList, on the background lane and without any member's token:
 *
 * 1. the CURRENT anime of the feeds' linked members (not `/privacy server_views:false`) whose copy is older than a few
 *    hours: `Page.mediaList(userId_in: 50 members, status: CURRENT, type: ANIME)`, four pages of 50 entries to a
 *    request, public entries only;
 * 2. the episodes of the union of those titles that aired since the last check: `Page.airingSchedules(mediaId_in: 50
 *    titles, airingAt_greater, airingAt_lesser)`, one request per 50 titles per window, shared by every server.
 *
 * Then each server whose members watch a title gets a post per episode, queued in the database in the same
 * transaction that moves the window on, so a post is made at most once per server, across restarts; posts are sent
 * oldest first. A channel Discord refuses for good (50001, 50013, 10003) stops that feed and the admin who set it up
 * is told by DM.
 */
export function createAiringFeed(deps: AiringFeedDeps): BackgroundSource {
  const { feeds, membership, anilist, channels, dms, clock, logger } = deps;
  const tuning = { ...DEFAULTS, ...deps.tuning };

  /** Each active feed's counted members (AniList ids), and all of them together. */
  function feedMembers(active: readonly AiringFeed[]): { byGuild: Map<string, Set<number>>; all: number[] } {
    const byGuild = new Map<string, Set<number>>();
    const all = new Set<number>();
    for (const feed of active) {
      const ids = new Set(
        membership
          .linkedMembers(feed.guildId, { limit: tuning.maxMembersPerServer })
          .filter(({ member }) => member.serverViews !== 'hidden')
          .map(({ member }) => member.anilistUserId),
      );
      byGuild.set(feed.guildId, ids);
      for (const id of ids) all.add(id);
    }
    return { byGuild, all: [...all].sort((a, b) => a - b) };
  }

  /** Reads the CURRENT anime of members never read or read too long ago; returns the requests it took. */
  async function refreshWatchlists(members: readonly number[], now: Date, signal: AbortSignal): Promise<number> {
    const readAt = feeds.watchlistReadTimes(members);
    const stale = members
      .filter((id) => {
        const at = readAt.get(id);
        return at === undefined || now.getTime() - at.getTime() >= tuning.watchlistRefreshMs;
      })
      .sort((a, b) => (readAt.get(a)?.getTime() ?? 0) - (readAt.get(b)?.getTime() ?? 0))
      .slice(0, tuning.maxWatchlistReadsPerCheck);
    let requests = 0;
    for (let start = 0; start < stale.length; start += IDS_PER_REQUEST) {
      const userIds = stale.slice(start, start + IDS_PER_REQUEST);
      const read = await anilist.airingWatchlist({ userIds }, { key: LIMITER_KEY, lane: 'background', signal });
      requests += read.requests;
      feeds.replaceWatchlists(userIds, read.entries, clock());
    }
    if (stale.length > 0) logger.debug({ members: stale.length, requests }, 'airing feed: members’ Watching lists read');
    return requests;
  }

  async function airedEpisodes(titles: readonly number[], afterS: number, beforeS: number, signal: AbortSignal): Promise<{ episodes: AiredEpisode[]; requests: number }> {
    const episodes: AiredEpisode[] = [];
    let requests = 0;
    for (let start = 0; start < titles.length; start += IDS_PER_REQUEST) {
      const answer = await anilist.airingSchedules(
        { mediaIds: titles.slice(start, start + IDS_PER_REQUEST), afterS, beforeS },
        { key: LIMITER_KEY, lane: 'background', signal },
      );
      requests += answer.requests;
      episodes.push(...answer.episodes);
    }
    return { episodes: episodes.sort((a, b) => a.airingAt - b.airingAt || a.mediaId - b.mediaId), requests };
  }

  function postsFor(episodes: readonly AiredEpisode[], active: readonly AiringFeed[], members: Map<string, Set<number>>, watching: Map<number, Set<number>>): NewAiringFeedPost[] {
    const posts: NewAiringFeedPost[] = [];
    for (const episode of episodes) {
      const airingAt = new Date(episode.airingAt * 1000);
      const isAdult = episode.media?.isAdult === true;
      const watchers = watching.get(episode.mediaId) ?? new Set<number>();
      for (const feed of active) {
        if (airingAt.getTime() < feed.since.getTime()) continue;
        // Adult titles only where the channel is age-restricted (checked again right before posting).
        if (isAdult && !feed.channelNsfw) continue;
        const guildMembers = members.get(feed.guildId);
        let count = 0;
        for (const id of watchers) if (guildMembers?.has(id)) count++;
        if (count === 0) continue;
        posts.push({
          guildId: feed.guildId,
          mediaId: episode.mediaId,
          episode: episode.episode,
          airingAt,
          title: episode.media?.title?.userPreferred ?? episode.media?.title?.romaji ?? `AniList #${episode.mediaId}`,
          siteUrl: episode.media?.siteUrl ?? null,
          isAdult,
          watchers: count,
        });
      }
    }
    return posts;
  }

  /** The feed's language: the server's, stored when it was set up. */
  const translatorOf = (feed: AiringFeed) => deps.i18n.forLocale(isLocale(feed.locale) ? feed.locale : 'en');

  async function tellAdmin(feed: AiringFeed, reason: NonNullable<AiringFeed['disabledReason']>): Promise<void> {
    try {
      const sent = await dms.send(feed.setBy, { content: AIRING_FEED_MESSAGES.disabled(translatorOf(feed), feed.channelId, feed.guildId, reason) });
      logger.info({ guildId: feed.guildId, dm: sent }, 'told the admin who set up the airing feed that it stopped');
    } catch (error) {
      logger.warn({ err: error, guildId: feed.guildId }, 'could not DM the admin that the airing feed stopped');
    }
  }

  /** Sends waiting posts, oldest first, until none are left or Discord fails. */
  async function deliver(signal: AbortSignal): Promise<void> {
    const byGuild = new Map(feeds.active().map((feed) => [feed.guildId, feed]));
    const tried = new Set<string>();
    const keyOf = (post: AiringFeedPost) => `${post.guildId}:${post.mediaId}:${post.episode}`;
    for (;;) {
      const batch = feeds.pendingPosts(POSTS_PER_BATCH).filter((post) => !tried.has(keyOf(post)));
      if (batch.length === 0) return;
      for (const post of batch) {
        if (signal.aborted) return;
        tried.add(keyOf(post));
        const feed = byGuild.get(post.guildId) ?? feeds.find(post.guildId);
        if (!feed || feed.disabledAt !== null) continue;
        if (post.isAdult && !(await deps.channelIsNsfw(feed.channelId))) {
          feeds.drop(post);
          logger.info({ guildId: post.guildId, mediaId: post.mediaId }, 'airing feed: adult title not posted, the channel is no longer age-restricted');
          continue;
        }
        if (!feeds.markSending(post)) continue;
        let outcome: Awaited<ReturnType<ChannelPoster['post']>>;
        try {
          outcome = await channels.post(feed.channelId, AIRING_FEED_MESSAGES.post(translatorOf(feed), { ...post, roleId: feed.roleId }), feed.roleId);
        } catch (error) {
          feeds.release(post, MAX_POST_ATTEMPTS);
          logger.warn({ err: error, guildId: post.guildId }, 'could not post in an airing feed channel; the next check tries again');
          return;
        }
        if (outcome === 'sent') {
          feeds.markSent(post, clock());
          continue;
        }
        feeds.drop(post);
        if (feeds.disable(feed.guildId, outcome, clock())) {
          byGuild.delete(feed.guildId);
          logger.info({ guildId: feed.guildId, channelId: feed.channelId, reason: outcome }, 'airing feed stopped: Discord does not let the bot post in its channel');
          await tellAdmin(feed, outcome);
        }
      }
    }
  }

  async function check(signal: AbortSignal): Promise<AiringCheckOutcome> {
    const now = clock();
    let scheduleRequests = 0;
    // Posts left from before (Discord failed, or the bot stopped) go first.
    await deliver(signal);
    const active = feeds.active();
    const members = feedMembers(active);
    const watchlistRequests = await refreshWatchlists(members.all, now, signal);
    feeds.pruneWatchlists(members.all);
    const watching = feeds.watchers(members.all);
    const titles = [...watching.keys()].sort((a, b) => a - b);

    const state = feeds.state();
    // Whole seconds, as AniList times airings: a window is (from, to], the next starts where this one ended.
    const toS = Math.floor(now.getTime() / 1000);
    const earliestSince = Math.min(...active.map((feed) => feed.since.getTime()));
    const startMs = Math.max(state.checkedThrough?.getTime() ?? earliestSince - 1000, now.getTime() - tuning.maxLookbackMs);
    const fromS = Math.floor(startMs / 1000);
    let episodes: AiredEpisode[] = [];
    if (titles.length > 0 && toS > fromS) {
      const found = await airedEpisodes(titles, fromS, toS + 1, signal);
      episodes = found.episodes;
      scheduleRequests = found.requests;
    }
    const posts = postsFor(episodes, active, members.byGuild, watching);
    const queued = feeds.recordCheck(posts, new Date(toS * 1000), new Date(now.getTime() + deps.checkIntervalMs), clock());
    if (episodes.length > 0 || watchlistRequests > 0) {
      logger.info({ feeds: active.length, members: members.all.length, titles: titles.length, episodes: episodes.length, queued, watchlistRequests, scheduleRequests }, 'airing feed checked');
    }
    await deliver(signal);
    feeds.purgePostsBefore(new Date(now.getTime() - POST_RETENTION_MS));
    return { watchlistRequests, scheduleRequests, titles: titles.length, episodes: episodes.length, queued, ok: true };
  }

  function hasActiveFeeds(): boolean {
    return feeds.active().length > 0;
  }

  return {
    name: 'airing-feed',
    due(now, limit, running): BackgroundWork[] {
      if (limit < 1 || running.has(KEY) || !hasActiveFeeds()) return [];
      const dueAt = feeds.state().nextCheckAt?.getTime() ?? now.getTime();
      return dueAt <= now.getTime() ? [{ key: KEY, dueAt }] : [];
    },
    nextDueAt(now, running) {
      if (running.has(KEY) || !hasActiveFeeds()) return undefined;
      return feeds.state().nextCheckAt?.getTime() ?? now.getTime();
    },
    async run(_work, signal) {
      try {
        // Not `onCheck?.(await check())`: an optional call skips its arguments, so the check would never run.
        const outcome = await check(signal);
        deps.onCheck?.(outcome);
      } catch (error) {
        if (signal.aborted) return;
        // Where the last check got to stays: the next one, at the usual time, covers this window too (nothing is
        // announced twice). After a 429 the limiter itself holds the feed back until AniList's timeout is over.
        feeds.retryCheckAt(new Date(clock().getTime() + deps.checkIntervalMs));
        deps.onCheck?.({ watchlistRequests: 0, scheduleRequests: 0, titles: 0, episodes: 0, queued: 0, ok: false });
        logger.warn(
          { kind: isAniListError(error) ? error.kind : 'error', err: isAniListError(error) ? undefined : error },
          'airing feed check failed; the next one tries again',
        );
      }
    },
  };
}
