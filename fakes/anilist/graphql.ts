import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLObjectType,
  GraphQLSkipDirective,
  GraphQLUnionType,
  Kind,
  NoUnusedVariablesRule,
  buildSchema,
  execute,
  getDirectiveValues,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLFieldResolver,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  SourceLocation,
} from 'graphql';
import { airingScheduleId, episodesOf, nextEpisodeOf, type AiringScheduleSource } from './airing.js';
import { formatToRaw, rawToFormat } from './scores.js';
import type { FakeAniListStore } from './store.js';
import type {
  FakeMedia,
  FakeMediaListEntry,
  FakeNotification,
  FakeNotificationType,
  FakeUser,
  FuzzyDate,
  MediaListStatus,
  MediaType,
  ScoreFormat,
} from './types.js';

// ---------------------------------------------------------------------------
// Errors in AniList's shape
// ---------------------------------------------------------------------------

/** An error carrying AniList's `status` (and optional Laravel `validation` map). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly validation?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface AniListErrorJson {
  message: string;
  status: number;
  locations?: readonly SourceLocation[];
  validation?: Record<string, string[]>;
}

export interface GraphQLResponse {
  status: number;
  body: { data: Record<string, unknown> | null; errors?: AniListErrorJson[] };
}

export const DISABLED_MESSAGE =
  'The AniList API has been temporarily disabled due to severe stability issues. Please check the official AniList Discord for more information.';

export function disabledBody(): GraphQLResponse['body'] {
  return { errors: [{ message: DISABLED_MESSAGE, status: 403, locations: [{ line: 1, column: 1 }] }], data: null };
}

function formatError(e: GraphQLError, fallbackStatus: number): AniListErrorJson {
  const orig = e.originalError;
  const out: AniListErrorJson = {
    message: e.message,
    status: orig instanceof ApiError ? orig.status : orig && !(orig instanceof GraphQLError) ? 500 : fallbackStatus,
  };
  if (e.locations) out.locations = e.locations;
  if (orig instanceof ApiError && orig.validation) out.validation = orig.validation;
  return out;
}

// ---------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------

export interface GqlContext {
  store: FakeAniListStore;
  viewer: FakeUser | null;
  nowMs: number;
}

let cachedSchema: GraphQLSchema | undefined;

// From the project root, so the compiled copies under dist/ (benchmarks, the demo) read the same vendored schema.
const SCHEMA_PATH = join(projectRoot, 'src', 'anilist', 'schema.graphql');

export function getSchema(): GraphQLSchema {
  if (!cachedSchema) {
    const schema = buildSchema(readFileSync(SCHEMA_PATH, 'utf8'));
    attachResolvers(schema);
    cachedSchema = schema;
  }
  return cachedSchema;
}

type Args = Record<string, unknown>;
type Resolver = GraphQLFieldResolver<unknown, GqlContext, Args>;

function setResolvers(schema: GraphQLSchema, typeName: string, resolvers: Record<string, Resolver>): void {
  const type = schema.getType(typeName);
  if (!(type instanceof GraphQLObjectType)) throw new Error(`fake-anilist: ${typeName} is not an object type`);
  const fields = type.getFields();
  for (const [name, fn] of Object.entries(resolvers)) {
    const field = fields[name];
    if (!field) throw new Error(`fake-anilist: ${typeName}.${name} is not in the schema`);
    field.resolve = fn;
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const notFound = (): ApiError => new ApiError('Not Found.', 404);
const unauthorized = (): ApiError => new ApiError('Unauthorized.', 401);
const notAuthorizedToModify = (): ApiError => new ApiError('You are not authorized to modify this MediaList', 401);

function requireViewer(ctx: GqlContext): FakeUser {
  if (!ctx.viewer) throw unauthorized();
  return ctx.viewer;
}

function int(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}
function arr<T>(v: unknown): T[] | undefined {
  return Array.isArray(v) ? (v as T[]) : undefined;
}

/** Can `ctx.viewer` see this user's profile/lists? */
function canSeeUser(ctx: GqlContext, user: FakeUser): boolean {
  return !user.private || ctx.viewer?.id === user.id;
}

function canSeeEntry(ctx: GqlContext, e: FakeMediaListEntry): boolean {
  if (ctx.viewer?.id === e.userId) return true;
  if (e.private) return false;
  const owner = ctx.store.getUser(e.userId);
  return owner !== undefined && canSeeUser(ctx, owner);
}

/** Authenticated viewers who disabled adult content never see adult media in Media/Page.media. */
function adultAllowed(ctx: GqlContext): boolean {
  return ctx.viewer ? ctx.viewer.options.displayAdultContent : true;
}

function resolveUserArg(ctx: GqlContext, args: Args): FakeUser | undefined {
  const id = int(args.userId);
  const name = str(args.userName);
  if (id !== undefined) return ctx.store.getUser(id);
  if (name !== undefined) return ctx.store.getUserByName(name);
  return undefined;
}

function mediaOf(ctx: GqlContext, e: FakeMediaListEntry): FakeMedia | undefined {
  return ctx.store.getMedia(e.mediaId);
}

function titleFor(m: FakeMedia, lang: string | undefined): string {
  if (lang?.startsWith('ENGLISH')) return m.title.english ?? m.title.romaji;
  if (lang?.startsWith('NATIVE')) return m.title.native ?? m.title.romaji;
  return m.title.romaji;
}

function fuzzyToInt(d: FuzzyDate): number {
  return (d.year ?? 0) * 10000 + (d.month ?? 0) * 100 + (d.day ?? 0);
}

// ----- sorting --------------------------------------------------------------

type Cmp<T> = (a: T, b: T) => number;

function entrySorter(ctx: GqlContext, sorts: string[]): Cmp<FakeMediaListEntry> {
  const cmps: Cmp<FakeMediaListEntry>[] = sorts.map((s) => {
    const desc = s.endsWith('_DESC');
    const base = desc ? s.slice(0, -5) : s;
    let key: (e: FakeMediaListEntry) => number | string;
    switch (base) {
      case 'MEDIA_ID': key = (e) => e.mediaId; break;
      case 'SCORE': key = (e) => e.scoreRaw; break;
      case 'STATUS': key = (e) => e.status; break;
      case 'PROGRESS': key = (e) => e.progress; break;
      case 'PROGRESS_VOLUMES': key = (e) => e.progressVolumes; break;
      case 'REPEAT': key = (e) => e.repeat; break;
      case 'PRIORITY': key = (e) => e.priority; break;
      case 'STARTED_ON': key = (e) => fuzzyToInt(e.startedAt); break;
      case 'FINISHED_ON': key = (e) => fuzzyToInt(e.completedAt); break;
      case 'ADDED_TIME': key = (e) => e.createdAt; break;
      case 'UPDATED_TIME': key = (e) => e.updatedAt; break;
      case 'MEDIA_TITLE_ROMAJI': key = (e) => mediaOf(ctx, e)?.title.romaji.toLowerCase() ?? ''; break;
      case 'MEDIA_TITLE_ENGLISH': key = (e) => (mediaOf(ctx, e)?.title.english ?? '').toLowerCase(); break;
      case 'MEDIA_TITLE_NATIVE': key = (e) => mediaOf(ctx, e)?.title.native ?? ''; break;
      case 'MEDIA_POPULARITY': key = (e) => mediaOf(ctx, e)?.popularity ?? 0; break;
      default: throw new ApiError(`fake-anilist: unsupported MediaListSort ${s}`, 400);
    }
    return (a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : 0;
      return desc ? -c : c;
    };
  });
  cmps.push((a, b) => a.id - b.id);
  return (a, b) => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

function searchRank(m: FakeMedia, q: string): number {
  const titles = [m.title.romaji, m.title.english, m.title.native, ...m.synonyms].filter((t): t is string => !!t).map((t) => t.toLowerCase());
  if (titles.some((t) => t === q)) return 0;
  if (titles.some((t) => t.startsWith(q))) return 1;
  return 2;
}

function mediaSorter(sorts: string[], search: string | undefined): Cmp<FakeMedia> {
  const cmps: Cmp<FakeMedia>[] = sorts.map((s) => {
    if (s === 'SEARCH_MATCH') {
      const q = (search ?? '').toLowerCase();
      return (a, b) => searchRank(a, q) - searchRank(b, q) || b.popularity - a.popularity;
    }
    const desc = s.endsWith('_DESC');
    const base = desc ? s.slice(0, -5) : s;
    let key: (m: FakeMedia) => number | string;
    switch (base) {
      case 'ID': key = (m) => m.id; break;
      case 'TITLE_ROMAJI': key = (m) => m.title.romaji.toLowerCase(); break;
      case 'TITLE_ENGLISH': key = (m) => (m.title.english ?? '').toLowerCase(); break;
      case 'TITLE_NATIVE': key = (m) => m.title.native ?? ''; break;
      case 'TYPE': key = (m) => m.type; break;
      case 'FORMAT': key = (m) => m.format; break;
      case 'SCORE': key = (m) => m.averageScore ?? 0; break;
      case 'POPULARITY': case 'TRENDING': case 'FAVOURITES': key = (m) => m.popularity; break;
      case 'EPISODES': key = (m) => m.episodes ?? 0; break;
      case 'DURATION': key = (m) => m.duration ?? 0; break;
      case 'CHAPTERS': key = (m) => m.chapters ?? 0; break;
      case 'VOLUMES': key = (m) => m.volumes ?? 0; break;
      case 'STATUS': key = (m) => m.status; break;
      case 'START_DATE': case 'END_DATE': key = (m) => m.seasonYear ?? 0; break;
      case 'UPDATED_AT': key = (m) => m.id; break;
      default: throw new ApiError(`fake-anilist: unsupported MediaSort ${s}`, 400);
    }
    return (a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : 0;
      return desc ? -c : c;
    };
  });
  cmps.push((a, b) => a.id - b.id);
  return (a, b) => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

function sortArg(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return (arr<unknown>(v) ?? []).filter((x): x is string => typeof x === 'string');
}

// ----- filtering ------------------------------------------------------------

function filterMedia(ctx: GqlContext, args: Args): FakeMedia[] {
  const id = int(args.id);
  const idIn = arr<number>(args.id_in);
  const idNotIn = arr<number>(args.id_not_in);
  const type = str(args.type);
  const format = str(args.format);
  const formatIn = arr<string>(args.format_in);
  const status = str(args.status);
  const statusIn = arr<string>(args.status_in);
  const isAdult = bool(args.isAdult);
  const search = str(args.search)?.toLowerCase();
  const genre = str(args.genre);
  const onList = bool(args.onList);
  const allowAdult = adultAllowed(ctx);
  const out: FakeMedia[] = [];
  for (const m of ctx.store.media.values()) {
    if (id !== undefined && m.id !== id) continue;
    if (idIn && !idIn.includes(m.id)) continue;
    if (idNotIn?.includes(m.id)) continue;
    if (type !== undefined && m.type !== type) continue;
    if (format !== undefined && m.format !== format) continue;
    if (formatIn && !formatIn.includes(m.format)) continue;
    if (status !== undefined && m.status !== status) continue;
    if (statusIn && !statusIn.includes(m.status)) continue;
    if (isAdult !== undefined && m.isAdult !== isAdult) continue;
    if (!allowAdult && m.isAdult) continue;
    if (genre !== undefined && !m.genres.includes(genre)) continue;
    if (onList !== undefined) {
      if (!ctx.viewer) continue;
      const on = ctx.store.findEntry(ctx.viewer.id, m.id) !== undefined;
      if (on !== onList) continue;
    }
    if (search !== undefined) {
      const hay = [m.title.romaji, m.title.english, m.title.native, ...m.synonyms].filter((t): t is string => !!t);
      if (!hay.some((t) => t.toLowerCase().includes(search))) continue;
    }
    out.push(m);
  }
  const sorts = sortArg(args.sort);
  const effective = sorts.length > 0 ? sorts : search !== undefined ? ['SEARCH_MATCH'] : ['ID'];
  return out.sort(mediaSorter(effective, search));
}

function filterEntries(ctx: GqlContext, candidates: Iterable<FakeMediaListEntry>, args: Args): FakeMediaListEntry[] {
  const type = str(args.type) as MediaType | undefined;
  const status = str(args.status);
  const statusIn = arr<string>(args.status_in);
  const statusNot = str(args.status_not);
  const statusNotIn = arr<string>(args.status_not_in);
  const mediaId = int(args.mediaId);
  const mediaIdIn = arr<number>(args.mediaId_in);
  const mediaIdNotIn = arr<number>(args.mediaId_not_in);
  const userIdIn = arr<number>(args.userId_in);
  const notesLike = str(args.notes_like) ?? str(args.notes);
  const out: FakeMediaListEntry[] = [];
  for (const e of candidates) {
    if (!canSeeEntry(ctx, e)) continue;
    if (type !== undefined && ctx.store.getMedia(e.mediaId)?.type !== type) continue;
    if (status !== undefined && e.status !== status) continue;
    if (statusIn && !statusIn.includes(e.status)) continue;
    if (statusNot !== undefined && e.status === statusNot) continue;
    if (statusNotIn?.includes(e.status)) continue;
    if (mediaId !== undefined && e.mediaId !== mediaId) continue;
    if (mediaIdIn && !mediaIdIn.includes(e.mediaId)) continue;
    if (mediaIdNotIn?.includes(e.mediaId)) continue;
    if (userIdIn && !userIdIn.includes(e.userId)) continue;
    if (notesLike !== undefined && !(e.notes ?? '').toLowerCase().includes(notesLike.toLowerCase())) continue;
    out.push(e);
  }
  return out;
}

// ----- statistics -------------------------------------------------------------

function statisticsFor(ctx: GqlContext, user: FakeUser, type: MediaType): Record<string, number> {
  const entries = ctx.store.entriesOf(user.id, type).filter((e) => e.status !== 'PLANNING');
  const scored = entries.filter((e) => e.scoreRaw > 0).map((e) => e.scoreRaw);
  const mean = scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : 0;
  const sd = scored.length ? Math.sqrt(scored.reduce((a, b) => a + (b - mean) ** 2, 0) / scored.length) : 0;
  let episodes = 0;
  let minutes = 0;
  let chapters = 0;
  let volumes = 0;
  for (const e of entries) {
    const m = ctx.store.getMedia(e.mediaId);
    if (type === 'ANIME') {
      episodes += e.progress;
      minutes += e.progress * (m?.duration ?? 0);
    } else {
      chapters += e.progress;
      volumes += e.progressVolumes;
    }
  }
  return {
    count: entries.length,
    meanScore: Math.round(mean * 100) / 100,
    standardDeviation: Math.round(sd * 100) / 100,
    episodesWatched: episodes,
    minutesWatched: minutes,
    chaptersRead: chapters,
    volumesRead: volumes,
  };
}

/** How many of the user's entries of `type` are in each status (PLANNING included, as on AniList's stats page). */
function statusStatisticsFor(ctx: GqlContext, user: FakeUser, type: MediaType): Record<string, unknown>[] {
  const entries = ctx.store.entriesOf(user.id, type);
  return STATUS_ORDER.flatMap((status) => {
    const inStatus = entries.filter((e) => e.status === status);
    if (inStatus.length === 0) return [];
    const scored = inStatus.filter((e) => e.scoreRaw > 0).map((e) => e.scoreRaw);
    let minutes = 0;
    let chapters = 0;
    for (const e of inStatus) {
      if (type === 'ANIME') minutes += e.progress * (ctx.store.getMedia(e.mediaId)?.duration ?? 0);
      else chapters += e.progress;
    }
    return [{
      status,
      count: inStatus.length,
      meanScore: scored.length ? Math.round((scored.reduce((a, b) => a + b, 0) / scored.length) * 100) / 100 : 0,
      minutesWatched: minutes,
      chaptersRead: chapters,
      mediaIds: inStatus.map((e) => e.mediaId),
    }];
  });
}

// ----- MediaListCollection grouping ---------------------------------------------

const STATUS_ORDER: MediaListStatus[] = ['CURRENT', 'REPEATING', 'COMPLETED', 'PAUSED', 'DROPPED', 'PLANNING'];
const FORMAT_NAMES: Record<string, string> = {
  TV: 'TV', TV_SHORT: 'TV Short', MOVIE: 'Movie', SPECIAL: 'Special', OVA: 'OVA', ONA: 'ONA', MUSIC: 'Music',
  MANGA: 'Manga', NOVEL: 'Novel', ONE_SHOT: 'One Shot',
};

function statusListName(status: MediaListStatus, type: MediaType): string {
  switch (status) {
    case 'CURRENT': return type === 'ANIME' ? 'Watching' : 'Reading';
    case 'REPEATING': return type === 'ANIME' ? 'Rewatching' : 'Rereading';
    case 'COMPLETED': return 'Completed';
    case 'PAUSED': return 'Paused';
    case 'DROPPED': return 'Dropped';
    case 'PLANNING': return 'Planning';
  }
}

interface ListGroup {
  name: string;
  isCustomList: boolean;
  isSplitCompletedList: boolean;
  status: MediaListStatus | null;
  entries: FakeMediaListEntry[];
}

function groupEntries(ctx: GqlContext, user: FakeUser, type: MediaType, entries: FakeMediaListEntry[], forceSingle: boolean): ListGroup[] {
  const groups: ListGroup[] = [];
  const split = user.mediaListOptions.splitCompletedSectionByFormat && !forceSingle;
  for (const status of STATUS_ORDER) {
    const inStatus = entries.filter((e) => e.status === status && !e.hiddenFromStatusLists);
    if (inStatus.length === 0) continue;
    if (status === 'COMPLETED' && split) {
      const byFormat = new Map<string, FakeMediaListEntry[]>();
      for (const e of inStatus) {
        const f = ctx.store.getMedia(e.mediaId)?.format ?? 'TV';
        const list = byFormat.get(f) ?? [];
        list.push(e);
        byFormat.set(f, list);
      }
      for (const [f, list] of byFormat) {
        groups.push({ name: `Completed ${FORMAT_NAMES[f] ?? f}`, isCustomList: false, isSplitCompletedList: true, status, entries: list });
      }
    } else {
      groups.push({ name: statusListName(status, type), isCustomList: false, isSplitCompletedList: false, status, entries: inStatus });
    }
  }
  const customNames = [...(type === 'ANIME' ? user.mediaListOptions.animeCustomLists : user.mediaListOptions.mangaCustomLists)];
  for (const e of entries) for (const n of e.customLists) if (!customNames.includes(n)) customNames.push(n);
  for (const name of customNames) {
    const list = entries.filter((e) => e.customLists.includes(name));
    if (list.length > 0) groups.push({ name, isCustomList: true, isSplitCompletedList: false, status: null, entries: list });
  }
  return groups;
}

// ----- airing schedules ---------------------------------------------------------

const AIRING_SORTS: Record<string, (a: AiringItem, b: AiringItem) => number> = {
  ID: (a, b) => a.id - b.id,
  ID_DESC: (a, b) => b.id - a.id,
  MEDIA_ID: (a, b) => a.mediaId - b.mediaId,
  MEDIA_ID_DESC: (a, b) => b.mediaId - a.mediaId,
  TIME: (a, b) => a.airingAt - b.airingAt,
  TIME_DESC: (a, b) => b.airingAt - a.airingAt,
  EPISODE: (a, b) => a.episode - b.episode,
  EPISODE_DESC: (a, b) => b.episode - a.episode,
};

interface AiringItem {
  id: number;
  airingAt: number;
  timeUntilAiring: number;
  episode: number;
  mediaId: number;
  media: FakeMedia;
}

function airingSource(ctx: GqlContext): AiringScheduleSource {
  return { anchorS: ctx.store.airingAnchorS, explicit: ctx.store.airingSchedules };
}

function airingItem(ctx: GqlContext, media: FakeMedia, episode: { episode: number; airingAt: number }): AiringItem {
  const nowS = Math.floor(ctx.nowMs / 1000);
  return { id: airingScheduleId(media.id, episode.episode), airingAt: episode.airingAt, timeUntilAiring: episode.airingAt - nowS, episode: episode.episode, mediaId: media.id, media };
}

/** `Page.airingSchedules`: every title's schedule (derived from the fake's clock, or set by a test), filtered. */
function filterAiringSchedules(ctx: GqlContext, args: Args): AiringItem[] {
  const mediaId = int(args.mediaId);
  const mediaIdIn = arr<number>(args.mediaId_in);
  const mediaIdNotIn = arr<number>(args.mediaId_not_in);
  const episode = int(args.episode);
  const episodeIn = arr<number>(args.episode_in);
  const episodeGreater = int(args.episode_greater);
  const episodeLesser = int(args.episode_lesser);
  const airingAt = int(args.airingAt);
  const after = int(args.airingAt_greater);
  const before = int(args.airingAt_lesser);
  const notYetAired = bool(args.notYetAired);
  const id = int(args.id);
  const nowS = Math.floor(ctx.nowMs / 1000);
  const source = airingSource(ctx);
  const out: AiringItem[] = [];
  for (const media of ctx.store.media.values()) {
    if (mediaId !== undefined && media.id !== mediaId) continue;
    if (mediaIdIn && !mediaIdIn.includes(media.id)) continue;
    if (mediaIdNotIn?.includes(media.id)) continue;
    // The time bounds narrow the (possibly endless) derived schedule before anything else.
    const lower = Math.max(after ?? -Infinity, notYetAired === true ? nowS : -Infinity);
    const upper = Math.min(before ?? Infinity, notYetAired === false ? nowS + 1 : Infinity);
    for (const e of episodesOf(media, source, Number.isFinite(lower) ? lower : undefined, Number.isFinite(upper) ? upper : undefined)) {
      if (episode !== undefined && e.episode !== episode) continue;
      if (episodeIn && !episodeIn.includes(e.episode)) continue;
      if (episodeGreater !== undefined && e.episode <= episodeGreater) continue;
      if (episodeLesser !== undefined && e.episode >= episodeLesser) continue;
      if (airingAt !== undefined && e.airingAt !== airingAt) continue;
      const item = airingItem(ctx, media, e);
      if (id !== undefined && item.id !== id) continue;
      out.push(item);
    }
  }
  const sorts = sortArg(args.sort).map((name) => AIRING_SORTS[name]).filter((compare) => compare !== undefined);
  const order = sorts.length > 0 ? sorts : [AIRING_SORTS.ID!];
  return out.sort((a, b) => {
    for (const compare of order) {
      const d = compare(a, b);
      if (d !== 0) return d;
    }
    return a.id - b.id;
  });
}

// ----- Page ---------------------------------------------------------------------

interface PageInfoData {
  total: number;
  perPage: number;
  currentPage: number;
  lastPage: number;
  hasNextPage: boolean;
}

interface PageSource {
  page: number;
  perPage: number;
  info: PageInfoData | null;
}

function paginate<T>(src: PageSource, all: T[]): T[] {
  const start = (src.page - 1) * src.perPage;
  // "Limited to a max depth of 5000 entries": page * perPage beyond 5000 yields nothing.
  const beyondLimit = src.page * src.perPage > 5000;
  const items = beyondLimit ? [] : all.slice(start, start + src.perPage);
  src.info ??= {
    total: all.length,
    perPage: src.perPage,
    currentPage: src.page,
    lastPage: Math.max(1, Math.ceil(all.length / src.perPage)),
    hasNextPage: !beyondLimit && start + src.perPage < all.length && (src.page + 1) * src.perPage <= 5000,
  };
  return items;
}

// ----- notifications ---------------------------------------------------------------

/** The GraphQL object type of each NotificationType, and AniList's text around the names. */
const NOTIFICATION_SHAPES: Record<FakeNotificationType, { typeName: string; context?: string; contexts?: string[] }> = {
  AIRING: { typeName: 'AiringNotification', contexts: ['Episode ', ' of ', ' aired.'] },
  FOLLOWING: { typeName: 'FollowingNotification', context: ' started following you.' },
  ACTIVITY_MESSAGE: { typeName: 'ActivityMessageNotification', context: ' sent you a message.' },
  ACTIVITY_MENTION: { typeName: 'ActivityMentionNotification', context: ' mentioned you in their activity.' },
  ACTIVITY_REPLY: { typeName: 'ActivityReplyNotification', context: ' replied to your activity.' },
  ACTIVITY_REPLY_SUBSCRIBED: { typeName: 'ActivityReplySubscribedNotification', context: " replied to activity you're subscribed to." },
  ACTIVITY_LIKE: { typeName: 'ActivityLikeNotification', context: ' liked your activity.' },
  ACTIVITY_REPLY_LIKE: { typeName: 'ActivityReplyLikeNotification', context: ' liked your activity reply.' },
  THREAD_COMMENT_MENTION: { typeName: 'ThreadCommentMentionNotification', context: ' mentioned you, in the forum thread ' },
  THREAD_COMMENT_REPLY: { typeName: 'ThreadCommentReplyNotification', context: ' replied to your comment, in the forum thread ' },
  THREAD_SUBSCRIBED: { typeName: 'ThreadCommentSubscribedNotification', context: ' commented in your subscribed forum thread ' },
  THREAD_COMMENT_LIKE: { typeName: 'ThreadCommentLikeNotification', context: ' liked your comment, in the forum thread ' },
  THREAD_LIKE: { typeName: 'ThreadLikeNotification', context: ' liked your forum thread, ' },
  RELATED_MEDIA_ADDITION: { typeName: 'RelatedMediaAdditionNotification', context: ' was recently added to the site.' },
  MEDIA_DATA_CHANGE: { typeName: 'MediaDataChangeNotification', context: ' received site data changes.' },
  MEDIA_MERGE: { typeName: 'MediaMergeNotification', context: ' were merged into ' },
  MEDIA_DELETION: { typeName: 'MediaDeletionNotification', context: ' was deleted from the site.' },
  MEDIA_SUBMISSION_UPDATE: { typeName: 'MediaSubmissionUpdateNotification', contexts: ['Your submission ', ' was ', '.'] },
  STAFF_SUBMISSION_UPDATE: { typeName: 'StaffSubmissionUpdateNotification', contexts: ['Your submission ', ' was ', '.'] },
  CHARACTER_SUBMISSION_UPDATE: { typeName: 'CharacterSubmissionUpdateNotification', contexts: ['Your submission ', ' was ', '.'] },
};

/** A stored notification as its GraphQL object: ids the schema requires, related media and users looked up. */
function notificationView(ctx: GqlContext, n: FakeNotification): Record<string, unknown> {
  const shape = NOTIFICATION_SHAPES[n.type];
  return {
    ...n,
    context: n.context ?? shape.context ?? null,
    contexts: n.contexts ?? shape.contexts ?? null,
    animeId: n.mediaId ?? 0,
    mediaId: n.mediaId ?? 0,
    episode: n.episode ?? 0,
    userId: n.userId ?? 0,
    activityId: n.activityId ?? 0,
    threadId: n.threadId ?? 0,
    commentId: n.commentId ?? 0,
    media: n.mediaId === undefined ? null : (ctx.store.getMedia(n.mediaId) ?? null),
    user: n.userId === undefined ? null : (ctx.store.getUser(n.userId) ?? null),
    activity: null,
    message: null,
    thread: null,
    comment: null,
  };
}

// ----- mutations ------------------------------------------------------------------

interface EntryChanges {
  status?: MediaListStatus;
  scoreRaw?: number;
  progress?: number;
  progressVolumes?: number;
  repeat?: number;
  priority?: number;
  private?: boolean;
  notes?: string;
  hiddenFromStatusLists?: boolean;
  customLists?: string[];
  startedAt?: FuzzyDate;
  completedAt?: FuzzyDate;
}

function validateFuzzyDate(v: unknown, field: string, errs: Record<string, string[]>): FuzzyDate | undefined {
  if (v === null || v === undefined || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const d: FuzzyDate = { year: int(o.year) ?? null, month: int(o.month) ?? null, day: int(o.day) ?? null };
  const problems: string[] = [];
  if (d.year !== null && (d.year < 1900 || d.year > 2100)) problems.push(`The ${field}.year must be between 1900 and 2100.`);
  if (d.month !== null && (d.month < 1 || d.month > 12)) problems.push(`The ${field}.month must be between 1 and 12.`);
  if (d.day !== null && (d.day < 1 || d.day > 31)) problems.push(`The ${field}.day must be between 1 and 31.`);
  if (problems.length) errs[field] = problems;
  return d;
}

function addErr(errs: Record<string, string[]>, field: string, msg: string): void {
  (errs[field] ??= []).push(msg);
}

function checkIntRange(errs: Record<string, string[]>, args: Args, arg: string, label: string, min: number, max?: number): number | undefined {
  const v = int(args[arg]);
  if (v === undefined) return undefined;
  if (v < min) addErr(errs, arg, `The ${label} must be at least ${min}.`);
  if (max !== undefined && v > max) addErr(errs, arg, `The ${label} may not be greater than ${max}.`);
  return v;
}

function collectChanges(args: Args, scoreFormat: ScoreFormat, errs: Record<string, string[]>): EntryChanges {
  const ch: EntryChanges = {};
  const status = str(args.status);
  if (status !== undefined) ch.status = status as MediaListStatus;
  const score = typeof args.score === 'number' ? args.score : undefined;
  if (score !== undefined) {
    const r = formatToRaw(score, scoreFormat);
    if ('errors' in r) errs.score = r.errors;
    else ch.scoreRaw = r.raw;
  }
  const scoreRaw = checkIntRange(errs, args, 'scoreRaw', 'score raw', 0, 100);
  if (scoreRaw !== undefined) ch.scoreRaw = scoreRaw;
  const progress = checkIntRange(errs, args, 'progress', 'progress', 0);
  if (progress !== undefined) ch.progress = progress;
  const progressVolumes = checkIntRange(errs, args, 'progressVolumes', 'progress volumes', 0);
  if (progressVolumes !== undefined) ch.progressVolumes = progressVolumes;
  const repeat = checkIntRange(errs, args, 'repeat', 'repeat', 0, 1000);
  if (repeat !== undefined) ch.repeat = repeat;
  const priority = checkIntRange(errs, args, 'priority', 'priority', 0, 255);
  if (priority !== undefined) ch.priority = priority;
  const priv = bool(args.private);
  if (priv !== undefined) ch.private = priv;
  const hidden = bool(args.hiddenFromStatusLists);
  if (hidden !== undefined) ch.hiddenFromStatusLists = hidden;
  const notes = str(args.notes);
  if (notes !== undefined) {
    if (notes.length > 6000) addErr(errs, 'notes', 'The notes may not be greater than 6000 characters.');
    ch.notes = notes;
  }
  const customLists = arr<unknown>(args.customLists);
  if (customLists) ch.customLists = customLists.filter((x): x is string => typeof x === 'string');
  const startedAt = validateFuzzyDate(args.startedAt, 'startedAt', errs);
  if (startedAt) ch.startedAt = startedAt;
  const completedAt = validateFuzzyDate(args.completedAt, 'completedAt', errs);
  if (completedAt) ch.completedAt = completedAt;
  return ch;
}

function applyChanges(e: FakeMediaListEntry, ch: EntryChanges, nowS: number): void {
  Object.assign(e, ch);
  e.updatedAt = nowS;
}

// ---------------------------------------------------------------------------
// Resolvers
// ---------------------------------------------------------------------------

function attachResolvers(schema: GraphQLSchema): void {
  const nowS = (ctx: GqlContext): number => Math.floor(ctx.nowMs / 1000);

  setResolvers(schema, 'Query', {
    Viewer: (_s, _a, ctx) => requireViewer(ctx),
    User: (_s, args, ctx) => {
      const id = int(args.id);
      const name = str(args.name) ?? str(args.search);
      const user = id !== undefined ? ctx.store.getUser(id) : name !== undefined ? ctx.store.getUserByName(name) : undefined;
      if (!user || !canSeeUser(ctx, user)) throw notFound();
      return user;
    },
    Media: (_s, args, ctx) => {
      const m = filterMedia(ctx, args)[0];
      if (!m) throw notFound();
      return m;
    },
    MediaList: (_s, args, ctx) => {
      const id = int(args.id);
      let candidates: FakeMediaListEntry[];
      if (id !== undefined) {
        const e = ctx.store.entries.get(id);
        candidates = e ? [e] : [];
      } else if (args.userId !== undefined || args.userName !== undefined) {
        const user = resolveUserArg(ctx, args);
        if (!user || !canSeeUser(ctx, user)) throw notFound();
        candidates = ctx.store.entriesOf(user.id);
      } else {
        // Like the real API: without a user you get *somebody's* entry.
        candidates = [...ctx.store.entries.values()];
      }
      const sorts = sortArg(args.sort);
      const found = filterEntries(ctx, candidates, args).sort(entrySorter(ctx, sorts))[0];
      if (!found) throw notFound();
      return found;
    },
    MediaListCollection: (_s, args, ctx) => {
      const errs: Record<string, string[]> = {};
      if (args.userId === undefined && args.userName === undefined) {
        addErr(errs, 'userId', 'The user id field is required when user name is not present.');
      }
      if (args.type === undefined) addErr(errs, 'type', 'The type field is required.');
      if (Object.keys(errs).length) throw new ApiError('validation', 400, errs);
      const user = resolveUserArg(ctx, args);
      if (!user || !canSeeUser(ctx, user)) throw notFound();
      const type = str(args.type) as MediaType;
      const sorts = sortArg(args.sort);
      let entries = filterEntries(ctx, ctx.store.entriesOf(user.id, type), args).sort(entrySorter(ctx, sorts));
      let hasNextChunk = false;
      const chunkArg = int(args.chunk);
      const perChunkArg = int(args.perChunk);
      if (chunkArg !== undefined || perChunkArg !== undefined) {
        const perChunk = Math.min(500, Math.max(1, perChunkArg ?? 500));
        const chunk = Math.max(1, chunkArg ?? 1);
        const start = (chunk - 1) * perChunk;
        hasNextChunk = start + perChunk < entries.length;
        entries = entries.slice(start, start + perChunk);
      } else {
        entries = entries.slice(0, 11000);
      }
      return {
        lists: groupEntries(ctx, user, type, entries, bool(args.forceSingleCompletedList) ?? false),
        user,
        hasNextChunk,
      };
    },
    // AniList answers a fixed list of about twenty names; the fake's is every genre its media carry.
    GenreCollection: (_s, _a, ctx) => [...new Set([...ctx.store.media.values()].flatMap((m) => m.genres))].sort(),
    Page: (_s, args) => {
      const page = Math.max(1, int(args.page) ?? 1);
      const perPage = Math.min(50, Math.max(1, int(args.perPage) ?? 50));
      const src: PageSource = { page, perPage, info: null };
      return src;
    },
  });

  setResolvers(schema, 'Page', {
    pageInfo: async (src) => {
      // Let the sibling data field (media, mediaList, …) resolve first.
      await new Promise<void>((r) => setImmediate(r));
      const p = src as PageSource;
      return p.info ?? { total: 0, perPage: p.perPage, currentPage: p.page, lastPage: 1, hasNextPage: false };
    },
    media: (src, args, ctx) => paginate(src as PageSource, filterMedia(ctx, args)),
    mediaList: (src, args, ctx) => {
      let candidates: FakeMediaListEntry[];
      if (args.userId !== undefined || args.userName !== undefined) {
        const user = resolveUserArg(ctx, args);
        if (!user || !canSeeUser(ctx, user)) throw notFound();
        candidates = ctx.store.entriesOf(user.id);
      } else if (args.mediaId !== undefined || args.mediaId_in !== undefined || args.id !== undefined || args.userId_in !== undefined) {
        // With userId_in, entries of private profiles and private entries drop out silently (filterEntries),
        // as they do for a logged-out visitor on AniList; only the owner's own token sees them.
        candidates = [...ctx.store.entries.values()];
        const id = int(args.id);
        if (id !== undefined) candidates = candidates.filter((e) => e.id === id);
      } else {
        throw new ApiError('validation', 400, { userId: ['The user id field is required when none of user name / media id are present.'] });
      }
      const entries = filterEntries(ctx, candidates, args).sort(entrySorter(ctx, sortArg(args.sort)));
      return paginate(src as PageSource, entries);
    },
    airingSchedules: (src, args, ctx) => paginate(src as PageSource, filterAiringSchedules(ctx, args)),
    notifications: (src, args, ctx) => {
      // Only the token owner's own inbox; without a token AniList answers "Unauthorized.".
      const viewer = requireViewer(ctx);
      const type = str(args.type);
      const typeIn = arr<string>(args.type_in);
      const all = ctx.store
        .notificationsOf(viewer.id)
        .filter((n) => (type === undefined || n.type === type) && (typeIn === undefined || typeIn.includes(n.type)));
      const page = paginate(src as PageSource, all);
      // Reading notifications marks them read on anilist.co unless the caller says otherwise.
      if (bool(args.resetNotificationCount) !== false) ctx.store.markNotificationsRead(viewer.id);
      return page.map((n) => notificationView(ctx, n));
    },
    users: (src, args, ctx) => {
      const id = int(args.id);
      const name = str(args.name)?.toLowerCase();
      const search = str(args.search)?.toLowerCase();
      const users = [...ctx.store.users.values()].filter(
        (u) =>
          canSeeUser(ctx, u) &&
          (id === undefined || u.id === id) &&
          (name === undefined || u.name.toLowerCase() === name) &&
          (search === undefined || u.name.toLowerCase().includes(search)),
      );
      return paginate(src as PageSource, users);
    },
  });

  setResolvers(schema, 'User', {
    siteUrl: (u) => `https://anilist.co/user/${(u as FakeUser).name}`,
    about: (u) => (u as FakeUser).about,
    mediaListOptions: (u) => {
      const o = (u as FakeUser).mediaListOptions;
      const typeOptions = (custom: string[], type: MediaType) => ({
        sectionOrder: STATUS_ORDER.map((s) => statusListName(s, type)),
        splitCompletedSectionByFormat: o.splitCompletedSectionByFormat,
        customLists: custom,
        advancedScoring: [],
        advancedScoringEnabled: false,
        theme: null,
      });
      return {
        scoreFormat: o.scoreFormat,
        rowOrder: 'score',
        useLegacyLists: false,
        animeList: typeOptions(o.animeCustomLists, 'ANIME'),
        mangaList: typeOptions(o.mangaCustomLists, 'MANGA'),
      };
    },
    statistics: (u, _a, ctx) => ({
      anime: { ...statisticsFor(ctx, u as FakeUser, 'ANIME'), statuses: statusStatisticsFor(ctx, u as FakeUser, 'ANIME') },
      manga: { ...statisticsFor(ctx, u as FakeUser, 'MANGA'), statuses: statusStatisticsFor(ctx, u as FakeUser, 'MANGA') },
    }),
    unreadNotificationCount: (u, _a, ctx) => (ctx.viewer?.id === (u as FakeUser).id ? ctx.store.unreadNotificationCount(ctx.viewer.id) : null),
    isFollowing: () => false,
    isFollower: () => false,
    isBlocked: () => false,
  });

  const notificationUnion = schema.getType('NotificationUnion');
  if (!(notificationUnion instanceof GraphQLUnionType)) throw new Error('fake-anilist: NotificationUnion is not a union');
  notificationUnion.resolveType = (value) => NOTIFICATION_SHAPES[(value as FakeNotification).type].typeName;

  setResolvers(schema, 'Media', {
    siteUrl: (m) => `https://anilist.co/${(m as FakeMedia).type.toLowerCase()}/${(m as FakeMedia).id}`,
    title: (m) => (m as FakeMedia).title,
    description: (m, args) => {
      const d = (m as FakeMedia).description;
      if (d === null) return null;
      return args.asHtml === false ? d.replace(/<br>/g, '\n') : d;
    },
    isFavourite: () => false,
    isFavouriteBlocked: () => false,
    mediaListEntry: (m, _a, ctx) => (ctx.viewer ? (ctx.store.findEntry(ctx.viewer.id, (m as FakeMedia).id) ?? null) : null),
    seasonYear: (m) => (m as FakeMedia).seasonYear,
    season: (m) => (m as FakeMedia).season ?? null,
    startDate: (m) => ({ year: (m as FakeMedia).seasonYear, month: null, day: null }),
    studios: (m, args) => {
      const studios = ((m as FakeMedia).studios ?? []).filter((s) => args.isMain === undefined || args.isMain === null || s.isMain === args.isMain);
      const nodes = studios.map((s) => ({ id: s.id, name: s.name, isAnimationStudio: true, siteUrl: `https://anilist.co/studio/${s.id}`, isFavourite: false, favourites: 0 }));
      return { nodes, edges: nodes.map((node, i) => ({ node, id: node.id, isMain: studios[i]!.isMain, favouriteOrder: null })), pageInfo: null };
    },
    staff: (m, args) => {
      const perPage = Math.min(25, Math.max(1, int(args.perPage) ?? 25));
      const page = Math.max(1, int(args.page) ?? 1);
      const credits = ((m as FakeMedia).staff ?? []).slice((page - 1) * perPage, page * perPage);
      const staffNode = (c: { id: number; name: string }) => {
        const [first = '', ...rest] = c.name.split(' ');
        return { id: c.id, name: { first, last: rest.join(' ') || null, full: c.name, native: null, userPreferred: c.name, alternative: [] }, siteUrl: `https://anilist.co/staff/${c.id}`, isFavourite: false, isFavouriteBlocked: false };
      };
      const nodes = credits.map(staffNode);
      return { nodes, edges: credits.map((c, i) => ({ node: nodes[i], id: c.id, role: c.role, favouriteOrder: null })), pageInfo: null };
    },
    nextAiringEpisode: (m, _a, ctx) => {
      const media = m as FakeMedia;
      // The same schedule Page.airingSchedules answers from: the next episode moves on as the fake's clock does.
      const next = nextEpisodeOf(media, airingSource(ctx), nowS(ctx));
      return next ? airingItem(ctx, media, next) : null;
    },
  });

  setResolvers(schema, 'MediaTitle', {
    romaji: (t) => (t as FakeMedia['title']).romaji,
    english: (t) => (t as FakeMedia['title']).english,
    native: (t) => (t as FakeMedia['title']).native,
    userPreferred: (t, _a, ctx) => {
      const title = t as FakeMedia['title'];
      return titleFor({ title } as FakeMedia, ctx.viewer?.options.titleLanguage);
    },
  });

  setResolvers(schema, 'MediaList', {
    score: (e, args, ctx) => {
      const entry = e as FakeMediaListEntry;
      const format = (str(args.format) as ScoreFormat | undefined) ?? ctx.store.getUser(entry.userId)?.mediaListOptions.scoreFormat ?? 'POINT_100';
      return rawToFormat(entry.scoreRaw, format);
    },
    media: (e, _a, ctx) => ctx.store.getMedia((e as FakeMediaListEntry).mediaId) ?? null,
    user: (e, _a, ctx) => ctx.store.getUser((e as FakeMediaListEntry).userId) ?? null,
    customLists: (e, args, ctx) => {
      const entry = e as FakeMediaListEntry;
      const user = ctx.store.getUser(entry.userId);
      const type = ctx.store.getMedia(entry.mediaId)?.type;
      const names = user ? (type === 'MANGA' ? user.mediaListOptions.mangaCustomLists : user.mediaListOptions.animeCustomLists) : [];
      const all = [...names, ...entry.customLists.filter((n) => !names.includes(n))];
      if (args.asArray === true) return all.map((name) => ({ name, enabled: entry.customLists.includes(name) }));
      return Object.fromEntries(all.map((n) => [n, entry.customLists.includes(n)]));
    },
    advancedScores: () => null,
  });

  setResolvers(schema, 'Mutation', {
    SaveMediaListEntry: (_s, args, ctx) => {
      const viewer = requireViewer(ctx);
      const errs: Record<string, string[]> = {};
      const id = int(args.id);
      let entry: FakeMediaListEntry | undefined;
      let mediaId: number | undefined;
      if (id !== undefined) {
        entry = ctx.store.entries.get(id);
        if (!entry) addErr(errs, 'id', 'The selected id is invalid.');
        else if (entry.userId !== viewer.id) throw notAuthorizedToModify();
      } else {
        mediaId = int(args.mediaId);
        if (mediaId === undefined) addErr(errs, 'mediaId', 'The media id field is required when id is not present.');
        else if (!ctx.store.getMedia(mediaId)) addErr(errs, 'mediaId', 'The selected media id is invalid.');
      }
      const changes = collectChanges(args, viewer.mediaListOptions.scoreFormat, errs);
      if (Object.keys(errs).length) throw new ApiError('validation', 400, errs);
      if (!entry && mediaId !== undefined) entry = ctx.store.findEntry(viewer.id, mediaId);
      if (!entry) {
        return ctx.store.addEntry({ userId: viewer.id, mediaId: mediaId!, status: 'CURRENT', ...changes }, nowS(ctx));
      }
      applyChanges(entry, changes, nowS(ctx));
      return entry;
    },
    UpdateMediaListEntries: (_s, args, ctx) => {
      const viewer = requireViewer(ctx);
      const errs: Record<string, string[]> = {};
      const ids = (arr<unknown>(args.ids) ?? []).filter((x): x is number => typeof x === 'number');
      if (ids.length === 0) addErr(errs, 'ids', 'The ids field is required.');
      const entries: FakeMediaListEntry[] = [];
      for (const id of ids) {
        const e = ctx.store.entries.get(id);
        if (!e) addErr(errs, 'ids', 'The selected ids is invalid.');
        else if (e.userId !== viewer.id) throw notAuthorizedToModify();
        else entries.push(e);
      }
      const changes = collectChanges(args, viewer.mediaListOptions.scoreFormat, errs);
      if (Object.keys(errs).length) throw new ApiError('validation', 400, errs);
      for (const e of entries) applyChanges(e, changes, nowS(ctx));
      return entries;
    },
    DeleteMediaListEntry: (_s, args, ctx) => {
      const viewer = requireViewer(ctx);
      const id = int(args.id);
      if (id === undefined) throw new ApiError('validation', 400, { id: ['The id field is required.'] });
      const e = ctx.store.entries.get(id);
      if (!e) throw new ApiError('validation', 400, { id: ['The selected id is invalid.'] });
      if (e.userId !== viewer.id) throw notAuthorizedToModify();
      ctx.store.deleteEntry(id);
      return { deleted: true };
    },
  });

  // Every other mutation: auth required, then an explicit "not supported" error (never a silent null).
  const mutation = schema.getMutationType();
  if (mutation) {
    for (const field of Object.values(mutation.getFields())) {
      if (field.resolve) continue;
      const name = field.name;
      field.resolve = (_s, _a, ctx: GqlContext) => {
        requireViewer(ctx);
        throw new ApiError(`fake-anilist: mutation ${name} is not implemented`, 501);
      };
    }
  }
}

// ---------------------------------------------------------------------------
// Request pipeline
// ---------------------------------------------------------------------------

export interface PreparedRequest {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  variables: Record<string, unknown> | undefined;
  /** response keys (alias or name) of top-level fields */
  rootKeys: string[];
  rootFields: string[];
  firstRootLocation: SourceLocation;
}

export type PrepareResult = { ok: true; req: PreparedRequest } | { ok: false; response: GraphQLResponse; operationName: string | null };

const VALIDATION_RULES = specifiedRules.filter((r) => r !== NoUnusedVariablesRule);

function badRequest(message: string, locations?: readonly SourceLocation[]): GraphQLResponse {
  const err: AniListErrorJson = { message, status: 400 };
  if (locations) err.locations = locations;
  return { status: 400, body: { data: null, errors: [err] } };
}

function collectRoot(
  sel: SelectionSetNode,
  doc: DocumentNode,
  keys: string[],
  names: string[],
  locs: SourceLocation[],
  seen = new Set<string>(),
): void {
  for (const s of sel.selections) {
    if (s.kind === Kind.FIELD) {
      if (s.name.value.startsWith('__')) continue;
      keys.push(s.alias?.value ?? s.name.value);
      names.push(s.name.value);
      if (s.loc) locs.push({ line: s.loc.startToken.line, column: s.loc.startToken.column });
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      collectRoot(s.selectionSet, doc, keys, names, locs, seen);
    } else {
      const name = s.name.value;
      if (seen.has(name)) continue;
      seen.add(name);
      const frag = doc.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
      if (frag && frag.kind === Kind.FRAGMENT_DEFINITION) collectRoot(frag.selectionSet, doc, keys, names, locs, seen);
    }
  }
}

/**
 * Query complexity like webonyx/graphql-php's default (what AniList runs): every selected field costs 1 plus
 * its children; fragments are expanded; @skip/@include are honoured.
 * (graphql-query-complexity would compute the same numbers, but under vitest it loads a second copy of
 * graphql — CJS vs ESM — and refuses the schema, so the fake counts itself.)
 */
export function queryComplexity(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const included = (node: Parameters<typeof getDirectiveValues>[1]): boolean => {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return false;
    return true;
  };
  const count = (sel: SelectionSetNode, active: ReadonlySet<string>): number => {
    let total = 0;
    for (const s of sel.selections) {
      if (!included(s)) continue;
      if (s.kind === Kind.FIELD) {
        total += 1 + (s.selectionSet ? count(s.selectionSet, active) : 0);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        total += count(s.selectionSet, active);
      } else {
        const frag = fragments.get(s.name.value);
        if (!frag || active.has(frag.name.value)) continue;
        total += count(frag.selectionSet, new Set([...active, frag.name.value]));
      }
    }
    return total;
  };
  return count(operation.selectionSet, new Set());
}

/** Parse, validate and complexity-check a GraphQL POST body. */
export function prepareGraphQL(body: unknown, maxComplexity: number): PrepareResult {
  const schema = getSchema();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, response: badRequest('Must provide query string.'), operationName: null };
  }
  const b = body as Record<string, unknown>;
  const operationName = typeof b.operationName === 'string' && b.operationName !== '' ? b.operationName : null;
  if (typeof b.query !== 'string' || b.query.trim() === '') {
    return { ok: false, response: badRequest('Must provide query string.'), operationName };
  }
  if (b.variables !== undefined && b.variables !== null && (typeof b.variables !== 'object' || Array.isArray(b.variables))) {
    return { ok: false, response: badRequest('Variables are invalid JSON.'), operationName };
  }
  const variables = (b.variables ?? undefined) as Record<string, unknown> | undefined;
  let document: DocumentNode;
  try {
    document = parse(b.query);
  } catch (e) {
    if (e instanceof GraphQLError) return { ok: false, response: badRequest(e.message, e.locations), operationName };
    throw e;
  }
  const errors = validate(schema, document, VALIDATION_RULES);
  if (errors.length > 0) {
    return {
      ok: false,
      response: { status: 400, body: { data: null, errors: errors.map((e) => formatError(e, 400)) } },
      operationName,
    };
  }
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const msg = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
    return { ok: false, response: badRequest(msg), operationName };
  }
  let complexity: number;
  try {
    complexity = queryComplexity(document, operation, variables ?? {});
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, response: badRequest(message), operationName };
  }
  if (complexity > maxComplexity) {
    return { ok: false, response: badRequest(`Max query complexity should be ${maxComplexity} but got ${complexity}.`), operationName };
  }
  const keys: string[] = [];
  const names: string[] = [];
  const locs: SourceLocation[] = [];
  collectRoot(operation.selectionSet, document, keys, names, locs);
  return {
    ok: true,
    req: {
      document,
      operation,
      operationName: operationName ?? operation.name?.value ?? null,
      variables,
      rootKeys: keys,
      rootFields: names,
      firstRootLocation: locs[0] ?? { line: 1, column: 1 },
    },
  };
}

/** The "Invalid token" response (HTTP 400) for a prepared request. */
export function invalidTokenResponse(req: PreparedRequest | null): GraphQLResponse {
  const data = req ? Object.fromEntries(req.rootKeys.map((k) => [k, null])) : null;
  return {
    status: 400,
    body: {
      errors: [{ message: 'Invalid token', status: 400, locations: [req?.firstRootLocation ?? { line: 1, column: 1 }] }],
      data,
    },
  };
}

export async function executeGraphQL(req: PreparedRequest, ctx: GqlContext): Promise<GraphQLResponse> {
  const result = await execute({
    schema: getSchema(),
    document: req.document,
    variableValues: req.variables,
    operationName: req.operationName,
    contextValue: ctx,
  });
  const errors = result.errors?.map((e) => formatError(e, 400));
  const data = result.data ?? null;
  const status = errors?.[0]?.status ?? 200;
  const body: GraphQLResponse['body'] = errors ? { errors, data } : { data };
  return { status: status >= 100 && status < 600 ? status : 500, body };
}
