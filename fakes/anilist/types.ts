/**
 * Public types of the fake AniList server (test-only).
 */

export type ScoreFormat = 'POINT_100' | 'POINT_10_DECIMAL' | 'POINT_10' | 'POINT_5' | 'POINT_3';
export type TitleLanguage =
  | 'ROMAJI'
  | 'ENGLISH'
  | 'NATIVE'
  | 'ROMAJI_STYLISED'
  | 'ENGLISH_STYLISED'
  | 'NATIVE_STYLISED';
export type MediaType = 'ANIME' | 'MANGA';
export type MediaListStatus = 'CURRENT' | 'PLANNING' | 'COMPLETED' | 'DROPPED' | 'PAUSED' | 'REPEATING';
export type MediaFormat =
  | 'TV'
  | 'TV_SHORT'
  | 'MOVIE'
  | 'SPECIAL'
  | 'OVA'
  | 'ONA'
  | 'MUSIC'
  | 'MANGA'
  | 'NOVEL'
  | 'ONE_SHOT';
export type MediaStatus = 'FINISHED' | 'RELEASING' | 'NOT_YET_RELEASED' | 'CANCELLED' | 'HIATUS';

export interface FuzzyDate {
  year: number | null;
  month: number | null;
  day: number | null;
}

export interface FakeUser {
  id: number;
  name: string;
  about: string | null;
  /** PRIVATE profile: `User`/`MediaListCollection`/... return 404 to anyone but the user themself. */
  private: boolean;
  avatar: { large: string; medium: string };
  bannerImage: string | null;
  options: { titleLanguage: TitleLanguage; displayAdultContent: boolean; staffNameLanguage: 'ROMAJI_WESTERN' | 'ROMAJI' | 'NATIVE' };
  mediaListOptions: {
    scoreFormat: ScoreFormat;
    /** When true the COMPLETED section is split per format (unless forceSingleCompletedList). */
    splitCompletedSectionByFormat: boolean;
    animeCustomLists: string[];
    mangaCustomLists: string[];
  };
  createdAt: number;
  updatedAt: number;
}

export interface FakeMedia {
  id: number;
  idMal: number | null;
  type: MediaType;
  format: MediaFormat;
  status: MediaStatus;
  /** null while airing / unknown */
  episodes: number | null;
  /** minutes per episode */
  duration: number | null;
  chapters: number | null;
  volumes: number | null;
  isAdult: boolean;
  title: { romaji: string; english: string | null; native: string | null };
  synonyms: string[];
  genres: string[];
  description: string | null;
  averageScore: number | null;
  meanScore: number | null;
  popularity: number;
  coverImage: { extraLarge: string; large: string; medium: string; color: string | null };
  bannerImage: string | null;
  countryOfOrigin: string;
  seasonYear: number | null;
  /** Media.season; absent means null. */
  season?: 'WINTER' | 'SPRING' | 'SUMMER' | 'FALL' | null;
  /** Media.studios (anime); absent means none. */
  studios?: { id: number; name: string; isMain: boolean }[];
  /** Media.staff credits; absent means none. */
  staff?: { id: number; name: string; role: string }[];
  /**
   * RELEASING anime: the number of the next episode. Media.nextAiringEpisode then airs it 3 days and (id % 24)
   * hours after the fake's current time, so it is always in the future.
   */
  nextEpisode?: number | null;
}

export interface FakeMediaListEntry {
  id: number;
  userId: number;
  mediaId: number;
  status: MediaListStatus;
  /** 0–100, 0 = unscored. `MediaList.score` converts from this. */
  scoreRaw: number;
  progress: number;
  progressVolumes: number;
  repeat: number;
  priority: number;
  private: boolean;
  notes: string | null;
  hiddenFromStatusLists: boolean;
  customLists: string[];
  startedAt: FuzzyDate;
  completedAt: FuzzyDate;
  /** unix seconds */
  createdAt: number;
  /** unix seconds */
  updatedAt: number;
}

/** One episode's airing time in a title's schedule (`Page.airingSchedules`). */
export interface FakeAiringEpisode {
  episode: number;
  /** unix seconds */
  airingAt: number;
}

/** AniList's NotificationType values. */
export type FakeNotificationType =
  | 'ACTIVITY_MESSAGE'
  | 'ACTIVITY_REPLY'
  | 'FOLLOWING'
  | 'ACTIVITY_MENTION'
  | 'THREAD_COMMENT_MENTION'
  | 'THREAD_SUBSCRIBED'
  | 'THREAD_COMMENT_REPLY'
  | 'AIRING'
  | 'ACTIVITY_LIKE'
  | 'ACTIVITY_REPLY_LIKE'
  | 'THREAD_LIKE'
  | 'THREAD_COMMENT_LIKE'
  | 'ACTIVITY_REPLY_SUBSCRIBED'
  | 'RELATED_MEDIA_ADDITION'
  | 'MEDIA_DATA_CHANGE'
  | 'MEDIA_MERGE'
  | 'MEDIA_DELETION'
  | 'MEDIA_SUBMISSION_UPDATE'
  | 'STAFF_SUBMISSION_UPDATE'
  | 'CHARACTER_SUBMISSION_UPDATE';

/** A notification in one user's inbox. Ids grow with time, as AniList's do. */
export interface FakeNotification {
  id: number;
  /** Whose inbox it is in. */
  recipientId: number;
  type: FakeNotificationType;
  /** unix seconds */
  createdAt: number;
  /** The anime that aired (AIRING) or the media the notification is about. */
  mediaId?: number;
  /** AIRING: the episode that aired. */
  episode?: number;
  /** The other user: who followed, liked, replied or mentioned. */
  userId?: number;
  activityId?: number;
  threadId?: number;
  commentId?: number;
  /** AniList's text around the names; a realistic default per type when omitted. */
  context?: string;
  contexts?: string[];
  reason?: string;
  deletedMediaTitle?: string;
  deletedMediaTitles?: string[];
  status?: string;
}

/** What a test pushes: the id and time are assigned (ids keep growing, the time is the fake's clock). */
export type NewFakeNotification = Omit<FakeNotification, 'id' | 'recipientId' | 'createdAt'> & { createdAt?: number };

export interface FakeAniListSeed {
  users: FakeUser[];
  media: FakeMedia[];
  entries: FakeMediaListEntry[];
}

export interface FakeOAuthClient {
  id: string;
  secret: string;
  name: string;
  redirectUri: string;
}

export type FakeFailure =
  /** Delay the response by `ms`, then handle the request normally. */
  | { kind: 'latency'; ms: number }
  /** HTTP 500 with a JSON GraphQL error body. */
  | { kind: 'status500' }
  /** HTTP 403 "The AniList API has been temporarily disabled…" (API-FACTS §4). */
  | { kind: 'disabled403' }
  /** Answer as if the bearer token were invalid (HTTP 400 "Invalid token"). */
  | { kind: 'invalidToken' }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** HTTP 429 and start a Retry-After timeout of `retryAfterS` (default 60) seconds. */
  | { kind: 'rateLimited'; retryAfterS?: number; omitRetryAfter?: boolean }
  /** Arbitrary status/body (e.g. a Cloudflare 502 HTML page). */
  | { kind: 'status'; status: number; body?: string; contentType?: string };

export interface FakeAniListOptions {
  /** Port on 127.0.0.1 (default: any free port). */
  port?: number;
  /** OAuth client id (default '1234'). */
  clientId?: string;
  /** OAuth client secret (default 'fake-anilist-client-secret'). Never echoed by the fake. */
  clientSecret?: string;
  /** Registered redirect URI; must match EXACTLY (default 'http://127.0.0.1:3000/oauth/callback'). */
  redirectUri?: string;
  /** App name shown on the authorize page (default 'anilink (for AniList)'). */
  clientName?: string;
  /** Enforced requests per minute per client address, for GraphQL and (separately) the token endpoint (default 30). */
  rateLimitPerMinute?: number;
  /** Value sent in X-RateLimit-Limit (default = rateLimitPerMinute). Set 90 with rateLimitPerMinute 30 to mimic "degraded mode". */
  advertisedRateLimit?: number;
  /** Timeout after exceeding the limit, seconds (default 60). */
  rateLimitTimeoutSeconds?: number;
  /**
   * Burst limiter: more than `max` requests within `windowMs` → 429 and the timeout as well. Default: half the
   * per-minute limit within 5 s (an assumption: AniList does not publish its size); `false` turns it off.
   */
  burstLimit?: { max: number; windowMs: number } | false;
  /** Clock in ms (default Date.now). `advanceTime()` adds an offset on top of it. */
  now?: () => number;
  /** Replace the default seed data. */
  seed?: FakeAniListSeed;
  /** Access-token lifetime (default 31536000 = 1 year). */
  tokenLifetimeSeconds?: number;
  /** Authorization-code lifetime (default 600 = 10 min). */
  authCodeLifetimeSeconds?: number;
  /** Requests without a Referer header get the 403 "temporarily disabled" body (default false). */
  requireReferer?: boolean;
  /** Max query complexity (default 500). */
  maxComplexity?: number;
  /** Who is "logged in" on the authorize page. Default: SEED_USERS.alice.id with the default seed, else null. */
  loggedInUserId?: number | null;
}

export interface LoggedRequest {
  seq: number;
  /** clock time (ms) when the request was received */
  time: number;
  method: string;
  /** path without query string */
  path: string;
  query: Record<string, string>;
  /** lower-cased header names */
  headers: Record<string, string | string[] | undefined>;
  kind: 'graphql' | 'oauth-authorize' | 'oauth-token' | 'other';
  /** Parsed body (JSON or form). `client_secret` is replaced with '[REDACTED]'. */
  body: unknown;
  operationName: string | null;
  /** top-level field names of the executed operation (GraphQL only, when parseable) */
  rootFields: string[];
  /** the authenticated AniList user id, if a valid token was presented */
  viewerId: number | null;
  /** response status (0 if the socket was reset / not answered yet) */
  status: number;
}

export interface FakeAniListStats {
  /** GraphQL requests received (including rejected ones). */
  graphqlRequests: number;
  /** 429 responses sent. */
  rateLimited429s: number;
  /** Requests received while a Retry-After timeout was in force (the bot should send 0 of these). */
  requestsDuringRetryAfter: number;
  /** Requests rejected with "Invalid token". */
  invalidTokenResponses: number;
  /** Token endpoint calls. */
  tokenRequests: number;
  /** Token endpoint calls refused with 429. */
  tokenRateLimited429s: number;
  /** Injected failures consumed. */
  injectedFailuresServed: number;
}
