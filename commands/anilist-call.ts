import { isAniListError } from '../src/anilist/index.js';
import type { LinkedMember } from '../src/linking/index.js';
import { UserFacingError, type UserFacingText } from '../src/user-facing-error.js';

export interface AniListCallMessages {
  /** Replaces the generic "private or does not exist" text when the caller knows what was not found. */
  readonly notFound?: UserFacingText;
}

/**
 * Runs an AniList call and turns its failures into what the member can do. When the call carried `member`'s
 * token and AniList rejected it, the link is marked, so the next command says "run /link" without asking again.
 */
export async function callAniList<T>(member: LinkedMember | undefined, call: () => Promise<T>, messages: AniListCallMessages = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isAniListError(error)) throw error;
    if (error.kind === 'invalidToken') member?.rejectToken();
    if (error.kind === 'badRequest') throw error;
    if (error.kind === 'notFound' && messages.notFound !== undefined) throw new UserFacingError(messages.notFound);
    throw new UserFacingError(error.userText);
  }
}
