import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { MediaListEntry, MediaSearchResult, MediaType } from '../../src/anilist/index.js';
import type { Translator } from '../../src/i18n/index.js';
import type { LinkedMember } from '../../src/linking/index.js';
import { callAniList } from '../anilist-call.js';
import type { CommandDeps } from '../command.js';
import { allTitles } from '../format/media.js';
import { mergeChoices } from './choices.js';
import { loadOwnEntries, matchOwnEntries, peekOwnEntries } from './own-entries.js';
import { isExactTitle, mediaIdFromOption, normalizeQuery } from './query.js';

/** One page size for every search, so autocomplete and the commands share cache entries. */
export const SEARCH_PAGE_SIZE = 10;

export interface TitleSearch {
  /** Whose request it is, for fairness at the shared AniList budget. */
  readonly memberId: string;
  readonly nsfwAllowed: boolean;
  readonly signal?: AbortSignal | undefined;
  /** Only anime or only manga; both when omitted. */
  readonly type?: MediaType | undefined;
}

/** AniList's title search, without a token (results are shared), leaving out 18+ titles unless allowed. */
export function searchTitles(deps: Pick<CommandDeps, 'anilist'>, query: string, { memberId, nsfwAllowed, signal, type }: TitleSearch): Promise<readonly MediaSearchResult[]> {
  return deps.anilist.searchMedia({ search: query, type, isAdult: nsfwAllowed ? null : false, perPage: SEARCH_PAGE_SIZE }, { key: memberId, signal });
}

export type FreeTextResolution =
  | { kind: 'found'; mediaId: number }
  | { kind: 'none' }
  | { kind: 'ambiguous'; suggestions: readonly ApplicationCommandOptionChoiceData<string>[] };

/**
 * What a media option's text means: a picked suggestion is its id; free text is resolved against the member's
 * own lists and a title search (two list loads and a search: the caller counts them against the budget).
 */
export async function resolveMediaText(deps: CommandDeps, t: Translator, member: LinkedMember, text: string, nsfwAllowed: boolean): Promise<FreeTextResolution> {
  const picked = mediaIdFromOption(text);
  if (picked !== undefined) return { kind: 'found', mediaId: picked };
  const query = normalizeQuery(text);
  const [own, found] = await Promise.all([
    callAniList(member, () => loadOwnEntries(deps, member)),
    callAniList(member, () => searchTitles(deps, query, { memberId: member.discordUserId, nsfwAllowed })),
  ]);
  return resolveFreeText(t, query, own, found, nsfwAllowed, member.titleLanguage);
}

/**
 * A title option's text, for commands anyone may run (/anime, /manga): a picked suggestion is its id; free text is
 * resolved by one title search, with the member's own entries only from lists already cached (never loaded).
 */
export async function resolveTitleText(
  deps: CommandDeps,
  t: Translator,
  { memberId, text, nsfwAllowed, type }: { memberId: string; text: string; nsfwAllowed: boolean; type: MediaType },
): Promise<FreeTextResolution> {
  const picked = mediaIdFromOption(text);
  if (picked !== undefined) return { kind: 'found', mediaId: picked };
  const query = normalizeQuery(text);
  const member = deps.links.usableMember(memberId);
  const own = member ? peekOwnEntries(deps, member).filter((entry) => entry.media?.type === type) : [];
  const found = await callAniList(undefined, () => searchTitles(deps, query, { memberId, nsfwAllowed, type }));
  return resolveFreeText(t, query, own, found, nsfwAllowed, member?.titleLanguage);
}

/**
 * Free text the member typed without picking a suggestion. An exact title on their own list wins (they most
 * likely mean the show they are watching), then a single exact title among search results, then a search with
 * only one result; anything else is ambiguous and the member picks.
 */
export function resolveFreeText(
  t: Translator,
  query: string,
  ownEntries: readonly MediaListEntry[],
  found: readonly MediaSearchResult[],
  nsfwAllowed: boolean,
  titleLanguage: string | undefined,
): FreeTextResolution {
  const allowed = (isAdult: boolean | null | undefined) => nsfwAllowed || isAdult !== true;
  const exactOwn = uniqueBy(
    ownEntries.filter((entry) => allowed(entry.media?.isAdult) && isExactTitle(allTitles(entry.media?.title), query)),
    (entry) => entry.mediaId,
  );
  if (exactOwn.length === 1 && exactOwn[0]) return { kind: 'found', mediaId: exactOwn[0].mediaId };

  const candidates = found.filter((media) => allowed(media.isAdult));
  const exactFound = candidates.filter((media) => isExactTitle(allTitles(media.title), query));
  if (exactFound.length === 1 && exactFound[0]) return { kind: 'found', mediaId: exactFound[0].id };
  if (candidates.length === 1 && candidates[0]) return { kind: 'found', mediaId: candidates[0].id };
  if (candidates.length === 0 && exactOwn.length === 0) return { kind: 'none' };
  const ownMatches = matchOwnEntries(ownEntries, query, nsfwAllowed);
  return { kind: 'ambiguous', suggestions: mergeChoices(t, ownMatches, exactFound.length > 0 ? exactFound : candidates, nsfwAllowed, titleLanguage).slice(0, 5) };
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
