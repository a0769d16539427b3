CREATE TABLE `link_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id_hash` text NOT NULL,
	`state_hash` text,
	`browser_binding_hash` text,
	`discord_user_id` text NOT NULL,
	`discord_username` text NOT NULL,
	`discord_display_name` text NOT NULL,
	`discord_avatar_url` text NOT NULL,
	`application_id` text NOT NULL,
	`sealed_interaction_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `link_requests_page_id_hash_unique` ON `link_requests` (`page_id_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `link_requests_state_hash_unique` ON `link_requests` (`state_hash`);--> statement-breakpoint
CREATE INDEX `link_requests_discord_user_idx` ON `link_requests` (`discord_user_id`);--> statement-breakpoint
CREATE INDEX `link_requests_expires_idx` ON `link_requests` (`expires_at`);--> statement-breakpoint
CREATE TABLE `linked_accounts` (
	`discord_user_id` text PRIMARY KEY NOT NULL,
	`anilist_user_id` integer NOT NULL,
	`anilist_name` text NOT NULL,
	`anilist_site_url` text NOT NULL,
	`anilist_avatar_url` text,
	`sealed_token` text NOT NULL,
	`token_expires_at` integer NOT NULL,
	`token_rejected_at` integer,
	`score_format` text NOT NULL,
	`title_language` text NOT NULL,
	`display_adult_content` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `linked_accounts_anilist_user_id_unique` ON `linked_accounts` (`anilist_user_id`);