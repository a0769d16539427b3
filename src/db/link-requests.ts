import { and, eq, gt, isNotNull, lte } from 'drizzle-orm';
import type { Db } from './database.js';
import { linkRequests, type LinkRequestRow } from './schema.js';

export type LinkRequest = LinkRequestRow;
export type NewLinkRequest = Omit<LinkRequestRow, 'id' | 'stateHash' | 'browserBindingHash' | 'discordStateHash' | 'discordVerifiedAt' | 'discordLocale'> & {
  discordLocale?: string | null | undefined;
};

export interface LinkRequestsRepository {
  /** Adds a request and drops the member's older ones, so only the newest /link button works. */
  replaceForUser(request: NewLinkRequest): void;
  findActiveByPageIdHash(pageIdHash: string, now: Date): LinkRequest | undefined;
  /**
   * A visit of the start page: a fresh Discord state and browser binding, and the sign-in starts over (any earlier
   * AniList state and Discord verification are dropped), so only the latest visit's browser can go on.
   */
  startSignIn(id: number, discordStateHash: string, browserBindingHash: string): void;
  /**
   * Finds the request by its Discord state and, only if `accept` approves it (not expired, same browser), clears the
   * state in one transaction, so it works once. `consumed` says whether this call cleared it.
   */
  consumeDiscordState(discordStateHash: string, accept: (request: LinkRequest) => boolean): { request: LinkRequest; consumed: boolean } | undefined;
  /**
   * Records the Discord verification and the AniList state, only while the request is still the one that browser
   * signed in for (a later visit of the start page changed the binding). Returns whether it was recorded.
   */
  attachAniListState(id: number, browserBindingHash: string, stateHash: string, verifiedAt: Date): boolean;
  /**
   * Finds a Discord-verified request by its AniList state and, only if `accept` approves it (e.g. the browser
   * binding matches and it has not expired), deletes it, in one transaction: two callbacks racing for one state
   * cannot both win, and a callback that `accept` refuses leaves the member's request in place. `consumed` says
   * whether this call deleted it.
   */
  consumeByStateHash(stateHash: string, accept: (request: LinkRequest) => boolean): { request: LinkRequest; consumed: boolean } | undefined;
  /** Burns one request (its link was refused). */
  delete(id: number): void;
  deleteForUser(discordUserId: string): number;
  purgeExpired(now: Date): number;
}

export function createLinkRequestsRepository(db: Db): LinkRequestsRepository {
  return {
    replaceForUser(request) {
      db.transaction((tx) => {
        tx.delete(linkRequests).where(eq(linkRequests.discordUserId, request.discordUserId)).run();
        tx.insert(linkRequests).values(request).run();
      });
    },
    findActiveByPageIdHash: (pageIdHash, now) =>
      db
        .select()
        .from(linkRequests)
        .where(and(eq(linkRequests.pageIdHash, pageIdHash), gt(linkRequests.expiresAt, now)))
        .get(),
    startSignIn(id, discordStateHash, browserBindingHash) {
      db.update(linkRequests)
        .set({ discordStateHash, browserBindingHash, stateHash: null, discordVerifiedAt: null })
        .where(eq(linkRequests.id, id))
        .run();
    },
    consumeDiscordState: (discordStateHash, accept) =>
      db.transaction((tx) => {
        const request = tx.select().from(linkRequests).where(eq(linkRequests.discordStateHash, discordStateHash)).get();
        if (!request) return undefined;
        if (!accept(request)) return { request, consumed: false };
        const cleared = tx
          .update(linkRequests)
          .set({ discordStateHash: null })
          .where(and(eq(linkRequests.id, request.id), eq(linkRequests.discordStateHash, discordStateHash)))
          .returning({ id: linkRequests.id })
          .get();
        return cleared ? { request, consumed: true } : undefined;
      }),
    attachAniListState: (id, browserBindingHash, stateHash, verifiedAt) =>
      db
        .update(linkRequests)
        .set({ stateHash, discordVerifiedAt: verifiedAt })
        .where(and(eq(linkRequests.id, id), eq(linkRequests.browserBindingHash, browserBindingHash)))
        .run().changes > 0,
    consumeByStateHash: (stateHash, accept) =>
      db.transaction((tx) => {
        const request = tx
          .select()
          .from(linkRequests)
          .where(and(eq(linkRequests.stateHash, stateHash), isNotNull(linkRequests.discordVerifiedAt)))
          .get();
        if (!request) return undefined;
        if (!accept(request)) return { request, consumed: false };
        // Conditional on the state still being there, so even a second process cannot consume it twice.
        const deleted = tx
          .delete(linkRequests)
          .where(and(eq(linkRequests.id, request.id), eq(linkRequests.stateHash, stateHash)))
          .returning({ id: linkRequests.id })
          .get();
        return deleted ? { request, consumed: true } : undefined;
      }),
    delete(id) {
      db.delete(linkRequests).where(eq(linkRequests.id, id)).run();
    },
    deleteForUser: (discordUserId) => db.delete(linkRequests).where(eq(linkRequests.discordUserId, discordUserId)).run().changes,
    purgeExpired: (now) => db.delete(linkRequests).where(lte(linkRequests.expiresAt, now)).run().changes,
  };
}
