import { and, count, eq, ne } from 'drizzle-orm';
import type { Db } from './database.js';
import { linkedAccounts, type LinkedAccountRow } from './schema.js';

export type LinkedAccount = LinkedAccountRow;
export type NewLinkedAccount = Omit<LinkedAccountRow, 'createdAt' | 'updatedAt' | 'tokenRejectedAt'>;

export interface SaveLinkResult {
  /** The Discord user the AniList account was linked to before, when the link moved. */
  movedFromDiscordUserId: string | undefined;
  /** The AniList account this Discord user was linked to before, when it was replaced. */
  replacedAniListName: string | undefined;
}

export interface LinkedAccountsRepository {
  findByDiscordUserId(discordUserId: string): LinkedAccount | undefined;
  /** Links the accounts, replacing this Discord user's old link and moving the AniList account from anyone else. */
  save(account: NewLinkedAccount, now: Date): SaveLinkResult;
  delete(discordUserId: string): boolean;
  markTokenRejected(discordUserId: string, at: Date): void;
  count(): number;
}

export function createLinkedAccountsRepository(db: Db): LinkedAccountsRepository {
  return {
    findByDiscordUserId: (discordUserId) =>
      db.select().from(linkedAccounts).where(eq(linkedAccounts.discordUserId, discordUserId)).get(),

    save(account, now) {
      return db.transaction((tx) => {
        const moved = tx
          .delete(linkedAccounts)
          .where(and(eq(linkedAccounts.anilistUserId, account.anilistUserId), ne(linkedAccounts.discordUserId, account.discordUserId)))
          .returning({ discordUserId: linkedAccounts.discordUserId })
          .get();
        const previous = tx
          .select({ anilistUserId: linkedAccounts.anilistUserId, anilistName: linkedAccounts.anilistName })
          .from(linkedAccounts)
          .where(eq(linkedAccounts.discordUserId, account.discordUserId))
          .get();
        tx.insert(linkedAccounts)
          .values({ ...account, tokenRejectedAt: null, createdAt: now, updatedAt: now })
          .onConflictDoUpdate({
            target: linkedAccounts.discordUserId,
            set: { ...account, tokenRejectedAt: null, createdAt: now, updatedAt: now },
          })
          .run();
        return {
          movedFromDiscordUserId: moved?.discordUserId,
          replacedAniListName:
            previous && previous.anilistUserId !== account.anilistUserId ? previous.anilistName : undefined,
        };
      });
    },

    delete: (discordUserId) => db.delete(linkedAccounts).where(eq(linkedAccounts.discordUserId, discordUserId)).run().changes > 0,

    markTokenRejected(discordUserId, at) {
      db.update(linkedAccounts).set({ tokenRejectedAt: at, updatedAt: at }).where(eq(linkedAccounts.discordUserId, discordUserId)).run();
    },

    count: () => db.select({ total: count() }).from(linkedAccounts).get()?.total ?? 0,
  };
}
