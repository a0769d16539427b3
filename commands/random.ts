/**
 * /random: what to watch (or read) next, from the caller's Planning list, or with `with…` from the Planning lists of
 * everyone named. The pick is shown as the media card with "Start watching" (each presser's own list) and "Reroll".
 *
 * Budget. The lists come from the client's list cache (a /compare just before costs nothing more); the first card
 * is the /anime card, one MediaCard request with "In this server" (cached per server and title). A reroll asks
 * AniList nothing: the next title comes from the pool kept in memory, drawn from its list entry (which carries the
 * card's details but the description and credits), and "In this server" is shown only when that title's server
 * view is already cached. Fetching it would cost a request per reroll, and members reroll quickly through titles
 * they only glance at; the first card has it, /anime shows it for any title, and the buttons work either way.
 */
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  escapeMarkdown,
  type AutocompleteInteraction,
  type BaseMessageOptions,
  type MessageComponentInteraction,
  type User,
} from 'discord.js';
import { isAniListError, type MediaCardMedia, type MediaType } from '../src/anilist/index.js';
import type { Translator } from '../src/i18n/index.js';
import type { LinkSummary } from '../src/linking/index.js';
import type { Logger } from '../src/logger.js';
import { UserFacingError } from '../src/user-facing-error.js';
import { acknowledgeWhile } from './acknowledge.js';
import { isNsfwChannel } from './channel-nsfw.js';
import { customId, type ChatInputCommand, type CommandContext, type CommandDeps } from './command.js';
import { applyCardPress, renderMediaCard, reportPrivately, titleEmbed } from './media/card.js';
import type { ServerView } from './media/server-views.js';
import { readOptions } from './options.js';
import { joinNames, loadTasteList, requireLinked } from './taste/lists.js';
import { buildPool, type ListMedia, type PickFilters, type PoolTitle } from './taste/pool.js';
import type { RandomPick } from './taste/random-picks.js';

export const PICK_EXPIRED = 'This pick has expired. Run `/random` again for a new one.';
export const NOT_YOUR_PICK = 'These buttons belong to the members this pick was made for. Run `/random` yourself for your own.';
export const STALE_RANDOM_BUTTON = 'This button is no longer active. Run `/random` again for fresh buttons.';
export const ONLY_TITLE = 'That is the only title that matches, so there is nothing else to pick.';
/** The genre option's longest value (AniList's longest genre is "Slice of Life"). */
const GENRE_MAX = 50;
const MAX_GENRE_CHOICES = 25;

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'random',
  description: 'Pick what to watch or read next from your Planning list, or from everyone’s you name',
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'type',
      description: 'Anime or manga (default: anime)',
      required: false,
      choices: [
        { name: 'Anime', value: 'ANIME' },
        { name: 'Manga', value: 'MANGA' },
      ],
    },
    { type: ApplicationCommandOptionType.String, name: 'genre', description: 'Only this genre', required: false, autocomplete: true, max_length: GENRE_MAX },
    { type: ApplicationCommandOptionType.Integer, name: 'max_episodes', description: 'At most this many episodes (chapters for manga)', required: false, min_value: 1, max_value: 100_000 },
    { type: ApplicationCommandOptionType.User, name: 'with', description: 'Pick from titles on this member’s Planning list too', required: false },
    { type: ApplicationCommandOptionType.User, name: 'with2', description: 'And this member’s', required: false },
    { type: ApplicationCommandOptionType.User, name: 'with3', description: 'And this member’s', required: false },
  ],
} as const;

export const random = {
  definition,

  async execute({ interaction, deps, log, t }) {
    const options = readOptions(interaction, definition);
    const type: MediaType = options.type ?? 'ANIME';
    const caller = deps.links.requireUsableMember(interaction.user.id);
    const namedUsers = uniqueOthers([options.with, options.with2, options.with3], interaction.user.id);
    const named = requireLinked(deps, namedUsers.map((user) => ({ id: user.id, displayName: user.displayName })), 'I cannot see their Planning list');
    const labelOf = new Map(namedUsers.map((user) => [user.id, `**${escapeMarkdown(user.displayName)}**`]));
    const nsfwAllowed = isNsfwChannel(interaction);

    const work = (async () => {
      const genre = options.genre === undefined ? undefined : await resolveGenre(deps, options.genre, caller.discordUserId);
      const filters: PickFilters = { genre, maxLength: options.max_episodes, nsfwAllowed };
      const members = [caller, ...named];
      const lists = await Promise.all(
        members.map((owner) =>
          loadTasteList(deps, { caller, owner, type, ownerLabel: labelOf.get(owner.discordUserId) ?? 'Your', purpose: 'I cannot see their Planning list' }),
        ),
      );
      const pool = buildPool(lists.map((list) => ({ memberId: list.owner.discordUserId, entries: list.entries })), filters);
      const kind = type === 'MANGA' ? 'manga' : 'anime';
      const whose = (memberId: string) => (memberId === caller.discordUserId ? 'your' : `${labelOf.get(memberId)}'s`);
      switch (pool.kind) {
        case 'emptyPlanning': {
          const privateNote = pool.memberIds.includes(caller.discordUserId) && lists[0]!.privateLeftOut > 0
            ? ' Entries you marked private on AniList are left out: the pick is shown in public.'
            : '';
          throw new UserFacingError(`${capitalize(joinNames(pool.memberIds.map(whose)))} ${kind} Planning ${pool.memberIds.length === 1 ? 'list is' : 'lists are'} empty, so there is nothing to pick from.${privateNote}`);
        }
        case 'noMatch':
          throw new UserFacingError(`No title on ${members.length === 1 ? `your ${kind} Planning list` : `the ${kind} Planning lists of ${joinNames(members.map((member) => labelOf.get(member.discordUserId) ?? 'you'))}`} matches: ${describeFilters(filters, type)}.`);
        case 'noOverlap':
          throw new UserFacingError(`No ${kind} is on ${members.length === 2 ? 'both' : 'more than one of the'} Planning lists of ${joinNames(members.map((member) => labelOf.get(member.discordUserId) ?? 'you'))}, so there is nothing to pick together.`);
        case 'titles':
          break;
      }
      const pick = deps.randomPicks.create({
        id: interaction.id,
        callerId: caller.discordUserId,
        memberIds: members.map((member) => member.discordUserId),
        type,
        titles: pool.titles,
        headline: headline({ callerId: caller.discordUserId, memberIds: members.map((member) => member.discordUserId), kind, titles: pool.titles.length, onLists: pool.onLists, filters, type }),
      });
      const view = await firstView(deps, pick.current(), interaction.guildId, caller.discordUserId, log);
      return { pick, view };
    })();
    const { pick, view } = await acknowledgeWhile(work, () => interaction.deferReply());
    await interaction.editReply(renderPick(t, pick, pick.current(), view, deps.links.member(pick.callerId)));
  },

  async autocomplete({ interaction, deps, log }: CommandContext<AutocompleteInteraction>) {
    let choices: { name: string; value: string }[] = [];
    try {
      const typed = String(interaction.options.getFocused()).trim().toLowerCase();
      const nsfwAllowed = isNsfwChannel(interaction);
      const names = await deps.anilist.genres({ key: interaction.user.id });
      choices = names
        .filter((name) => nsfwAllowed || name !== 'Hentai')
        .filter((name) => typed === '' || name.toLowerCase().includes(typed))
        .sort((a, b) => Number(!b.toLowerCase().startsWith(typed)) - Number(!a.toLowerCase().startsWith(typed)) || a.localeCompare(b))
        .slice(0, MAX_GENRE_CHOICES)
        .map((name) => ({ name, value: name }));
    } catch (error) {
      log.warn({ err: error }, 'genre autocomplete failed; answering with no suggestions');
    }
    await interaction.respond(choices);
  },

  async handleComponent(context) {
    const { interaction, deps } = context;
    const id = parseRandomButtonId(interaction.customId);
    if (!id) throw new UserFacingError(STALE_RANDOM_BUTTON);
    const pick = deps.randomPicks.get(id.pickId);
    if (!pick) throw new UserFacingError(PICK_EXPIRED);
    if (!pick.memberIds.includes(interaction.user.id)) throw new UserFacingError(NOT_YOUR_PICK);
    if (id.action === 'reroll') await reroll(context, pick);
    else await startWatching(context, pick, id.mediaId);
  },
} satisfies ChatInputCommand;

function uniqueOthers(users: readonly (User | undefined)[], callerId: string): User[] {
  const seen = new Set<string>([callerId]);
  const others: User[] = [];
  for (const user of users) {
    if (!user || seen.has(user.id)) continue;
    seen.add(user.id);
    others.push(user);
  }
  return others;
}

/** AniList's spelling of a typed genre; a genre AniList does not have is refused before any list is read. */
async function resolveGenre(deps: CommandDeps, typed: string, memberId: string): Promise<string> {
  const wanted = typed.trim();
  if (wanted === '') throw new UserFacingError('Tell me which genre: pick one from the suggestions of the `genre` option.');
  let known: readonly string[];
  try {
    known = await deps.anilist.genres({ key: memberId });
  } catch (error) {
    // Without AniList's list (busy, down) the filter still works: titles carry their genres.
    if (isAniListError(error) || error instanceof UserFacingError) return wanted;
    throw error;
  }
  const match = known.find((name) => name.toLowerCase() === wanted.toLowerCase());
  if (match) return match;
  const examples = known.filter((name) => name !== 'Hentai').slice(0, 6).join(', ');
  throw new UserFacingError(`“${escapeMarkdown(wanted.slice(0, GENRE_MAX))}” is not an AniList genre. Pick one from the suggestions${examples ? `, e.g. ${examples}` : ''}.`);
}

function describeFilters(filters: PickFilters, type: MediaType): string {
  const parts = [type === 'MANGA' ? 'already published' : 'already airing or aired'];
  if (!filters.nsfwAllowed) parts.push('not 18+ (this channel is not marked NSFW)');
  if (filters.genre !== undefined) parts.push(`genre “${escapeMarkdown(filters.genre)}”`);
  if (filters.maxLength !== undefined) parts.push(`at most ${filters.maxLength} ${type === 'MANGA' ? 'chapters' : 'episodes'} (a known number)`);
  return parts.join(', ');
}

function headline(input: { callerId: string; memberIds: readonly string[]; kind: string; titles: number; onLists: number; filters: PickFilters; type: MediaType }): string {
  const count = `${input.titles} ${input.titles === 1 ? 'title' : 'titles'}`;
  const filters = [
    input.filters.genre === undefined ? undefined : escapeMarkdown(input.filters.genre),
    input.filters.maxLength === undefined ? undefined : `≤ ${input.filters.maxLength} ${input.type === 'MANGA' ? 'chapters' : 'episodes'}`,
  ].filter((part): part is string => part !== undefined);
  const filtered = filters.length > 0 ? ` (${filters.join(', ')})` : '';
  if (input.memberIds.length === 1) return `🎲 <@${input.callerId}>'s pick from their ${input.kind} Planning list: 1 of ${count}${filtered}`;
  const group = joinNames(input.memberIds.map((id) => `<@${id}>`));
  const lists = input.memberIds.length;
  if (input.onLists === lists) return `🎲 For ${group}: 1 of ${count} on ${lists === 2 ? 'both' : `all ${lists}`} Planning lists${filtered}`;
  return `🎲 For ${group}: no title is on all ${lists} Planning lists${filtered}, so this is 1 of the ${count} on ${input.onLists} of them`;
}

/** The first card: the /anime card with "In this server". Should AniList fail now, the list entry draws it. */
async function firstView(deps: CommandDeps, title: PoolTitle, guildId: string | null, requesterId: string, log: Logger): Promise<ServerView | undefined> {
  try {
    return await deps.serverViews.load({ guildId, mediaId: title.mediaId, requesterId });
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    log.info({ reason: error.message, mediaId: title.mediaId }, 'random pick shown from the list entry');
    return undefined;
  }
}

/** A list entry's title as the card draws it: everything but the description, credits and next episode. */
export function listMediaAsCard(media: ListMedia): MediaCardMedia {
  return {
    ...media,
    description: null,
    startDate: null,
    coverImage: { large: null, medium: media.coverImage?.medium ?? null, color: media.coverImage?.color ?? null },
    studios: null,
    staff: null,
    nextAiringEpisode: null,
  };
}

export function renderPick(t: Translator, pick: RandomPick, title: PoolTitle, view: ServerView | undefined, caller: Pick<LinkSummary, 'titleLanguage'> | undefined): BaseMessageOptions & { allowedMentions: { parse: [] } } {
  const embeds = view
    ? renderMediaCard(view, { command: 'random', viewerId: pick.callerId, viewer: caller }, t).embeds ?? []
    : [titleEmbed(t, listMediaAsCard(title.media), caller?.titleLanguage).setFooter({ text: 'Rerolls skip “In this server” to ask AniList nothing; /anime shows it.' })];
  const lines = [pick.headline];
  if (pick.memberIds.length > 1 && title.plannedBy.length < pick.memberIds.length) {
    lines.push(`On the Planning lists of ${joinNames(title.plannedBy.map((id) => `<@${id}>`))}`);
  }
  const manga = title.media.type === 'MANGA';
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId('random', 'start', pick.id, title.mediaId)).setLabel(manga ? 'Start reading' : 'Start watching').setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(customId('random', 'reroll', pick.id)).setLabel('Reroll').setStyle(ButtonStyle.Secondary),
  );
  if (title.media.siteUrl) row.addComponents(new ButtonBuilder().setLabel('AniList').setStyle(ButtonStyle.Link).setURL(title.media.siteUrl));
  return { content: lines.join('\n'), embeds, components: [row], allowedMentions: { parse: [] } };
}

type RandomButtonId = { action: 'reroll'; pickId: string } | { action: 'start'; pickId: string; mediaId: number };

/** `random:reroll:<pickId>` and `random:start:<pickId>:<mediaId>`; anything else is not one. */
export function parseRandomButtonId(value: string): RandomButtonId | undefined {
  const [command, action, pickId = '', mediaText, ...rest] = value.split(':');
  if (command !== 'random' || rest.length > 0 || !/^\d{15,21}$/.test(pickId)) return undefined;
  if (action === 'reroll' && mediaText === undefined) return { action, pickId };
  if (action === 'start' && /^\d{1,9}$/.test(mediaText ?? '')) return { action, pickId, mediaId: Number(mediaText) };
  return undefined;
}

/** A new title from the same pool, drawn from memory: no AniList request, one message update. */
async function reroll({ interaction, deps, t }: CommandContext<MessageComponentInteraction>, pick: RandomPick): Promise<void> {
  const nsfwAllowed = isNsfwChannel(interaction);
  const next = pick.reroll((title) => nsfwAllowed || title.media.isAdult !== true);
  if (!next) throw new UserFacingError(ONLY_TITLE);
  const view = await deps.serverViews.peek({ guildId: interaction.guildId, mediaId: next.mediaId, requesterId: interaction.user.id });
  await interaction.update(renderPick(t, pick, next, view, deps.links.member(pick.callerId)));
}

/** "Start watching": the presser's own entry becomes Watching (Reading), with their own token; told to them alone. */
async function startWatching({ interaction, deps, log, t }: CommandContext<MessageComponentInteraction>, pick: RandomPick, mediaId: number): Promise<void> {
  const title = pick.titles.find((candidate) => candidate.mediaId === mediaId);
  if (!title) throw new UserFacingError(STALE_RANDOM_BUTTON);
  if (title.media.isAdult === true && !isNsfwChannel(interaction)) throw new UserFacingError(STALE_RANDOM_BUTTON);
  // Unlinked or expired: answered privately at once by the dispatcher, nothing else happens.
  const presser = deps.links.requireUsableMember(interaction.user.id);
  await interaction.deferUpdate();
  try {
    const request = { guildId: interaction.guildId, mediaId, requesterId: presser.discordUserId };
    const before = await deps.serverViews.peek(request);
    const notice = await applyCardPress(deps, presser, { command: 'random', action: 'watch', mediaId, viewerId: pick.callerId }, before?.media ?? listMediaAsCard(title.media));
    if (notice.changed && presser.discordUserId === pick.callerId) pick.markStarted(mediaId);
    // The cached server view already shows the new entry (recordWrite): the card is redrawn only when it has one.
    const after = await deps.serverViews.peek(request);
    if (after && pick.current().mediaId === mediaId) await interaction.editReply(renderPick(t, pick, title, after, deps.links.member(pick.callerId)));
    await interaction.followUp({ content: t.render(notice.text), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  } catch (error) {
    await reportPrivately(interaction, error, log, t);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
