import { ApplicationCommandOptionType, ApplicationCommandType, MessageFlags } from 'discord.js';
import type { MessageKey } from '../src/i18n/index.js';
import { RUN_LINK_FIRST, type ServerViews } from '../src/linking/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import type { ChatInputCommand } from './command.js';
import { readOptions } from './options.js';

const EXPLAINED: Record<ServerViews, MessageKey> = {
  default: 'privacy.default',
  shown: 'privacy.shown',
  hidden: 'privacy.hidden',
};

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'privacy',
  description: 'Choose whether other members see your entries in server views (/anime, /manga)',
  options: [
    {
      type: ApplicationCommandOptionType.Boolean,
      name: 'server_views',
      description: 'Show me in “In this server” (default: only what my public AniList profile shows)',
      required: false,
    },
  ],
} as const;

export const privacy = {
  install: 'everywhere',
  definition,

  async execute({ interaction, deps, t }) {
    const { server_views: serverViews } = readOptions(interaction, definition);
    const member = deps.links.member(interaction.user.id);
    if (!member) throw new UserFacingError(RUN_LINK_FIRST);
    if (serverViews === undefined) {
      await interaction.reply({ content: t(EXPLAINED[member.serverViews]), flags: MessageFlags.Ephemeral });
      return;
    }
    const choice = serverViews ? 'shown' : 'hidden';
    if (!deps.links.setServerViews(member.discordUserId, choice)) throw new UserFacingError(RUN_LINK_FIRST);
    // Cached views of this member's servers are fetched again, so the choice shows (or hides) at once.
    deps.serverViews.forgetMember(member.anilistUserId, deps.membership.guildsOf(member.discordUserId));
    const expired = choice === 'shown' && member.state !== 'usable' ? `\n${t('privacy.expiredNote')}` : '';
    await interaction.reply({ content: `✅ ${t(EXPLAINED[choice])}${expired}`, flags: MessageFlags.Ephemeral });
  },
} satisfies ChatInputCommand;
