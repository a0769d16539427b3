CREATE TABLE `airing_feed_posts` (
	`guild_id` text NOT NULL,
	`media_id` integer NOT NULL,
	`episode` integer NOT NULL,
	`airing_at` integer NOT NULL,
	`title` text NOT NULL,
	`site_url` text,
	`is_adult` integer NOT NULL,
	`watchers` integer NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`posted_at` integer,
	PRIMARY KEY(`guild_id`, `media_id`, `episode`),
	FOREIGN KEY (`guild_id`) REFERENCES `airing_feeds`(`guild_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `airing_feed_posts_state_idx` ON `airing_feed_posts` (`state`,`airing_at`);--> statement-breakpoint
CREATE TABLE `airing_feed_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`checked_through` integer,
	`next_check_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `airing_feeds` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`role_id` text,
	`channel_nsfw` integer NOT NULL,
	`set_by` text NOT NULL,
	`locale` text DEFAULT 'en' NOT NULL,
	`since` integer NOT NULL,
	`disabled_at` integer,
	`disabled_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `airing_watchlist` (
	`anilist_user_id` integer NOT NULL,
	`media_id` integer NOT NULL,
	PRIMARY KEY(`anilist_user_id`, `media_id`)
);
--> statement-breakpoint
CREATE INDEX `airing_watchlist_media_idx` ON `airing_watchlist` (`media_id`);--> statement-breakpoint
CREATE TABLE `airing_watchlist_reads` (
	`anilist_user_id` integer PRIMARY KEY NOT NULL,
	`read_at` integer NOT NULL
);
