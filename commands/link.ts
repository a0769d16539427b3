import { ActionRowBuilder, ApplicationCommandType, ButtonBuilder, ButtonStyle, MessageFlags, escapeMarkdown } from 'discord.js';
import type { ChatInputCommand } from './command.js';

export const link = {
  install: 'everywhere',
  definition: { type: ApplicationCommandType.ChatInput, name: 'link', description: 'Link your AniList account to your Discord account' },

  async execute({ interaction, deps }) {
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
    });
    const lines = [
      currentLink
        ? `You are linked to AniList user **${escapeMarkdown(currentLink.anilistName)}**. Linking again replaces that link.`
        : 'Connect your AniList account so I can show and update your lists.',
      'Open the page below, check it names **your** Discord account, then continue to AniList. The link works once, for 10 minutes. Do not share it.',
    ];
    await interaction.reply({
      content: lines.join('\n'),
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel('Link AniList account').setURL(pageUrl),
        ),
      ],
      flags: MessageFlags.Ephemeral,
    });
  },
} satisfies ChatInputCommand;
