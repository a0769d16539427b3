import { ApplicationCommandType, MessageFlags, escapeMarkdown } from 'discord.js';
import type { ChatInputCommand } from './command.js';

export const ANILIST_APPS_SETTINGS_URL = 'https://anilist.co/settings/apps';

export const unlink = {
  install: 'everywhere',
  definition: { type: ApplicationCommandType.ChatInput, name: 'unlink', description: 'Unlink your AniList account and delete the stored access token' },

  async execute({ interaction, deps, t }) {
    const removed = deps.links.unlink(interaction.user.id);
    await interaction.reply({
      content: removed ? t('unlink.done', { name: escapeMarkdown(removed.anilistName), url: ANILIST_APPS_SETTINGS_URL }) : t('unlink.nothing'),
      flags: MessageFlags.Ephemeral,
    });
  },
} satisfies ChatInputCommand;
