import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A member's `/link` in progress. Nothing here is readable as a credential: the one-time page id, the OAuth
 * state and the browser-binding cookie are stored only as SHA-256 hashes, and the interaction token used to
 * edit the member's ephemeral reply later is sealed by the vault.
 */
export const linkRequests = sqliteTable(
  'link_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pageIdHash: text('page_id_hash').notNull().unique(),
    stateHash: text('state_hash').unique(),
    browserBindingHash: text('browser_binding_hash'),
    discordUserId: text('discord_user_id').notNull(),
    discordUsername: text('discord_username').notNull(),
    discordDisplayName: text('discord_display_name').notNull(),
    discordAvatarUrl: text('discord_avatar_url').notNull(),
    applicationId: text('application_id').notNull(),
    sealedInteractionToken: text('sealed_interaction_token').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    index('link_requests_discord_user_idx').on(table.discordUserId),
    index('link_requests_expires_idx').on(table.expiresAt),
  ],
);

/** One AniList account per Discord user and one Discord user per AniList account. */
export const linkedAccounts = sqliteTable(
  'linked_accounts',
  {
    discordUserId: text('discord_user_id').primaryKey(),
    anilistUserId: integer('anilist_user_id').notNull().unique(),
    anilistName: text('anilist_name').notNull(),
    anilistSiteUrl: text('anilist_site_url').notNull(),
    anilistAvatarUrl: text('anilist_avatar_url'),
    sealedToken: text('sealed_token').notNull(),
    tokenExpiresAt: integer('token_expires_at', { mode: 'timestamp_ms' }).notNull(),
    /** Set when AniList answered "Invalid token": the member must run /link again. */
    tokenRejectedAt: integer('token_rejected_at', { mode: 'timestamp_ms' }),
    /**
     * The `token_expires_at` the member was last reminded about (by DM). A reminder is due again only once this
     * differs, i.e. after a re-link brought a new token, so one expiry never gets two DMs.
     */
    expiryReminderFor: integer('expiry_reminder_for', { mode: 'timestamp_ms' }),
    /** 'sent', or 'undeliverable' when Discord refused the DM (closed DMs, unknown user): not retried. */
    expiryReminderOutcome: text('expiry_reminder_outcome', { enum: ['sent', 'undeliverable'] }),
    expiryRemindedAt: integer('expiry_reminded_at', { mode: 'timestamp_ms' }),
    scoreFormat: text('score_format').notNull(),
    titleLanguage: text('title_language').notNull(),
    displayAdultContent: integer('display_adult_content', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch() * 1000)`),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch() * 1000)`),
  },
  (table) => [index('linked_accounts_token_expires_idx').on(table.tokenExpiresAt)],
);

/**
 * A member's `/notifications` opt-in and where their AniList inbox was read up to. A row exists only while they are
 * opted in; it goes with their link (`/unlink`, or the AniList account moving to another Discord user).
 *
 * Delivery is at most once and never silently lost: `cursor` is the id of the last notification delivered by DM
 * and moves forward in the same statement that records the delivery, after the DM was accepted; a crash in between
 * repeats that one message, never skips one. Before the first delivery `since` (the opt-in) keeps older
 * notifications out.
 */
export const notificationSubscriptions = sqliteTable(
  'notification_subscriptions',
  {
    discordUserId: text('discord_user_id')
      .primaryKey()
      .references(() => linkedAccounts.discordUserId, { onDelete: 'cascade' }),
    /** The AniList account `cursor` belongs to: a re-link to another account starts again from that moment. */
    anilistUserId: integer('anilist_user_id').notNull(),
    types: text('types', { enum: ['all', 'airing', 'airing_related', 'activity'] }).notNull(),
    /**
     * Bumped whenever the subscription starts over (other types, another AniList account): a poll that began
     * before records nothing into the new one.
     */
    generation: integer('generation').notNull().default(0),
    /** Only notifications created at or after this count (opt-in, or a change of types). */
    since: integer('since', { mode: 'timestamp_ms' }).notNull(),
    /** The id of the last notification delivered; null until the first delivery (or the first poll). */
    cursor: integer('cursor'),
    nextPollAt: integer('next_poll_at', { mode: 'timestamp_ms' }).notNull(),
    /** The last poll AniList answered. */
    lastPolledAt: integer('last_polled_at', { mode: 'timestamp_ms' }),
    lastDeliveredAt: integer('last_delivered_at', { mode: 'timestamp_ms' }),
    deliveredCount: integer('delivered_count').notNull().default(0),
    /** Discord refused a DM (closed DMs, no shared server): polling waits until the member opts in again. */
    dmClosedAt: integer('dm_closed_at', { mode: 'timestamp_ms' }),
    /** The member has not been told about the closed DMs yet; the next command they run tells them. */
    dmClosedNoticePending: integer('dm_closed_notice_pending', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('notification_subscriptions_next_poll_idx').on(table.nextPollAt)],
);

export type LinkRequestRow = typeof linkRequests.$inferSelect;
export type LinkedAccountRow = typeof linkedAccounts.$inferSelect;
export type NotificationSubscriptionRow = typeof notificationSubscriptions.$inferSelect;
