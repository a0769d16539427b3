/**
 * Which linked members are in which server. The bot has no member list (no privileged intent, no guild cache), so
 * it knows a member is in a server only from their own interactions there, and finds out they left from Discord's
 * member lookup (`GET /guilds/{guild}/members/{user}` answering 10007 Unknown Member).
 */
import { setMaxListeners } from 'node:events';
import { LRUCache } from 'lru-cache';
import type { GuildMembersRepository } from '../db/guild-members.js';
import type { LinkedMember, MemberDirectory } from '../linking/index.js';
import type { Logger } from '../logger.js';

/** What Discord says about a user in a guild: `unknown` when it could not tell (error, timeout, no access). */
export type MemberPresence = 'present' | 'absent' | 'unknown';

/** Asks Discord whether the user is in the guild; never rejects. */
export type MemberLookup = (guildId: string, discordUserId: string, signal: AbortSignal) => Promise<MemberPresence>;

export interface ServerMember {
  readonly member: LinkedMember;
  /** Their latest recorded interaction in the server. */
  readonly lastSeenAt: Date;
  /** When they were last known to be in it: an interaction there, or a member lookup. */
  readonly confirmedAt: Date;
}

export interface PresenceCheck {
  /** At most this many member lookups; members beyond them are left out this time. */
  readonly maxLookups?: number;
  /** The lookups' time budget; members not confirmed by then are left out this time. */
  readonly budgetMs?: number;
}

export interface ServerMembership {
  /**
   * A guild interaction by this user. Linked members are recorded as seen (and present) in the guild; unlinked users
   * are not recorded at all. Cheap: at most one database write per member and guild every few minutes. Never throws.
   */
  recordSeen(guildId: string, discordUserId: string): void;
  /** The linked members recorded in the guild, most recently seen first (at most `limit`). */
  linkedMembers(guildId: string, options?: { limit?: number }): ServerMember[];
  /** How many linked members are recorded in the guild. */
  count(guildId: string): number;
  /** The servers a member was recorded in. */
  guildsOf(discordUserId: string): string[];
  /**
   * The given members of the guild that are still in it: confirmed recently, or confirmed now by a member lookup.
   * Members Discord says left are dropped from the guild; members it could not confirm are left out this time only.
   */
  stillPresent(guildId: string, members: readonly ServerMember[], check?: PresenceCheck): Promise<ServerMember[]>;
  /** Forgets the member in the guild (e.g. after Discord answered 10007 Unknown Member elsewhere). */
  drop(guildId: string, discordUserId: string): void;
}

export interface ServerMembershipTuning {
  /** A member's presence is trusted this long after it was last confirmed (default 1 hour). */
  readonly presenceTtlMs?: number;
  /** A member seen again within this time is not written again (default 10 minutes). */
  readonly seenWriteIntervalMs?: number;
}

export interface ServerMembershipDeps {
  repository: GuildMembersRepository;
  links: Pick<MemberDirectory, 'members'>;
  lookup: MemberLookup;
  clock: () => Date;
  logger: Logger;
  tuning?: ServerMembershipTuning | undefined;
}

const DEFAULT_PRESENCE_TTL_MS = 60 * 60_000;
const DEFAULT_SEEN_WRITE_INTERVAL_MS = 10 * 60_000;
const DEFAULT_MAX_LOOKUPS = 25;
const DEFAULT_LOOKUP_BUDGET_MS = 2_000;
const LOOKUP_CONCURRENCY = 4;

export function createServerMembership({ repository, links, lookup, clock, logger, tuning }: ServerMembershipDeps): ServerMembership {
  const presenceTtlMs = tuning?.presenceTtlMs ?? DEFAULT_PRESENCE_TTL_MS;
  const seenWriteIntervalMs = tuning?.seenWriteIntervalMs ?? DEFAULT_SEEN_WRITE_INTERVAL_MS;
  // When each (guild, member) was last written, so a busy member costs one write per interval, not per interaction.
  const lastWritten = new LRUCache<string, number>({ max: 20_000 });
  const key = (guildId: string, discordUserId: string) => `${guildId}:${discordUserId}`;

  function drop(guildId: string, discordUserId: string): void {
    lastWritten.delete(key(guildId, discordUserId));
    if (repository.remove(guildId, discordUserId)) logger.info({ guildId, discordUserId }, 'member left the server; no longer shown there');
  }

  return {
    recordSeen(guildId, discordUserId) {
      const now = clock().getTime();
      const written = lastWritten.get(key(guildId, discordUserId));
      if (written !== undefined && now - written < seenWriteIntervalMs) return;
      try {
        if (repository.recordSeen(guildId, discordUserId, new Date(now))) lastWritten.set(key(guildId, discordUserId), now);
      } catch (error) {
        logger.warn({ err: error, guildId, discordUserId }, 'could not record a member seen in a server');
      }
    },

    linkedMembers(guildId, options = {}) {
      const rows = repository.listByGuild(guildId, options.limit);
      const members = new Map(links.members(rows.map((row) => row.discordUserId)).map((member) => [member.discordUserId, member]));
      return rows.flatMap((row) => {
        const member = members.get(row.discordUserId);
        return member ? [{ member, lastSeenAt: row.lastSeenAt, confirmedAt: row.confirmedAt }] : [];
      });
    },

    count: (guildId) => repository.countByGuild(guildId),

    guildsOf: (discordUserId) => repository.guildsOf(discordUserId),

    async stillPresent(guildId, members, check = {}) {
      const now = clock().getTime();
      const stale = members.filter((entry) => now - entry.confirmedAt.getTime() >= presenceTtlMs);
      if (stale.length === 0) return [...members];
      const toLookUp = stale.slice(0, check.maxLookups ?? DEFAULT_MAX_LOOKUPS);
      const signal = AbortSignal.timeout(check.budgetMs ?? DEFAULT_LOOKUP_BUDGET_MS);
      // Every lookup in flight listens to it; more than Node's default ten is expected here, not a leak.
      setMaxListeners(toLookUp.length + 10, signal);
      const presence = new Map<string, MemberPresence>();
      let next = 0;
      const worker = async () => {
        while (next < toLookUp.length && !signal.aborted) {
          const entry = toLookUp[next++]!;
          const id = entry.member.discordUserId;
          const answer = await lookup(guildId, id, signal);
          presence.set(id, answer);
          try {
            if (answer === 'present') repository.confirm(guildId, id, clock());
            else if (answer === 'absent') drop(guildId, id);
          } catch (error) {
            logger.warn({ err: error, guildId, discordUserId: id }, 'could not store what Discord said about a member');
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, toLookUp.length) }, worker));
      const unconfirmed = stale.length - [...presence.values()].filter((answer) => answer === 'present').length;
      if (unconfirmed > 0) logger.debug({ guildId, stale: stale.length, unconfirmed }, 'members not confirmed in the server are left out this time');
      const isFresh = (entry: ServerMember) => now - entry.confirmedAt.getTime() < presenceTtlMs;
      return members.filter((entry) => isFresh(entry) || presence.get(entry.member.discordUserId) === 'present');
    },

    drop,
  };
}
