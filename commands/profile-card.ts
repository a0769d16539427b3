/**
 * The AniList profile card, shared by `/profile` (a member, or any AniList user by name) and the "AniList profile"
 * member menu.
 */
import { EmbedBuilder, MessageFlags, TimestampStyles, escapeMarkdown, time, type CommandInteraction, type User } from 'discord.js';
import { isAniListError, type UserProfile } from '../src/anilist/index.js';
import { msg, type Translator } from '../src/i18n/index.js';
import { RUN_LINK_FIRST, type LinkState } from '../src/linking/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import { acknowledgeWhile } from './acknowledge.js';
import { callAniList } from './anilist-call.js';
import type { CommandContext } from './command.js';
import { ANILIST_BLUE } from './format/media.js';
import { safeLabel } from './format/text.js';

/** AniList user names are letters and digits (a few older ones have `_` or `-`). */
const ANILIST_NAME = /^[A-Za-z0-9_-]{2,50}$/;
const PROFILE_URL = /^(?:https?:\/\/)?(?:www\.)?anilist\.co\/user\/([^/?#\s]+)\/?(?:[?#].*)?$/i;
const MINUTES_PER_DAY = 1440;

/** A linked member's profile card: theirs with their own token (while it works), anyone else's without. */
export async function showMemberProfile({ interaction, deps, t }: CommandContext<CommandInteraction>, target: User): Promise<void> {
  const isSelf = target.id === interaction.user.id;
  const member = deps.links.member(target.id);
  if (!member) {
    await interaction.reply({
      content: isSelf ? t.render(RUN_LINK_FIRST) : t('profile.notLinked', { member: escapeMarkdown(target.displayName) }),
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

  const embed = profileEmbed(t, user, member.anilistSiteUrl).setDescription(t('profile.of', { member: `<@${target.id}>` }));
  if (isSelf) {
    const date = time(member.expiresAt, TimestampStyles.LongDate);
    const authorization = {
      rejected: () => t('profile.authorization.rejected'),
      expired: () => t('profile.authorization.expired', { date }),
      usable: () => t('profile.authorization.usable', { date }),
    } satisfies Record<LinkState, () => string>;
    embed.addFields({ name: t('profile.authorization'), value: authorization[linkState]() });
  }
  await interaction.editReply({ embeds: [embed], allowedMentions: { parse: [] } });
}

/**
 * Any AniList user's public profile by name (or by their profile's URL), linked or not: fetched without a token, so
 * it shows exactly what AniList shows anyone. Whether that account is linked to someone here is not said.
 */
export async function showProfileByName({ interaction, deps, t }: CommandContext<CommandInteraction>, text: string): Promise<void> {
  const name = aniListName(text);
  const loading = callAniList(undefined, () => deps.anilist.userProfileByName(name, { key: interaction.user.id }), {
    notFound: msg('profile.notFoundByName', { name: safeLabel(name, 50) }),
  });
  const user = await acknowledgeWhile(loading, () => interaction.deferReply());
  await interaction.editReply({ embeds: [profileEmbed(t, user, `https://anilist.co/user/${encodeURIComponent(user.name)}`)], allowedMentions: { parse: [] } });
}

/** A user name as typed, or taken from a pasted profile URL; checked before anything is sent to AniList. */
export function aniListName(text: string): string {
  const trimmed = text.trim();
  const fromUrl = PROFILE_URL.exec(trimmed)?.[1];
  const name = fromUrl === undefined ? trimmed.replace(/^@/, '') : decodeURIComponent(fromUrl);
  if (!ANILIST_NAME.test(name)) throw new UserFacingError(msg('profile.badName'));
  return name;
}

/** A mean score as AniList shows it (one decimal), or a dash when there is none. */
function mean(t: Translator, meanScore: number | null | undefined): string {
  return meanScore ? t.number(meanScore, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : '—';
}

function profileEmbed(t: Translator, user: UserProfile, fallbackUrl: string): EmbedBuilder {
  const anime = user.statistics?.anime;
  const manga = user.statistics?.manga;
  const embed = new EmbedBuilder()
    .setColor(ANILIST_BLUE)
    .setTitle(user.name)
    .setURL(user.siteUrl ?? fallbackUrl)
    .addFields(
      {
        name: t('profile.anime'),
        value: t('profile.animeStats', {
          count: anime?.count ?? 0,
          mean: mean(t, anime?.meanScore),
          episodes: anime?.episodesWatched ?? 0,
          days: (anime?.minutesWatched ?? 0) / MINUTES_PER_DAY,
        }),
        inline: true,
      },
      {
        name: t('profile.manga'),
        value: t('profile.mangaStats', { count: manga?.count ?? 0, mean: mean(t, manga?.meanScore), chapters: manga?.chaptersRead ?? 0, volumes: manga?.volumesRead ?? 0 }),
        inline: true,
      },
    );
  const avatar = user.avatar?.large ?? user.avatar?.medium;
  if (avatar) embed.setThumbnail(avatar);
  return embed;
}
