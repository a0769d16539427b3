import { ApplicationCommandOptionType, ApplicationCommandType, MessageFlags } from 'discord.js';
import { RUN_LINK_FIRST, type ServerViews } from '../src/linking/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import type { ChatInputCommand } from './command.js';
import { readOptions } from './options.js';

const EXPLAINED: Record<ServerViews, string> = {
  default:
    'You appear in server views (“In this server” on `/anime` and `/manga`) with only what AniList shows anyone who is not logged in: ' +
    'nothing while your AniList profile is private, and never entries you marked private. `server_views:true` shows you even with a ' +
    'private profile; `server_views:false` hides you everywhere.',
  shown:
    'You appear in server views (“In this server” on `/anime` and `/manga`) of the servers where you use the bot, even if your AniList ' +
    'profile is private: I read your own entry with your token for that. Entries you marked private on AniList stay hidden.',
  hidden: 'You do not appear in server views in any server, and AniList is not even asked about you there. `server_views:true` brings you back.',
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

  async execute({ interaction, deps }) {
    const { server_views: serverViews } = readOptions(interaction, definition);
    const member = deps.links.member(interaction.user.id);
    if (!member) throw new UserFacingError(RUN_LINK_FIRST);
    if (serverViews === undefined) {
      await interaction.reply({ content: `${EXPLAINED[member.serverViews]}`, flags: MessageFlags.Ephemeral });
      return;
    }
    const choice = serverViews ? 'shown' : 'hidden';
    if (!deps.links.setServerViews(member.discordUserId, choice)) throw new UserFacingError(RUN_LINK_FIRST);
    // Cached views of this member's servers are fetched again, so the choice shows (or hides) at once.
    deps.serverViews.forgetMember(member.anilistUserId, deps.membership.guildsOf(member.discordUserId));
    const expired = choice === 'shown' && member.state !== 'usable' ? '\nYour AniList authorization has expired, so until you `/link` again only your public entries can be shown.' : '';
    await interaction.reply({ content: `✅ ${EXPLAINED[choice]}${expired}`, flags: MessageFlags.Ephemeral });
  },
} satisfies ChatInputCommand;
