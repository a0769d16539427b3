import { ApplicationCommandType, MessageFlags, escapeMarkdown } from 'discord.js';
import type { ChatInputCommand } from './command.js';

export const ANILIST_APPS_SETTINGS_URL = 'https://anilist.co/settings/apps';

export const unlink = {
  install: 'everywhere',
  definition: { type: ApplicationCommandType.ChatInput, name: 'unlink', description: 'Unlink your AniList account and delete the stored access token' },

  async execute({ interaction, deps }) {
    const removed = deps.links.unlink(interaction.user.id);
    await interaction.reply({
      content: removed
        ? `Unlinked from AniList user **${escapeMarkdown(removed.anilistName)}** and deleted the stored access token.\n` +
          `To revoke the bot's access on AniList's side too, remove it under Settings → Apps: <${ANILIST_APPS_SETTINGS_URL}>`
        : 'Your Discord account is not linked to AniList, so there is nothing to unlink.',
      flags: MessageFlags.Ephemeral,
    });
  },
} satisfies ChatInputCommand;
