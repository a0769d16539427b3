ALTER TABLE `link_requests` ADD `discord_locale` text;--> statement-breakpoint
ALTER TABLE `linked_accounts` ADD `discord_locale` text;