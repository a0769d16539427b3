import { isAniListError } from '../src/anilist/index.js';
import type { LinkedAccount } from '../src/db/linked-accounts.js';
import type { CommandDeps } from './command.js';
import { UserFacingError } from './user-facing-error.js';

export interface AniListCallMessages {
  /** Replaces the generic "private or does not exist" text when the caller knows what was not found. */
  readonly notFound?: string;
}

/**
 * Runs an AniList call and turns its failures into what the member can do. A rejected token marks the link,
 * so the next command says "run /link" without asking AniList again.
 */
export async function callAniList<T>(
  deps: CommandDeps,
  account: LinkedAccount | undefined,
  call: () => Promise<T>,
  messages: AniListCallMessages = {},
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isAniListError(error)) throw error;
    if (error.kind === 'invalidToken' && account) deps.links.markTokenRejected(account);
    if (error.kind === 'badRequest') throw error;
    if (error.kind === 'notFound' && messages.notFound !== undefined) throw new UserFacingError(messages.notFound);
    throw new UserFacingError(error.userMessage);
  }
}

/** A link whose token may still work: not rejected by AniList and not past its expiry. */
export function isUsableLink(account: LinkedAccount | undefined, now: Date): account is LinkedAccount {
  return account !== undefined && !account.tokenRejectedAt && account.tokenExpiresAt.getTime() > now.getTime();
}

export const RUN_LINK_FIRST = 'Your Discord account is not linked to AniList yet. Run `/link` to connect it.';
export const LINK_EXPIRED = 'Your AniList authorization has expired or was revoked. Run `/link` to connect again.';

/** The caller's usable link, or a user-facing error explaining what to do. */
export function requireUsableLink(deps: CommandDeps, discordUserId: string, now: Date): LinkedAccount {
  const account = deps.links.findLink(discordUserId);
  if (!account) throw new UserFacingError(RUN_LINK_FIRST);
  if (!isUsableLink(account, now)) throw new UserFacingError(LINK_EXPIRED);
  return account;
}
