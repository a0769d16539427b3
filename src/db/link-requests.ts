import { and, eq, gt, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { linkRequests, type LinkRequestRow } from './schema.js';

export type LinkRequest = LinkRequestRow;
export type NewLinkRequest = Omit<LinkRequestRow, 'id' | 'stateHash' | 'browserBindingHash' | 'discordStateHash' | 'discordVerifiedAt' | 'sealedDiscordGrant' | 'discordLocale'> & {
  discordLocale?: string | null | undefined;
};
/** A request whose member already signed in with Discord (from the linked-roles page): it waits for AniList only. */
export type NewVerifiedLinkRequest = Omit<LinkRequestRow, 'id' | 'pageIdHash' | 'sealedInteractionToken' | 'discordStateHash' | 'discordLocale'> & {
  stateHash: string;
  browserBindingHash: string;
  discordVerifiedAt: Date;
  discordLocale?: string | null | undefined;
};

export interface LinkRequestsRepository {
  /** Adds a request and drops the member's older ones, so only the newest /link button works. */
  replaceForUser(request: NewLinkRequest): void;
  /** Same, for a member who signed in with Discord on the linked-roles page: no start page, no /link reply. */
  replaceForUserVerified(request: NewVerifiedLinkRequest): void;
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
   * Records the Discord verification, the sealed Discord tokens (when kept) and the AniList state, only while the
   * request is still the one that browser signed in for (a later visit of the start page changed the binding).
   * Returns whether it was recorded.
   */
  attachAniListState(id: number, browserBindingHash: string, stateHash: string, verifiedAt: Date, sealedDiscordGrant: string | null): boolean;
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
  // Anyone can call /oauth/callback with a made-up state: the lookup that rejects it is prepared once, and an unknown
  // state is answered without opening a transaction (built and compiled per call it was most of that path's CPU).
  const byStateHash = db
    .select()
    .from(linkRequests)
    .where(and(eq(linkRequests.stateHash, sql.placeholder('stateHash')), isNotNull(linkRequests.discordVerifiedAt)))
    .prepare();
  return {
    replaceForUser(request) {
      db.transaction((tx) => {
        tx.delete(linkRequests).where(eq(linkRequests.discordUserId, request.discordUserId)).run();
        tx.insert(linkRequests).values(request).run();
      });
    },
    replaceForUserVerified(request) {
      db.transaction((tx) => {
        tx.delete(linkRequests).where(eq(linkRequests.discordUserId, request.discordUserId)).run();
        tx.insert(linkRequests).values({ ...request, pageIdHash: null, sealedInteractionToken: null }).run();
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
        .set({ discordStateHash, browserBindingHash, stateHash: null, discordVerifiedAt: null, sealedDiscordGrant: null })
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
    attachAniListState: (id, browserBindingHash, stateHash, verifiedAt, sealedDiscordGrant) =>
      db
        .update(linkRequests)
        .set({ stateHash, discordVerifiedAt: verifiedAt, sealedDiscordGrant })
        .where(and(eq(linkRequests.id, id), eq(linkRequests.browserBindingHash, browserBindingHash)))
        .run().changes > 0,
    consumeByStateHash: (stateHash, accept) => {
      if (!byStateHash.get({ stateHash })) return undefined;
      return db.transaction((tx) => {
        // Read again inside the transaction: the request may have been consumed in between.
        const request = byStateHash.get({ stateHash });
        if (!request) return undefined;
        if (!accept(request)) return { request, consumed: false };
        // Conditional on the state still being there, so even a second process cannot consume it twice.
        const deleted = tx
          .delete(linkRequests)
          .where(and(eq(linkRequests.id, request.id), eq(linkRequests.stateHash, stateHash)))
          .returning({ id: linkRequests.id })
          .get();
        return deleted ? { request, consumed: true } : undefined;
      });
    },
    delete(id) {
      db.delete(linkRequests).where(eq(linkRequests.id, id)).run();
    },
    deleteForUser: (discordUserId) => db.delete(linkRequests).where(eq(linkRequests.discordUserId, discordUserId)).run().changes,
    purgeExpired: (now) => db.delete(linkRequests).where(lte(linkRequests.expiresAt, now)).run().changes,
  };
}
