import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { MediaListEntry, MediaSearchResult, MediaType } from '../src/anilist/index.js';
import type { LinkedAccount } from '../src/db/linked-accounts.js';
import type { CommandDeps } from './command.js';
import { allTitles, displayTitle, formatProgress, statusLabel } from './format/media.js';
import { truncate } from './format/text.js';

export const MAX_CHOICES = 25;
export const CHOICE_NAME_MAX = 100;
/** Below this many characters a search matches half of AniList and costs a request per keystroke for nothing. */
export const MIN_SEARCH_LENGTH = 3;
/** One page size for every search, so autocomplete and /update share cache entries. */
export const SEARCH_PAGE_SIZE = 10;

const MEDIA_ID = /^\d{1,9}$/;
const SUGGESTED_STATUSES = new Set(['CURRENT', 'PLANNING']);

export function normalizeQuery(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A picked autocomplete choice arrives as the media id; anything else is free text to resolve. */
export function mediaIdFromOption(value: string): number | undefined {
  const trimmed = value.trim();
  return MEDIA_ID.test(trimmed) ? Number(trimmed) : undefined;
}

function matchRank(titles: readonly string[], query: string): number | undefined {
  if (query === '') return 2;
  const normalized = titles.map(normalizeQuery);
  if (normalized.some((title) => title === query)) return 0;
  if (normalized.some((title) => title.startsWith(query) || title.includes(` ${query}`))) return 1;
  if (normalized.some((title) => title.includes(query))) return 2;
  return undefined;
}

/** The member's CURRENT and PLANNING entries that match, best match first, then CURRENT first, then most recent. */
export function matchOwnEntries(entries: readonly MediaListEntry[], query: string, nsfwAllowed: boolean): MediaListEntry[] {
  const ranked: { entry: MediaListEntry; rank: number; order: number }[] = [];
  entries.forEach((entry, order) => {
    if (!entry.status || !SUGGESTED_STATUSES.has(entry.status)) return;
    if (!nsfwAllowed && entry.media?.isAdult === true) return;
    const rank = matchRank(allTitles(entry.media?.title), query);
    if (rank !== undefined) ranked.push({ entry, rank, order });
  });
  const statusWeight = (entry: MediaListEntry) => (entry.status === 'CURRENT' ? 0 : 1);
  ranked.sort((a, b) => a.rank - b.rank || statusWeight(a.entry) - statusWeight(b.entry) || a.order - b.order);
  return ranked.map(({ entry }) => entry);
}

/** The title keeps whatever room the suffix leaves, so the status or format is never the part cut off. */
function choiceName(title: string, suffix: string): string {
  const room = CHOICE_NAME_MAX - suffix.length;
  return truncate(`${truncate(title, room)}${suffix}`, CHOICE_NAME_MAX);
}

export function ownEntryChoice(entry: MediaListEntry): ApplicationCommandOptionChoiceData<string> {
  const title = displayTitle(entry.media?.title);
  const suffix = ` · ${statusLabel(entry.status, entry.media?.type)} · ${formatProgress(entry.progress, entry.media)}`;
  return { name: choiceName(title, suffix), value: String(entry.mediaId) };
}

export function searchChoice(media: MediaSearchResult, titleLanguage: string | undefined): ApplicationCommandOptionChoiceData<string> {
  return { name: choiceName(displayTitle(media.title, titleLanguage), ` · ${describeMedia(media)}`), value: String(media.id) };
}

export function describeMedia(media: { type?: MediaType | null; format?: string | null }): string {
  const kind = media.type === 'MANGA' ? 'manga' : 'anime';
  const format = media.format?.replace(/_/g, ' ');
  return format && format.toLowerCase() !== kind ? `${kind}, ${format}` : kind;
}

/** Own entries first, then search results not already among them; at most 25. */
export function mergeChoices(
  own: readonly MediaListEntry[],
  found: readonly MediaSearchResult[],
  nsfwAllowed: boolean,
  titleLanguage: string | undefined,
): ApplicationCommandOptionChoiceData<string>[] {
  const choices: ApplicationCommandOptionChoiceData<string>[] = [];
  const seen = new Set<number>();
  for (const entry of own) {
    if (choices.length >= MAX_CHOICES) break;
    if (seen.has(entry.mediaId)) continue;
    seen.add(entry.mediaId);
    choices.push(ownEntryChoice(entry));
  }
  for (const media of found) {
    if (choices.length >= MAX_CHOICES) break;
    if (seen.has(media.id) || (!nsfwAllowed && media.isAdult === true)) continue;
    seen.add(media.id);
    choices.push(searchChoice(media, titleLanguage));
  }
  return choices;
}

export interface OwnLists {
  readonly entries: readonly MediaListEntry[];
}

/** Both of the member's lists (anime, manga), through the client's short-lived cache that /list also fills. */
export async function loadOwnEntries(deps: CommandDeps, account: LinkedAccount, token: string): Promise<MediaListEntry[]> {
  const context = { key: account.discordUserId, token };
  const [anime, manga] = await Promise.all([
    deps.anilist.userMediaList({ userId: account.anilistUserId, type: 'ANIME' }, context),
    deps.anilist.userMediaList({ userId: account.anilistUserId, type: 'MANGA' }, context),
  ]);
  return [...anime.entries, ...manga.entries].sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
}

/** What `loadOwnEntries` would find in the client's cache right now; never a request. */
export function peekOwnEntries(deps: CommandDeps, account: LinkedAccount, token: string): MediaListEntry[] {
  const context = { key: account.discordUserId, token };
  const lists = (['ANIME', 'MANGA'] as const).map((type) => deps.anilist.peekUserMediaList({ userId: account.anilistUserId, type }, context));
  return lists.flatMap((list) => list?.entries ?? []).sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
}

export type FreeTextResolution =
  | { kind: 'found'; mediaId: number }
  | { kind: 'none' }
  | { kind: 'ambiguous'; suggestions: readonly ApplicationCommandOptionChoiceData<string>[] };

/**
 * Free text the member typed without picking a suggestion. An exact title on their own list wins (they most
 * likely mean the show they are watching), then a single exact title among search results, then a search with
 * only one result; anything else is ambiguous and the member picks.
 */
export function resolveFreeText(
  query: string,
  ownEntries: readonly MediaListEntry[],
  found: readonly MediaSearchResult[],
  nsfwAllowed: boolean,
  titleLanguage: string | undefined,
): FreeTextResolution {
  const allowed = (isAdult: boolean | null | undefined) => nsfwAllowed || isAdult !== true;
  const exactOwn = uniqueBy(
    ownEntries.filter((entry) => allowed(entry.media?.isAdult) && allTitles(entry.media?.title).some((title) => normalizeQuery(title) === query)),
    (entry) => entry.mediaId,
  );
  if (exactOwn.length === 1 && exactOwn[0]) return { kind: 'found', mediaId: exactOwn[0].mediaId };

  const candidates = found.filter((media) => allowed(media.isAdult));
  const exactFound = candidates.filter((media) => allTitles(media.title).some((title) => normalizeQuery(title) === query));
  if (exactFound.length === 1 && exactFound[0]) return { kind: 'found', mediaId: exactFound[0].id };
  if (candidates.length === 1 && candidates[0]) return { kind: 'found', mediaId: candidates[0].id };
  if (candidates.length === 0 && exactOwn.length === 0) return { kind: 'none' };
  const ownMatches = matchOwnEntries(ownEntries, query, nsfwAllowed);
  return { kind: 'ambiguous', suggestions: mergeChoices(ownMatches, exactFound.length > 0 ? exactFound : candidates, nsfwAllowed, titleLanguage).slice(0, 5) };
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => number): T[] {
  const seen = new Set<number>();
  return items.filter((item) => {
    const value = key(item);
    if (seen.has(value)) return false;
    seen.add(value);
    return true;
  });
}
