import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A member's `/link` in progress. Nothing here is readable as a credential: the one-time page id, the two OAuth
 * states and the browser-binding cookie are stored only as SHA-256 hashes, and the interaction token used to
 * edit the member's ephemeral reply later is sealed by the vault.
 *
 * The member goes through two sign-ins: Discord (state `discordStateHash`), which proves they are the Discord user
 * the request was made for and sets `discordVerifiedAt`, then AniList (state `stateHash`, only issued after that).
 *
 * A request can also start from the linked-roles verification page (`/linked-role`, see `linkedRoleSignIns`): the
 * member signed in with Discord first, so it is created already verified, without a start page (`pageIdHash`) or a
 * /link reply to edit (`sealedInteractionToken`).
 */
export const linkRequests = sqliteTable(
  'link_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pageIdHash: text('page_id_hash').unique(),
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
    sealedInteractionToken: text('sealed_interaction_token'),
    /**
     * The Discord tokens of the member's sign-in (scope role_connections.write), sealed, until the link is saved and
     * they move to `roleConnections`.
     */
    sealedDiscordGrant: text('sealed_discord_grant'),
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

/**
 * A visit of the linked-roles verification page (`/linked-role`), where Discord sends members from its Linked Roles
 * menu: who the member is comes from the Discord sign-in itself, so all there is before it is the state, bound to
 * the visiting browser. Both are stored as SHA-256 hashes; the state works once, for a few minutes.
 */
export const linkedRoleSignIns = sqliteTable(
  'linked_role_sign_ins',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    stateHash: text('state_hash').notNull().unique(),
    browserBindingHash: text('browser_binding_hash').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('linked_role_sign_ins_expires_idx').on(table.expiresAt)],
);

/**
 * A member's role connection: the Discord tokens (scope role_connections.write) that let the bot write their linked
 * roles' numbers, sealed like AniList tokens, and what was last written. Kept apart from `linkedAccounts` (no
 * cascade) so that a connection whose link is gone (moved to another Discord account) can still be cleared with its
 * own tokens before they are forgotten.
 */
export const roleConnections = sqliteTable(
  'role_connections',
  {
    discordUserId: text('discord_user_id').primaryKey(),
    /** The application the tokens were issued to, whose role connection they write. */
    applicationId: text('application_id').notNull(),
    /** Access and refresh token, sealed together. */
    sealedGrant: text('sealed_grant').notNull(),
    accessTokenExpiresAt: integer('access_token_expires_at', { mode: 'timestamp_ms' }).notNull(),
    /** The connection last accepted by Discord (JSON of platform_username and metadata); null until then. */
    pushedValues: text('pushed_values'),
    pushedAt: integer('pushed_at', { mode: 'timestamp_ms' }),
    /** When the numbers were last read (AniList, or an /update's answer); the daily refresh takes the oldest first. */
    checkedAt: integer('checked_at', { mode: 'timestamp_ms' }),
    /** Set when Discord refused the refresh token: nothing is written until the member verifies again. */
    staleAt: integer('stale_at', { mode: 'timestamp_ms' }),
    /** 'sent', or 'undeliverable' when Discord refused the DM telling them: never sent twice for one staleness. */
    staleNotice: text('stale_notice', { enum: ['sent', 'undeliverable'] }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('role_connections_checked_idx').on(table.checkedAt)],
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

/**
 * A server's `/airing-feed`: the channel where the episodes its linked members are watching are announced. One per
 * server; `/airing-feed off` deletes it (with its posts).
 */
export const airingFeeds = sqliteTable('airing_feeds', {
  guildId: text('guild_id').primaryKey(),
  channelId: text('channel_id').notNull(),
  /** Mentioned in every post (allowed_mentions for exactly this role); null for none. */
  roleId: text('role_id'),
  /** The channel's age restriction when the feed was set: adult titles are announced only in an NSFW channel. */
  channelNsfw: integer('channel_nsfw', { mode: 'boolean' }).notNull(),
  /** The admin who set it up: told by DM if the feed has to stop. */
  setBy: text('set_by').notNull(),
  /** The language of the posts: the server's (Discord's guild locale when it was set up), else the admin's. */
  locale: text('locale').notNull().default('en'),
  /** Only episodes airing at or after this are announced (set, or set again). */
  since: integer('since', { mode: 'timestamp_ms' }).notNull(),
  /** Set when Discord refused a post for good (missing access or permissions, channel gone): nothing more is posted. */
  disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
  disabledReason: text('disabled_reason', { enum: ['missing_access', 'missing_permissions', 'unknown_channel'] }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Each episode announced (or to be announced) in each server: the primary key is what makes a post happen at most
 * once per server, across windows that overlap and across restarts. A post is `pending` until it is sent, `sending`
 * while Discord is asked (a crash then leaves it so: never sent twice), `sent`, or `dropped` (feed stopped, channel
 * no longer NSFW, given up on).
 */
export const airingFeedPosts = sqliteTable(
  'airing_feed_posts',
  {
    guildId: text('guild_id')
      .notNull()
      .references(() => airingFeeds.guildId, { onDelete: 'cascade' }),
    mediaId: integer('media_id').notNull(),
    episode: integer('episode').notNull(),
    airingAt: integer('airing_at', { mode: 'timestamp_ms' }).notNull(),
    title: text('title').notNull(),
    siteUrl: text('site_url'),
    isAdult: integer('is_adult', { mode: 'boolean' }).notNull(),
    /** How many of the server's linked members had the title as Watching when it aired. */
    watchers: integer('watchers').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'dropped'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    postedAt: integer('posted_at', { mode: 'timestamp_ms' }),
  },
  (table) => [primaryKey({ columns: [table.guildId, table.mediaId, table.episode] }), index('airing_feed_posts_state_idx').on(table.state, table.airingAt)],
);

/**
 * The public CURRENT anime of the linked members of servers with a feed, as AniList showed it to a logged-out
 * visitor (no private profile, no private entry). By AniList user id; refreshed every few hours.
 */
export const airingWatchlist = sqliteTable(
  'airing_watchlist',
  {
    anilistUserId: integer('anilist_user_id').notNull(),
    mediaId: integer('media_id').notNull(),
  },
  (table) => [primaryKey({ columns: [table.anilistUserId, table.mediaId] }), index('airing_watchlist_media_idx').on(table.mediaId)],
);

/** When each member's CURRENT anime were last read for the airing feeds. */
export const airingWatchlistReads = sqliteTable('airing_watchlist_reads', {
  anilistUserId: integer('anilist_user_id').primaryKey(),
  readAt: integer('read_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Where the shared airing check (one for all servers) got to: one row, id 1. */
export const airingFeedState = sqliteTable('airing_feed_state', {
  id: integer('id').primaryKey(),
  /** Episodes airing up to this moment were looked at; null before the first check. */
  checkedThrough: integer('checked_through', { mode: 'timestamp_ms' }),
  /** When the next check is due. */
  nextCheckAt: integer('next_check_at', { mode: 'timestamp_ms' }).notNull(),
});

export type LinkRequestRow = typeof linkRequests.$inferSelect;
export type LinkedAccountRow = typeof linkedAccounts.$inferSelect;
export type GuildMemberRow = typeof guildMembers.$inferSelect;
export type LinkedRoleSignInRow = typeof linkedRoleSignIns.$inferSelect;
export type RoleConnectionRow = typeof roleConnections.$inferSelect;
export type NotificationSubscriptionRow = typeof notificationSubscriptions.$inferSelect;
export type AiringFeedRow = typeof airingFeeds.$inferSelect;
export type AiringFeedPostRow = typeof airingFeedPosts.$inferSelect;
