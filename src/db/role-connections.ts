import { and, asc, count, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { linkedAccounts, roleConnections, type RoleConnectionRow } from './schema.js';

export type RoleConnection = RoleConnectionRow;
export type StaleNoticeOutcome = NonNullable<RoleConnectionRow['staleNotice']>;

export interface SavedGrant {
  discordUserId: string;
  applicationId: string;
  sealedGrant: string;
  accessTokenExpiresAt: Date;
}

export interface RoleConnectionsRepository {
  find(discordUserId: string): RoleConnection | undefined;
  /** Keeps the tokens of a fresh sign-in: anything stale or pushed before is forgotten, so the next push writes. */
  save(grant: SavedGrant, now: Date): void;
  /**
   * Replaces refreshed tokens only if the row still holds `previousSealedGrant`: when another process refreshed them
   * first, its tokens stay. Returns whether this call replaced them.
   */
  replaceGrantIfCurrent(discordUserId: string, previousSealedGrant: string, next: { sealedGrant: string; accessTokenExpiresAt: Date }, now: Date): boolean;
  /** Records the connection Discord accepted (also counts as checked). */
  recordPush(discordUserId: string, pushedValues: string, now: Date): void;
  /** Records that the numbers were read and found unchanged. */
  recordChecked(discordUserId: string, now: Date): void;
  /** Marks the connection stale only if it still holds the tokens Discord refused; returns whether it did. */
  markStaleIfCurrent(discordUserId: string, sealedGrant: string, now: Date): boolean;
  recordStaleNotice(discordUserId: string, outcome: StaleNoticeOutcome): void;
  delete(discordUserId: string): boolean;
  /**
   * Connections of linked members due for the daily refresh (never checked, or checked before `checkedBefore`), not
   * stale, least recently checked first.
   */
  findDueForRefresh(checkedBefore: Date, limit: number): string[];
  /** Connections whose member is no longer linked (unlinked elsewhere, or their AniList account moved on). */
  findOrphans(limit: number): string[];
  /** Stale connections whose member has not been told yet. */
  findStaleUntold(limit: number): string[];
  count(): number;
}

export function createRoleConnectionsRepository(db: Db): RoleConnectionsRepository {
  const byDiscordUserId = db
    .select()
    .from(roleConnections)
    .where(eq(roleConnections.discordUserId, sql.placeholder('discordUserId')))
    .prepare();
  return {
    find: (discordUserId) => byDiscordUserId.get({ discordUserId }),

    save(grant, now) {
      const fresh = { ...grant, pushedValues: null, pushedAt: null, checkedAt: null, staleAt: null, staleNotice: null, updatedAt: now };
      db.insert(roleConnections)
        .values({ ...fresh, createdAt: now })
        .onConflictDoUpdate({ target: roleConnections.discordUserId, set: fresh })
        .run();
    },

    replaceGrantIfCurrent: (discordUserId, previousSealedGrant, next, now) =>
      db
        .update(roleConnections)
        .set({ ...next, updatedAt: now })
        .where(and(eq(roleConnections.discordUserId, discordUserId), eq(roleConnections.sealedGrant, previousSealedGrant)))
        .run().changes > 0,

    recordPush(discordUserId, pushedValues, now) {
      db.update(roleConnections)
        .set({ pushedValues, pushedAt: now, checkedAt: now, updatedAt: now })
        .where(eq(roleConnections.discordUserId, discordUserId))
        .run();
    },

    recordChecked(discordUserId, now) {
      db.update(roleConnections).set({ checkedAt: now, updatedAt: now }).where(eq(roleConnections.discordUserId, discordUserId)).run();
    },

    markStaleIfCurrent: (discordUserId, sealedGrant, now) =>
      db
        .update(roleConnections)
        .set({ staleAt: now, updatedAt: now })
        .where(and(eq(roleConnections.discordUserId, discordUserId), eq(roleConnections.sealedGrant, sealedGrant)))
        .run().changes > 0,

    recordStaleNotice(discordUserId, outcome) {
      db.update(roleConnections).set({ staleNotice: outcome }).where(eq(roleConnections.discordUserId, discordUserId)).run();
    },

    delete: (discordUserId) => db.delete(roleConnections).where(eq(roleConnections.discordUserId, discordUserId)).run().changes > 0,

    findDueForRefresh: (checkedBefore, limit) =>
      db
        .select({ discordUserId: roleConnections.discordUserId })
        .from(roleConnections)
        .innerJoin(linkedAccounts, eq(linkedAccounts.discordUserId, roleConnections.discordUserId))
        .where(and(isNull(roleConnections.staleAt), or(isNull(roleConnections.checkedAt), lt(roleConnections.checkedAt, checkedBefore))))
        // Never-checked first (NULL sorts first in SQLite), then the oldest reading.
        .orderBy(asc(roleConnections.checkedAt))
        .limit(limit)
        .all()
        .map((row) => row.discordUserId),

    findOrphans: (limit) =>
      db
        .select({ discordUserId: roleConnections.discordUserId })
        .from(roleConnections)
        .leftJoin(linkedAccounts, eq(linkedAccounts.discordUserId, roleConnections.discordUserId))
        .where(isNull(linkedAccounts.discordUserId))
        .limit(limit)
        .all()
        .map((row) => row.discordUserId),

    findStaleUntold: (limit) =>
      db
        .select({ discordUserId: roleConnections.discordUserId })
        .from(roleConnections)
        .where(and(sql`${roleConnections.staleAt} IS NOT NULL`, isNull(roleConnections.staleNotice)))
        .limit(limit)
        .all()
        .map((row) => row.discordUserId),

    count: () => db.select({ total: count() }).from(roleConnections).get()?.total ?? 0,
  };
}
