/**
 * Whole lists for /compare and /random: one `MediaListCollection` read per member and type (in chunks of 500), from
 * the client's list cache, which these reads accept up to TASTE_LIST_MAX_AGE_MS old. Taste does not change in a few
 * minutes, and so a /compare followed by /random and its rerolls reads each list once.
 *
 * Privacy. The caller's own list is read with their token; anyone else's as a logged-out visitor sees it (no token:
 * no private entries, nothing of a private profile). Both commands answer in public, so entries the caller marked
 * private are left out of their own list too.
 */
import type { MediaListEntry, MediaType, ScoreFormat } from '../../src/anilist/index.js';
import type { LinkedMember, UsableMember } from '../../src/linking/index.js';
import { UserFacingError } from '../../src/user-facing-error.js';
import { callAniList } from '../anilist-call.js';
import type { CommandDeps } from '../command.js';
import { toScoreFormat } from '../format/score.js';
import { escapeInline } from '../format/text.js';

/** The oldest cached list a comparison or a pick accepts. */
export const TASTE_LIST_MAX_AGE_MS = 10 * 60_000;

export interface TasteList {
  readonly owner: LinkedMember;
  /** Never private entries; adult titles are still in (each command filters for its channel). */
  readonly entries: readonly MediaListEntry[];
  /** How many private entries were left out (only the caller's own list can have any). */
  readonly privateLeftOut: number;
  readonly scoreFormat: ScoreFormat;
  readonly truncated: boolean;
}

export interface TasteListRequest {
  readonly caller: UsableMember;
  readonly owner: LinkedMember;
  readonly type: MediaType;
  /** What the member is called in an answer ("HankFake" or a display name). */
  readonly ownerLabel: string;
  /** What the list is for, to finish "…'s AniList profile is private, so …". */
  readonly purpose: string;
}

export async function loadTasteList(deps: CommandDeps, { caller, owner, type, ownerLabel, purpose }: TasteListRequest): Promise<TasteList> {
  const own = owner.discordUserId === caller.discordUserId;
  const tokenHolder = own ? caller : undefined;
  const list = await callAniList(
    tokenHolder,
    () =>
      deps.anilist.userMediaList(
        { userId: owner.anilistUserId, type },
        { key: caller.discordUserId, token: tokenHolder?.token() },
        { maxAgeMs: TASTE_LIST_MAX_AGE_MS },
      ),
    { notFound: own ? "AniList couldn't find your list. Check your AniList account still exists." : `${ownerLabel}'s AniList profile is private, so ${purpose}.` },
  );
  if (list.scoreFormat) deps.links.rememberScoreFormat(owner.discordUserId, list.scoreFormat);
  const entries = list.entries.filter((entry) => entry.private !== true);
  return {
    owner,
    entries,
    privateLeftOut: list.entries.length - entries.length,
    scoreFormat: list.scoreFormat ?? toScoreFormat(owner.scoreFormat),
    truncated: list.truncated,
  };
}

/** A Discord user named in an option, with what to call them in an answer. */
export interface NamedUser {
  readonly id: string;
  readonly displayName: string;
}

/** "Alice", "Alice and Bob", "Alice, Bob and Carol". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * The linked members among `named`, in order; a UserFacingError naming every one who is not linked, so the caller
 * learns it before any AniList request. `why` finishes "… has not linked an AniList account, so …".
 */
export function requireLinked(deps: CommandDeps, named: readonly NamedUser[], why: string): LinkedMember[] {
  const found = named.map((user) => ({ user, member: deps.links.member(user.id) }));
  const missing = found.filter(({ member }) => member === undefined).map(({ user }) => `**${escapeInline(user.displayName)}**`);
  if (missing.length === 1) throw new UserFacingError(`${missing[0]} has not linked an AniList account, so ${why}. They can run \`/link\` to connect one.`);
  if (missing.length > 1) throw new UserFacingError(`${joinNames(missing)} have not linked an AniList account, so ${why}. They can run \`/link\` to connect one.`);
  return found.map(({ member }) => member!);
}
