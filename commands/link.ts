import { ActionRowBuilder, ApplicationCommandType, ButtonBuilder, ButtonStyle, MessageFlags, escapeMarkdown } from 'discord.js';
import type { ChatInputCommand } from './command.js';

export const link = {
  install: 'everywhere',
  definition: { type: ApplicationCommandType.ChatInput, name: 'link', description: 'Link your AniList account to your Discord account' },

  async execute({ interaction, deps, t }) {
    const { user } = interaction;
    const { pageUrl, currentLink } = deps.links.startLink({
      discordUser: {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        avatarUrl: user.displayAvatarURL({ size: 128, extension: 'png' }),
      },
      applicationId: interaction.applicationId,
      interactionToken: interaction.token,
      // The reply is edited in this language once the member is linked.
      discordLocale: interaction.locale,
    });
    const lines = [
      currentLink ? t('link.alreadyLinked', { name: escapeMarkdown(currentLink.anilistName) }) : t('link.intro'),
      t('link.instructions'),
    ];
    await interaction.reply({
      content: lines.join('\n'),
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel(t('link.button')).setURL(pageUrl)),
      ],
      flags: MessageFlags.Ephemeral,
    });
  },
} satisfies ChatInputCommand;
