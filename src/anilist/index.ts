// The public face of the AniList room. Other rooms import from here, never from deeper files.
export {
  createAniListClient,
  type AniListClient,
  type AniListClientOptions,
  type AiringSchedulesData,
  type AiringSchedulesInput,
  type AiringWatchlistData,
  type AiringWatchlistInput,
  type AuthenticatedCallContext,
  type CallContext,
  type DeleteMediaListEntryInput,
  type ListReadOptions,
  type MediaCardData,
  type MediaCardInput,
  type NotificationsPage,
  type NotificationsPageInput,
  type SaveMediaListEntryInput,
  type SearchMediaInput,
  type UserMediaListQueryInput,
} from './client.js';
export {
  AniListError,
  isAniListError,
  toAniListError,
  type AniListErrorKind,
  type ValidationMessages,
} from './errors.js';
export {
  createRateLimiter,
  type Lane,
  type LaneStats,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimiterStats,
  type RateLimitReport,
  type ScheduleOptions,
} from './rate-limiter.js';
export type { HeaderSource } from './headers.js';
export type { UserMediaList } from './media-list.js';
export type * from './types.js';
