import { airingFeed } from './airing-feed.js';
import { anilistProfileMenu } from './anilist-profile-menu.js';
import { anime } from './anime.js';
import type { Command } from './command.js';
import { compare } from './compare.js';
import { link } from './link.js';
import { list } from './list.js';
import { manga } from './manga.js';
import { privacy } from './privacy.js';
import { notifications } from './notifications.js';
import { profile } from './profile.js';
import { random } from './random.js';
import { unlink } from './unlink.js';
import { update } from './update.js';

/** The registry: every slash command and member menu the bot offers. */
export const commands: readonly Command[] = [link, profile, unlink, list, update, anime, manga, privacy, compare, random, notifications, airingFeed, anilistProfileMenu];
