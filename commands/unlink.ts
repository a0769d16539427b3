import { ApplicationCommandType, MessageFlags, escapeMarkdown } from 'discord.js';
import type { Translator } from '../src/i18n/index.js';
import type { DisconnectOutcome } from '../src/roles/index.js';
import type { ChatInputCommand } from './command.js';

export const ANILIST_APPS_SETTINGS_URL = 'https://anilist.co/settings/apps';

export const unlink = {
  install: 'everywhere',
  definition: { type: ApplicationCommandType.ChatInput, name: 'unlink', description: 'Unlink your AniList account and delete the stored access token' },

  async execute({ interaction, deps, t }) {
    const discordUserId = interaction.user.id;
    if (!deps.linkedRoles.has(discordUserId)) {
      await interaction.reply({ content: unlinkedText(t, deps.links.unlink(discordUserId), undefined), flags: MessageFlags.Ephemeral });
      return;
    }
    // Emptying the role connection is a Discord request with the member's own token, so it happens before the
    // tokens are forgotten, and may take longer than the 3 seconds a reply can wait.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const roles = await deps.linkedRoles.disconnect(discordUserId);
    await interaction.editReply({ content: unlinkedText(t, deps.links.unlink(discordUserId), roles) });
  },
} satisfies ChatInputCommand;

function unlinkedText(t: Translator, removed: { anilistName: string } | undefined, roles: DisconnectOutcome | undefined): string {
  const lines = [removed ? t('unlink.done', { name: escapeMarkdown(removed.anilistName), url: ANILIST_APPS_SETTINGS_URL }) : t('unlink.nothing')];
  if (roles === 'cleared') lines.push(t('unlink.rolesCleared'));
  if (roles === 'not_cleared') lines.push(t('unlink.rolesNotCleared'));
  return lines.join('\n');
}
