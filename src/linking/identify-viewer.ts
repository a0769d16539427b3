import { isAniListError, type AniListClient } from '../anilist/index.js';
import { LinkFailure } from './link-failure.js';
import type { IdentifyViewer } from './link-flow.js';

/** Asks AniList whose token we were just given, with the details later commands need. */
export function createViewerIdentifier(anilist: AniListClient): IdentifyViewer {
  return async (accessToken, discordUserId) => {
    let viewer;
    try {
      // One fairness key per member: a shared key would queue every callback behind each other and refuse them
      // all as busy together, after each one's single-use code was already spent.
      viewer = await anilist.viewer({ key: `oauth-callback:${discordUserId}`, token: accessToken });
    } catch (error) {
      if (isAniListError(error) && (error.kind === 'busy' || error.kind === 'rateLimited')) {
        throw new LinkFailure('anilist_busy', `Viewer query refused: ${error.kind}`, Math.max(1, error.retryAfterSeconds ?? 60));
      }
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
      statistics: viewer,
    };
  };
}
