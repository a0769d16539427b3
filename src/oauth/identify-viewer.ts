import type { AniListClient } from '../anilist/index.js';
import { LinkFailure } from './link-failure.js';
import type { IdentifyViewer } from './link-service.js';

/** Asks AniList whose token we were just given, with the details later commands need. */
export function createViewerIdentifier(anilist: AniListClient): IdentifyViewer {
  return async (accessToken) => {
    let viewer;
    try {
      viewer = await anilist.viewer({ key: 'oauth-callback', token: accessToken });
    } catch (error) {
      throw new LinkFailure('anilist_unavailable', `Viewer query failed: ${(error as Error).message}`);
    }
    if (!viewer.id || !viewer.name) throw new LinkFailure('anilist_unavailable', 'Viewer query returned no user');
    return {
      id: viewer.id,
      name: viewer.name,
      siteUrl: viewer.siteUrl ?? `https://anilist.co/user/${encodeURIComponent(viewer.name)}`,
      avatarUrl: viewer.avatar?.large ?? viewer.avatar?.medium ?? null,
      scoreFormat: viewer.mediaListOptions?.scoreFormat ?? 'POINT_100',
      titleLanguage: viewer.options?.titleLanguage ?? 'ROMAJI',
      displayAdultContent: viewer.options?.displayAdultContent ?? false,
    };
  };
}
