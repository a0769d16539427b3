import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, Locale, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { AIRING_FEED_MESSAGES } from '../src/airing/index.js';
import { localeOfDiscord } from '../src/i18n/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import type { ChatInputCommand } from './command.js';
import { readSubcommand, type ResolvedChannel } from './options.js';

/** What Discord reports as `guild_locale` for any server that is not a community (or kept the default). */
const DEFAULT_GUILD_LOCALE = Locale.EnglishUS;
const POSTABLE_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'airing-feed',
  description: "Announce new episodes of the anime this server's linked members are watching",
  // Offered to members with Manage Server; server admins may change that, so execute() checks it again.
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'set',
      description: 'Post new episodes in a channel (or move the feed there)',
      options: [
        { type: ApplicationCommandOptionType.Channel, name: 'channel', description: 'Where to post them', required: true, channel_types: POSTABLE_CHANNELS },
        { type: ApplicationCommandOptionType.Role, name: 'role', description: 'A role to mention in every post', required: false },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: 'off', description: 'Stop the airing feed' },
  ],
} as const;

/** A resolved channel's age restriction: from the interaction itself, so it is what Discord says now. */
function isNsfw(channel: ResolvedChannel): boolean {
  return 'nsfw' in channel && channel.nsfw === true;
}

export const airingFeed = {
  // A server's feed: installed on a server, used in its channels (registration adds the Guild context).
  install: 'server',
  definition,

  async execute({ interaction, deps, t }) {
    const guildId = interaction.guildId;
    if (guildId === null) throw new UserFacingError(AIRING_FEED_MESSAGES.guildOnly);
    // The member's permissions as Discord computed them for this interaction (roles and overwrites included).
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) throw new UserFacingError(AIRING_FEED_MESSAGES.needsManageServer);
    const chosen = readSubcommand(interaction, definition);

    if (chosen.subcommand === 'off') {
      const stopped = deps.airingFeeds.off(guildId);
      await interaction.reply({ content: stopped ? AIRING_FEED_MESSAGES.off(t, stopped.channelId) : AIRING_FEED_MESSAGES.offNone(t), flags: MessageFlags.Ephemeral });
      return;
    }

    if (!deps.airingFeeds.available) throw new UserFacingError(AIRING_FEED_MESSAGES.unavailable);
    const { channel, role } = chosen.options;
    if (!(POSTABLE_CHANNELS as readonly ChannelType[]).includes(channel.type)) throw new UserFacingError(AIRING_FEED_MESSAGES.notATextChannel(channel.id));
    if (role?.id === guildId) throw new UserFacingError(AIRING_FEED_MESSAGES.everyoneRole);
    // Posting the announcement is the proof that the bot may post there; Discord may take a moment to answer.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const channelNsfw = isNsfw(channel);
    // Posts are in the server's language: a community server's chosen one; otherwise Discord sends its default
    // (en-US) for every server, so the admin's own language is the better guess.
    const serverLocale = interaction.guildLocale !== null && interaction.guildLocale !== DEFAULT_GUILD_LOCALE ? interaction.guildLocale : undefined;
    const locale = localeOfDiscord(serverLocale ?? interaction.locale);
    const outcome = await deps.airingFeeds.set({ guildId, channelId: channel.id, roleId: role?.id ?? null, channelNsfw, setBy: interaction.user.id, locale });
    if (outcome.kind === 'refused') throw new UserFacingError(AIRING_FEED_MESSAGES.cannotPost(channel.id, outcome.reason));
    if (outcome.kind === 'unreachable') throw new UserFacingError(AIRING_FEED_MESSAGES.couldNotCheck(channel.id));
    await interaction.editReply({
      content: AIRING_FEED_MESSAGES.set(t, {
        channelId: channel.id,
        roleId: role?.id ?? null,
        channelNsfw,
        linkedMembers: deps.membership.count(guildId),
        replaced: outcome.replaced,
        roleMentionable: role?.mentionable === true,
      }),
      allowedMentions: { parse: [] },
    });
  },
} satisfies ChatInputCommand;
