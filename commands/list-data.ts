import type { MediaListEntry, MediaType, ScoreFormat } from '../src/anilist/index.js';
import { msg, type Message } from '../src/i18n/index.js';
import type { LinkedMember } from '../src/linking/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import { callAniList } from './anilist-call.js';
import type { CommandDeps } from './command.js';
import { toScoreFormat } from './format/score.js';
import type { ListStatusFilter } from './list-ids.js';

export interface ListRequest {
  readonly callerId: string;
  readonly ownerId: string;
  readonly type: MediaType;
  readonly status: ListStatusFilter;
  readonly nsfwAllowed: boolean;
}

export interface ResolvedListAccess {
  readonly owner: LinkedMember;
  /** Whose token the request carries, if anyone's: titles then follow that member's language. */
  readonly tokenHolder: LinkedMember | undefined;
}

export interface LoadedList {
  readonly owner: LinkedMember;
  readonly entries: readonly MediaListEntry[];
  readonly scoreFormat: ScoreFormat;
  readonly truncated: boolean;
}

export function notLinkedMessage(ownerId: string, displayName?: string): Message {
  return msg('list.notLinked', { member: displayName ?? `<@${ownerId}>` });
}

/**
 * Who may see what, decided from the database alone so refusals come before any AniList call.
 *
 * Another member's list is fetched with the caller's own token when the caller has a working link: AniList then
 * picks `userPreferred` titles in the caller's language, and still applies the owner's privacy (private entries
 * and private profiles stay hidden, because the token is not the owner's). Without a caller link it goes without
 * a token, in romaji.
 */
export function resolveListAccess(deps: CommandDeps, callerId: string, ownerId: string, ownerDisplayName?: string): ResolvedListAccess {
  if (callerId === ownerId) {
    const own = deps.links.requireUsableMember(callerId);
    return { owner: own, tokenHolder: own };
  }
  const owner = deps.links.member(ownerId);
  if (!owner) throw new UserFacingError(notLinkedMessage(ownerId, ownerDisplayName));
  return { owner, tokenHolder: deps.links.usableMember(callerId) };
}

/**
 * The owner's whole list of one type, then filtered here. One cached load serves every status, every page,
 * the +1 buttons and /update's autocomplete, which matters more than the size of one response under a
 * 30-requests-a-minute budget shared by the whole bot.
 */
export async function loadList(deps: CommandDeps, request: ListRequest, access: ResolvedListAccess): Promise<LoadedList> {
  const { owner, tokenHolder } = access;
  const isOwn = request.callerId === request.ownerId;
  const list = await callAniList(
    tokenHolder,
    () => deps.anilist.userMediaList({ userId: owner.anilistUserId, type: request.type }, { key: request.callerId, token: tokenHolder?.token() }),
    { notFound: isOwn ? msg('list.ownNotFound') : msg('list.private', { owner: owner.anilistName }) },
  );
  if (list.scoreFormat) deps.links.rememberScoreFormat(owner.discordUserId, list.scoreFormat);
  const inStatus = list.entries.filter((entry) => request.status === 'ALL' || entry.status === request.status);
  // Entries the owner marked private on AniList come only with the owner's own token; every /list message is public,
  // so they are left out, and so are 18+ entries outside NSFW channels, without a word about either.
  const shareable = inStatus.filter((entry) => entry.private !== true);
  const visible = request.nsfwAllowed ? shareable : shareable.filter((entry) => entry.media?.isAdult !== true);
  return {
    owner,
    entries: visible,
    // The format AniList sent with the list is the one its scores are in; the link's copy may be a year old.
    scoreFormat: list.scoreFormat ?? toScoreFormat(owner.scoreFormat),
    truncated: list.truncated,
  };
}
