import { createHash } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST, print, type DocumentNode } from 'graphql';
import { ClientError, GraphQLClient } from 'graphql-request';
import type { Logger } from 'pino';
import { createLoadingCache } from './cache.js';
import { AniListError, toAniListError } from './errors.js';
import {
  AiringSchedulesDocument,
  AiringWatchlistDocument,
  DeleteMediaListEntryDocument,
  GenreCollectionDocument,
  MediaByIdDocument,
  MediaCardDocument,
  OwnMediaListEntryDocument,
  NotificationsDocument,
  SaveMediaListEntryDocument,
  SearchMediaDocument,
  UserMediaListDocument,
  UserProfileDocument,
  ViewerDocument,
  ViewerStatisticsDocument,
  type MediaListStatus,
  type MediaType,
  type NotificationType,
  type SaveMediaListEntryMutationVariables,
} from './generated/graphql.js';
import { createMediaListAccumulator, type UserMediaList } from './media-list.js';
import type { Lane, RateLimiter } from './rate-limiter.js';
import type { AiredEpisode, AniListNotification, MediaCardMedia, MediaDetails, MediaSearchResult, RoleConnectionStatistics, SavedMediaListEntry, ServerEntry, UserProfile, Viewer, WatchlistEntry } from './types.js';

export interface AniListClientOptions {
  /** https://graphql.anilist.co in production; a local fake in tests. */
  readonly endpoint: string;
  /** Descriptive, with a contact URL: AniList asks API users to identify themselves. */
  readonly userAgent: string;
  /** Our site. Requests without a Referer have been answered with the "API disabled" 403 (API-FACTS §4). */
  readonly referer: string;
  /** Per HTTP request, counted from when the limiter lets it go (queueing time is not included). */
  readonly timeoutMs?: number;
  /** The process-wide limiter shared by every AniList caller. */
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
  /** Lifetime of cached public data, and how old a list `userMediaList` answers by default may be. */
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
  /**
   * How long a member's list is kept at most, for reads that accept an older one (`maxAgeMs`: a taste comparison,
   * a random pick); reads without it still get a list at most `cacheTtlMs` old. Default 10 minutes.
   */
  readonly listCacheTtlMs?: number;
  /** List entries all cached lists may hold together (the size bound: one list can be thousands of entries). */
  readonly listCacheMaxEntries?: number;
  /** How long AniList's genre names are kept (default a day: they change a few times a decade). */
  readonly genreCacheTtlMs?: number;
  /** Milliseconds from any fixed point, for the caches' ages (tests); performance.now() by default. */
  readonly now?: () => number;
  /**
   * Most entries one list load may collect. Each 500 entries costs a request out of a shared
   * 30/minute budget, so the default stops well below AniList's own 11,000 cap; with
   * UPDATED_TIME_DESC the entries kept are the most recently touched ones.
   */
  readonly maxListEntries?: number;
}

/** Who the call is for. `key` is the fairness key (e.g. the Discord user id) the limiter queues by. */
export interface CallContext {
  readonly key: string;
  /** The member's AniList access token. Used for this request only: never stored, never logged. */
  readonly token?: string | undefined;
  /**
   * Abandons the call while it still waits for the rate limiter, so it spends nothing of the shared budget
   * (an autocomplete keystroke the member has typed past). A request already sent runs to its end.
   */
  readonly signal?: AbortSignal | undefined;
  /** 'background' for jobs nobody waits on (notifications, feeds, role refreshes): served from idle budget only. */
  readonly lane?: Lane | undefined;
}

export interface AuthenticatedCallContext extends CallContext {
  readonly token: string;
}

/** How a read of a member's list may be served from the cache. */
export interface ListReadOptions {
  /** The oldest cached list this read accepts (at most the client's `listCacheTtlMs`); `cacheTtlMs` when omitted. */
  readonly maxAgeMs?: number | undefined;
}

export interface UserMediaListQueryInput {
  readonly userId: number;
  readonly type: MediaType;
  /** Omit for every status. */
  readonly status?: MediaListStatus | undefined;
}

export interface SearchMediaInput {
  readonly search: string;
  readonly type?: MediaType | undefined;
  /**
   * AniList's filter, passed through: `false` (default) excludes adult media, `true` returns only
   * adult media, `null` applies no filter. Renderers must still check `media.isAdult`.
   */
  readonly isAdult?: boolean | null | undefined;
  /** 1–25 (Discord shows at most 25 choices); default 10. */
  readonly perPage?: number | undefined;
}

export type SaveMediaListEntryInput = SaveMediaListEntryMutationVariables;

export interface MediaCardInput {
  readonly mediaId: number;
  /** AniList ids of the members whose entries to read (without a token: public entries of public profiles only). */
  readonly memberIds: readonly number[];
}

export interface MediaCardData {
  readonly media: MediaCardMedia;
  /** The public entries of those members for the title; members without one are simply absent. */
  readonly entries: readonly ServerEntry[];
  /** The AniList requests it took. */
  readonly requests: number;
}

export interface NotificationsPageInput {
  /** 1-based; page 1 holds the newest notifications. */
  readonly page: number;
  /** 1–50 (AniList's maximum per page). */
  readonly perPage: number;
  /** Only these types; undefined for every type. */
  readonly types?: readonly NotificationType[] | undefined;
}

export interface NotificationsPage {
  /** Newest first, as AniList orders them. */
  readonly notifications: readonly AniListNotification[];
  readonly hasNextPage: boolean;
}

export interface AiringWatchlistInput {
  /** AniList ids of up to 50 members (`userId_in` takes a page of them). */
  readonly userIds: readonly number[];
}

export interface AiringWatchlistData {
  /** Their public CURRENT anime entries: nothing of a private profile, no private entry. */
  readonly entries: readonly WatchlistEntry[];
  /** The AniList requests it took (four pages of 50 entries each). */
  readonly requests: number;
}

export interface AiringSchedulesInput {
  /** Up to 50 AniList media ids. */
  readonly mediaIds: readonly number[];
  /** Unix seconds; episodes airing strictly after this… */
  readonly afterS: number;
  /** …and strictly before this. */
  readonly beforeS: number;
}

export interface AiringSchedulesData {
  /** Oldest first. */
  readonly episodes: readonly AiredEpisode[];
  /** The AniList requests it took (one per page of 50 episodes: one, unless a window is very busy). */
  readonly requests: number;
}

export interface DeleteMediaListEntryInput {
  /** The list-entry id (MediaListEntry.id), not the media id. */
  readonly entryId: number;
  /** The owner's AniList id, when known, so their cached lists are dropped. */
  readonly userId?: number | undefined;
}

export interface AniListClient {
  /** The token's owner. Needs a token: AniList answers Viewer only for authenticated calls. */
  viewer(context: AuthenticatedCallContext): Promise<Viewer>;
  /** The token owner's statistics for their linked roles (never cached: each call is a fresh reading). */
  viewerStatistics(context: AuthenticatedCallContext): Promise<RoleConnectionStatistics>;
  userProfile(userId: number, context: CallContext): Promise<UserProfile>;
  /** A profile by AniList user name; a private or unknown user is `notFound`. */
  userProfileByName(name: string, context: CallContext): Promise<UserProfile>;
  /** Every chunk of the list, de-duplicated, newest first; cached per user (and per token) for a short time. */
  userMediaList(input: UserMediaListQueryInput, context: CallContext, options?: ListReadOptions): Promise<UserMediaList>;
  /** The list `userMediaList` would answer from its cache right now, or undefined: never a request. */
  peekUserMediaList(input: UserMediaListQueryInput, context: CallContext, options?: ListReadOptions): UserMediaList | undefined;
  /** AniList's genre names (`GenreCollection`), the same for everyone: at most one successful request a day. */
  genres(context: CallContext): Promise<readonly string[]>;
  mediaById(id: number, context: CallContext): Promise<MediaDetails>;
  searchMedia(input: SearchMediaInput, context: CallContext): Promise<readonly MediaSearchResult[]>;
  /**
   * A title with its card details and the public entries of up to 200 members per request (pages of 50 by
   * `userId_in`, four to a request), never cached here: the caller keeps it per server. Ignores `context.token`.
   */
  mediaCard(input: MediaCardInput, context: CallContext): Promise<MediaCardData>;
  /** The token owner's own entry for a title, private or not; undefined when they have none. */
  ownMediaListEntry(input: { mediaId: number; userId: number }, context: AuthenticatedCallContext): Promise<ServerEntry | undefined>;
  /** Creates or updates the token owner's entry, then drops that owner's cached lists. */
  saveMediaListEntry(input: SaveMediaListEntryInput, context: AuthenticatedCallContext): Promise<SavedMediaListEntry>;
  deleteMediaListEntry(input: DeleteMediaListEntryInput, context: AuthenticatedCallContext): Promise<boolean>;
  /** One page of the token owner's notifications, newest first. Never resets their unread count; never cached. */
  notifications(input: NotificationsPageInput, context: AuthenticatedCallContext): Promise<NotificationsPage>;
  /**
   * The public CURRENT anime of up to 50 members, without a token (pages of 50 entries by `userId_in`, four to a
   * request). Never cached here: the airing feed keeps it. Ignores `context.token`.
   */
  airingWatchlist(input: AiringWatchlistInput, context: CallContext): Promise<AiringWatchlistData>;
  /** Episodes of up to 50 titles airing within a window, without a token. Never cached. Ignores `context.token`. */
  airingSchedules(input: AiringSchedulesInput, context: CallContext): Promise<AiringSchedulesData>;
  /** Drop cached lists of one AniList user (after a write made elsewhere). */
  invalidateUserList(userId: number): void;
  /** Any typed document through the same headers, limiter, timeout and error mapping; never cached. */
  execute<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    context: CallContext,
  ): Promise<TResult>;
}

const PER_CHUNK = 500;
// AniList keeps at most the 11,000 most recently updated entries per collection (API-FACTS §7).
const ANILIST_LIST_CAP = 11_000;
const MAX_SEARCH_PER_PAGE = 25;
// AniList's Page size; a member has one entry per title at most, so one page answers 50 members.
const MEMBERS_PER_PAGE = 50;
// Page aliases per MediaCard request (the document declares four).
const PAGES_PER_REQUEST = 4;
const MAX_NOTIFICATIONS_PER_PAGE = 50;
// `mediaId_in` / `userId_in` of one page: AniList's Page size.
const IDS_PER_PAGE = 50;
// Pages aliased into one AiringWatchlist request (the document declares four).
const WATCHLIST_PAGES_PER_REQUEST = 4;
// A runaway answer (pages that never end) stops here: 40 requests, 2,000 entries or episodes.
const MAX_AIRING_PAGES = 40;

export function createAniListClient(options: AniListClientOptions): AniListClient {
  const { endpoint, userAgent, referer, limiter, logger } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const cacheMaxEntries = options.cacheMaxEntries ?? 500;
  const maxListEntries = Math.min(Math.max(1, options.maxListEntries ?? 2_000), ANILIST_LIST_CAP);
  const listCacheTtlMs = Math.max(cacheTtlMs, options.listCacheTtlMs ?? 10 * 60_000);
  const now = options.now;

  const graphql = new GraphQLClient(endpoint, {
    method: 'POST',
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });

  // Only data that looks the same to every member is shared: token-less media and searches.
  const publicMedia = createLoadingCache<MediaDetails>({ maxEntries: cacheMaxEntries, ttlMs: cacheTtlMs, now });
  const searches = createLoadingCache<{ results: readonly MediaSearchResult[] }>({
    maxEntries: cacheMaxEntries,
    ttlMs: cacheTtlMs,
    now,
  });
  // Lists can be big, so fewer of them, and bounded by their entries too; keyed by who asked as well, because an
  // owner's token reveals private entries. Kept up to listCacheTtlMs for the readers that accept an older list.
  const lists = createLoadingCache<UserMediaList>({
    maxEntries: Math.max(1, Math.ceil(cacheMaxEntries / 10)),
    ttlMs: listCacheTtlMs,
    maxSize: Math.max(1, options.listCacheMaxEntries ?? 50_000),
    sizeOf: (list) => list.entries.length + 1,
    now,
  });
  const defaultListRead = { maxAgeMs: cacheTtlMs };
  const genreNames = createLoadingCache<{ names: readonly string[] }>({ maxEntries: 1, ttlMs: options.genreCacheTtlMs ?? 24 * 60 * 60_000, now });

  const printed = new WeakMap<DocumentNode, { query: string; operation: string }>();
  function describe(document: DocumentNode): { query: string; operation: string } {
    let described = printed.get(document);
    if (described === undefined) {
      described = { query: print(document), operation: getOperationAST(document)?.name?.value ?? 'anonymous' };
      printed.set(document, described);
    }
    return described;
  }

  function headersFor(token: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': userAgent,
      Referer: referer,
    };
    if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;
    return headers;
  }

  async function execute<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    context: CallContext,
  ): Promise<TResult> {
    const { query, operation } = describe(document);
    // An empty token would be sent as "Bearer " and answered "Invalid token" anyway; skip the request.
    if (context.token === '') throw new AniListError('invalidToken');
    const authenticated = context.token !== undefined;

    return limiter.schedule(context.key, async () => {
      // A limiter that cannot withdraw queued calls (e.g. one shared across processes) may still start an
      // abandoned one: skip the HTTP request at least.
      context.signal?.throwIfAborted();
      const startedAt = performance.now();
      try {
        // The document's TypedDocumentNode already tied `variables` and TResult together above.
        const response = await graphql.rawRequest<TResult>({
          query,
          variables,
          requestHeaders: headersFor(context.token),
          signal: AbortSignal.timeout(timeoutMs),
        });
        limiter.report({ status: response.status, headers: response.headers });
        logger.debug({ operation, ms: Math.round(performance.now() - startedAt) }, 'anilist request ok');
        return response.data;
      } catch (error) {
        if (error instanceof ClientError) {
          limiter.report({ status: error.response.status, headers: error.response.headers });
        }
        const mapped = toAniListError(error, { authenticated });
        logFailure(operation, mapped, performance.now() - startedAt);
        throw mapped;
      }
    }, { signal: context.signal, lane: context.lane });
  }

  function logFailure(operation: string, error: AniListError, ms: number): void {
    // Only what helps an operator: never variables (search text) or headers (the token).
    const fields = {
      operation,
      kind: error.kind,
      httpStatus: error.httpStatus,
      serverMessages: error.serverMessages,
      ms: Math.round(ms),
    };
    if (error.kind === 'badRequest') {
      const cause = error.cause instanceof Error && !(error.cause instanceof ClientError) ? error.cause.message : undefined;
      logger.error({ ...fields, cause }, 'anilist rejected our request: this is a bug on our side');
    } else if (error.kind === 'invalidToken' || error.kind === 'notFound' || error.kind === 'validation') {
      logger.info(fields, 'anilist request refused');
    } else {
      logger.warn(fields, 'anilist request failed');
    }
  }

  async function viewer(context: AuthenticatedCallContext): Promise<Viewer> {
    const data = await execute(ViewerDocument, {}, context);
    // AniList pairs a null Viewer with an "Unauthorized." error; this guards the odd case without one.
    if (data.Viewer === null) throw new AniListError('invalidToken');
    return data.Viewer;
  }

  async function viewerStatistics(context: AuthenticatedCallContext): Promise<RoleConnectionStatistics> {
    const data = await execute(ViewerStatisticsDocument, {}, context);
    if (data.Viewer === null) throw new AniListError('invalidToken');
    return data.Viewer;
  }

  async function userProfile(userId: number, context: CallContext): Promise<UserProfile> {
    const data = await execute(UserProfileDocument, { id: userId }, context);
    if (data.User === null) throw new AniListError('notFound');
    return data.User;
  }

  async function userProfileByName(name: string, context: CallContext): Promise<UserProfile> {
    const data = await execute(UserProfileDocument, { name }, context);
    if (data.User === null) throw new AniListError('notFound');
    return data.User;
  }

  async function mediaCard(input: MediaCardInput, context: CallContext): Promise<MediaCardData> {
    const pages: number[][] = [];
    for (let start = 0; start < input.memberIds.length; start += MEMBERS_PER_PAGE) pages.push(input.memberIds.slice(start, start + MEMBERS_PER_PAGE));
    const publicContext: CallContext = { key: context.key, signal: context.signal, lane: context.lane };
    let media: MediaCardMedia | undefined;
    const entries: ServerEntry[] = [];
    let requests = 0;
    for (let first = 0; first === 0 || first < pages.length; first += PAGES_PER_REQUEST) {
      const batch = pages.slice(first, first + PAGES_PER_REQUEST);
      const page = (index: number) => batch[index] ?? null;
      requests++;
      const data = await execute(
        MediaCardDocument,
        {
          mediaId: input.mediaId,
          withMedia: first === 0,
          members0: page(0),
          members1: page(1),
          members2: page(2),
          members3: page(3),
          with0: page(0) !== null,
          with1: page(1) !== null,
          with2: page(2) !== null,
          with3: page(3) !== null,
        },
        publicContext,
      );
      if (first === 0) {
        if (!data.Media) throw new AniListError('notFound');
        media = data.Media;
      }
      for (const answered of [data.members0, data.members1, data.members2, data.members3]) {
        for (const entry of answered?.mediaList ?? []) if (entry) entries.push(entry);
      }
    }
    return { media: media!, entries, requests };
  }

  async function ownMediaListEntry(input: { mediaId: number; userId: number }, context: AuthenticatedCallContext): Promise<ServerEntry | undefined> {
    const data = await execute(OwnMediaListEntryDocument, input, context);
    return data.Page?.mediaList?.find((entry): entry is ServerEntry => entry !== null && entry.userId === input.userId);
  }

  function listCacheKey(input: UserMediaListQueryInput, token: string | undefined): string {
    // With the owner's token the answer may include private entries, so it must not be served to
    // anyone else. A digest scopes the entry to that token without keeping the token itself.
    const scope = token === undefined ? 'public' : createHash('sha256').update(token).digest('hex').slice(0, 32);
    return `${input.userId}|${input.type}|${input.status ?? '*'}|${scope}`;
  }

  function userMediaList(input: UserMediaListQueryInput, context: CallContext, readOptions: ListReadOptions = defaultListRead): Promise<UserMediaList> {
    return lists.get(listCacheKey(input, context.token), async () => {
      const accumulator = createMediaListAccumulator(maxListEntries);
      const maxChunks = Math.ceil(ANILIST_LIST_CAP / PER_CHUNK) + 1;
      let hasMore = false;
      for (let chunk = 1; chunk <= maxChunks; chunk++) {
        const data = await execute(
          UserMediaListDocument,
          { userId: input.userId, type: input.type, status: input.status ?? null, chunk, perChunk: PER_CHUNK },
          context,
        );
        const collection = data.MediaListCollection;
        if (collection === null) throw new AniListError('notFound');
        const wantMore = accumulator.add(collection);
        hasMore = collection.hasNextChunk === true;
        if (!hasMore || !wantMore) break;
      }
      return accumulator.result(hasMore);
    }, readOptions);
  }

  function peekUserMediaList(input: UserMediaListQueryInput, context: CallContext, readOptions: ListReadOptions = defaultListRead): UserMediaList | undefined {
    return lists.peek(listCacheKey(input, context.token), readOptions);
  }

  async function genres(context: CallContext): Promise<readonly string[]> {
    const loaded = await genreNames.get('genres', async () => {
      // Without a token: the same answer for everyone.
      const data = await execute(GenreCollectionDocument, {}, { key: context.key, lane: context.lane });
      return { names: (data.GenreCollection ?? []).filter((name): name is string => typeof name === 'string' && name !== '') };
    });
    return loaded.names;
  }

  async function mediaById(id: number, context: CallContext): Promise<MediaDetails> {
    const load = async (): Promise<MediaDetails> => {
      const data = await execute(MediaByIdDocument, { id }, context);
      if (data.Media === null) throw new AniListError('notFound');
      return data.Media;
    };
    // With a token the answer carries the member's own list entry and title preference: not shareable.
    return context.token === undefined ? publicMedia.get(String(id), load) : load();
  }

  async function searchMedia(input: SearchMediaInput, context: CallContext): Promise<readonly MediaSearchResult[]> {
    const search = input.search.trim().replace(/\s+/g, ' ');
    if (search === '') return [];
    const perPage = Math.min(Math.max(1, Math.trunc(input.perPage ?? 10)), MAX_SEARCH_PER_PAGE);
    const isAdult = input.isAdult === undefined ? false : input.isAdult;
    const type = input.type ?? null;
    const cacheKey = JSON.stringify([search.toLowerCase(), type, isAdult, perPage]);
    const load = async (signal?: AbortSignal) => {
      // Sent without a token on purpose: results are then the same for everyone and cacheable.
      const data = await execute(SearchMediaDocument, { search, type, isAdult, perPage }, { key: context.key, signal });
      const media = data.Page?.media ?? [];
      return { results: media.filter((m): m is MediaSearchResult => m !== null) };
    };
    if (context.signal === undefined) return (await searches.get(cacheKey, () => load())).results;
    // An abandonable search is not shared with concurrent callers (their call must not fail because this
    // one was abandoned); a cached answer still serves it, and its own answer fills the cache for them.
    const cached = searches.peek(cacheKey);
    if (cached !== undefined) return cached.results;
    const loaded = await load(context.signal);
    return (await searches.get(cacheKey, () => Promise.resolve(loaded))).results;
  }

  function invalidateUserList(userId: number): void {
    const prefix = `${userId}|`;
    lists.deleteWhere((key) => key.startsWith(prefix));
  }

  async function saveMediaListEntry(
    input: SaveMediaListEntryInput,
    context: AuthenticatedCallContext,
  ): Promise<SavedMediaListEntry> {
    const data = await execute(SaveMediaListEntryDocument, input, context);
    if (data.SaveMediaListEntry === null) throw new AniListError('badRequest');
    invalidateUserList(data.SaveMediaListEntry.userId);
    return data.SaveMediaListEntry;
  }

  async function deleteMediaListEntry(
    input: DeleteMediaListEntryInput,
    context: AuthenticatedCallContext,
  ): Promise<boolean> {
    try {
      const data = await execute(DeleteMediaListEntryDocument, { id: input.entryId }, context);
      return data.DeleteMediaListEntry?.deleted === true;
    } finally {
      // Even a failed delete may have gone through before the connection broke.
      if (input.userId !== undefined) invalidateUserList(input.userId);
    }
  }

  async function notifications(input: NotificationsPageInput, context: AuthenticatedCallContext): Promise<NotificationsPage> {
    const perPage = Math.min(Math.max(1, Math.trunc(input.perPage)), MAX_NOTIFICATIONS_PER_PAGE);
    const data = await execute(
      NotificationsDocument,
      { page: Math.max(1, Math.trunc(input.page)), perPage, types: input.types === undefined ? null : [...input.types] },
      context,
    );
    return {
      notifications: (data.Page?.notifications ?? []).filter((notification): notification is AniListNotification => notification !== null),
      hasNextPage: data.Page?.pageInfo?.hasNextPage === true,
    };
  }

  function checkIds(ids: readonly number[], what: string): void {
    // An empty `_in` filters nothing on AniList: it would ask about everyone.
    if (ids.length === 0 || ids.length > IDS_PER_PAGE) throw new RangeError(`${what}: 1 to ${IDS_PER_PAGE} ids, got ${ids.length}`);
  }

  async function airingWatchlist(input: AiringWatchlistInput, context: CallContext): Promise<AiringWatchlistData> {
    checkIds(input.userIds, 'airingWatchlist');
    const publicContext: CallContext = { key: context.key, signal: context.signal, lane: context.lane };
    const entries: WatchlistEntry[] = [];
    let requests = 0;
    for (let first = 1; first <= MAX_AIRING_PAGES; first += WATCHLIST_PAGES_PER_REQUEST) {
      requests++;
      const data = await execute(
        AiringWatchlistDocument,
        { userIds: [...input.userIds], page0: first, page1: first + 1, page2: first + 2, page3: first + 3 },
        publicContext,
      );
      const pages = [data.p0, data.p1, data.p2, data.p3];
      for (const page of pages) for (const entry of page?.mediaList ?? []) if (entry && entry.private !== true) entries.push(entry);
      if (pages[WATCHLIST_PAGES_PER_REQUEST - 1]?.pageInfo?.hasNextPage !== true) break;
    }
    return { entries, requests };
  }

  async function airingSchedules(input: AiringSchedulesInput, context: CallContext): Promise<AiringSchedulesData> {
    checkIds(input.mediaIds, 'airingSchedules');
    const publicContext: CallContext = { key: context.key, signal: context.signal, lane: context.lane };
    const episodes: AiredEpisode[] = [];
    let requests = 0;
    for (let page = 1; page <= MAX_AIRING_PAGES; page++) {
      requests++;
      const data = await execute(
        AiringSchedulesDocument,
        { mediaIds: [...input.mediaIds], after: Math.floor(input.afterS), before: Math.ceil(input.beforeS), page },
        publicContext,
      );
      for (const episode of data.Page?.airingSchedules ?? []) if (episode) episodes.push(episode);
      if (data.Page?.pageInfo?.hasNextPage !== true) break;
    }
    return { episodes, requests };
  }

  return {
    viewer,
    viewerStatistics,
    userProfile,
    userProfileByName,
    userMediaList,
    peekUserMediaList,
    genres,
    mediaById,
    searchMedia,
    mediaCard,
    ownMediaListEntry,
    saveMediaListEntry,
    deleteMediaListEntry,
    notifications,
    airingWatchlist,
    airingSchedules,
    invalidateUserList,
    execute,
  };
}
