// Friendly names for the shapes the generated operation types describe. Nothing here is
// hand-written response typing: every type is carved out of src/anilist/generated.
import type {
  MediaByIdQuery,
  NotificationsQuery,
  SaveMediaListEntryMutation,
  SearchMediaQuery,
  UserMediaListQuery,
  UserProfileQuery,
  ViewerQuery,
} from './generated/graphql.js';

export type {
  MediaFormat,
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

/** One of the token owner's notifications, discriminated by `__typename`. */
export type AniListNotification = NonNullable<NonNullable<NonNullable<NotificationsQuery['Page']>['notifications']>[number]>;
