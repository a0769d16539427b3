import type { MediaListStatus, MediaType } from '../../src/anilist/index.js';

/** AniList's brand blue, for every embed the bot sends. */
export const ANILIST_BLUE = 0x3db4f2;

export interface TitleVariants {
  readonly userPreferred?: string | null | undefined;
  readonly romaji?: string | null | undefined;
  readonly english?: string | null | undefined;
  readonly native?: string | null | undefined;
}

/**
 * The title to show. AniList already picked `userPreferred` when the request carried the viewer's token; for
 * data fetched without one (shared search results) the viewer's stored language picks among the variants.
 */
/** `language` is a UserTitleLanguage, kept as text the way the link stores it. */
export function displayTitle(title: TitleVariants | null | undefined, language?: string | null): string {
  if (!title) return 'Untitled';
  const byLanguage = language?.startsWith('ENGLISH') ? title.english : language?.startsWith('NATIVE') ? title.native : undefined;
  return byLanguage ?? (language ? title.romaji : title.userPreferred) ?? title.userPreferred ?? title.romaji ?? title.english ?? title.native ?? 'Untitled';
}

export function allTitles(title: TitleVariants | null | undefined): string[] {
  if (!title) return [];
  return [title.userPreferred, title.romaji, title.english, title.native].filter((t): t is string => typeof t === 'string' && t !== '');
}

export const LIST_STATUSES = ['CURRENT', 'PLANNING', 'COMPLETED', 'PAUSED', 'DROPPED', 'REPEATING'] as const satisfies readonly MediaListStatus[];

const STATUS_SET = new Set<string>(LIST_STATUSES);

export function isListStatus(value: unknown): value is MediaListStatus {
  return typeof value === 'string' && STATUS_SET.has(value);
}

/** The statuses as slash-command choices, each named for anime and manga at once ("Watching / Reading"). */
export const LIST_STATUS_CHOICES = LIST_STATUSES.map((status) => ({
  name: `${statusLabel(status, 'ANIME')} / ${statusLabel(status, 'MANGA')}`.replace(/^(.+) \/ \1$/, '$1'),
  value: status,
}));

/** AniList's own wording for each list, which differs between anime and manga. */
export function statusLabel(status: MediaListStatus | null | undefined, type: MediaType | null | undefined): string {
  const reading = type === 'MANGA';
  switch (status) {
    case 'CURRENT':
      return reading ? 'Reading' : 'Watching';
    case 'REPEATING':
      return reading ? 'Rereading' : 'Rewatching';
    case 'PLANNING':
      return reading ? 'Planning to read' : 'Planning to watch';
    case 'COMPLETED':
      return 'Completed';
    case 'PAUSED':
      return 'Paused';
    case 'DROPPED':
      return 'Dropped';
    default:
      return 'Unknown';
  }
}

export interface MediaTotals {
  readonly type?: MediaType | null | undefined;
  readonly episodes?: number | null | undefined;
  readonly chapters?: number | null | undefined;
}

/** Episodes for anime, chapters for manga; null while AniList does not know (still airing, on hiatus). */
export function totalUnits(media: MediaTotals | null | undefined): number | null {
  const total = media?.type === 'MANGA' ? media.chapters : media?.episodes;
  return typeof total === 'number' && total > 0 ? total : null;
}

export function unitName(type: MediaType | null | undefined, plural = false): string {
  const base = type === 'MANGA' ? 'chapter' : 'episode';
  return plural ? `${base}s` : base;
}

/** "Ep 5/12", "Ch 120/?" */
export function formatProgress(progress: number | null | undefined, media: MediaTotals | null | undefined): string {
  const total = totalUnits(media);
  const prefix = media?.type === 'MANGA' ? 'Ch' : 'Ep';
  return `${prefix} ${progress ?? 0}/${total ?? '?'}`;
}
