import type { UserMediaListQuery } from './generated/graphql.js';
import type { MediaListEntry, ScoreFormat } from './types.js';

/**
 * Accumulates `MediaListCollection` chunks into one de-duplicated list.
 *
 * An entry can appear in several groups (its status list plus custom lists), and entries hidden
 * from status lists appear only in custom lists, so every group is read and entries are keyed by
 * their list-entry id (API-FACTS §7).
 */
export interface MediaListAccumulator {
  /** Adds one chunk; returns false once the cap is reached and no more chunks should be fetched. */
  add(chunk: UserMediaListQuery['MediaListCollection']): boolean;
  /** Entries, most recently updated first, plus whether the cap cut the list short. */
  result(hasMore: boolean): UserMediaList;
}

export interface UserMediaList {
  readonly entries: readonly MediaListEntry[];
  /** True when the member has more entries than we were willing to load. */
  readonly truncated: boolean;
  /** The owner's score format as AniList reported it with the list: the format every `score` is in. */
  readonly scoreFormat: ScoreFormat | null;
}

export function createMediaListAccumulator(maxEntries: number): MediaListAccumulator {
  const byId = new Map<number, MediaListEntry>();
  let capped = false;
  let scoreFormat: ScoreFormat | null = null;

  return {
    add(chunk) {
      scoreFormat ??= chunk?.user?.mediaListOptions?.scoreFormat ?? null;
      for (const group of chunk?.lists ?? []) {
        for (const entry of group?.entries ?? []) {
          if (entry === null || byId.has(entry.id)) continue;
          if (byId.size >= maxEntries) {
            capped = true;
            return false;
          }
          byId.set(entry.id, entry);
        }
      }
      return byId.size < maxEntries;
    },
    result(hasMore) {
      // Groups arrive status by status, so restore one global "recently updated first" order.
      const entries = [...byId.values()].sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
      return { entries, truncated: capped || hasMore, scoreFormat };
    },
  };
}
