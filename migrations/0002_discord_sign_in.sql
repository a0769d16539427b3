ALTER TABLE `link_requests` ADD `discord_state_hash` text;--> statement-breakpoint
ALTER TABLE `link_requests` ADD `discord_verified_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `link_requests_discord_state_hash_unique` ON `link_requests` (`discord_state_hash`);