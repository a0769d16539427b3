import type { MediaListEntry, MediaListStatus } from '../../src/anilist/index.js';
import type { LinkedMember } from '../../src/linking/index.js';
import { allTitles } from '../format/media.js';
import type { CommandDeps } from '../command.js';
import { matchRank } from './query.js';

const SUGGESTED_STATUSES: ReadonlySet<MediaListStatus> = new Set(['CURRENT', 'PLANNING']);

/** Both of the member's lists (anime, manga), through the client's short-lived cache that /list also fills. */
export async function loadOwnEntries(deps: CommandDeps, member: LinkedMember): Promise<MediaListEntry[]> {
  const context = { key: member.discordUserId, token: member.token() };
  const [anime, manga] = await Promise.all([
    deps.anilist.userMediaList({ userId: member.anilistUserId, type: 'ANIME' }, context),
    deps.anilist.userMediaList({ userId: member.anilistUserId, type: 'MANGA' }, context),
  ]);
  return newestFirst([...anime.entries, ...manga.entries]);
}

/** What `loadOwnEntries` would find in the client's cache right now; never a request. */
export function peekOwnEntries(deps: CommandDeps, member: LinkedMember): MediaListEntry[] {
  const context = { key: member.discordUserId, token: member.token() };
  const lists = (['ANIME', 'MANGA'] as const).map((type) => deps.anilist.peekUserMediaList({ userId: member.anilistUserId, type }, context));
  return newestFirst(lists.flatMap((list) => list?.entries ?? []));
}

function newestFirst(entries: MediaListEntry[]): MediaListEntry[] {
  return entries.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
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
