import type { Command } from './command.js';
import { link } from './link.js';
import { list } from './list.js';
import { notifications } from './notifications.js';
import { profile } from './profile.js';
import { unlink } from './unlink.js';
import { update } from './update.js';

/** The registry: every slash command the bot offers. */
export const commands: readonly Command[] = [link, profile, unlink, list, update, notifications];
