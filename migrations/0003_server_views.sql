CREATE TABLE `guild_members` (
	`guild_id` text NOT NULL,
	`discord_user_id` text NOT NULL,
	`last_seen_at` integer NOT NULL,
	`confirmed_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `discord_user_id`),
	FOREIGN KEY (`discord_user_id`) REFERENCES `linked_accounts`(`discord_user_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `guild_members_guild_seen_idx` ON `guild_members` (`guild_id`,`last_seen_at`);--> statement-breakpoint
CREATE INDEX `guild_members_user_idx` ON `guild_members` (`discord_user_id`);--> statement-breakpoint
ALTER TABLE `linked_accounts` ADD `server_views` text;