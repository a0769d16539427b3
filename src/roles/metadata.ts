/**
 * What anilink vouches for in Discord's linked roles: the five metadata records a server admin builds requirements
 * from ("completed ≥ 100 anime"), and how a member's AniList statistics become their values.
 *
 * The keys are a contract (admins' requirements refer to them; renaming one breaks every role built on it). The
 * English names and descriptions are METADATA_TEXT; their translations are in the catalogues under
 * `roles.metadata.<key>.name` and `.description` (the English there equals METADATA_TEXT: a test checks it).
 */
import type { RoleConnectionStatistics } from '../anilist/index.js';
import type { Translations } from '../i18n/index.js';

/** Discord's MetadataItemTypes that anilink uses. */
export const MetadataType = {
  IntegerGreaterThanOrEqual: 2,
  /** The value is an ISO8601 date; the admin's number is "at least this many days ago". */
  DatetimeGreaterThanOrEqual: 6,
} as const;

export const METADATA_KEYS = ['anime_completed', 'episodes_watched', 'manga_completed', 'chapters_read', 'anilist_since'] as const;
export type MetadataKey = (typeof METADATA_KEYS)[number];

const METADATA_TYPES: Record<MetadataKey, number> = {
  anime_completed: MetadataType.IntegerGreaterThanOrEqual,
  episodes_watched: MetadataType.IntegerGreaterThanOrEqual,
  manga_completed: MetadataType.IntegerGreaterThanOrEqual,
  chapters_read: MetadataType.IntegerGreaterThanOrEqual,
  anilist_since: MetadataType.DatetimeGreaterThanOrEqual,
};

/**
 * What admins read in Server Settings → Roles → Links and members under the role's requirements. Discord's limits:
 * names 1–100 characters, descriptions 1–200.
 */
export const METADATA_TEXT: Record<MetadataKey, { name: string; description: string }> = {
  anime_completed: { name: 'Anime completed', description: 'Anime on the AniList list marked Completed' },
  episodes_watched: { name: 'Episodes watched', description: 'Anime episodes watched, as AniList counts them' },
  manga_completed: { name: 'Manga completed', description: 'Manga on the AniList list marked Completed' },
  chapters_read: { name: 'Chapters read', description: 'Manga chapters read, as AniList counts them' },
  anilist_since: { name: 'AniList member for (days)', description: 'Days since the AniList account was created' },
};

/** A record as `PUT /applications/{id}/role-connections/metadata` takes it. */
export interface MetadataRecord {
  type: number;
  key: MetadataKey;
  name: string;
  description: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
}

/** Translations of METADATA_TEXT by Discord locale (e.g. `ja`, `es-ES`), for when the bot has them. */
export type MetadataTranslations = Partial<Record<MetadataKey, { name?: Record<string, string>; description?: Record<string, string> }>>;

/** The catalogue ids of a record's texts. */
export function metadataTextKeys(key: MetadataKey): { name: string; description: string } {
  return { name: `roles.metadata.${key}.name`, description: `roles.metadata.${key}.description` };
}

/** Every record's name and description in every other language of the catalogues, by Discord locale. */
export function metadataTranslations(i18n: Translations): MetadataTranslations {
  return Object.fromEntries(
    METADATA_KEYS.map((key) => {
      const ids = metadataTextKeys(key);
      return [key, { name: i18n.discordLocalizations(ids.name) ?? {}, description: i18n.discordLocalizations(ids.description) ?? {} }];
    }),
  );
}

export function metadataRecords(translations: MetadataTranslations = {}): MetadataRecord[] {
  return METADATA_KEYS.map((key) => {
    const translated = translations[key];
    return {
      type: METADATA_TYPES[key],
      key,
      ...METADATA_TEXT[key],
      ...(translated?.name && Object.keys(translated.name).length > 0 ? { name_localizations: translated.name } : {}),
      ...(translated?.description && Object.keys(translated.description).length > 0 ? { description_localizations: translated.description } : {}),
    };
  });
}

/** Shown on the member's Discord profile next to the connection. */
export const PLATFORM_NAME = 'AniList';
/** Discord's limit on `platform_username`. */
const PLATFORM_USERNAME_MAX = 100;

/** The body of `PUT /users/@me/applications/{id}/role-connection` for one member. */
export interface RoleConnectionBody {
  platform_name: string;
  platform_username: string;
  metadata: Partial<Record<MetadataKey, string>>;
}

function completed(statuses: readonly ({ status?: string | null; count: number } | null)[] | null | undefined): number {
  return statuses?.find((entry) => entry?.status === 'COMPLETED')?.count ?? 0;
}

/** The member's connection as their statistics say it; values are strings, as Discord takes them. */
export function connectionFor(statistics: RoleConnectionStatistics): RoleConnectionBody {
  const anime = statistics.statistics?.anime;
  const manga = statistics.statistics?.manga;
  const metadata: RoleConnectionBody['metadata'] = {
    anime_completed: String(completed(anime?.statuses)),
    episodes_watched: String(anime?.episodesWatched ?? 0),
    manga_completed: String(completed(manga?.statuses)),
    chapters_read: String(manga?.chaptersRead ?? 0),
  };
  // AniList's createdAt is in Unix seconds; an account without one simply does not meet an age requirement.
  if (typeof statistics.createdAt === 'number' && statistics.createdAt > 0) {
    metadata.anilist_since = new Date(statistics.createdAt * 1000).toISOString();
  }
  return { platform_name: PLATFORM_NAME, platform_username: statistics.name.slice(0, PLATFORM_USERNAME_MAX), metadata };
}

/** The same connection always serializes the same way, so "unchanged" is a string comparison. */
export function serializeConnection(body: RoleConnectionBody): string {
  const metadata = Object.fromEntries(METADATA_KEYS.flatMap((key) => (body.metadata[key] === undefined ? [] : [[key, body.metadata[key]]])));
  return JSON.stringify({ platform_name: body.platform_name, platform_username: body.platform_username, metadata });
}
