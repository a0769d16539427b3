import type { MediaListStatus, MediaType } from '../../src/anilist/index.js';
import type { MessageKey, Translator } from '../../src/i18n/index.js';

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

/** AniList's own wording for each list (English, as on AniList's site): the slash-command choices' names. */
const ENGLISH_STATUS: Record<MediaListStatus, { anime: string; manga: string }> = {
  CURRENT: { anime: 'Watching', manga: 'Reading' },
  PLANNING: { anime: 'Planning to watch', manga: 'Planning to read' },
  COMPLETED: { anime: 'Completed', manga: 'Completed' },
  PAUSED: { anime: 'Paused', manga: 'Paused' },
  DROPPED: { anime: 'Dropped', manga: 'Dropped' },
  REPEATING: { anime: 'Rewatching', manga: 'Rereading' },
};

/** The statuses as slash-command choices, each named for anime and manga at once ("Watching / Reading"). */
export const LIST_STATUS_CHOICES = LIST_STATUSES.map((status) => {
  const { anime, manga } = ENGLISH_STATUS[status];
  return { name: anime === manga ? anime : `${anime} / ${manga}`, value: status };
});

const STATUS_KEYS: Record<MediaListStatus, MessageKey> = {
  CURRENT: 'media.status.CURRENT',
  PLANNING: 'media.status.PLANNING',
  COMPLETED: 'media.status.COMPLETED',
  PAUSED: 'media.status.PAUSED',
  DROPPED: 'media.status.DROPPED',
  REPEATING: 'media.status.REPEATING',
};

/** AniList's wording for each list, which differs between anime and manga, as the reader's catalogue has it. */
export function statusLabel(t: Translator, status: MediaListStatus | null | undefined, type: MediaType | null | undefined): string {
  if (!status) return t('media.status.unknown');
  return t(STATUS_KEYS[status], { type: type === 'MANGA' ? 'MANGA' : 'ANIME' });
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

/** `type` as a message's select value: MANGA, or ANIME for anything else. */
export function kindOf(media: { readonly type?: MediaType | null | undefined } | null | undefined): 'ANIME' | 'MANGA' {
  return media?.type === 'MANGA' ? 'MANGA' : 'ANIME';
}

/** "Ep 5/12", "Ch 120/?" in the reader's language. */
export function formatProgress(t: Translator, progress: number | null | undefined, media: MediaTotals | null | undefined): string {
  const total = totalUnits(media);
  return t('media.progress', { type: kindOf(media), progress: String(progress ?? 0), total: total === null ? '?' : String(total) });
}

const FORMAT_KEYS: Record<string, MessageKey> = {
  TV: 'media.format.TV',
  TV_SHORT: 'media.format.TV_SHORT',
  MOVIE: 'media.format.MOVIE',
  SPECIAL: 'media.format.SPECIAL',
  OVA: 'media.format.OVA',
  ONA: 'media.format.ONA',
  MUSIC: 'media.format.MUSIC',
  MANGA: 'media.format.MANGA',
  NOVEL: 'media.format.NOVEL',
  ONE_SHOT: 'media.format.ONE_SHOT',
};

/** AniList's media format (TV, MOVIE, NOVEL…) in the reader's words; a format added later shows as AniList names it. */
export function formatName(t: Translator, format: string | null | undefined): string {
  if (!format) return '—';
  const key = FORMAT_KEYS[format];
  return key ? t(key) : format.replace(/_/g, ' ');
}
