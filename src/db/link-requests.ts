import { and, eq, gt, lte } from 'drizzle-orm';
import type { Db } from './database.js';
import { linkRequests, type LinkRequestRow } from './schema.js';

export type LinkRequest = LinkRequestRow;
export type NewLinkRequest = Omit<LinkRequestRow, 'id' | 'stateHash' | 'browserBindingHash'>;

export interface LinkRequestsRepository {
  /** Adds a request and drops the member's older ones, so only the newest /link button works. */
  replaceForUser(request: NewLinkRequest): void;
  findActiveByPageIdHash(pageIdHash: string, now: Date): LinkRequest | undefined;
  attachState(id: number, stateHash: string, browserBindingHash: string): void;
  /** Deletes and returns the request in one statement, so two callbacks racing for one state cannot both win. */
  consumeByStateHash(stateHash: string): LinkRequest | undefined;
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
    attachState(id, stateHash, browserBindingHash) {
      db.update(linkRequests).set({ stateHash, browserBindingHash }).where(eq(linkRequests.id, id)).run();
    },
    consumeByStateHash: (stateHash) => db.delete(linkRequests).where(eq(linkRequests.stateHash, stateHash)).returning().get(),
    deleteForUser: (discordUserId) => db.delete(linkRequests).where(eq(linkRequests.discordUserId, discordUserId)).run().changes,
    purgeExpired: (now) => db.delete(linkRequests).where(lte(linkRequests.expiresAt, now)).run().changes,
  };
}
