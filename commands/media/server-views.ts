/**
 * "Who in this server has this title, and what did they think?": the title and the entries of the server's linked
 * members, in one AniList request for up to 200 members (pages of 50 by `userId_in`), cached per server and title.
 *
 * Privacy. The request carries no token, so it sees what AniList shows a logged-out visitor: no private entries,
 * nothing of a private profile. A member who chose `/privacy server_views:true` after linking is also read with
 * their own token when the public answer did not include them (their profile may be private); their private
 * entries stay hidden all the same. `server_views:false` members are never shown and never asked about. A member
 * whose link expired or was rejected is shown from public data only.
 */
import { LRUCache } from 'lru-cache';
import { isAniListError, type MediaCardMedia, type ScoreFormat, type ServerEntry } from '../../src/anilist/index.js';
import type { LinkedMember, LinkSummary } from '../../src/linking/index.js';
import type { PresenceCheck, ServerMember } from '../../src/servers/membership.js';
import type { CommandServices } from '../command.js';
import { callAniList } from '../anilist-call.js';
import { toScoreFormat } from '../format/score.js';

/** How long a server's view of a title is reused. */
export const SERVER_VIEW_TTL_MS = 3 * 60_000;
/** The most recently seen members a view asks about: 200 is one AniList request (four pages of 50). */
export const MAX_VIEW_MEMBERS = 200;
/** Token reads for opted-in members the public answer did not include, per view. */
const MAX_OWN_READS = 3;

export interface ServerViewsTuning {
  readonly ttlMs?: number;
  readonly maxMembers?: number;
  readonly maxOwnReads?: number;
  readonly presence?: PresenceCheck;
}

/** One member's line in "In this server". */
export interface ServerViewRow {
  readonly member: LinkSummary;
  readonly entry: ServerEntry;
  /** The format `entry.score` is in: the member's own. */
  readonly scoreFormat: ScoreFormat;
}

export interface ServerView {
  readonly media: MediaCardMedia;
  /** Null outside a server (DMs). */
  readonly guildId: string | null;
  /** Members whose entry is shown, in display order: by status, then score. */
  readonly rows: readonly ServerViewRow[];
  /** More linked members used the bot here than a view asks about (the most recently seen ones are asked). */
  readonly capped: boolean;
  readonly maxMembers: number;
}

export interface ServerViewRequest {
  readonly guildId: string | null;
  readonly mediaId: number;
  /** Who is waiting (the limiter's fairness key). */
  readonly requesterId: string;
}

export interface ServerViews {
  /** The title and, in a server, its members' entries: from the cache while fresh, otherwise from AniList. */
  load(request: ServerViewRequest): Promise<ServerView>;
  /** The view `load` would answer from its cache right now, or undefined: never an AniList request. */
  peek(request: ServerViewRequest): Promise<ServerView | undefined>;
  /** After the bot itself saved a member's entry: cached views show the new entry (or drop it if private). */
  recordWrite(member: LinkSummary, mediaId: number, saved: ServerEntry): void;
  /** After a /privacy change: views that asked about the member, or are of their servers, are fetched again. */
  forgetMember(anilistUserId: number, guildIds: readonly string[]): void;
}

interface CachedEntry {
  readonly entry: ServerEntry;
  /** `own`: read with the member's token, shown only while they keep `server_views:true` and a usable link. */
  readonly source: 'public' | 'own';
}

interface CachedView {
  readonly media: MediaCardMedia;
  readonly fetchedAt: number;
  /** AniList ids the view asked about: a member seen later is not in it until it is fetched again. */
  readonly asked: ReadonlySet<number>;
  readonly entries: Map<number, CachedEntry>;
}

const STATUS_ORDER = ['CURRENT', 'REPEATING', 'COMPLETED', 'PAUSED', 'DROPPED', 'PLANNING'] as const;

export function createServerViews(services: Pick<CommandServices, 'anilist' | 'membership' | 'clock' | 'logger'>, tuning: ServerViewsTuning = {}): ServerViews {
  const { anilist, membership, clock } = services;
  const log = services.logger;
  const ttlMs = tuning.ttlMs ?? SERVER_VIEW_TTL_MS;
  const maxMembers = Math.min(tuning.maxMembers ?? MAX_VIEW_MEMBERS, MAX_VIEW_MEMBERS);
  const maxOwnReads = tuning.maxOwnReads ?? MAX_OWN_READS;
  const views = new LRUCache<string, CachedView>({ max: 500 });
  const loading = new Map<string, Promise<CachedView>>();
  // Members whose entries a token-less answer included: their profile is public, so their absence from an answer
  // means "no entry", and no token read is needed to tell.
  const knownPublic = new LRUCache<number, true>({ max: 50_000 });
  const keyOf = (guildId: string | null, mediaId: number) => `${guildId ?? 'dm'}:${mediaId}`;

  async function fetchView(request: ServerViewRequest, members: readonly ServerMember[]): Promise<CachedView> {
    const asked = new Set(members.map(({ member }) => member.anilistUserId));
    const data = await callAniList(undefined, () => anilist.mediaCard({ mediaId: request.mediaId, memberIds: [...asked] }, { key: request.requesterId }), {
      notFound: `AniList has no anime or manga with id ${request.mediaId}. Pick a title from the suggestions.`,
    });
    const entries = new Map<number, CachedEntry>();
    for (const entry of data.entries) {
      if (!asked.has(entry.userId) || entry.private === true) continue;
      entries.set(entry.userId, { entry, source: 'public' });
      knownPublic.set(entry.userId, true);
    }
    const ownReads = members
      .map(({ member }) => member)
      .filter((member) => member.serverViews === 'shown' && member.state === 'usable' && !entries.has(member.anilistUserId) && !knownPublic.has(member.anilistUserId))
      .slice(0, maxOwnReads);
    await Promise.all(ownReads.map(async (member) => {
      const own = await readOwnEntry(member, request.mediaId);
      if (own && own.private !== true) entries.set(member.anilistUserId, { entry: own, source: 'own' });
    }));
    return { media: data.media, fetchedAt: clock().getTime(), asked, entries };
  }

  async function readOwnEntry(member: LinkedMember, mediaId: number): Promise<ServerEntry | undefined> {
    try {
      return await anilist.ownMediaListEntry({ mediaId, userId: member.anilistUserId }, { key: member.discordUserId, token: member.token() });
    } catch (error) {
      if (isAniListError(error) && error.kind === 'invalidToken') member.rejectToken();
      log?.info({ err: error, discordUserId: member.discordUserId }, 'could not read an opted-in member’s own entry; left out of the server view');
      return undefined;
    }
  }

  function freshCached(key: string, members: readonly ServerMember[]): CachedView | undefined {
    const cached = views.get(key);
    // A member seen here since the view was fetched makes it stale too: they would be missing from it otherwise.
    const complete = cached !== undefined && members.every(({ member }) => cached.asked.has(member.anilistUserId));
    return cached && complete && clock().getTime() - cached.fetchedAt < ttlMs ? cached : undefined;
  }

  function cachedOrFetch(key: string, request: ServerViewRequest, members: readonly ServerMember[]): Promise<CachedView> {
    const cached = freshCached(key, members);
    if (cached) return Promise.resolve(cached);
    const pending = loading.get(key);
    if (pending) return pending;
    const load = fetchView(request, members).then(
      (view) => {
        if (loading.get(key) === load) {
          loading.delete(key);
          views.set(key, view);
        }
        return view;
      },
      (error: unknown) => {
        if (loading.get(key) === load) loading.delete(key);
        throw error;
      },
    );
    loading.set(key, load);
    return load;
  }

  function visibleRow(view: CachedView, { member }: ServerMember): ServerViewRow | undefined {
    const cached = view.entries.get(member.anilistUserId);
    if (!cached || cached.entry.private === true) return undefined;
    if (cached.source === 'own' && !(member.serverViews === 'shown' && member.state === 'usable')) return undefined;
    return { member, entry: cached.entry, scoreFormat: cached.entry.user?.mediaListOptions?.scoreFormat ?? toScoreFormat(member.scoreFormat) };
  }

  function membersAsked(request: ServerViewRequest): { members: ServerMember[]; capped: boolean } {
    const recorded = request.guildId === null ? [] : membership.linkedMembers(request.guildId, { limit: maxMembers + 1 });
    // Hidden members are not even asked about: AniList never learns they are in this server.
    return { members: recorded.slice(0, maxMembers).filter(({ member }) => member.serverViews !== 'hidden'), capped: recorded.length > maxMembers };
  }

  async function shown(view: CachedView, request: ServerViewRequest, members: readonly ServerMember[], capped: boolean): Promise<ServerView> {
    const withEntry = members.filter((member) => visibleRow(view, member) !== undefined);
    const present = request.guildId === null ? [] : await membership.stillPresent(request.guildId, withEntry, tuning.presence);
    const rows = present.map((member) => visibleRow(view, member)).filter((row): row is ServerViewRow => row !== undefined);
    return { media: view.media, guildId: request.guildId, rows: sortRows(rows), capped, maxMembers };
  }

  return {
    async load(request) {
      const { members, capped } = membersAsked(request);
      const view = await cachedOrFetch(keyOf(request.guildId, request.mediaId), request, members);
      return shown(view, request, members, capped);
    },

    async peek(request) {
      const { members, capped } = membersAsked(request);
      const view = freshCached(keyOf(request.guildId, request.mediaId), members);
      return view === undefined ? undefined : shown(view, request, members, capped);
    },

    recordWrite(member, mediaId, saved) {
      for (const [key, view] of views.entries()) {
        if (!key.endsWith(`:${mediaId}`) || !view.asked.has(member.anilistUserId)) continue;
        if (saved.private === true) view.entries.delete(member.anilistUserId);
        else if (view.entries.get(member.anilistUserId)?.source === 'public' || knownPublic.has(member.anilistUserId)) view.entries.set(member.anilistUserId, { entry: saved, source: 'public' });
        else if (member.serverViews === 'shown') view.entries.set(member.anilistUserId, { entry: saved, source: 'own' });
        // Whether a logged-out visitor would see it (a public or a private profile) only AniList can say.
        else views.delete(key);
      }
    },

    forgetMember(anilistUserId, guildIds) {
      const guilds = new Set(guildIds);
      for (const [key, view] of views.entries()) {
        if (view.asked.has(anilistUserId) || guilds.has(key.slice(0, key.lastIndexOf(':')))) views.delete(key);
      }
    },
  };
}

/** By status (Watching/Reading first, Planning last), then score (best first, unscored last); stable otherwise. */
export function sortRows(rows: readonly ServerViewRow[]): ServerViewRow[] {
  const rank = (row: ServerViewRow) => {
    const index = STATUS_ORDER.indexOf(row.entry.status ?? 'PLANNING');
    return index === -1 ? STATUS_ORDER.length : index;
  };
  return rows
    .map((row, order) => ({ row, order }))
    .sort((a, b) => rank(a.row) - rank(b.row) || (b.row.entry.scoreRaw ?? 0) - (a.row.entry.scoreRaw ?? 0) || a.order - b.order)
    .map(({ row }) => row);
}
