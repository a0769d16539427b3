import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { linkedAccounts, type LinkedAccountRow } from './schema.js';

export type LinkedAccount = LinkedAccountRow;
export type NewLinkedAccount = Omit<
  LinkedAccountRow,
  'createdAt' | 'updatedAt' | 'tokenRejectedAt' | 'expiryReminderFor' | 'expiryReminderOutcome' | 'expiryRemindedAt' | 'serverViews' | 'discordLocale'
> & { discordLocale?: string | null | undefined };
export type ServerViewsChoice = NonNullable<LinkedAccountRow['serverViews']>;
export type ExpiryReminderOutcome = NonNullable<LinkedAccountRow['expiryReminderOutcome']>;

/** Only what a reminder needs; no sealed token. */
export interface ExpiryReminderCandidate {
  discordUserId: string;
  anilistName: string;
  tokenExpiresAt: Date;
  tokenRejectedAt: Date | null;
  /** The member's Discord client language at their latest /link (null for links made before it was kept). */
  discordLocale: string | null;
}

export interface SaveLinkResult {
  /** The Discord user the AniList account was linked to before, when the link moved. */
  movedFromDiscordUserId: string | undefined;
  /** That member's Discord language, to tell them in it. */
  movedFromDiscordLocale: string | null | undefined;
  /** The AniList account this Discord user was linked to before, when it was replaced. */
  replacedAniListName: string | undefined;
}

export interface LinkedAccountsRepository {
  findByDiscordUserId(discordUserId: string): LinkedAccount | undefined;
  /** The links of these Discord users that exist, in no particular order. */
  findByDiscordUserIds(discordUserIds: readonly string[]): LinkedAccount[];
  /** Links the accounts, replacing this Discord user's old link and moving the AniList account from anyone else. */
  save(account: NewLinkedAccount, now: Date): SaveLinkResult;
  delete(discordUserId: string): boolean;
  markTokenRejected(discordUserId: string, at: Date): void;
  /**
   * Marks the link rejected only if it still holds the token that was rejected (`sealedToken`, unique per seal):
   * a late "Invalid token" from a request made before the member re-linked must not mark the new link.
   * Returns whether a row was updated.
   */
  markTokenRejectedIfCurrent(discordUserId: string, sealedToken: string, at: Date): boolean;
  /** The member's /privacy choice for server views (null: the default); returns whether a link was updated. */
  updateServerViews(discordUserId: string, choice: ServerViewsChoice | null, at: Date): boolean;
  /** Keeps the member's score format current; returns whether it changed. */
  updateScoreFormat(discordUserId: string, scoreFormat: string, at: Date): boolean;
  count(): number;
  /** The most recently saved link, e.g. for `npm run doctor` to try the encryption key on. */
  findMostRecent(): LinkedAccount | undefined;
  /** Links whose token was rejected by AniList. */
  countTokenRejected(): number;
  /**
   * Links whose token expires at or before `horizon`, or was rejected, and whose current expiry has not been
   * reminded about yet (sent or found undeliverable). Soonest expiry first.
   */
  findDueForExpiryReminder(horizon: Date, limit: number): ExpiryReminderCandidate[];
  /**
   * Records the reminder for exactly the expiry it was about: if the member re-linked meanwhile (a new expiry),
   * nothing changes and the new token stays armed. Returns whether a row was updated.
   */
  recordExpiryReminder(discordUserId: string, forExpiry: Date, outcome: ExpiryReminderOutcome, at: Date): boolean;
}

/** A new token is neither rejected nor reminded about. */
const FRESH_TOKEN = { tokenRejectedAt: null, expiryReminderFor: null, expiryReminderOutcome: null, expiryRemindedAt: null } as const;

export function createLinkedAccountsRepository(db: Db): LinkedAccountsRepository {
  // Every command looks its member up before it can acknowledge the interaction, so this one query is prepared
  // once: built with drizzle and compiled by SQLite per call it was the largest CPU cost on the way to the
  // deferReply under a burst (BENCHMARKS.md, figure 1).
  const byDiscordUserId = db
    .select()
    .from(linkedAccounts)
    .where(eq(linkedAccounts.discordUserId, sql.placeholder('discordUserId')))
    .prepare();
  return {
    findByDiscordUserId: (discordUserId) => byDiscordUserId.get({ discordUserId }),

    findByDiscordUserIds(discordUserIds) {
      const found: LinkedAccount[] = [];
      // Well below SQLite's limit on bound parameters, whatever the server's size.
      for (let start = 0; start < discordUserIds.length; start += 500) {
        const batch = discordUserIds.slice(start, start + 500);
        found.push(...db.select().from(linkedAccounts).where(inArray(linkedAccounts.discordUserId, batch)).all());
      }
      return found;
    },

    save(account, now) {
      return db.transaction((tx) => {
        const moved = tx
          .delete(linkedAccounts)
          .where(and(eq(linkedAccounts.anilistUserId, account.anilistUserId), ne(linkedAccounts.discordUserId, account.discordUserId)))
          .returning({ discordUserId: linkedAccounts.discordUserId, discordLocale: linkedAccounts.discordLocale })
          .get();
        const previous = tx
          .select({ anilistUserId: linkedAccounts.anilistUserId, anilistName: linkedAccounts.anilistName })
          .from(linkedAccounts)
          .where(eq(linkedAccounts.discordUserId, account.discordUserId))
          .get();
        // A /privacy choice was made for one AniList account; linking another one starts from the default again.
        const sameAccount = previous?.anilistUserId === account.anilistUserId;
        tx.insert(linkedAccounts)
          .values({ ...account, ...FRESH_TOKEN, createdAt: now, updatedAt: now })
          .onConflictDoUpdate({
            target: linkedAccounts.discordUserId,
            set: { ...account, ...FRESH_TOKEN, createdAt: now, updatedAt: now, ...(sameAccount ? {} : { serverViews: null }) },
          })
          .run();
        return {
          movedFromDiscordUserId: moved?.discordUserId,
          movedFromDiscordLocale: moved?.discordLocale,
          replacedAniListName:
            previous && previous.anilistUserId !== account.anilistUserId ? previous.anilistName : undefined,
        };
      });
    },

    delete: (discordUserId) => db.delete(linkedAccounts).where(eq(linkedAccounts.discordUserId, discordUserId)).run().changes > 0,

    markTokenRejected(discordUserId, at) {
      db.update(linkedAccounts).set({ tokenRejectedAt: at, updatedAt: at }).where(eq(linkedAccounts.discordUserId, discordUserId)).run();
    },

    markTokenRejectedIfCurrent: (discordUserId, sealedToken, at) =>
      db
        .update(linkedAccounts)
        .set({ tokenRejectedAt: at, updatedAt: at })
        .where(and(eq(linkedAccounts.discordUserId, discordUserId), eq(linkedAccounts.sealedToken, sealedToken)))
        .run().changes > 0,

    updateServerViews: (discordUserId, choice, at) =>
      db.update(linkedAccounts).set({ serverViews: choice, updatedAt: at }).where(eq(linkedAccounts.discordUserId, discordUserId)).run().changes > 0,

    updateScoreFormat: (discordUserId, scoreFormat, at) =>
      db
        .update(linkedAccounts)
        .set({ scoreFormat, updatedAt: at })
        .where(and(eq(linkedAccounts.discordUserId, discordUserId), ne(linkedAccounts.scoreFormat, scoreFormat)))
        .run().changes > 0,

    count: () => db.select({ total: count() }).from(linkedAccounts).get()?.total ?? 0,

    findMostRecent: () => db.select().from(linkedAccounts).orderBy(desc(linkedAccounts.updatedAt)).limit(1).get(),

    countTokenRejected: () =>
      db.select({ total: count() }).from(linkedAccounts).where(isNotNull(linkedAccounts.tokenRejectedAt)).get()?.total ?? 0,

    findDueForExpiryReminder: (horizon, limit) =>
      db
        .select({
          discordUserId: linkedAccounts.discordUserId,
          anilistName: linkedAccounts.anilistName,
          tokenExpiresAt: linkedAccounts.tokenExpiresAt,
          tokenRejectedAt: linkedAccounts.tokenRejectedAt,
          discordLocale: linkedAccounts.discordLocale,
        })
        .from(linkedAccounts)
        .where(
          and(
            or(lte(linkedAccounts.tokenExpiresAt, horizon), isNotNull(linkedAccounts.tokenRejectedAt)),
            or(isNull(linkedAccounts.expiryReminderFor), ne(linkedAccounts.expiryReminderFor, linkedAccounts.tokenExpiresAt)),
          ),
        )
        .orderBy(asc(linkedAccounts.tokenExpiresAt))
        .limit(limit)
        .all(),

    recordExpiryReminder: (discordUserId, forExpiry, outcome, at) =>
      db
        .update(linkedAccounts)
        .set({ expiryReminderFor: forExpiry, expiryReminderOutcome: outcome, expiryRemindedAt: at })
        .where(and(eq(linkedAccounts.discordUserId, discordUserId), eq(linkedAccounts.tokenExpiresAt, forExpiry)))
        .run().changes > 0,
  };
}
