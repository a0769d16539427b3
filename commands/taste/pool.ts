/**
 * What /random picks from: the titles on the caller's Planning list that match the filters, or with other members
 * named, the titles on all of their Planning lists (when there are none, the titles on the most of them).
 */
import type { MediaListEntry } from '../../src/anilist/index.js';
import { totalUnits } from '../format/media.js';

export type ListMedia = NonNullable<MediaListEntry['media']>;

export interface PlanningSide {
  /** The member's Discord id. */
  readonly memberId: string;
  /** Shareable entries only (no private ones), any status. */
  readonly entries: readonly MediaListEntry[];
}

export interface PickFilters {
  /** AniList's genre name, compared without regard to case. */
  readonly genre?: string | undefined;
  /** Episodes for anime, chapters for manga; a title whose length AniList does not know yet is left out. */
  readonly maxLength?: number | undefined;
  readonly nsfwAllowed: boolean;
}

export interface PoolTitle {
  readonly mediaId: number;
  readonly media: ListMedia;
  /** Discord ids of the members who have it under Planning, in the order the sides were given. */
  readonly plannedBy: readonly string[];
}

export type Pool =
  | {
      readonly kind: 'titles';
      readonly titles: readonly PoolTitle[];
      /** On how many of the Planning lists each title is (all of them, or the most any title is on). */
      readonly onLists: number;
      readonly lists: number;
    }
  /** These members have nothing (shareable) under Planning. */
  | { readonly kind: 'emptyPlanning'; readonly memberIds: readonly string[] }
  /** Planning titles exist (shared ones, for a group), but none passes the filters. */
  | { readonly kind: 'noMatch' }
  /** A group whose Planning lists have no title in common, filters or not. */
  | { readonly kind: 'noOverlap' };

/** Whether a title may be picked at all: released (nobody can start what has not aired), and the filters. */
export function matchesFilters(media: ListMedia, filters: PickFilters): boolean {
  if (media.status === 'NOT_YET_RELEASED') return false;
  if (!filters.nsfwAllowed && media.isAdult === true) return false;
  if (filters.genre !== undefined) {
    const wanted = filters.genre.toLowerCase();
    if (!(media.genres ?? []).some((genre) => genre?.toLowerCase() === wanted)) return false;
  }
  if (filters.maxLength !== undefined) {
    const length = totalUnits(media);
    if (length === null || length > filters.maxLength) return false;
  }
  return true;
}

export function buildPool(sides: readonly PlanningSide[], filters: PickFilters): Pool {
  const planning = sides.map((side) => ({ memberId: side.memberId, entries: side.entries.filter((entry) => entry.status === 'PLANNING' && entry.media) }));
  const empty = planning.filter((side) => side.entries.length === 0).map((side) => side.memberId);
  if (empty.length > 0) return { kind: 'emptyPlanning', memberIds: empty };

  const tally = (keep: (media: ListMedia) => boolean) => {
    const byMedia = new Map<number, { media: ListMedia; plannedBy: string[] }>();
    for (const side of planning) {
      for (const entry of side.entries) {
        if (!keep(entry.media!)) continue;
        const title = byMedia.get(entry.mediaId) ?? { media: entry.media!, plannedBy: [] };
        if (!title.plannedBy.includes(side.memberId)) title.plannedBy.push(side.memberId);
        byMedia.set(entry.mediaId, title);
      }
    }
    return byMedia;
  };
  const matching = tally((media) => matchesFilters(media, filters));
  const most = Math.max(0, ...[...matching.values()].map((title) => title.plannedBy.length));
  // One member: every match. A group: the titles on the most lists, as long as at least two members share them.
  if (most > 0 && (sides.length === 1 || most >= 2)) {
    const titles = [...matching]
      .filter(([, title]) => title.plannedBy.length === most)
      .map(([mediaId, title]) => ({ mediaId, media: title.media, plannedBy: title.plannedBy }))
      .sort((a, b) => a.mediaId - b.mediaId);
    return { kind: 'titles', titles, onLists: most, lists: sides.length };
  }
  if (sides.length === 1) return { kind: 'noMatch' };
  const sharedAtAll = [...tally(() => true).values()].some((title) => title.plannedBy.length >= 2);
  return sharedAtAll ? { kind: 'noMatch' } : { kind: 'noOverlap' };
}
