ALTER TABLE `linked_accounts` ADD `expiry_reminder_for` integer;--> statement-breakpoint
ALTER TABLE `linked_accounts` ADD `expiry_reminder_outcome` text;--> statement-breakpoint
ALTER TABLE `linked_accounts` ADD `expiry_reminded_at` integer;--> statement-breakpoint
CREATE INDEX `linked_accounts_token_expires_idx` ON `linked_accounts` (`token_expires_at`);