import { ApplicationCommandOptionType, ApplicationCommandType, EmbedBuilder, MessageFlags, escapeMarkdown } from 'discord.js';
import type { MediaListStatus, ScoreFormat } from '../src/anilist/index.js';
import { msg, type Message, type Translator } from '../src/i18n/index.js';
import type { UsableMember } from '../src/linking/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import { acknowledgeWhile } from './acknowledge.js';
import { callAniList } from './anilist-call.js';
import { isNsfwChannel } from './channel-nsfw.js';
import type { ChatInputCommand, CommandDeps } from './command.js';
import { ANILIST_BLUE, LIST_STATUS_CHOICES, displayTitle, formatProgress, kindOf, statusLabel, totalUnits } from './format/media.js';
import { checkScore, formatScore, scoreFormatName, toScoreFormat } from './format/score.js';
import { truncate } from './format/text.js';
import { peekOwnEntries } from './media/own-entries.js';
import { MEDIA_TEXT_MAX, mediaIdFromOption } from './media/query.js';
import { resolveMediaText } from './media/search.js';
import { suggestMedia } from './media/suggestions.js';
import { readOptions, type OptionsOf } from './options.js';

const MAX_PROGRESS = 100_000;

export const NOTHING_TO_CHANGE = msg('update.nothingToChange');

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'update',
  description: 'Update an entry on your AniList list: progress, status or score',
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'media',
      description: 'The anime or manga (pick from the suggestions)',
      required: true,
      autocomplete: true,
      max_length: MEDIA_TEXT_MAX,
    },
    {
      type: ApplicationCommandOptionType.Integer,
      name: 'progress',
      description: 'Episodes watched or chapters read',
      required: false,
      min_value: 0,
      max_value: MAX_PROGRESS,
    },
    { type: ApplicationCommandOptionType.String, name: 'status', description: 'Move the entry to this list', required: false, choices: LIST_STATUS_CHOICES },
    {
      type: ApplicationCommandOptionType.Number,
      name: 'score',
      description: 'Your score, in your AniList score format (0 removes it)',
      required: false,
      min_value: 0,
      max_value: 100,
    },
  ],
} as const;

export const update = {
  install: 'everywhere',
  definition,

  async execute({ interaction, deps, t }) {
    const member = deps.links.requireUsableMember(interaction.user.id);
    const options = readOptions(interaction, definition);
    const changes = readChanges(options, member);
    const nsfwAllowed = isNsfwChannel(interaction);

    // When the cached list already shows the entry as private, answer privately from the start; otherwise the
    // save tells us, and the public placeholder is swapped for a private answer below.
    const pickedId = mediaIdFromOption(options.media);
    const knownPrivate = pickedId !== undefined && peekOwnEntries(deps, member).some((entry) => entry.mediaId === pickedId && entry.private === true);
    const lookup = (async () => {
      const mediaId = await resolveMediaId(deps, t, member, options.media, nsfwAllowed);
      const media = await callAniList(member, () => deps.anilist.mediaById(mediaId, { key: member.discordUserId }), {
        notFound: msg('media.noSuchId', { id: String(mediaId) }),
      });
      return { mediaId, media };
    })();
    const { mediaId, media } = await acknowledgeWhile(lookup, () => interaction.deferReply(knownPrivate ? { flags: MessageFlags.Ephemeral } : {}));
    const title = displayTitle(media.title, member.titleLanguage);
    if (media.isAdult === true && !nsfwAllowed) throw new UserFacingError(msg('update.adult'));
    const total = totalUnits(media);
    if (changes.progress !== undefined && total !== null && changes.progress > total) {
      throw new UserFacingError(msg('update.progressTooHigh', { title: escapeMarkdown(truncate(title, 150)), type: kindOf(media), total }));
    }

    const saved = await callAniList(member, () => deps.anilist.saveMediaListEntry({ mediaId, ...changes }, { key: member.discordUserId, token: member.token() }));
    // Cards of this title show the change at once instead of after their cache expires.
    deps.serverViews.recordWrite(member, mediaId, saved);
    // The answer carries the member's statistics: their linked roles follow without another AniList request.
    if (saved.user?.id === member.anilistUserId) deps.linkedRoles.noteStatistics(member.discordUserId, saved.user);
    const savedMedia = saved.media ?? media;
    const checkedFormat = toScoreFormat(member.scoreFormat);
    const reportedFormat = saved.user?.mediaListOptions?.scoreFormat;
    if (reportedFormat) deps.links.rememberScoreFormat(member.discordUserId, reportedFormat);
    const scoreFormat = reportedFormat ?? checkedFormat;
    const embed = new EmbedBuilder()
      .setColor(ANILIST_BLUE)
      .setAuthor({ name: t('update.author', { name: member.anilistName }) })
      .setTitle(truncate(displayTitle(savedMedia.title), 256))
      .addFields(
        { name: t('update.field.status'), value: statusLabel(t, saved.status, savedMedia.type), inline: true },
        { name: t('update.field.progress'), value: formatProgress(t, saved.progress, savedMedia), inline: true },
        { name: t('update.field.score'), value: formatScore(t, saved.score, scoreFormat), inline: true },
      );
    if (savedMedia.siteUrl) embed.setURL(savedMedia.siteUrl);
    // AniList read `score` in the format it has now; it was checked against the copy we had. Say so when they differ.
    const content =
      changes.score !== undefined && reportedFormat && reportedFormat !== checkedFormat
        ? t.render(scoreFormatChangedNotice(changes.score, checkedFormat, reportedFormat, saved.score))
        : undefined;
    if (saved.private === true) {
      // A private entry is "only visible to" the member on AniList: it must not be announced in the channel.
      embed.setAuthor({ name: t('update.privateAuthor') });
      if (knownPrivate) {
        await interaction.editReply({ content, embeds: [embed], allowedMentions: { parse: [] } });
        return;
      }
      await interaction.deleteReply();
      await interaction.followUp({ content, embeds: [embed], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      return;
    }
    await interaction.editReply({ content, embeds: [embed], allowedMentions: { parse: [] } });
  },

  async autocomplete({ interaction, deps, log, t }) {
    // Autocomplete must always answer, and fast: any failure means "no suggestions", never an error.
    let choices: Awaited<ReturnType<typeof suggestMedia>> = [];
    try {
      const focused = interaction.options.getFocused(true);
      if (focused.name === 'media') {
        choices = await suggestMedia(deps, t, { memberId: interaction.user.id, text: String(focused.value), nsfwAllowed: isNsfwChannel(interaction) }, log);
      }
    } catch (error) {
      log.warn({ err: error }, 'update autocomplete failed; answering with no suggestions');
    }
    await interaction.respond(choices);
  },
} satisfies ChatInputCommand;

interface EntryChanges {
  progress?: number;
  status?: MediaListStatus;
  score?: number;
}

export function scoreFormatChangedNotice(given: number, checkedAs: ScoreFormat, nowIs: ScoreFormat, saved: number | null | undefined): Message {
  return msg('update.scoreFormatChanged', {
    now: scoreFormatName(nowIs),
    before: scoreFormatName(checkedAs),
    given: (t) => t.number(given),
    read: (t) => formatScore(t, saved ?? given, nowIs),
  });
}

/** Everything that can be checked without AniList, so a typo costs no request from the shared budget. */
function readChanges({ media, progress, status, score }: OptionsOf<typeof definition>, member: UsableMember): EntryChanges {
  if (progress === undefined && status === undefined && score === undefined) throw new UserFacingError(NOTHING_TO_CHANGE);
  const changes: EntryChanges = {};
  if (progress !== undefined) changes.progress = progress;
  if (status !== undefined) changes.status = status;
  if (score !== undefined) {
    const checked = checkScore(score, toScoreFormat(member.scoreFormat));
    if (!checked.ok) throw new UserFacingError(msg('update.scoreInvalid', { problem: checked.message }));
    changes.score = checked.score;
  }
  if (media.trim() === '') throw new UserFacingError(msg('update.noMedia'));
  return changes;
}

async function resolveMediaId(deps: CommandDeps, t: Translator, member: UsableMember, text: string, nsfwAllowed: boolean): Promise<number> {
  const resolution = await resolveMediaText(deps, t, member, text, nsfwAllowed);
  const shown = escapeMarkdown(truncate(text.trim(), 100));
  switch (resolution.kind) {
    case 'found':
      return resolution.mediaId;
    case 'none':
      throw new UserFacingError(msg('update.noMatch', { text: shown }));
    case 'ambiguous': {
      const options = resolution.suggestions.map((choice) => `• ${escapeMarkdown(choice.name)}`).join('\n');
      throw new UserFacingError(msg('update.ambiguous', { text: shown, options }));
    }
  }
}
