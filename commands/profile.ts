import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import { msg } from '../src/i18n/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import type { ChatInputCommand } from './command.js';
import { readOptions } from './options.js';
import { showMemberProfile, showProfileByName } from './profile-card.js';

export const USER_AND_NAME = msg('profile.userAndName');

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'profile',
  description: 'Show the AniList profile linked to you or to another member, or any AniList profile by name',
  options: [
    { type: ApplicationCommandOptionType.User, name: 'user', description: 'Whose profile to show (default: you)', required: false },
    {
      type: ApplicationCommandOptionType.String,
      name: 'name',
      description: 'An AniList user name (or their profile link): any public profile, linked or not',
      required: false,
      max_length: 100,
    },
  ],
} as const;

export const profile = {
  install: 'everywhere',
  definition,

  async execute(context) {
    const { user, name } = readOptions(context.interaction, definition);
    if (user !== undefined && name !== undefined) throw new UserFacingError(USER_AND_NAME);
    if (name !== undefined) await showProfileByName(context, name);
    else await showMemberProfile(context, user ?? context.interaction.user);
  },
} satisfies ChatInputCommand;
