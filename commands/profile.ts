import { EmbedBuilder, MessageFlags, SlashCommandBuilder, TimestampStyles, escapeMarkdown, time } from 'discord.js';
import { isAniListError } from '../src/anilist/index.js';
import { RUN_LINK_FIRST, callAniList, isUsableLink } from './anilist-call.js';
import type { Command } from './command.js';
import { ANILIST_BLUE } from './format/media.js';


function formatMean(meanScore: number | null | undefined): string {
  return meanScore ? meanScore.toFixed(1) : '—';
}

export const profile: Command = {
  definition: new SlashCommandBuilder()
    .setName('profile')
    .setDescription('Show the AniList profile linked to you or to another member')
    .addUserOption((option) => option.setName('user').setDescription('Whose profile to show (default: you)'))
    .toJSON(),

  async execute({ interaction, deps }) {
    const target = interaction.options.getUser('user') ?? interaction.user;
    const isSelf = target.id === interaction.user.id;
    const account = deps.links.findLink(target.id);
    if (!account) {
      await interaction.reply({
        content: isSelf ? RUN_LINK_FIRST : `${escapeMarkdown(target.displayName)} has not linked an AniList account.`,
        flags: MessageFlags.Ephemeral,
      });
      return;
    }

    await interaction.deferReply();
    // Another member's profile is fetched without their token, so a private AniList profile stays private.
    // Our own goes with our token only while it may still work: an expired or rejected one would turn a card
    // anyone can see into an error, so the public card is fetched without it instead.
    const ownToken = isSelf && isUsableLink(account, deps.clock()) ? deps.links.accessTokenFor(account) : undefined;
    const fetchProfile = (token: string | undefined) => deps.anilist.userProfile(account.anilistUserId, { key: interaction.user.id, token });
    const user = await callAniList(deps, undefined, async () => {
      if (ownToken === undefined) return fetchProfile(undefined);
      try {
        return await fetchProfile(ownToken);
      } catch (error) {
        if (!isAniListError(error) || error.kind !== 'invalidToken') throw error;
        deps.links.markTokenRejected(account);
        return fetchProfile(undefined);
      }
    });

    const reportedFormat = user.mediaListOptions?.scoreFormat;
    if (reportedFormat) deps.links.rememberScoreFormat(account.discordUserId, reportedFormat);

    const anime = user.statistics?.anime;
    const manga = user.statistics?.manga;
    const embed = new EmbedBuilder()
      .setColor(ANILIST_BLUE)
      .setTitle(user.name)
      .setURL(user.siteUrl ?? account.anilistSiteUrl)
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
      const rejected = deps.links.findLink(account.discordUserId)?.tokenRejectedAt ?? account.tokenRejectedAt;
      const expired = account.tokenExpiresAt.getTime() <= deps.clock().getTime();
      embed.addFields({
        name: 'Authorization',
        value: rejected
          ? 'AniList rejected the stored authorization. Run `/link` to connect again.'
          : expired
            ? `Expired ${time(account.tokenExpiresAt, TimestampStyles.LongDate)}. Run \`/link\` to connect again.`
            : `Expires ${time(account.tokenExpiresAt, TimestampStyles.LongDate)}; run \`/link\` again before then.`,
      });
    }
    await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
  },
};
