// Friendly names for the shapes the generated operation types describe. Nothing here is
// hand-written response typing: every type is carved out of src/anilist/generated.
import type {
  AiringSchedulesQuery,
  MediaByIdQuery,
  MediaCardQuery,
  RoleConnectionStatisticsFragment,
  ServerEntryFragment,
  NotificationsQuery,
  SaveMediaListEntryMutation,
  SearchMediaQuery,
  UserMediaListQuery,
  UserProfileQuery,
  ViewerQuery,
  WatchlistEntryFragment,
} from './generated/graphql.js';

export type {
  MediaFormat,
  MediaSeason,
  MediaStatus,
  MediaListStatus,
  MediaType,
  NotificationType,
  SaveMediaListEntryMutationVariables,
  ScoreFormat,
  UserTitleLanguage,
} from './generated/graphql.js';

export type Viewer = NonNullable<ViewerQuery['Viewer']>;
export type UserProfile = NonNullable<UserProfileQuery['User']>;

type MediaListCollection = NonNullable<UserMediaListQuery['MediaListCollection']>;
type MediaListGroup = NonNullable<NonNullable<MediaListCollection['lists']>[number]>;
export type MediaListEntry = NonNullable<NonNullable<MediaListGroup['entries']>[number]>;

export type MediaDetails = NonNullable<MediaByIdQuery['Media']>;
export type MediaSearchResult = NonNullable<NonNullable<NonNullable<SearchMediaQuery['Page']>['media']>[number]>;
export type SavedMediaListEntry = NonNullable<SaveMediaListEntryMutation['SaveMediaListEntry']>;

/** A title as the media card shows it (fetched without a token: the same for every viewer). */
export type MediaCardMedia = NonNullable<MediaCardQuery['Media']>;
/** One member's entry for a title, as a server view shows it. */
export type ServerEntry = ServerEntryFragment;

/** What a member's linked roles are computed from: their statistics and account age (the Viewer, or the owner of a saved entry). */
export type RoleConnectionStatistics = RoleConnectionStatisticsFragment;

/** One of the token owner's notifications, discriminated by `__typename`. */
export type AniListNotification = NonNullable<NonNullable<NonNullable<NotificationsQuery['Page']>['notifications']>[number]>;

/** An episode that aired, as an airing feed announces it (fetched without a token). */
export type AiredEpisode = NonNullable<NonNullable<NonNullable<AiringSchedulesQuery['Page']>['airingSchedules']>[number]>;

/** One member's CURRENT anime, public entries only. */
export type WatchlistEntry = WatchlistEntryFragment;
