import { ApplicationCommandType, MessageFlags, escapeMarkdown } from 'discord.js';
import type { DisconnectOutcome } from '../src/roles/index.js';
import type { ChatInputCommand } from './command.js';

export const ANILIST_APPS_SETTINGS_URL = 'https://anilist.co/settings/apps';

export const unlink = {
  definition: { type: ApplicationCommandType.ChatInput, name: 'unlink', description: 'Unlink your AniList account and delete the stored access token' },

  async execute({ interaction, deps }) {
    const discordUserId = interaction.user.id;
    if (!deps.linkedRoles.has(discordUserId)) {
      await interaction.reply({ content: unlinkedText(deps.links.unlink(discordUserId), undefined), flags: MessageFlags.Ephemeral });
      return;
    }
    // Emptying the role connection is a Discord request with the member's own token, so it happens before the
    // tokens are forgotten, and may take longer than the 3 seconds a reply can wait.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const roles = await deps.linkedRoles.disconnect(discordUserId);
    await interaction.editReply({ content: unlinkedText(deps.links.unlink(discordUserId), roles) });
  },
} satisfies ChatInputCommand;

function unlinkedText(removed: { anilistName: string } | undefined, roles: DisconnectOutcome | undefined): string {
  const lines = removed
    ? [
        `Unlinked from AniList user **${escapeMarkdown(removed.anilistName)}** and deleted the stored access token.`,
        `To revoke the bot's access on AniList's side too, remove it under Settings → Apps: <${ANILIST_APPS_SETTINGS_URL}>`,
      ]
    : ['Your Discord account is not linked to AniList, so there is nothing to unlink.'];
  if (roles === 'cleared') lines.push('Your linked roles no longer show AniList stats, and the Discord authorization for them is deleted.');
  if (roles === 'not_cleared') {
    lines.push(
      'The Discord authorization for your linked roles is deleted, but Discord did not confirm that their AniList stats were removed: remove the connection under User Settings → Connections (or the app under Authorized Apps) in Discord.',
    );
  }
  return lines.join('\n');
}
