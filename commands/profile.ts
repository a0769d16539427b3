import { ApplicationCommandOptionType, ApplicationCommandType, EmbedBuilder, MessageFlags, TimestampStyles, escapeMarkdown, time } from 'discord.js';
import { isAniListError } from '../src/anilist/index.js';
import { RUN_LINK_FIRST, type LinkState } from '../src/linking/index.js';
import { acknowledgeWhile } from './acknowledge.js';
import { callAniList } from './anilist-call.js';
import type { Command } from './command.js';
import { ANILIST_BLUE } from './format/media.js';
import { readOptions } from './options.js';

function formatMean(meanScore: number | null | undefined): string {
  return meanScore ? meanScore.toFixed(1) : '—';
}

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'profile',
  description: 'Show the AniList profile linked to you or to another member',
  options: [{ type: ApplicationCommandOptionType.User, name: 'user', description: 'Whose profile to show (default: you)', required: false }],
} as const;

export const profile = {
  definition,

  async execute({ interaction, deps }) {
    const target = readOptions(interaction, definition).user ?? interaction.user;
    const isSelf = target.id === interaction.user.id;
    const member = deps.links.member(target.id);
    if (!member) {
      await interaction.reply({
        content: isSelf ? RUN_LINK_FIRST : `${escapeMarkdown(target.displayName)} has not linked an AniList account.`,
        flags: MessageFlags.Ephemeral,
      });
      return;
    }

    // Another member's profile is fetched without their token, so a private AniList profile stays private.
    // Our own goes with our token only while it may still work: an expired or rejected one would turn a card
    // anyone can see into an error, so the public card is fetched without it instead.
    let linkState: LinkState = member.state;
    const ownToken = isSelf && member.state === 'usable' ? member.token() : undefined;
    const fetchProfile = (token: string | undefined) => deps.anilist.userProfile(member.anilistUserId, { key: interaction.user.id, token });
    const loading = callAniList(undefined, async () => {
      if (ownToken === undefined) return fetchProfile(undefined);
      try {
        return await fetchProfile(ownToken);
      } catch (error) {
        if (!isAniListError(error) || error.kind !== 'invalidToken') throw error;
        if (member.rejectToken()) linkState = 'rejected';
        return fetchProfile(undefined);
      }
    });
    const user = await acknowledgeWhile(loading, () => interaction.deferReply());

    const reportedFormat = user.mediaListOptions?.scoreFormat;
    if (reportedFormat) deps.links.rememberScoreFormat(member.discordUserId, reportedFormat);

    const anime = user.statistics?.anime;
    const manga = user.statistics?.manga;
    const embed = new EmbedBuilder()
      .setColor(ANILIST_BLUE)
      .setTitle(user.name)
      .setURL(user.siteUrl ?? member.anilistSiteUrl)
      .setDescription(`AniList profile of <@${target.id}>`)
      .addFields(
        {
          name: 'Anime',
          value: `${anime?.count ?? 0} titles · mean score ${formatMean(anime?.meanScore)}\n${anime?.episodesWatched ?? 0} episodes · ${((anime?.minutesWatched ?? 0) / 1440).toFixed(1)} days`,
          inline: true,
        },
        {
          name: 'Manga',
          value: `${manga?.count ?? 0} titles · mean score ${formatMean(manga?.meanScore)}\n${manga?.chaptersRead ?? 0} chapters · ${manga?.volumesRead ?? 0} volumes`,
          inline: true,
        },
      );
    const avatar = user.avatar?.large ?? user.avatar?.medium;
    if (avatar) embed.setThumbnail(avatar);
    if (isSelf) {
      const expiry = time(member.expiresAt, TimestampStyles.LongDate);
      const authorization: Record<LinkState, string> = {
        rejected: 'AniList rejected the stored authorization. Run `/link` to connect again.',
        expired: `Expired ${expiry}. Run \`/link\` to connect again.`,
        usable: `Expires ${expiry}; run \`/link\` again before then.`,
      };
      embed.addFields({ name: 'Authorization', value: authorization[linkState] });
    }
    await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
  },
} satisfies Command;
