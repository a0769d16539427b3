import { and, eq, lte } from 'drizzle-orm';
import type { Db } from './database.js';
import { linkedRoleSignIns, type LinkedRoleSignInRow } from './schema.js';

export type LinkedRoleSignIn = LinkedRoleSignInRow;

export interface LinkedRoleSignInsRepository {
  create(signIn: Omit<LinkedRoleSignIn, 'id'>): void;
  /**
   * Finds the sign-in by its state and, only if `accept` approves it (not expired, same browser), deletes it, in one
   * transaction, so a state works once. `consumed` says whether this call deleted it.
   */
  consume(stateHash: string, accept: (signIn: LinkedRoleSignIn) => boolean): { signIn: LinkedRoleSignIn; consumed: boolean } | undefined;
  purgeExpired(now: Date): number;
}

export function createLinkedRoleSignInsRepository(db: Db): LinkedRoleSignInsRepository {
  return {
    create(signIn) {
      db.insert(linkedRoleSignIns).values(signIn).run();
    },
    consume: (stateHash, accept) =>
      db.transaction((tx) => {
        const signIn = tx.select().from(linkedRoleSignIns).where(eq(linkedRoleSignIns.stateHash, stateHash)).get();
        if (!signIn) return undefined;
        if (!accept(signIn)) return { signIn, consumed: false };
        const deleted = tx
          .delete(linkedRoleSignIns)
          .where(and(eq(linkedRoleSignIns.id, signIn.id), eq(linkedRoleSignIns.stateHash, stateHash)))
          .returning({ id: linkedRoleSignIns.id })
          .get();
        return deleted ? { signIn, consumed: true } : undefined;
      }),
    purgeExpired: (now) => db.delete(linkedRoleSignIns).where(lte(linkedRoleSignIns.expiresAt, now)).run().changes,
  };
}
