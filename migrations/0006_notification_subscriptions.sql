CREATE TABLE `notification_subscriptions` (
	`discord_user_id` text PRIMARY KEY NOT NULL,
	`anilist_user_id` integer NOT NULL,
	`types` text NOT NULL,
	`generation` integer DEFAULT 0 NOT NULL,
	`since` integer NOT NULL,
	`cursor` integer,
	`next_poll_at` integer NOT NULL,
	`last_polled_at` integer,
	`last_delivered_at` integer,
	`delivered_count` integer DEFAULT 0 NOT NULL,
	`dm_closed_at` integer,
	`dm_closed_notice_pending` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`discord_user_id`) REFERENCES `linked_accounts`(`discord_user_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notification_subscriptions_next_poll_idx` ON `notification_subscriptions` (`next_poll_at`);