/** AniList list entries as the client returns them, for unit tests of what commands compute from lists. */
import type { ListMedia } from '../../commands/taste/pool.js';
import type { MediaListEntry, MediaListStatus } from '../../src/anilist/index.js';

/** A finished 12-episode TV anime titled "Title <id>", with `extra` over it. */
export function listMedia(id: number, extra: Partial<ListMedia> = {}): ListMedia {
  return {
    id,
    type: 'ANIME',
    format: 'TV',
    episodes: 12,
    chapters: null,
    volumes: null,
    isAdult: false,
    siteUrl: `https://anilist.co/anime/${id}`,
    title: { userPreferred: `Title ${id}`, romaji: `Title ${id}`, english: null, native: null },
    status: 'FINISHED',
    season: null,
    seasonYear: 2020,
    duration: 24,
    averageScore: 70,
    genres: ['Comedy'],
    coverImage: null,
    ...extra,
  };
}

/** A public entry for `media` (id: the media's times 10) with `status`, no progress, and `extra` over it. */
export function listEntry(media: ListMedia, status: MediaListStatus, extra: Partial<Omit<MediaListEntry, 'media' | 'mediaId'>> = {}): MediaListEntry {
  return { id: media.id * 10, mediaId: media.id, status, progress: 0, progressVolumes: 0, score: 0, updatedAt: 1, private: false, hiddenFromStatusLists: false, media, ...extra };
}
