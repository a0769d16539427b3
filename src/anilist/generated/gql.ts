/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation DeleteMediaListEntry($id: Int!) {\n  DeleteMediaListEntry(id: $id) {\n    deleted\n  }\n}": typeof types.DeleteMediaListEntryDocument,
    "query GenreCollection {\n  GenreCollection\n}": typeof types.GenreCollectionDocument,
    "query MediaById($id: Int!) {\n  Media(id: $id) {\n    ...MediaSummary\n    coverImage {\n      medium\n    }\n    mediaListEntry {\n      id\n      status\n      progress\n      score\n    }\n  }\n}": typeof types.MediaByIdDocument,
    "query MediaCard($mediaId: Int!, $withMedia: Boolean!, $members0: [Int], $members1: [Int], $members2: [Int], $members3: [Int], $with0: Boolean!, $with1: Boolean!, $with2: Boolean!, $with3: Boolean!) {\n  Media(id: $mediaId) @include(if: $withMedia) {\n    ...MediaSummary\n    ...MediaCardDetails\n  }\n  members0: Page(perPage: 50) @include(if: $with0) {\n    mediaList(mediaId: $mediaId, userId_in: $members0) {\n      ...ServerEntry\n    }\n  }\n  members1: Page(perPage: 50) @include(if: $with1) {\n    mediaList(mediaId: $mediaId, userId_in: $members1) {\n      ...ServerEntry\n    }\n  }\n  members2: Page(perPage: 50) @include(if: $with2) {\n    mediaList(mediaId: $mediaId, userId_in: $members2) {\n      ...ServerEntry\n    }\n  }\n  members3: Page(perPage: 50) @include(if: $with3) {\n    mediaList(mediaId: $mediaId, userId_in: $members3) {\n      ...ServerEntry\n    }\n  }\n}": typeof types.MediaCardDocument,
    "query OwnMediaListEntry($mediaId: Int!, $userId: Int!) {\n  Page(perPage: 1) {\n    mediaList(mediaId: $mediaId, userId: $userId) {\n      ...ServerEntry\n    }\n  }\n}": typeof types.OwnMediaListEntryDocument,
    "mutation SaveMediaListEntry($mediaId: Int!, $status: MediaListStatus, $progress: Int, $progressVolumes: Int, $score: Float) {\n  SaveMediaListEntry(\n    mediaId: $mediaId\n    status: $status\n    progress: $progress\n    progressVolumes: $progressVolumes\n    score: $score\n  ) {\n    id\n    userId\n    mediaId\n    status\n    progress\n    progressVolumes\n    score\n    scoreRaw: score(format: POINT_100)\n    updatedAt\n    private\n    user {\n      id\n      mediaListOptions {\n        scoreFormat\n      }\n      ...RoleConnectionStatistics\n    }\n    media {\n      ...MediaSummary\n    }\n  }\n}": typeof types.SaveMediaListEntryDocument,
    "query SearchMedia($search: String!, $type: MediaType, $isAdult: Boolean = false, $perPage: Int = 10) {\n  Page(page: 1, perPage: $perPage) {\n    media(search: $search, type: $type, isAdult: $isAdult, sort: SEARCH_MATCH) {\n      ...MediaSummary\n      coverImage {\n        medium\n      }\n    }\n  }\n}": typeof types.SearchMediaDocument,
    "query UserMediaList($userId: Int!, $type: MediaType!, $status: MediaListStatus, $chunk: Int!, $perChunk: Int = 500) {\n  MediaListCollection(\n    userId: $userId\n    type: $type\n    status: $status\n    sort: UPDATED_TIME_DESC\n    forceSingleCompletedList: true\n    chunk: $chunk\n    perChunk: $perChunk\n  ) {\n    hasNextChunk\n    user {\n      id\n      mediaListOptions {\n        scoreFormat\n      }\n    }\n    lists {\n      entries {\n        id\n        mediaId\n        status\n        progress\n        progressVolumes\n        score\n        updatedAt\n        private\n        hiddenFromStatusLists\n        media {\n          ...MediaSummary\n          ...ListMediaDetails\n        }\n      }\n    }\n  }\n}": typeof types.UserMediaListDocument,
    "query UserProfile($id: Int, $name: String) {\n  User(id: $id, name: $name) {\n    id\n    name\n    siteUrl\n    avatar {\n      large\n      medium\n    }\n    statistics {\n      anime {\n        count\n        meanScore\n        episodesWatched\n        minutesWatched\n      }\n      manga {\n        count\n        meanScore\n        chaptersRead\n        volumesRead\n      }\n    }\n    mediaListOptions {\n      scoreFormat\n    }\n  }\n}": typeof types.UserProfileDocument,
    "query Viewer {\n  Viewer {\n    id\n    name\n    siteUrl\n    avatar {\n      large\n      medium\n    }\n    options {\n      titleLanguage\n      displayAdultContent\n    }\n    mediaListOptions {\n      scoreFormat\n    }\n    ...RoleConnectionStatistics\n  }\n}": typeof types.ViewerDocument,
    "query ViewerStatistics {\n  Viewer {\n    ...RoleConnectionStatistics\n  }\n}": typeof types.ViewerStatisticsDocument,
    "fragment ListMediaDetails on Media {\n  status\n  season\n  seasonYear\n  duration\n  averageScore\n  genres\n  coverImage {\n    medium\n    color\n  }\n}": typeof types.ListMediaDetailsFragmentDoc,
    "fragment MediaCardDetails on Media {\n  status\n  description(asHtml: false)\n  season\n  seasonYear\n  startDate {\n    year\n  }\n  duration\n  averageScore\n  genres\n  coverImage {\n    large\n    medium\n    color\n  }\n  studios(isMain: true) {\n    nodes {\n      name\n    }\n  }\n  staff(perPage: 8, sort: [RELEVANCE, ID]) {\n    edges {\n      role\n      node {\n        name {\n          userPreferred\n        }\n      }\n    }\n  }\n  nextAiringEpisode {\n    airingAt\n    episode\n  }\n}": typeof types.MediaCardDetailsFragmentDoc,
    "fragment MediaSummary on Media {\n  id\n  type\n  format\n  episodes\n  chapters\n  volumes\n  isAdult\n  siteUrl\n  title {\n    userPreferred\n    romaji\n    english\n    native\n  }\n}": typeof types.MediaSummaryFragmentDoc,
    "fragment RoleConnectionStatistics on User {\n  id\n  name\n  createdAt\n  statistics {\n    anime {\n      episodesWatched\n      statuses {\n        status\n        count\n      }\n    }\n    manga {\n      chaptersRead\n      statuses {\n        status\n        count\n      }\n    }\n  }\n}": typeof types.RoleConnectionStatisticsFragmentDoc,
    "fragment ServerEntry on MediaList {\n  id\n  userId\n  status\n  progress\n  progressVolumes\n  score\n  scoreRaw: score(format: POINT_100)\n  private\n  user {\n    id\n    mediaListOptions {\n      scoreFormat\n    }\n  }\n}": typeof types.ServerEntryFragmentDoc,
};
const documents: Documents = {
    "mutation DeleteMediaListEntry($id: Int!) {\n  DeleteMediaListEntry(id: $id) {\n    deleted\n  }\n}": types.DeleteMediaListEntryDocument,
    "query GenreCollection {\n  GenreCollection\n}": types.GenreCollectionDocument,
    "query MediaById($id: Int!) {\n  Media(id: $id) {\n    ...MediaSummary\n    coverImage {\n      medium\n    }\n    mediaListEntry {\n      id\n      status\n      progress\n      score\n    }\n  }\n}": types.MediaByIdDocument,
    "query MediaCard($mediaId: Int!, $withMedia: Boolean!, $members0: [Int], $members1: [Int], $members2: [Int], $members3: [Int], $with0: Boolean!, $with1: Boolean!, $with2: Boolean!, $with3: Boolean!) {\n  Media(id: $mediaId) @include(if: $withMedia) {\n    ...MediaSummary\n    ...MediaCardDetails\n  }\n  members0: Page(perPage: 50) @include(if: $with0) {\n    mediaList(mediaId: $mediaId, userId_in: $members0) {\n      ...ServerEntry\n    }\n  }\n  members1: Page(perPage: 50) @include(if: $with1) {\n    mediaList(mediaId: $mediaId, userId_in: $members1) {\n      ...ServerEntry\n    }\n  }\n  members2: Page(perPage: 50) @include(if: $with2) {\n    mediaList(mediaId: $mediaId, userId_in: $members2) {\n      ...ServerEntry\n    }\n  }\n  members3: Page(perPage: 50) @include(if: $with3) {\n    mediaList(mediaId: $mediaId, userId_in: $members3) {\n      ...ServerEntry\n    }\n  }\n}": types.MediaCardDocument,
    "query OwnMediaListEntry($mediaId: Int!, $userId: Int!) {\n  Page(perPage: 1) {\n    mediaList(mediaId: $mediaId, userId: $userId) {\n      ...ServerEntry\n    }\n  }\n}": types.OwnMediaListEntryDocument,
    "mutation SaveMediaListEntry($mediaId: Int!, $status: MediaListStatus, $progress: Int, $progressVolumes: Int, $score: Float) {\n  SaveMediaListEntry(\n    mediaId: $mediaId\n    status: $status\n    progress: $progress\n    progressVolumes: $progressVolumes\n    score: $score\n  ) {\n    id\n    userId\n    mediaId\n    status\n    progress\n    progressVolumes\n    score\n    scoreRaw: score(format: POINT_100)\n    updatedAt\n    private\n    user {\n      id\n      mediaListOptions {\n        scoreFormat\n      }\n      ...RoleConnectionStatistics\n    }\n    media {\n      ...MediaSummary\n    }\n  }\n}": types.SaveMediaListEntryDocument,
    "query SearchMedia($search: String!, $type: MediaType, $isAdult: Boolean = false, $perPage: Int = 10) {\n  Page(page: 1, perPage: $perPage) {\n    media(search: $search, type: $type, isAdult: $isAdult, sort: SEARCH_MATCH) {\n      ...MediaSummary\n      coverImage {\n        medium\n      }\n    }\n  }\n}": types.SearchMediaDocument,
    "query UserMediaList($userId: Int!, $type: MediaType!, $status: MediaListStatus, $chunk: Int!, $perChunk: Int = 500) {\n  MediaListCollection(\n    userId: $userId\n    type: $type\n    status: $status\n    sort: UPDATED_TIME_DESC\n    forceSingleCompletedList: true\n    chunk: $chunk\n    perChunk: $perChunk\n  ) {\n    hasNextChunk\n    user {\n      id\n      mediaListOptions {\n        scoreFormat\n      }\n    }\n    lists {\n      entries {\n        id\n        mediaId\n        status\n        progress\n        progressVolumes\n        score\n        updatedAt\n        private\n        hiddenFromStatusLists\n        media {\n          ...MediaSummary\n          ...ListMediaDetails\n        }\n      }\n    }\n  }\n}": types.UserMediaListDocument,
    "query UserProfile($id: Int, $name: String) {\n  User(id: $id, name: $name) {\n    id\n    name\n    siteUrl\n    avatar {\n      large\n      medium\n    }\n    statistics {\n      anime {\n        count\n        meanScore\n        episodesWatched\n        minutesWatched\n      }\n      manga {\n        count\n        meanScore\n        chaptersRead\n        volumesRead\n      }\n    }\n    mediaListOptions {\n      scoreFormat\n    }\n  }\n}": types.UserProfileDocument,
    "query Viewer {\n  Viewer {\n    id\n    name\n    siteUrl\n    avatar {\n      large\n      medium\n    }\n    options {\n      titleLanguage\n      displayAdultContent\n    }\n    mediaListOptions {\n      scoreFormat\n    }\n    ...RoleConnectionStatistics\n  }\n}": types.ViewerDocument,
    "query ViewerStatistics {\n  Viewer {\n    ...RoleConnectionStatistics\n  }\n}": types.ViewerStatisticsDocument,
    "fragment ListMediaDetails on Media {\n  status\n  season\n  seasonYear\n  duration\n  averageScore\n  genres\n  coverImage {\n    medium\n    color\n  }\n}": types.ListMediaDetailsFragmentDoc,
    "fragment MediaCardDetails on Media {\n  status\n  description(asHtml: false)\n  season\n  seasonYear\n  startDate {\n    year\n  }\n  duration\n  averageScore\n  genres\n  coverImage {\n    large\n    medium\n    color\n  }\n  studios(isMain: true) {\n    nodes {\n      name\n    }\n  }\n  staff(perPage: 8, sort: [RELEVANCE, ID]) {\n    edges {\n      role\n      node {\n        name {\n          userPreferred\n        }\n      }\n    }\n  }\n  nextAiringEpisode {\n    airingAt\n    episode\n  }\n}": types.MediaCardDetailsFragmentDoc,
    "fragment MediaSummary on Media {\n  id\n  type\n  format\n  episodes\n  chapters\n  volumes\n  isAdult\n  siteUrl\n  title {\n    userPreferred\n    romaji\n    english\n    native\n  }\n}": types.MediaSummaryFragmentDoc,
    "fragment RoleConnectionStatistics on User {\n  id\n  name\n  createdAt\n  statistics {\n    anime {\n      episodesWatched\n      statuses {\n        status\n        count\n      }\n    }\n    manga {\n      chaptersRead\n      statuses {\n        status\n        count\n      }\n    }\n  }\n}": types.RoleConnectionStatisticsFragmentDoc,
    "fragment ServerEntry on MediaList {\n  id\n  userId\n  status\n  progress\n  progressVolumes\n  score\n  scoreRaw: score(format: POINT_100)\n  private\n  user {\n    id\n    mediaListOptions {\n      scoreFormat\n    }\n  }\n}": types.ServerEntryFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteMediaListEntry($id: Int!) {\n  DeleteMediaListEntry(id: $id) {\n    deleted\n  }\n}"): (typeof documents)["mutation DeleteMediaListEntry($id: Int!) {\n  DeleteMediaListEntry(id: $id) {\n    deleted\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GenreCollection {\n  GenreCollection\n}"): (typeof documents)["query GenreCollection {\n  GenreCollection\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MediaById($id: Int!) {\n  Media(id: $id) {\n    ...MediaSummary\n    coverImage {\n      medium\n    }\n    mediaListEntry {\n      id\n      status\n      progress\n      score\n    }\n  }\n}"): (typeof documents)["query MediaById($id: Int!) {\n  Media(id: $id) {\n    ...MediaSummary\n    coverImage {\n      medium\n    }\n    mediaListEntry {\n      id\n      status\n      progress\n      score\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MediaCard($mediaId: Int!, $withMedia: Boolean!, $members0: [Int], $members1: [Int], $members2: [Int], $members3: [Int], $with0: Boolean!, $with1: Boolean!, $with2: Boolean!, $with3: Boolean!) {\n  Media(id: $mediaId) @include(if: $withMedia) {\n    ...MediaSummary\n    ...MediaCardDetails\n  }\n  members0: Page(perPage: 50) @include(if: $with0) {\n    mediaList(mediaId: $mediaId, userId_in: $members0) {\n      ...ServerEntry\n    }\n  }\n  members1: Page(perPage: 50) @include(if: $with1) {\n    mediaList(mediaId: $mediaId, userId_in: $members1) {\n      ...ServerEntry\n    }\n  }\n  members2: Page(perPage: 50) @include(if: $with2) {\n    mediaList(mediaId: $mediaId, userId_in: $members2) {\n      ...ServerEntry\n    }\n  }\n  members3: Page(perPage: 50) @include(if: $with3) {\n    mediaList(mediaId: $mediaId, userId_in: $members3) {\n      ...ServerEntry\n    }\n  }\n}"): (typeof documents)["query MediaCard($mediaId: Int!, $withMedia: Boolean!, $members0: [Int], $members1: [Int], $members2: [Int], $members3: [Int], $with0: Boolean!, $with1: Boolean!, $with2: Boolean!, $with3: Boolean!) {\n  Media(id: $mediaId) @include(if: $withMedia) {\n    ...MediaSummary\n    ...MediaCardDetails\n  }\n  members0: Page(perPage: 50) @include(if: $with0) {\n    mediaList(mediaId: $mediaId, userId_in: $members0) {\n      ...ServerEntry\n    }\n  }\n  members1: Page(perPage: 50) @include(if: $with1) {\n    mediaList(mediaId: $mediaId, userId_in: $members1) {\n      ...ServerEntry\n    }\n  }\n  members2: Page(perPage: 50) @include(if: $with2) {\n    mediaList(mediaId: $mediaId, userId_in: $members2) {\n      ...ServerEntry\n    }\n  }\n  members3: Page(perPage: 50) @include(if: $with3) {\n    mediaList(mediaId: $mediaId, userId_in: $members3) {\n      ...ServerEntry\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OwnMediaListEntry($mediaId: Int!, $userId: Int!) {\n  Page(perPage: 1) {\n    mediaList(mediaId: $mediaId, userId: $userId) {\n      ...ServerEntry\n    }\n  }\n}"): (typeof documents)["query OwnMediaListEntry($mediaId: Int!, $userId: Int!) {\n  Page(perPage: 1) {\n    mediaList(mediaId: $mediaId, userId: $userId) {\n      ...ServerEntry\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SaveMediaListEntry($mediaId: Int!, $status: MediaListStatus, $progress: Int, $progressVolumes: Int, $score: Float) {\n  SaveMediaListEntry(\n    mediaId: $mediaId\n    status: $status\n    progress: $progress\n    progressVolumes: $progressVolumes\n    score: $score\n  ) {\n    id\n    userId\n    mediaId\n    status\n    progress\n    progressVolumes\n    score\n    scoreRaw: score(format: POINT_100)\n    updatedAt\n    private\n    user {\n      id\n      mediaListOptions {\n        scoreFormat\n      }\n      ...RoleConnectionStatistics\n    }\n    media {\n      ...MediaSummary\n    }\n  }\n}"): (typeof documents)["mutation SaveMediaListEntry($mediaId: Int!, $status: MediaListStatus, $progress: Int, $progressVolumes: Int, $score: Float) {\n  SaveMediaListEntry(\n    mediaId: $mediaId\n    status: $status\n    progress: $progress\n    progressVolumes: $progressVolumes\n    score: $score\n  ) {\n    id\n    userId\n    mediaId\n    status\n    progress\n    progressVolumes\n    score\n    scoreRaw: score(format: POINT_100)\n    updatedAt\n    private\n    user {\n      id\n      mediaListOptions {\n        scoreFormat\n      }\n      ...RoleConnectionStatistics\n    }\n    media {\n      ...MediaSummary\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SearchMedia($search: String!, $type: MediaType, $isAdult: Boolean = false, $perPage: Int = 10) {\n  Page(page: 1, perPage: $perPage) {\n    media(search: $search, type: $type, isAdult: $isAdult, sort: SEARCH_MATCH) {\n      ...MediaSummary\n      coverImage {\n        medium\n      }\n    }\n  }\n}"): (typeof documents)["query SearchMedia($search: String!, $type: MediaType, $isAdult: Boolean = false, $perPage: Int = 10) {\n  Page(page: 1, perPage: $perPage) {\n    media(search: $search, type: $type, isAdult: $isAdult, sort: SEARCH_MATCH) {\n      ...MediaSummary\n      coverImage {\n        medium\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query UserMediaList($userId: Int!, $type: MediaType!, $status: MediaListStatus, $chunk: Int!, $perChunk: Int = 500) {\n  MediaListCollection(\n    userId: $userId\n    type: $type\n    status: $status\n    sort: UPDATED_TIME_DESC\n    forceSingleCompletedList: true\n    chunk: $chunk\n    perChunk: $perChunk\n  ) {\n    hasNextChunk\n    user {\n      id\n      mediaListOptions {\n        scoreFormat\n      }\n    }\n    lists {\n      entries {\n        id\n        mediaId\n        status\n        progress\n        progressVolumes\n        score\n        updatedAt\n        private\n        hiddenFromStatusLists\n        media {\n          ...MediaSummary\n          ...ListMediaDetails\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query UserMediaList($userId: Int!, $type: MediaType!, $status: MediaListStatus, $chunk: Int!, $perChunk: Int = 500) {\n  MediaListCollection(\n    userId: $userId\n    type: $type\n    status: $status\n    sort: UPDATED_TIME_DESC\n    forceSingleCompletedList: true\n    chunk: $chunk\n    perChunk: $perChunk\n  ) {\n    hasNextChunk\n    user {\n      id\n      mediaListOptions {\n        scoreFormat\n      }\n    }\n    lists {\n      entries {\n        id\n        mediaId\n        status\n        progress\n        progressVolumes\n        score\n        updatedAt\n        private\n        hiddenFromStatusLists\n        media {\n          ...MediaSummary\n          ...ListMediaDetails\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query UserProfile($id: Int, $name: String) {\n  User(id: $id, name: $name) {\n    id\n    name\n    siteUrl\n    avatar {\n      large\n      medium\n    }\n    statistics {\n      anime {\n        count\n        meanScore\n        episodesWatched\n        minutesWatched\n      }\n      manga {\n        count\n        meanScore\n        chaptersRead\n        volumesRead\n      }\n    }\n    mediaListOptions {\n      scoreFormat\n    }\n  }\n}"): (typeof documents)["query UserProfile($id: Int, $name: String) {\n  User(id: $id, name: $name) {\n    id\n    name\n    siteUrl\n    avatar {\n      large\n      medium\n    }\n    statistics {\n      anime {\n        count\n        meanScore\n        episodesWatched\n        minutesWatched\n      }\n      manga {\n        count\n        meanScore\n        chaptersRead\n        volumesRead\n      }\n    }\n    mediaListOptions {\n      scoreFormat\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer {\n  Viewer {\n    id\n    name\n    siteUrl\n    avatar {\n      large\n      medium\n    }\n    options {\n      titleLanguage\n      displayAdultContent\n    }\n    mediaListOptions {\n      scoreFormat\n    }\n    ...RoleConnectionStatistics\n  }\n}"): (typeof documents)["query Viewer {\n  Viewer {\n    id\n    name\n    siteUrl\n    avatar {\n      large\n      medium\n    }\n    options {\n      titleLanguage\n      displayAdultContent\n    }\n    mediaListOptions {\n      scoreFormat\n    }\n    ...RoleConnectionStatistics\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ViewerStatistics {\n  Viewer {\n    ...RoleConnectionStatistics\n  }\n}"): (typeof documents)["query ViewerStatistics {\n  Viewer {\n    ...RoleConnectionStatistics\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ListMediaDetails on Media {\n  status\n  season\n  seasonYear\n  duration\n  averageScore\n  genres\n  coverImage {\n    medium\n    color\n  }\n}"): (typeof documents)["fragment ListMediaDetails on Media {\n  status\n  season\n  seasonYear\n  duration\n  averageScore\n  genres\n  coverImage {\n    medium\n    color\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment MediaCardDetails on Media {\n  status\n  description(asHtml: false)\n  season\n  seasonYear\n  startDate {\n    year\n  }\n  duration\n  averageScore\n  genres\n  coverImage {\n    large\n    medium\n    color\n  }\n  studios(isMain: true) {\n    nodes {\n      name\n    }\n  }\n  staff(perPage: 8, sort: [RELEVANCE, ID]) {\n    edges {\n      role\n      node {\n        name {\n          userPreferred\n        }\n      }\n    }\n  }\n  nextAiringEpisode {\n    airingAt\n    episode\n  }\n}"): (typeof documents)["fragment MediaCardDetails on Media {\n  status\n  description(asHtml: false)\n  season\n  seasonYear\n  startDate {\n    year\n  }\n  duration\n  averageScore\n  genres\n  coverImage {\n    large\n    medium\n    color\n  }\n  studios(isMain: true) {\n    nodes {\n      name\n    }\n  }\n  staff(perPage: 8, sort: [RELEVANCE, ID]) {\n    edges {\n      role\n      node {\n        name {\n          userPreferred\n        }\n      }\n    }\n  }\n  nextAiringEpisode {\n    airingAt\n    episode\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment MediaSummary on Media {\n  id\n  type\n  format\n  episodes\n  chapters\n  volumes\n  isAdult\n  siteUrl\n  title {\n    userPreferred\n    romaji\n    english\n    native\n  }\n}"): (typeof documents)["fragment MediaSummary on Media {\n  id\n  type\n  format\n  episodes\n  chapters\n  volumes\n  isAdult\n  siteUrl\n  title {\n    userPreferred\n    romaji\n    english\n    native\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment RoleConnectionStatistics on User {\n  id\n  name\n  createdAt\n  statistics {\n    anime {\n      episodesWatched\n      statuses {\n        status\n        count\n      }\n    }\n    manga {\n      chaptersRead\n      statuses {\n        status\n        count\n      }\n    }\n  }\n}"): (typeof documents)["fragment RoleConnectionStatistics on User {\n  id\n  name\n  createdAt\n  statistics {\n    anime {\n      episodesWatched\n      statuses {\n        status\n        count\n      }\n    }\n    manga {\n      chaptersRead\n      statuses {\n        status\n        count\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ServerEntry on MediaList {\n  id\n  userId\n  status\n  progress\n  progressVolumes\n  score\n  scoreRaw: score(format: POINT_100)\n  private\n  user {\n    id\n    mediaListOptions {\n      scoreFormat\n    }\n  }\n}"): (typeof documents)["fragment ServerEntry on MediaList {\n  id\n  userId\n  status\n  progress\n  progressVolumes\n  score\n  scoreRaw: score(format: POINT_100)\n  private\n  user {\n    id\n    mediaListOptions {\n      scoreFormat\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;