import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A member's `/link` in progress. Nothing here is readable as a credential: the one-time page id, the two OAuth
 * states and the browser-binding cookie are stored only as SHA-256 hashes, and the interaction token used to
 * edit the member's ephemeral reply later is sealed by the vault.
 *
 * The member goes through two sign-ins: Discord (state `discordStateHash`), which proves they are the Discord user
 * the request was made for and sets `discordVerifiedAt`, then AniList (state `stateHash`, only issued after that).
 */
export const linkRequests = sqliteTable(
  'link_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pageIdHash: text('page_id_hash').notNull().unique(),
    /** The Discord sign-in's state; cleared when used. */
    discordStateHash: text('discord_state_hash').unique(),
    /** When the member proved with Discord to be `discordUserId`; the AniList state exists only after that. */
    discordVerifiedAt: integer('discord_verified_at', { mode: 'timestamp_ms' }),
    /** The AniList sign-in's state. */
    stateHash: text('state_hash').unique(),
    browserBindingHash: text('browser_binding_hash'),
    discordUserId: text('discord_user_id').notNull(),
    discordUsername: text('discord_username').notNull(),
    discordDisplayName: text('discord_display_name').notNull(),
    discordAvatarUrl: text('discord_avatar_url').notNull(),
    applicationId: text('application_id').notNull(),
    sealedInteractionToken: text('sealed_interaction_token').notNull(),
    /** The member's Discord client language when they ran /link (the interaction's `locale`): the reply's language. */
    discordLocale: text('discord_locale'),
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
    /**
     * Whether the member appears in server views ("who in this server has this title"), set by /privacy. null: the
     * default, only what AniList shows a logged-out visitor. 'shown': opted in after linking, so a private profile's
     * non-private entries are read with the member's own token. 'hidden': never shown, never asked about.
     */
    serverViews: text('server_views', { enum: ['shown', 'hidden'] }),
    /** The member's Discord client language at their latest /link: the language of the DMs the bot sends them. */
    discordLocale: text('discord_locale'),
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
 * Which linked members used the bot in which server: the bot has no member list (no privileged intent), so a server
 * view only knows members from their own interactions there. Unlinking removes the rows (cascade).
 */
export const guildMembers = sqliteTable(
  'guild_members',
  {
    guildId: text('guild_id').notNull(),
    discordUserId: text('discord_user_id')
      .notNull()
      .references(() => linkedAccounts.discordUserId, { onDelete: 'cascade' }),
    /** The member's latest interaction in the guild (written at most every few minutes). */
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    /** When the member was last known to be in the guild: an interaction there, or Discord's member lookup. */
    confirmedAt: integer('confirmed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.guildId, table.discordUserId] }),
    index('guild_members_guild_seen_idx').on(table.guildId, table.lastSeenAt),
    index('guild_members_user_idx').on(table.discordUserId),
  ],
);

export type LinkRequestRow = typeof linkRequests.$inferSelect;
export type LinkedAccountRow = typeof linkedAccounts.$inferSelect;
export type GuildMemberRow = typeof guildMembers.$inferSelect;
