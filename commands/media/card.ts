/**
 * The media card: a title as the viewer reads it (their title language), "In this server" (the server's linked
 * members who have it, each in their own score format), and buttons that act on the presser's own list.
 *
 * Reuse: a command that shows cards calls `showMediaCard` (which acknowledges the interaction), and routes its
 * components to `handleMediaCardButton` (the card's buttons carry the command's name, so the dispatcher brings them back to it).
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  MessageFlags,
  TimestampStyles,
  time,
  type BaseMessageOptions,
  type MessageComponentInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { MediaCardMedia, MediaListStatus, MediaType, SaveMediaListEntryInput, ServerEntry } from '../../src/anilist/index.js';
import { isLocale, msg, type Locale, type Localized, type Message, type Translator } from '../../src/i18n/index.js';
import type { LinkSummary, UsableMember } from '../../src/linking/index.js';
import type { Logger } from '../../src/logger.js';
import { UNEXPECTED_ERROR_MESSAGE, UserFacingError } from '../../src/user-facing-error.js';
import { acknowledgeWhile } from '../acknowledge.js';
import { callAniList } from '../anilist-call.js';
import { isNsfwChannel } from '../channel-nsfw.js';
import { customId, type CommandContext, type CommandDeps } from '../command.js';
import { plainDescription } from '../format/description.js';
import { ANILIST_BLUE, displayTitle, formatName, kindOf, statusLabel, totalUnits } from '../format/media.js';
import { UNSCORED, formatScore } from '../format/score.js';
import { safeLabel, truncate } from '../format/text.js';
import { placeOf } from '../where.js';
import { resolveTitleText } from './search.js';
import type { ServerView, ServerViewRow } from './server-views.js';

/** Lines of "In this server" before "…and N more". */
export const MAX_SERVER_LINES = 15;
/** The server mean is shown once this many members scored the title. */
export const MIN_SCORES_FOR_MEAN = 3;
const DESCRIPTION_MAX = 350;
const CARD_ACTION = 'card';

export const ADULT_REFUSED = msg('card.adult');
export const STALE_CARD_BUTTON = msg('card.staleButton');

export type CardAction = 'plan' | 'watch' | 'inc';

export interface CardButtonId {
  /** The command that showed the card: its handleComponent receives the press. */
  readonly command: string;
  readonly action: CardAction;
  readonly mediaId: number;
  /** Whose card it is: the card is drawn from their perspective whoever presses. */
  readonly viewerId: string;
  /** The language the card was drawn in, so a press by someone else redraws it in the same one. */
  readonly locale?: Locale | undefined;
  /** For +1: the viewer's progress the button was drawn with, so a double click or a stale card counts once. */
  readonly shownProgress?: number | undefined;
}

export interface ShowCardOptions {
  /** The command showing the card; its handleComponent must call handleMediaCardButton. */
  readonly command: string;
  /** The title to show: a known id, or the resolution of what the member typed (it may ask AniList). */
  readonly mediaId: () => Promise<number>;
  /** Refuse the other type, pointing at its command (`/anime` for anime, `/manga` for manga). */
  readonly type?: MediaType | undefined;
}

/** A command's name as the reader's Discord lists it. */
const commandName = (command: string): Localized => (t) => t.lookup(`command.${command}.name`) ?? command;

/**
 * The server whose members a card shows: the interaction's, when the bot is in it. A server where only the member
 * installed the app is like a DM: the bot knows nobody there.
 */
export function viewGuildId(interaction: Pick<RepliableInteraction, 'guildId' | 'authorizingIntegrationOwners'>): string | null {
  return placeOf(interaction) === 'server' ? interaction.guildId : null;
}

/**
 * The media id a title option means: a picked suggestion, or free text resolved by one title search. Unknown or
 * ambiguous text is refused with a UserFacingError that says what to do (the dispatcher answers privately).
 */
export async function resolveTitleOption(
  deps: CommandDeps,
  t: Translator,
  { memberId, text, nsfwAllowed, type, command }: { memberId: string; text: string; nsfwAllowed: boolean; type: MediaType; command: string },
): Promise<number> {
  if (text.trim() === '') throw new UserFacingError(msg('card.noTitle', { type }));
  const resolution = await resolveTitleText(deps, t, { memberId, text, nsfwAllowed, type });
  const shown = safeLabel(text.trim(), 100);
  switch (resolution.kind) {
    case 'found':
      return resolution.mediaId;
    case 'none':
      throw new UserFacingError(msg('card.noMatch', { type, text: shown }));
    case 'ambiguous': {
      const options = resolution.suggestions.map((choice) => `• ${safeLabel(choice.name, 100)}`).join('\n');
      throw new UserFacingError(msg('card.ambiguous', { text: shown, command: commandName(command), options }));
    }
  }
}

/**
 * Resolves the title, loads it and this server's view of it (cached per server and title) and shows the card as the
 * interaction's public reply, deferring it only once the work did not fail at once (AniList busy costs one private
 * reply). Adult titles outside NSFW channels and titles of the other type are refused with a UserFacingError (the
 * dispatcher answers privately). In a server without the bot, the card says in one line why it has no "In this server".
 */
export async function showMediaCard({ interaction, deps, t }: CommandContext<RepliableInteraction>, options: ShowCardOptions): Promise<void> {
  const loading = (async () => {
    const mediaId = await options.mediaId();
    const view = await deps.serverViews.load({ guildId: viewGuildId(interaction), mediaId, requesterId: interaction.user.id });
    checkShowable(view.media, isNsfwChannel(interaction), options.type);
    return view;
  })();
  const view = await acknowledgeWhile(loading, () => interaction.deferReply());
  const viewer = deps.links.member(interaction.user.id);
  const notInServer = placeOf(interaction) === 'foreign-server';
  await interaction.editReply(renderMediaCard(view, { command: options.command, viewerId: interaction.user.id, viewer, notInServer }, t));
}

function checkShowable(media: MediaCardMedia, nsfwAllowed: boolean, type: MediaType | undefined): void {
  if (media.isAdult === true && !nsfwAllowed) throw new UserFacingError(ADULT_REFUSED);
  if (type !== undefined && media.type !== null && media.type !== type) {
    const actual = kindOf(media);
    throw new UserFacingError(msg('card.wrongType', { id: String(media.id), type: actual, command: commandName(actual === 'MANGA' ? 'manga' : 'anime') }));
  }
}

export interface CardPerspective {
  readonly command: string;
  readonly viewerId: string;
  /** The viewer's link, for their title language; undefined when they are not linked. */
  readonly viewer: Pick<LinkSummary, 'titleLanguage'> | undefined;
  /** Shown in a server the bot is not in (the viewer's own install): no "In this server", and a line saying why. */
  readonly notInServer?: boolean | undefined;
}

/** The card as a message, in `t`'s language: the title embed, "In this server" (in a server), and the viewer's buttons. */
export function renderMediaCard(view: ServerView, perspective: CardPerspective, t: Translator): BaseMessageOptions & { allowedMentions: { parse: [] } } {
  const embeds = [titleEmbed(t, view.media, perspective.viewer?.titleLanguage)];
  if (view.guildId !== null) embeds.push(serverEmbed(t, view, perspective.viewerId));
  const viewerRow = view.rows.find((row) => row.member.discordUserId === perspective.viewerId);
  return {
    content: perspective.notInServer ? t('card.notInServer') : '',
    embeds,
    components: [buttonRow(t, view.media, perspective, viewerRow?.entry)],
    allowedMentions: { parse: [] },
  };
}

/** The card's first embed, in `t`'s language: the title, its details and cover. */
export function titleEmbed(t: Translator, media: MediaCardMedia, titleLanguage: string | undefined): EmbedBuilder {
  const title = displayTitle(media.title, titleLanguage);
  const embed = new EmbedBuilder().setColor(coverColor(media.coverImage?.color) ?? ANILIST_BLUE).setTitle(truncate(title, 256));
  if (media.siteUrl) embed.setURL(media.siteUrl);
  const cover = media.coverImage?.large ?? media.coverImage?.medium;
  if (cover) embed.setThumbnail(cover);
  const secondTitle = [media.title?.native, media.title?.romaji].find((candidate) => candidate && candidate !== title);
  const description = [secondTitle ? `*${safeLabel(secondTitle, 200)}*` : undefined, plainDescription(media.description, DESCRIPTION_MAX)].filter(Boolean).join('\n\n');
  if (description !== '') embed.setDescription(description);
  const manga = media.type === 'MANGA';
  const type = kindOf(media);
  embed.addFields(
    { name: t('card.field.format'), value: formatName(t, media.format), inline: true },
    { name: t('card.field.length', { type }), value: lengthOf(t, media), inline: true },
    { name: t('card.field.status'), value: releaseStatus(t, media), inline: true },
    manga
      ? { name: t('card.field.started'), value: media.startDate?.year ? String(media.startDate.year) : '—', inline: true }
      : { name: t('card.field.season'), value: seasonOf(t, media), inline: true },
    { name: t('card.field.averageScore'), value: media.averageScore ? t('card.percent', { score: media.averageScore / 100 }) : '—', inline: true },
    { name: t('card.field.genres'), value: truncate(media.genres?.filter(Boolean).join(', ') || '—', 1024), inline: true },
  );
  const makers = manga ? authorsOf(media) : studiosOf(media);
  if (makers) embed.addFields({ name: t('card.field.makers', { type }), value: truncate(makers, 1024), inline: false });
  const next = media.nextAiringEpisode;
  if (!manga && media.status === 'RELEASING' && next) {
    const when = { relative: time(next.airingAt, TimestampStyles.RelativeTime), date: time(next.airingAt, TimestampStyles.ShortDateTime) };
    embed.addFields({ name: t('card.field.nextEpisode'), value: t('card.nextEpisode', { episode: next.episode, ...when }), inline: false });
  }
  return embed;
}

function serverEmbed(t: Translator, view: ServerView, viewerId: string): EmbedBuilder {
  const embed = new EmbedBuilder().setColor(ANILIST_BLUE).setTitle(t('card.inThisServer'));
  const lines = view.rows.slice(0, MAX_SERVER_LINES).map((row) => serverLine(t, row, view.media, viewerId));
  const more = view.rows.length - MAX_SERVER_LINES;
  if (more > 0) lines.push(t('card.more', { count: more }));
  const scored = view.rows.map((row) => row.entry.scoreRaw ?? 0).filter((score) => score > 0);
  if (scored.length >= MIN_SCORES_FOR_MEAN) {
    const mean = Math.round(scored.reduce((sum, score) => sum + score, 0) / scored.length);
    lines.push('', t('card.serverMean', { mean: mean / 100, count: scored.length }));
  }
  embed.setDescription(lines.length > 0 ? lines.join('\n') : t('card.nobodyHere'));
  if (view.capped) embed.setFooter({ text: t('card.capped', { max: view.maxMembers }) });
  return embed;
}

function serverLine(t: Translator, row: ServerViewRow, media: MediaCardMedia, viewerId: string): string {
  const you = row.member.discordUserId === viewerId;
  const member = `<@${row.member.discordUserId}>`;
  const parts = [you ? t('card.you', { member }) : member, shortStatus(t, row.entry.status, media.type)];
  const progress = row.entry.progress ?? 0;
  if (row.entry.status !== 'PLANNING' || progress > 0) parts.push(`${progress}/${totalUnits(media) ?? '?'}`);
  const score = formatScore(t, row.entry.score, row.scoreFormat);
  if (score !== UNSCORED) parts.push(score);
  const line = parts.join(' · ');
  return you ? `**${line}**` : line;
}

function buttonRow(t: Translator, media: MediaCardMedia, perspective: CardPerspective, viewerEntry: ServerEntry | undefined): ActionRowBuilder<ButtonBuilder> {
  const row = new ActionRowBuilder<ButtonBuilder>();
  const id = (action: CardAction, ...extra: number[]) => customId(perspective.command, CARD_ACTION, action, media.id, perspective.viewerId, t.locale, ...extra);
  const status = viewerEntry?.status;
  if (!viewerEntry) row.addComponents(new ButtonBuilder().setCustomId(id('plan')).setLabel(t('card.button.plan')).setStyle(ButtonStyle.Secondary));
  if (!viewerEntry || status === 'PLANNING' || status === 'PAUSED' || status === 'DROPPED') {
    row.addComponents(new ButtonBuilder().setCustomId(id('watch')).setLabel(t('card.button.watch', { type: kindOf(media) })).setStyle(ButtonStyle.Primary));
  }
  const total = totalUnits(media);
  const progress = viewerEntry?.progress ?? 0;
  if (status === 'CURRENT' && (total === null || progress < total)) {
    row.addComponents(new ButtonBuilder().setCustomId(id('inc', progress)).setLabel('+1').setStyle(ButtonStyle.Primary));
  }
  if (media.siteUrl) row.addComponents(new ButtonBuilder().setLabel('AniList').setStyle(ButtonStyle.Link).setURL(media.siteUrl));
  return row;
}

/**
 * The card's buttons: `<command>:card:<action>:<mediaId>:<viewerId>[:<locale>][:<shownProgress>]`; anything else is
 * not one. Buttons drawn before the locale was part of them still work (the presser's language is used).
 */
export function parseCardButtonId(value: string): CardButtonId | undefined {
  const [command = '', marker, action, mediaText = '', viewerId = '', ...rest] = value.split(':');
  if (marker !== CARD_ACTION || command === '') return undefined;
  if (action !== 'plan' && action !== 'watch' && action !== 'inc') return undefined;
  if (!/^\d{1,9}$/.test(mediaText) || !/^\d{15,21}$/.test(viewerId)) return undefined;
  const locale = rest[0] !== undefined && !/^\d+$/.test(rest[0]) ? rest.shift() : undefined;
  if (locale !== undefined && !isLocale(locale)) return undefined;
  const [progressText, ...extra] = rest;
  if (extra.length > 0) return undefined;
  if (action === 'inc' ? !/^\d{1,7}$/.test(progressText ?? '') : progressText !== undefined) return undefined;
  return { command, action, mediaId: Number(mediaText), viewerId, locale, shownProgress: action === 'inc' ? Number(progressText) : undefined };
}

/**
 * A press of one of the card's buttons, by anyone: it acts on the presser's own list with their own token, never
 * on the viewer's. The card stays in the viewer's perspective and language and is redrawn (the presser's line changes
 * in "In this server"); whatever concerns only the presser is told to them privately, in their language. Returns
 * false for other components.
 */
export async function handleMediaCardButton(context: CommandContext<MessageComponentInteraction>): Promise<boolean> {
  const { interaction, deps, log, t } = context;
  const id = parseCardButtonId(interaction.customId);
  if (!id) return false;
  // Unlinked or expired: answered privately at once by the dispatcher, nothing else happens.
  const presser = deps.links.requireUsableMember(interaction.user.id);
  await interaction.deferUpdate();
  try {
    const request = { guildId: viewGuildId(interaction), mediaId: id.mediaId, requesterId: presser.discordUserId };
    const before = await deps.serverViews.load(request);
    if (before.media.isAdult === true && !isNsfwChannel(interaction)) throw new UserFacingError(ADULT_REFUSED);
    const notice = await applyCardPress(deps, presser, id, before.media);
    const after = await deps.serverViews.load(request);
    const cardLanguage = id.locale ? deps.i18n.forLocale(id.locale) : t;
    const perspective = { command: id.command, viewerId: id.viewerId, viewer: deps.links.member(id.viewerId), notInServer: placeOf(interaction) === 'foreign-server' };
    await interaction.editReply(renderMediaCard(after, perspective, cardLanguage));
    const shown = after.rows.some((row) => row.member.discordUserId === presser.discordUserId);
    const hiddenNote = after.guildId !== null && !shown && notice.changed ? `\n${t('card.entryHidden')}` : '';
    const message = id.viewerId === presser.discordUserId && shown && notice.changed ? undefined : `${t.render(notice.text)}${hiddenNote}`;
    if (message) await interaction.followUp({ content: message, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  } catch (error) {
    await reportPrivately(interaction, error, log, t);
  }
  return true;
}

/**
 * Applies a card action to the presser's own list (decided on a fresh read of their entry) and says what happened,
 * for the presser alone, as a message to render in their language. Other cards with the same actions (/random's
 * "Start watching") reuse it.
 */
export async function applyCardPress(deps: CommandDeps, presser: UsableMember, id: CardButtonId, media: MediaCardMedia): Promise<{ text: Message; changed: boolean }> {
  const context = { key: presser.discordUserId, token: presser.token() };
  // Decided on a fresh read of the presser's own entry (private ones included): a cached card may be minutes old,
  // and a press must never overwrite what they changed elsewhere or demote a finished title to Planning.
  const current = await callAniList(presser, () => deps.anilist.ownMediaListEntry({ mediaId: id.mediaId, userId: presser.anilistUserId }, context));
  const title = safeLabel(displayTitle(media.title, presser.titleLanguage), 100);
  const type = kindOf(media);
  const onList = (entry: ServerEntry): Localized => (t) =>
    entry.status === 'PLANNING'
      ? statusLabel(t, entry.status, media.type)
      : t('card.statusAndProgress', { status: statusLabel(t, entry.status, media.type), progress: String(entry.progress ?? 0), total: String(totalUnits(media) ?? '?') });
  const unchanged = (text: Message) => ({ text, changed: false });
  let changes: Omit<SaveMediaListEntryInput, 'mediaId'>;
  switch (id.action) {
    case 'plan':
      if (current) return unchanged(msg('card.alreadyOnList', { title, onList: onList(current) }));
      changes = { status: 'PLANNING' };
      break;
    case 'watch':
      if (current?.status === 'CURRENT' || current?.status === 'REPEATING' || current?.status === 'COMPLETED') {
        return unchanged(msg('card.alreadyOnListUseUpdate', { title, onList: onList(current) }));
      }
      changes = { status: 'CURRENT' };
      break;
    case 'inc': {
      if (current?.status !== 'CURRENT') {
        return unchanged(current ? msg('card.notCurrentOnList', { type, title, onList: onList(current) }) : msg('card.notCurrent', { type, title }));
      }
      const progress = current.progress ?? 0;
      if (presser.discordUserId === id.viewerId && id.shownProgress !== undefined && progress !== id.shownProgress) {
        deps.serverViews.recordWrite(presser, id.mediaId, current);
        return unchanged(msg('card.changedElsewhere', { title, progress: String(progress) }));
      }
      const total = totalUnits(media);
      if (total !== null && progress >= total) return unchanged(msg('media.alreadyAtLast', { title, type, total: String(total) }));
      changes = { progress: progress + 1 };
      break;
    }
  }
  const saved = await callAniList(presser, () => deps.anilist.saveMediaListEntry({ mediaId: id.mediaId, ...changes }, context));
  const reportedFormat = saved.user?.mediaListOptions?.scoreFormat;
  if (reportedFormat) deps.links.rememberScoreFormat(presser.discordUserId, reportedFormat);
  deps.serverViews.recordWrite(presser, id.mediaId, saved);
  return { text: msg('card.saved', { title, onList: onList(saved) }), changed: true };
}

/** A failure after the press was acknowledged with deferUpdate: told to the presser alone, in `t`'s language; the card stays. */
export async function reportPrivately(interaction: MessageComponentInteraction, error: unknown, log: Logger, t: Translator): Promise<void> {
  if (error instanceof UserFacingError) log.info({ reason: error.message }, 'card button refused');
  else log.error({ err: error }, 'card button failed');
  const content = error instanceof UserFacingError ? error.render(t) : t.render(UNEXPECTED_ERROR_MESSAGE);
  try {
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
  } catch (followUpError) {
    log.warn({ err: followUpError }, 'could not deliver the card button error to the member');
  }
}

function coverColor(color: string | null | undefined): number | undefined {
  return color && /^#[0-9a-f]{6}$/i.test(color) ? Number.parseInt(color.slice(1), 16) : undefined;
}

function lengthOf(t: Translator, media: MediaCardMedia): string {
  if (media.type === 'MANGA') {
    const chapters = media.chapters ? String(media.chapters) : '?';
    return media.volumes ? t('card.chaptersAndVolumes', { chapters, volumes: media.volumes }) : chapters;
  }
  const episodes = media.episodes ? String(media.episodes) : '?';
  return media.duration ? t('card.episodesAndDuration', { episodes, minutes: media.duration }) : episodes;
}

function releaseStatus(t: Translator, media: MediaCardMedia): string {
  const type = kindOf(media);
  switch (media.status) {
    case 'FINISHED':
      return t('card.release.finished');
    case 'RELEASING':
      return t('card.release.releasing', { type });
    case 'NOT_YET_RELEASED':
      return t('card.release.notYetReleased', { type });
    case 'CANCELLED':
      return t('card.release.cancelled');
    case 'HIATUS':
      return t('card.release.hiatus');
    default:
      return '—';
  }
}

function seasonOf(t: Translator, media: MediaCardMedia): string {
  const year = media.seasonYear ?? media.startDate?.year ?? undefined;
  if (media.season && year !== undefined) return t('card.season', { season: media.season, year: String(year) });
  if (media.season) return t('card.seasonOnly', { season: media.season });
  return year === undefined ? '—' : String(year);
}

function studiosOf(media: MediaCardMedia): string | undefined {
  const names = (media.studios?.nodes ?? []).map((studio) => studio?.name).filter((name): name is string => Boolean(name));
  return names.length > 0 ? names.map((name) => safeLabel(name, 100)).join(', ') : undefined;
}

/** Story and art credits (AniList's roles "Story", "Art", "Story & Art", "Original Creator"…), not editors. */
function authorsOf(media: MediaCardMedia): string | undefined {
  const authors = (media.staff?.edges ?? [])
    .filter((edge) => edge?.role && /story|art|original creator/i.test(edge.role) && edge.node?.name?.userPreferred)
    .map((edge) => `${safeLabel(edge!.node!.name!.userPreferred!, 100)} (${safeLabel(edge!.role!, 60)})`);
  return authors.length > 0 ? authors.join(', ') : undefined;
}

/** The list names as AniList's own list headers, short enough for one line per member. */
function shortStatus(t: Translator, status: MediaListStatus | null | undefined, type: MediaType | null | undefined): string {
  return status === 'PLANNING' ? t('card.planning') : statusLabel(t, status, type);
}
