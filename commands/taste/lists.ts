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
import { msg, type Message, type MessageKey, type Translator } from '../../src/i18n/index.js';
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
  /** The refusal when AniList will not show `owner`'s list (a private profile); the caller's own list has its own. */
  readonly privateProfile: Message;
}

export async function loadTasteList(deps: CommandDeps, { caller, owner, type, privateProfile }: TasteListRequest): Promise<TasteList> {
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
    { notFound: own ? msg('list.ownNotFound') : privateProfile },
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

/** A member named in an answer: bold, their name's Markdown escaped (and how the language addresses someone). */
export function memberLabel(t: Translator, displayName: string): string {
  return t('taste.member', { name: escapeInline(displayName) });
}

/**
 * The linked members among `named`, in order; a UserFacingError naming every one who is not linked, so the caller
 * learns it before any AniList request. `refusal` is the message that says so: it gets `members` (their names) and
 * `count`.
 */
export function requireLinked(deps: CommandDeps, named: readonly NamedUser[], refusal: MessageKey): LinkedMember[] {
  const found = named.map((user) => ({ user, member: deps.links.member(user.id) }));
  const missing = found.filter(({ member }) => member === undefined).map(({ user }) => user.displayName);
  if (missing.length > 0) {
    throw new UserFacingError(msg(refusal, { members: (t) => t.list(missing.map((name) => memberLabel(t, name))), count: missing.length }));
  }
  return found.map(({ member }) => member!);
}
