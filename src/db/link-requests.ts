import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { linkRequests, type LinkRequestRow } from './schema.js';

export type LinkRequest = LinkRequestRow;
export type NewLinkRequest = Omit<LinkRequestRow, 'id' | 'stateHash' | 'browserBindingHash'>;

export interface LinkRequestsRepository {
  /** Adds a request and drops the member's older ones, so only the newest /link button works. */
  replaceForUser(request: NewLinkRequest): void;
  findActiveByPageIdHash(pageIdHash: string, now: Date): LinkRequest | undefined;
  attachState(id: number, stateHash: string, browserBindingHash: string): void;
  /**
   * Finds the request by state and, only if `accept` approves it (e.g. the browser binding matches and it has not
   * expired), deletes it, in one transaction: two callbacks racing for one state cannot both win, and a callback
   * that `accept` refuses leaves the member's request in place. `consumed` says whether this call deleted it.
   */
  consumeByStateHash(stateHash: string, accept: (request: LinkRequest) => boolean): { request: LinkRequest; consumed: boolean } | undefined;
  deleteForUser(discordUserId: string): number;
  purgeExpired(now: Date): number;
}

export function createLinkRequestsRepository(db: Db): LinkRequestsRepository {
  // Anyone can call /oauth/callback with a made-up state: the lookup that rejects it is prepared once, and an unknown
  // state is answered without opening a transaction (built and compiled per call it was most of that path's CPU).
  const byStateHash = db
    .select()
    .from(linkRequests)
    .where(eq(linkRequests.stateHash, sql.placeholder('stateHash')))
    .prepare();
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
    attachState(id, stateHash, browserBindingHash) {
      db.update(linkRequests).set({ stateHash, browserBindingHash }).where(eq(linkRequests.id, id)).run();
    },
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
    deleteForUser: (discordUserId) => db.delete(linkRequests).where(eq(linkRequests.discordUserId, discordUserId)).run().changes,
    purgeExpired: (now) => db.delete(linkRequests).where(lte(linkRequests.expiresAt, now)).run().changes,
  };
}
