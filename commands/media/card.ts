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
import type { LinkSummary, UsableMember } from '../../src/linking/index.js';
import type { Translator } from '../../src/i18n/index.js';
import type { Logger } from '../../src/logger.js';
import { UNEXPECTED_ERROR_MESSAGE, UserFacingError } from '../../src/user-facing-error.js';
import { acknowledgeWhile } from '../acknowledge.js';
import { callAniList } from '../anilist-call.js';
import { isNsfwChannel } from '../channel-nsfw.js';
import { customId, type CommandContext, type CommandDeps } from '../command.js';
import { plainDescription } from '../format/description.js';
import { ANILIST_BLUE, displayTitle, statusLabel, totalUnits, unitName } from '../format/media.js';
import { UNSCORED, formatScore } from '../format/score.js';
import { safeLabel, truncate } from '../format/text.js';
import { resolveTitleText } from './search.js';
import type { ServerView, ServerViewRow } from './server-views.js';

/** Lines of "In this server" before "…and N more". */
export const MAX_SERVER_LINES = 15;
/** The server mean is shown once this many members scored the title. */
export const MIN_SCORES_FOR_MEAN = 3;
const DESCRIPTION_MAX = 350;
const CARD_ACTION = 'card';

export const ADULT_REFUSED = 'That title is marked 18+ on AniList, so I only show it in NSFW channels.';
export const STALE_CARD_BUTTON = 'This button is no longer active. Look the title up again for fresh buttons.';

export type CardAction = 'plan' | 'watch' | 'inc';

export interface CardButtonId {
  /** The command that showed the card: its handleComponent receives the press. */
  readonly command: string;
  readonly action: CardAction;
  readonly mediaId: number;
  /** Whose card it is: the card is drawn from their perspective whoever presses. */
  readonly viewerId: string;
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

/**
 * The media id a title option means: a picked suggestion, or free text resolved by one title search. Unknown or
 * ambiguous text is refused with a UserFacingError that says what to do (the dispatcher answers privately).
 */
export async function resolveTitleOption(
  deps: CommandDeps,
  { memberId, text, nsfwAllowed, type, command }: { memberId: string; text: string; nsfwAllowed: boolean; type: MediaType; command: string },
): Promise<number> {
  const kind = type === 'MANGA' ? 'manga' : 'anime';
  if (text.trim() === '') throw new UserFacingError(`Tell me which ${kind}: pick one from the suggestions of the \`title\` option.`);
  const resolution = await resolveTitleText(deps, { memberId, text, nsfwAllowed, type });
  const shown = safeLabel(text.trim(), 100);
  switch (resolution.kind) {
    case 'found':
      return resolution.mediaId;
    case 'none':
      throw new UserFacingError(`No ${kind} on AniList matches “${shown}”. Check the spelling, or pick from the suggestions as you type.`);
    case 'ambiguous': {
      const options = resolution.suggestions.map((choice) => `• ${safeLabel(choice.name, 100)}`).join('\n');
      throw new UserFacingError(`“${shown}” matches several titles. Run \`/${command}\` again and pick one from the suggestions, for example:\n${options}`);
    }
  }
}

/**
 * Resolves the title, loads it and this server's view of it (cached per server and title) and shows the card as the
 * interaction's public reply, deferring it only once the work did not fail at once (AniList busy costs one private
 * reply). Adult titles outside NSFW channels and titles of the other type are refused with a UserFacingError (the
 * dispatcher answers privately).
 */
export async function showMediaCard({ interaction, deps }: CommandContext<RepliableInteraction>, options: ShowCardOptions): Promise<void> {
  const loading = (async () => {
    const mediaId = await options.mediaId();
    const view = await deps.serverViews.load({ guildId: interaction.guildId, mediaId, requesterId: interaction.user.id });
    checkShowable(view.media, isNsfwChannel(interaction), options.type);
    return view;
  })();
  const view = await acknowledgeWhile(loading, () => interaction.deferReply());
  const viewer = deps.links.member(interaction.user.id);
  await interaction.editReply(renderMediaCard(view, { command: options.command, viewerId: interaction.user.id, viewer }));
}

function checkShowable(media: MediaCardMedia, nsfwAllowed: boolean, type: MediaType | undefined): void {
  if (media.isAdult === true && !nsfwAllowed) throw new UserFacingError(ADULT_REFUSED);
  if (type !== undefined && media.type !== null && media.type !== type) {
    const kind = media.type === 'MANGA' ? 'manga' : 'anime';
    throw new UserFacingError(`AniList id ${media.id} is ${kind === 'anime' ? 'an anime' : 'a manga'}: use \`/${kind}\` for it.`);
  }
}

export interface CardPerspective {
  readonly command: string;
  readonly viewerId: string;
  /** The viewer's link, for their title language; undefined when they are not linked. */
  readonly viewer: Pick<LinkSummary, 'titleLanguage'> | undefined;
}

/** The card as a message: the title embed, "In this server" (in a server), and the viewer's buttons. */
export function renderMediaCard(view: ServerView, perspective: CardPerspective): BaseMessageOptions & { allowedMentions: { parse: [] } } {
  const embeds = [titleEmbed(view.media, perspective.viewer?.titleLanguage)];
  if (view.guildId !== null) embeds.push(serverEmbed(view, perspective.viewerId));
  const viewerRow = view.rows.find((row) => row.member.discordUserId === perspective.viewerId);
  return { content: '', embeds, components: [buttonRow(view.media, perspective, viewerRow?.entry)], allowedMentions: { parse: [] } };
}

function titleEmbed(media: MediaCardMedia, titleLanguage: string | undefined): EmbedBuilder {
  const title = displayTitle(media.title, titleLanguage);
  const embed = new EmbedBuilder().setColor(coverColor(media.coverImage?.color) ?? ANILIST_BLUE).setTitle(truncate(title, 256));
  if (media.siteUrl) embed.setURL(media.siteUrl);
  const cover = media.coverImage?.large ?? media.coverImage?.medium;
  if (cover) embed.setThumbnail(cover);
  const secondTitle = [media.title?.native, media.title?.romaji].find((candidate) => candidate && candidate !== title);
  const description = [secondTitle ? `*${safeLabel(secondTitle, 200)}*` : undefined, plainDescription(media.description, DESCRIPTION_MAX)].filter(Boolean).join('\n\n');
  if (description !== '') embed.setDescription(description);
  const manga = media.type === 'MANGA';
  embed.addFields(
    { name: 'Format', value: formatName(media.format), inline: true },
    { name: manga ? 'Chapters' : 'Episodes', value: lengthOf(media), inline: true },
    { name: 'Status', value: releaseStatus(media), inline: true },
    manga ? { name: 'Started', value: String(media.startDate?.year ?? '—'), inline: true } : { name: 'Season', value: seasonOf(media), inline: true },
    { name: 'Average score', value: media.averageScore ? `${media.averageScore}%` : '—', inline: true },
    { name: 'Genres', value: truncate(media.genres?.filter(Boolean).join(', ') || '—', 1024), inline: true },
  );
  const makers = manga ? authorsOf(media) : studiosOf(media);
  if (makers) embed.addFields({ name: manga ? 'Authors' : 'Studio', value: truncate(makers, 1024), inline: false });
  const next = media.nextAiringEpisode;
  if (!manga && media.status === 'RELEASING' && next) {
    embed.addFields({ name: 'Next episode', value: `Episode ${next.episode} ${time(next.airingAt, TimestampStyles.RelativeTime)} (${time(next.airingAt, TimestampStyles.ShortDateTime)})`, inline: false });
  }
  return embed;
}

function serverEmbed(view: ServerView, viewerId: string): EmbedBuilder {
  const embed = new EmbedBuilder().setColor(ANILIST_BLUE).setTitle('In this server');
  const lines = view.rows.slice(0, MAX_SERVER_LINES).map((row) => serverLine(row, view.media, viewerId));
  const more = view.rows.length - MAX_SERVER_LINES;
  if (more > 0) lines.push(`…and ${more} more`);
  const scored = view.rows.map((row) => row.entry.scoreRaw ?? 0).filter((score) => score > 0);
  if (scored.length >= MIN_SCORES_FOR_MEAN) {
    const mean = Math.round(scored.reduce((sum, score) => sum + score, 0) / scored.length);
    lines.push('', `Server mean **${mean}%** from ${scored.length} scores`);
  }
  embed.setDescription(lines.length > 0 ? lines.join('\n') : 'No linked member here has it on their list yet.');
  if (view.capped) embed.setFooter({ text: `Among the ${view.maxMembers} linked members who used the bot here most recently.` });
  return embed;
}

function serverLine(row: ServerViewRow, media: MediaCardMedia, viewerId: string): string {
  const you = row.member.discordUserId === viewerId;
  const parts = [`<@${row.member.discordUserId}>${you ? ' (you)' : ''}`, shortStatus(row.entry.status, media.type)];
  const progress = row.entry.progress ?? 0;
  if (row.entry.status !== 'PLANNING' || progress > 0) parts.push(`${progress}/${totalUnits(media) ?? '?'}`);
  const score = formatScore(row.entry.score, row.scoreFormat);
  if (score !== UNSCORED) parts.push(score);
  const line = parts.join(' · ');
  return you ? `**${line}**` : line;
}

function buttonRow(media: MediaCardMedia, perspective: CardPerspective, viewerEntry: ServerEntry | undefined): ActionRowBuilder<ButtonBuilder> {
  const row = new ActionRowBuilder<ButtonBuilder>();
  const id = (action: CardAction, ...extra: number[]) => customId(perspective.command, CARD_ACTION, action, media.id, perspective.viewerId, ...extra);
  const status = viewerEntry?.status;
  if (!viewerEntry) row.addComponents(new ButtonBuilder().setCustomId(id('plan')).setLabel('Add to Planning').setStyle(ButtonStyle.Secondary));
  if (!viewerEntry || status === 'PLANNING' || status === 'PAUSED' || status === 'DROPPED') {
    row.addComponents(new ButtonBuilder().setCustomId(id('watch')).setLabel(media.type === 'MANGA' ? 'Set Reading' : 'Set Watching').setStyle(ButtonStyle.Primary));
  }
  const total = totalUnits(media);
  const progress = viewerEntry?.progress ?? 0;
  if (status === 'CURRENT' && (total === null || progress < total)) {
    row.addComponents(new ButtonBuilder().setCustomId(id('inc', progress)).setLabel('+1').setStyle(ButtonStyle.Primary));
  }
  if (media.siteUrl) row.addComponents(new ButtonBuilder().setLabel('AniList').setStyle(ButtonStyle.Link).setURL(media.siteUrl));
  return row;
}

/** The card's buttons: `<command>:card:<action>:<mediaId>:<viewerId>[:<shownProgress>]`; anything else is not one. */
export function parseCardButtonId(value: string): CardButtonId | undefined {
  const [command = '', marker, action, mediaText = '', viewerId = '', progressText, ...rest] = value.split(':');
  if (marker !== CARD_ACTION || rest.length > 0 || command === '') return undefined;
  if (action !== 'plan' && action !== 'watch' && action !== 'inc') return undefined;
  if (!/^\d{1,9}$/.test(mediaText) || !/^\d{15,21}$/.test(viewerId)) return undefined;
  if (action === 'inc' ? !/^\d{1,7}$/.test(progressText ?? '') : progressText !== undefined) return undefined;
  return { command, action, mediaId: Number(mediaText), viewerId, shownProgress: action === 'inc' ? Number(progressText) : undefined };
}

/**
 * A press of one of the card's buttons, by anyone: it acts on the presser's own list with their own token, never
 * on the viewer's. The card stays in the viewer's perspective and is redrawn (the presser's line changes in "In this
 * server"); whatever concerns only the presser is told to them privately. Returns false for other components.
 */
export async function handleMediaCardButton(context: CommandContext<MessageComponentInteraction>): Promise<boolean> {
  const { interaction, deps, log } = context;
  const id = parseCardButtonId(interaction.customId);
  if (!id) return false;
  // Unlinked or expired: answered privately at once by the dispatcher, nothing else happens.
  const presser = deps.links.requireUsableMember(interaction.user.id);
  await interaction.deferUpdate();
  try {
    const request = { guildId: interaction.guildId, mediaId: id.mediaId, requesterId: presser.discordUserId };
    const before = await deps.serverViews.load(request);
    if (before.media.isAdult === true && !isNsfwChannel(interaction)) throw new UserFacingError(ADULT_REFUSED);
    const notice = await applyPress(deps, presser, id, before.media);
    const after = await deps.serverViews.load(request);
    await interaction.editReply(renderMediaCard(after, { command: id.command, viewerId: id.viewerId, viewer: deps.links.member(id.viewerId) }));
    const shown = after.rows.some((row) => row.member.discordUserId === presser.discordUserId);
    const hiddenNote = after.guildId !== null && !shown && notice.changed
      ? '\nYour entry is not listed in this server: it is private on AniList, your profile is, or you chose `/privacy server_views:false`.'
      : '';
    const message = id.viewerId === presser.discordUserId && shown && notice.changed ? undefined : `${notice.text}${hiddenNote}`;
    if (message) await interaction.followUp({ content: message, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  } catch (error) {
    await reportPrivately(interaction, error, log, context.t);
  }
  return true;
}

async function applyPress(deps: CommandDeps, presser: UsableMember, id: CardButtonId, media: MediaCardMedia): Promise<{ text: string; changed: boolean }> {
  const context = { key: presser.discordUserId, token: presser.token() };
  // Decided on a fresh read of the presser's own entry (private ones included): a cached card may be minutes old,
  // and a press must never overwrite what they changed elsewhere or demote a finished title to Planning.
  const current = await callAniList(presser, () => deps.anilist.ownMediaListEntry({ mediaId: id.mediaId, userId: presser.anilistUserId }, context));
  const title = `**${safeLabel(displayTitle(media.title, presser.titleLanguage), 100)}**`;
  const onList = (entry: ServerEntry) => `${statusLabel(entry.status, media.type)}${entry.status === 'PLANNING' ? '' : `, ${entry.progress ?? 0}/${totalUnits(media) ?? '?'}`}`;
  const unchanged = (text: string) => ({ text, changed: false });
  let changes: Omit<SaveMediaListEntryInput, 'mediaId'>;
  switch (id.action) {
    case 'plan':
      if (current) return unchanged(`${title} is already on your list (${onList(current)}); nothing changed.`);
      changes = { status: 'PLANNING' };
      break;
    case 'watch':
      if (current?.status === 'CURRENT' || current?.status === 'REPEATING' || current?.status === 'COMPLETED') {
        return unchanged(`${title} is already on your list (${onList(current)}); nothing changed. Use \`/update\` to change it.`);
      }
      changes = { status: 'CURRENT' };
      break;
    case 'inc': {
      if (current?.status !== 'CURRENT') {
        return unchanged(`You are not ${media.type === 'MANGA' ? 'reading' : 'watching'} ${title}${current ? ` (${onList(current)})` : ''}, so there is nothing to add 1 to.`);
      }
      const progress = current.progress ?? 0;
      if (presser.discordUserId === id.viewerId && id.shownProgress !== undefined && progress !== id.shownProgress) {
        deps.serverViews.recordWrite(presser, id.mediaId, current);
        return unchanged(`${title} was updated elsewhere in the meantime: your progress is already ${progress}, so nothing was changed.`);
      }
      const total = totalUnits(media);
      if (total !== null && progress >= total) return unchanged(`${title} is already at its last ${unitName(media.type)} (${total}).`);
      changes = { progress: progress + 1 };
      break;
    }
  }
  const saved = await callAniList(presser, () => deps.anilist.saveMediaListEntry({ mediaId: id.mediaId, ...changes }, context));
  const reportedFormat = saved.user?.mediaListOptions?.scoreFormat;
  if (reportedFormat) deps.links.rememberScoreFormat(presser.discordUserId, reportedFormat);
  deps.serverViews.recordWrite(presser, id.mediaId, saved);
  return { text: `✅ ${title} on your list: ${onList(saved)}.`, changed: true };
}

async function reportPrivately(interaction: MessageComponentInteraction, error: unknown, log: Logger, t: Translator): Promise<void> {
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

const FORMAT_NAMES: Record<string, string> = {
  TV: 'TV',
  TV_SHORT: 'TV short',
  MOVIE: 'Movie',
  SPECIAL: 'Special',
  OVA: 'OVA',
  ONA: 'ONA',
  MUSIC: 'Music video',
  MANGA: 'Manga',
  NOVEL: 'Light novel',
  ONE_SHOT: 'One shot',
};

function formatName(format: string | null | undefined): string {
  return format ? (FORMAT_NAMES[format] ?? format.replace(/_/g, ' ')) : '—';
}

function lengthOf(media: MediaCardMedia): string {
  if (media.type === 'MANGA') {
    const chapters = media.chapters ? String(media.chapters) : '?';
    return media.volumes ? `${chapters} (${media.volumes} volumes)` : chapters;
  }
  const episodes = media.episodes ? String(media.episodes) : '?';
  return media.duration ? `${episodes} × ${media.duration} min` : episodes;
}

function releaseStatus(media: MediaCardMedia): string {
  const manga = media.type === 'MANGA';
  switch (media.status) {
    case 'FINISHED':
      return 'Finished';
    case 'RELEASING':
      return manga ? 'Publishing' : 'Airing';
    case 'NOT_YET_RELEASED':
      return manga ? 'Not yet published' : 'Not yet aired';
    case 'CANCELLED':
      return 'Cancelled';
    case 'HIATUS':
      return 'On hiatus';
    default:
      return '—';
  }
}

function seasonOf(media: MediaCardMedia): string {
  const season = media.season ? media.season.charAt(0) + media.season.slice(1).toLowerCase() : undefined;
  const year = media.seasonYear ?? media.startDate?.year ?? undefined;
  return [season, year].filter((part) => part !== undefined).join(' ') || '—';
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
function shortStatus(status: MediaListStatus | null | undefined, type: MediaType | null | undefined): string {
  return status === 'PLANNING' ? 'Planning' : statusLabel(status, type);
}
