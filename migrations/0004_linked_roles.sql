CREATE TABLE `linked_role_sign_ins` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`state_hash` text NOT NULL,
	`browser_binding_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `linked_role_sign_ins_state_hash_unique` ON `linked_role_sign_ins` (`state_hash`);--> statement-breakpoint
CREATE INDEX `linked_role_sign_ins_expires_idx` ON `linked_role_sign_ins` (`expires_at`);--> statement-breakpoint
CREATE TABLE `role_connections` (
	`discord_user_id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`sealed_grant` text NOT NULL,
	`access_token_expires_at` integer NOT NULL,
	`pushed_values` text,
	`pushed_at` integer,
	`checked_at` integer,
	`stale_at` integer,
	`stale_notice` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `role_connections_checked_idx` ON `role_connections` (`checked_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_link_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id_hash` text,
	`discord_state_hash` text,
	`discord_verified_at` integer,
	`state_hash` text,
	`browser_binding_hash` text,
	`discord_user_id` text NOT NULL,
	`discord_username` text NOT NULL,
	`discord_display_name` text NOT NULL,
	`discord_avatar_url` text NOT NULL,
	`application_id` text NOT NULL,
	`sealed_interaction_token` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_link_requests`("id", "page_id_hash", "discord_state_hash", "discord_verified_at", "state_hash", "browser_binding_hash", "discord_user_id", "discord_username", "discord_display_name", "discord_avatar_url", "application_id", "sealed_interaction_token", "created_at", "expires_at") SELECT "id", "page_id_hash", "discord_state_hash", "discord_verified_at", "state_hash", "browser_binding_hash", "discord_user_id", "discord_username", "discord_display_name", "discord_avatar_url", "application_id", "sealed_interaction_token", "created_at", "expires_at" FROM `link_requests`;--> statement-breakpoint
DROP TABLE `link_requests`;--> statement-breakpoint
ALTER TABLE `__new_link_requests` RENAME TO `link_requests`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `link_requests_page_id_hash_unique` ON `link_requests` (`page_id_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `link_requests_discord_state_hash_unique` ON `link_requests` (`discord_state_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `link_requests_state_hash_unique` ON `link_requests` (`state_hash`);--> statement-breakpoint
CREATE INDEX `link_requests_discord_user_idx` ON `link_requests` (`discord_user_id`);--> statement-breakpoint
CREATE INDEX `link_requests_expires_idx` ON `link_requests` (`expires_at`);