import { EmbedBuilder, MessageFlags, SlashCommandBuilder, escapeMarkdown, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { MediaListStatus, SaveMediaListEntryInput, ScoreFormat } from '../src/anilist/index.js';
import type { LinkedAccount } from '../src/db/linked-accounts.js';
import type { Logger } from '../src/logger.js';
import { callAniList, isUsableLink, requireUsableLink } from './anilist-call.js';
import { isNsfwChannel } from './channel-nsfw.js';
import type { Command, CommandDeps } from './command.js';
import { ANILIST_BLUE, LIST_STATUSES, displayTitle, formatProgress, isListStatus, statusLabel, totalUnits, unitName } from './format/media.js';
import { checkScore, formatScore, scoreFormatName, toScoreFormat } from './format/score.js';
import { truncate } from './format/text.js';
import {
  MIN_SEARCH_LENGTH,
  SEARCH_PAGE_SIZE,
  loadOwnEntries,
  matchOwnEntries,
  peekOwnEntries,
  mediaIdFromOption,
  mergeChoices,
  normalizeQuery,
  resolveFreeText,
} from './update-media.js';
import { UserFacingError } from './user-facing-error.js';

/** Discord drops an autocomplete answer after 3 s; what is not ready by then waits for the next keystroke. */
export const AUTOCOMPLETE_BUDGET_MS = 2_000;
const MAX_PROGRESS = 100_000;
const MAX_MEDIA_TEXT = 200;

export const NOTHING_TO_CHANGE = 'Tell me what to change: give at least one of `progress`, `status` or `score`.';

export const update: Command = {
  definition: new SlashCommandBuilder()
    .setName('update')
    .setDescription('Update an entry on your AniList list: progress, status or score')
    .addStringOption((option) =>
      option.setName('media').setDescription('The anime or manga (pick from the suggestions)').setRequired(true).setAutocomplete(true).setMaxLength(MAX_MEDIA_TEXT),
    )
    .addIntegerOption((option) => option.setName('progress').setDescription('Episodes watched or chapters read').setMinValue(0).setMaxValue(MAX_PROGRESS))
    .addStringOption((option) =>
      option
        .setName('status')
        .setDescription('Move the entry to this list')
        .addChoices(...LIST_STATUSES.map((status) => ({ name: `${statusLabel(status, 'ANIME')} / ${statusLabel(status, 'MANGA')}`.replace(/^(.+) \/ \1$/, '$1'), value: status }))),
    )
    .addNumberOption((option) => option.setName('score').setDescription('Your score, in your AniList score format (0 removes it)').setMinValue(0).setMaxValue(100))
    .toJSON(),

  async execute({ interaction, deps }) {
    const account = requireUsableLink(deps, interaction.user.id, deps.clock());
    const changes = readChanges(interaction, account);
    const mediaText = interaction.options.getString('media', true);
    const nsfwAllowed = isNsfwChannel(interaction);

    const token = deps.links.accessTokenFor(account);
    // When the cached list already shows the entry as private, answer privately from the start; otherwise the
    // save tells us, and the public placeholder is swapped for a private answer below.
    const pickedId = mediaIdFromOption(mediaText);
    const knownPrivate = pickedId !== undefined && peekOwnEntries(deps, account, token).some((entry) => entry.mediaId === pickedId && entry.private === true);
    await interaction.deferReply(knownPrivate ? { flags: MessageFlags.Ephemeral } : {});
    const mediaId = await resolveMediaId(deps, account, token, mediaText, nsfwAllowed);
    const media = await callAniList(deps, account, () => deps.anilist.mediaById(mediaId, { key: account.discordUserId }), {
      notFound: `AniList has no anime or manga with id ${mediaId}. Pick a title from the suggestions.`,
    });
    const title = displayTitle(media.title, account.titleLanguage);
    if (media.isAdult === true && !nsfwAllowed) {
      throw new UserFacingError('That title is marked 18+ on AniList. Use `/update` for it in an NSFW channel.');
    }
    const total = totalUnits(media);
    if (changes.progress !== undefined && total !== null && changes.progress > total) {
      throw new UserFacingError(`**${escapeMarkdown(truncate(title, 150))}** has ${total} ${unitName(media.type, total !== 1)}, so progress can be at most ${total}.`);
    }

    const saved = await callAniList(deps, account, () => deps.anilist.saveMediaListEntry({ mediaId, ...changes }, { key: account.discordUserId, token }));
    const savedMedia = saved.media ?? media;
    const checkedFormat = toScoreFormat(account.scoreFormat);
    const reportedFormat = saved.user?.mediaListOptions?.scoreFormat;
    if (reportedFormat) deps.links.rememberScoreFormat(account.discordUserId, reportedFormat);
    const scoreFormat = reportedFormat ?? checkedFormat;
    const embed = new EmbedBuilder()
      .setColor(ANILIST_BLUE)
      .setAuthor({ name: `${account.anilistName} updated their list` })
      .setTitle(truncate(displayTitle(savedMedia.title), 256))
      .addFields(
        { name: 'Status', value: statusLabel(saved.status, savedMedia.type), inline: true },
        { name: 'Progress', value: formatProgress(saved.progress, savedMedia), inline: true },
        { name: 'Score', value: formatScore(saved.score, scoreFormat), inline: true },
      );
    if (savedMedia.siteUrl) embed.setURL(savedMedia.siteUrl);
    // AniList read `score` in the format it has now; it was checked against the copy we had. Say so when they differ.
    const content =
      changes.score !== undefined && reportedFormat && reportedFormat !== checkedFormat
        ? scoreFormatChangedNotice(changes.score, checkedFormat, reportedFormat, saved.score)
        : undefined;
    if (saved.private === true) {
      // A private entry is "only visible to" the member on AniList: it must not be announced in the channel.
      embed.setAuthor({ name: 'Private entry updated (only you can see this)' });
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

  async autocomplete({ interaction, deps, log }) {
    // Autocomplete must always answer, and fast: any failure means "no suggestions", never an error.
    let choices: Awaited<ReturnType<typeof suggest>> = [];
    try {
      choices = await suggest(interaction, deps, log);
    } catch (error) {
      log.warn({ err: error }, 'update autocomplete failed; answering with no suggestions');
    }
    await interaction.respond(choices);
  },
};

interface EntryChanges extends Omit<SaveMediaListEntryInput, 'mediaId' | 'progress' | 'status' | 'score'> {
  progress?: number;
  status?: MediaListStatus;
  score?: number;
}

/** Everything that can be checked without AniList, so a typo costs no request from the shared budget. */
export function scoreFormatChangedNotice(given: number, checkedAs: ScoreFormat, nowIs: ScoreFormat, saved: number | null | undefined): string {
  return (
    `⚠️ Your AniList score format is now ${scoreFormatName(nowIs)}, not ${scoreFormatName(checkedAs)}: AniList read your ${given} ` +
    `as ${formatScore(saved ?? given, nowIs)}. Run \`/update\` again with the score you meant, in the ${scoreFormatName(nowIs)} format.`
  );
}

function readChanges(interaction: ChatInputCommandInteraction, account: LinkedAccount): EntryChanges {
  const progress = interaction.options.getInteger('progress');
  const status = interaction.options.getString('status');
  const score = interaction.options.getNumber('score');
  if (progress === null && status === null && score === null) throw new UserFacingError(NOTHING_TO_CHANGE);

  const changes: EntryChanges = {};
  if (progress !== null) {
    if (!Number.isInteger(progress) || progress < 0 || progress > MAX_PROGRESS) {
      throw new UserFacingError(`Progress must be a whole number from 0 to ${MAX_PROGRESS}.`);
    }
    changes.progress = progress;
  }
  if (status !== null) {
    if (!isListStatus(status)) throw new UserFacingError(`Status must be one of: ${LIST_STATUSES.map((s) => statusLabel(s, 'ANIME')).join(', ')}.`);
    changes.status = status;
  }
  if (score !== null) {
    const checked = checkScore(score, toScoreFormat(account.scoreFormat));
    if (!checked.ok) {
      throw new UserFacingError(`${checked.message}\nChanged your score format on AniList lately? Run \`/list\` or \`/profile\` once and I will pick it up.`);
    }
    changes.score = checked.score;
  }
  const text = interaction.options.getString('media', true).trim();
  if (text === '') throw new UserFacingError('Tell me which anime or manga: pick one from the suggestions of the `media` option.');
  return changes;
}

async function resolveMediaId(deps: CommandDeps, account: LinkedAccount, token: string, text: string, nsfwAllowed: boolean): Promise<number> {
  const picked = mediaIdFromOption(text);
  if (picked !== undefined) return picked;

  const query = normalizeQuery(text);
  const [own, found] = await Promise.all([
    callAniList(deps, account, () => loadOwnEntries(deps, account, token)),
    callAniList(deps, account, () =>
      deps.anilist.searchMedia({ search: query, isAdult: nsfwAllowed ? null : false, perPage: SEARCH_PAGE_SIZE }, { key: account.discordUserId }),
    ),
  ]);
  const resolution = resolveFreeText(query, own, found, nsfwAllowed, account.titleLanguage);
  const shown = escapeMarkdown(truncate(text.trim(), 100));
  switch (resolution.kind) {
    case 'found':
      return resolution.mediaId;
    case 'none':
      throw new UserFacingError(`No anime or manga on AniList matches “${shown}”. Check the spelling, or pick from the suggestions as you type.`);
    case 'ambiguous': {
      const options = resolution.suggestions.map((choice) => `• ${escapeMarkdown(choice.name)}`).join('\n');
      throw new UserFacingError(`“${shown}” matches several titles. Run \`/update\` again and pick one from the suggestions of the \`media\` option, for example:\n${options}`);
    }
  }
}

/**
 * The latest keystroke of each member: an older one still waiting for the AniList budget is abandoned, because
 * Discord only ever shows the answer to the newest. Keyed by Discord user id; entries leave when answered.
 */
const pendingSuggestions = new Map<string, AbortController>();

async function suggest(interaction: AutocompleteInteraction, deps: CommandDeps, log: Logger) {
  const focused = interaction.options.getFocused(true);
  if (focused.name !== 'media') return [];
  const query = normalizeQuery(String(focused.value)).slice(0, MAX_MEDIA_TEXT);
  const nsfwAllowed = isNsfwChannel(interaction);
  const account = deps.links.findLink(interaction.user.id);
  const usable = isUsableLink(account, deps.clock()) ? account : undefined;

  // Own entries only from lists already cached (by /list or /update): loading two whole lists for a keystroke
  // would spend the budget every member shares.
  const own = usable ? matchOwnEntries(peekOwnEntries(deps, usable, deps.links.accessTokenFor(usable)), query, nsfwAllowed) : [];
  if (query.length < MIN_SEARCH_LENGTH) return mergeChoices(own, [], nsfwAllowed, usable?.titleLanguage);

  const memberId = interaction.user.id;
  pendingSuggestions.get(memberId)?.abort(new Error('superseded by a newer keystroke'));
  const controller = new AbortController();
  pendingSuggestions.set(memberId, controller);
  try {
    const searchLoad = deps.anilist.searchMedia(
      { search: query, isAdult: nsfwAllowed ? null : false, perPage: SEARCH_PAGE_SIZE },
      { key: memberId, signal: controller.signal },
    );
    const found = await settleWithin(searchLoad, AUTOCOMPLETE_BUDGET_MS, log);
    return mergeChoices(own, found ?? [], nsfwAllowed, usable?.titleLanguage);
  } finally {
    // Past the budget nobody will see this answer: a search still queued gives its place back.
    controller.abort(new Error('autocomplete answered'));
    if (pendingSuggestions.get(memberId) === controller) pendingSuggestions.delete(memberId);
  }
}

/**
 * The value if it arrives in time, otherwise undefined. A late request AniList already received keeps running
 * and fills the client's cache, so the member's next keystroke is answered from it.
 */
async function settleWithin<T>(promise: Promise<T>, ms: number, log: Logger): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const settled = promise.catch((error: unknown) => {
    log.debug({ err: error }, 'autocomplete source unavailable');
    return undefined;
  });
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
