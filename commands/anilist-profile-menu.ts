import { ApplicationCommandType } from 'discord.js';
import type { UserCommand } from './command.js';
import { showMemberProfile } from './profile-card.js';

/** Right-click a member → Apps → "AniList profile": the same card as `/profile user:<member>`. */
export const anilistProfileMenu = {
  install: 'everywhere',
  definition: { type: ApplicationCommandType.User, name: 'AniList profile' },

  async execute(context) {
    await showMemberProfile(context, context.interaction.targetUser);
  },
} satisfies UserCommand;
