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
import { msg, type Localized, type Translator } from '../src/i18n/index.js';
import type { LinkSummary } from '../src/linking/index.js';
import type { Logger } from '../src/logger.js';
import { UserFacingError } from '../src/user-facing-error.js';
import { acknowledgeWhile } from './acknowledge.js';
import { isNsfwChannel } from './channel-nsfw.js';
import { customId, type ChatInputCommand, type CommandContext, type CommandDeps } from './command.js';
import { applyCardPress, renderMediaCard, reportPrivately, titleEmbed, viewGuildId } from './media/card.js';
import type { ServerView } from './media/server-views.js';
import { MEDIA_TYPE_OPTION } from './media/choices.js';
import { readOptions } from './options.js';
import { loadTasteList, memberLabel, requireLinked } from './taste/lists.js';
import { buildPool, type ListMedia, type PickFilters, type PoolTitle } from './taste/pool.js';
import type { RandomPick } from './taste/random-picks.js';
import { placeOf } from './where.js';

export const PICK_EXPIRED = msg('random.pickExpired');
export const NOT_YOUR_PICK = msg('random.notYourPick');
export const STALE_RANDOM_BUTTON = msg('random.staleButton');
export const ONLY_TITLE = msg('random.onlyTitle');
/** The genre option's longest value (AniList's longest genre is "Slice of Life"). */
const GENRE_MAX = 50;
const MAX_GENRE_CHOICES = 25;

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'random',
  description: 'Pick what to watch or read next from your Planning list, or from everyone’s you name',
  options: [
    MEDIA_TYPE_OPTION,
    { type: ApplicationCommandOptionType.String, name: 'genre', description: 'Only this genre', required: false, autocomplete: true, max_length: GENRE_MAX },
    { type: ApplicationCommandOptionType.Integer, name: 'max_episodes', description: 'At most this many episodes (chapters for manga)', required: false, min_value: 1, max_value: 100_000 },
    { type: ApplicationCommandOptionType.User, name: 'with', description: 'Pick from titles on this member’s Planning list too', required: false },
    { type: ApplicationCommandOptionType.User, name: 'with2', description: 'And this member’s', required: false },
    { type: ApplicationCommandOptionType.User, name: 'with3', description: 'And this member’s', required: false },
  ],
} as const;

export const random = {
  install: 'everywhere',
  definition,

  async execute({ interaction, deps, log, t }) {
    const options = readOptions(interaction, definition);
    const type: MediaType = options.type ?? 'ANIME';
    const caller = deps.links.requireUsableMember(interaction.user.id);
    const namedUsers = uniqueOthers([options.with, options.with2, options.with3], interaction.user.id);
    const named = requireLinked(deps, namedUsers.map((user) => ({ id: user.id, displayName: user.displayName })), 'random.notLinked');
    const nameOf = new Map(namedUsers.map((user) => [user.id, user.displayName]));
    // Whose lists a refusal is about: "you", or the members as the caller named them.
    const owner = (memberId: string, reader: Translator) => (memberId === caller.discordUserId ? reader('random.you') : memberLabel(reader, nameOf.get(memberId) ?? ''));
    const owners = (memberIds: readonly string[]): Localized => (reader) => reader.list(memberIds.map((memberId) => owner(memberId, reader)));
    const nsfwAllowed = isNsfwChannel(interaction);

    const work = (async () => {
      const genre = options.genre === undefined ? undefined : await resolveGenre(deps, options.genre, caller.discordUserId);
      const filters: PickFilters = { genre, maxLength: options.max_episodes, nsfwAllowed };
      const members = [caller, ...named];
      const memberIds = members.map((member) => member.discordUserId);
      const lists = await Promise.all(
        members.map((member) =>
          loadTasteList(deps, { caller, owner: member, type, privateProfile: msg('random.private', { member: (reader) => owner(member.discordUserId, reader) }) }),
        ),
      );
      const pool = buildPool(lists.map((list) => ({ memberId: list.owner.discordUserId, entries: list.entries })), filters);
      switch (pool.kind) {
        case 'emptyPlanning': {
          const empty =
            pool.memberIds.length === 1 && pool.memberIds[0] === caller.discordUserId
              ? msg('random.ownPlanningEmpty', { type })
              : msg('random.planningEmpty', { owners: owners(pool.memberIds), count: pool.memberIds.length, type });
          const privateLeftOut = pool.memberIds.includes(caller.discordUserId) && lists[0]!.privateLeftOut > 0;
          throw new UserFacingError(privateLeftOut ? (reader) => `${reader.render(empty)} ${reader('random.privateLeftOut')}` : empty);
        }
        case 'noMatch': {
          const described: Localized = (reader) => describeFilters(reader, filters, type);
          throw new UserFacingError(
            members.length === 1
              ? msg('random.noMatchOwn', { type, filters: described })
              : msg('random.noMatchGroup', { type, owners: owners(memberIds), filters: described }),
          );
        }
        case 'noOverlap':
          throw new UserFacingError(msg('random.noOverlap', { type, owners: owners(memberIds), count: members.length }));
        case 'titles':
          break;
      }
      const pick = deps.randomPicks.create({
        id: interaction.id,
        callerId: caller.discordUserId,
        memberIds,
        type,
        titles: pool.titles,
        locale: t.locale,
        headline: headline({ callerId: caller.discordUserId, memberIds, titles: pool.titles.length, onLists: pool.onLists, filters, type }),
      });
      const view = await firstView(deps, pick.current(), viewGuildId(interaction), caller.discordUserId, log);
      return { pick, view };
    })();
    const { pick, view } = await acknowledgeWhile(work, () => interaction.deferReply());
    await interaction.editReply(renderPick(t, pick, pick.current(), { view, caller: deps.links.member(pick.callerId), notInServer: isForeignServer(interaction) }));
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
  if (wanted === '') throw new UserFacingError(msg('random.noGenre'));
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
  // AniList's genre names, as AniList writes them: they are what the option takes.
  const examples = known.filter((name) => name !== 'Hentai').slice(0, 6);
  const genre = escapeMarkdown(wanted.slice(0, GENRE_MAX));
  throw new UserFacingError(examples.length > 0 ? msg('random.unknownGenreExamples', { genre, examples: (t) => t.list(examples, 'or') }) : msg('random.unknownGenre', { genre }));
}

/** Every condition a title had to meet, for "no title matches". */
function describeFilters(t: Translator, filters: PickFilters, type: MediaType): string {
  const parts = [t('random.filter.released', { type })];
  if (!filters.nsfwAllowed) parts.push(t('random.filter.notAdult'));
  if (filters.genre !== undefined) parts.push(t('random.filter.genre', { genre: escapeMarkdown(filters.genre) }));
  if (filters.maxLength !== undefined) parts.push(t('random.filter.maxLength', { max: filters.maxLength, type }));
  return t.list(parts);
}

/** The line above every card of a pick, in the language the pick was drawn in. */
function headline(input: { callerId: string; memberIds: readonly string[]; titles: number; onLists: number; filters: PickFilters; type: MediaType }): Localized {
  return (t) => {
    const parts = [
      input.filters.genre === undefined ? undefined : escapeMarkdown(input.filters.genre),
      input.filters.maxLength === undefined ? undefined : t('random.headline.maxLength', { max: input.filters.maxLength, type: input.type }),
    ].filter((part): part is string => part !== undefined);
    const filtered = parts.length > 0 ? t('random.headline.filtered', { filters: t.list(parts) }) : '';
    const count = input.titles;
    if (input.memberIds.length === 1) return t('random.headline.own', { caller: `<@${input.callerId}>`, type: input.type, count, filtered });
    const group = t.list(input.memberIds.map((id) => `<@${id}>`));
    const lists = input.memberIds.length;
    if (input.onLists === lists) return t('random.headline.shared', { group, count, lists, filtered });
    return t('random.headline.most', { group, count, lists, onLists: input.onLists, filtered });
  };
}

/** A server the bot is not in (the caller's own install): cards have no "In this server" there. */
function isForeignServer(interaction: Parameters<typeof placeOf>[0]): boolean {
  return placeOf(interaction) === 'foreign-server';
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

/** How a pick's card is drawn besides its title: the server view (when known), whose title language, where. */
export interface PickCardView {
  readonly view: ServerView | undefined;
  readonly caller: Pick<LinkSummary, 'titleLanguage'> | undefined;
  readonly notInServer: boolean;
}

/** The pick's message in `t`'s language: the pick's own (rerolls by any of its members keep it). */
export function renderPick(t: Translator, pick: RandomPick, title: PoolTitle, { view, caller, notInServer }: PickCardView): BaseMessageOptions & { allowedMentions: { parse: [] } } {
  const embeds = view
    ? (renderMediaCard(view, { command: 'random', viewerId: pick.callerId, viewer: caller }, t).embeds ?? [])
    : [titleEmbed(t, listMediaAsCard(title.media), caller?.titleLanguage).setFooter({ text: t('random.rerollFooter') })];
  const lines = [t.render(pick.headline)];
  if (pick.memberIds.length > 1 && title.plannedBy.length < pick.memberIds.length) {
    lines.push(t('random.plannedBy', { members: t.list(title.plannedBy.map((id) => `<@${id}>`)) }));
  }
  if (notInServer) lines.push(t('card.notInServer'));
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId('random', 'start', pick.id, title.mediaId)).setLabel(t('random.button.start', { type: title.media.type ?? 'ANIME' })).setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(customId('random', 'reroll', pick.id)).setLabel(t('random.button.reroll')).setStyle(ButtonStyle.Secondary),
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

/** A new title from the same pool, drawn from memory: no AniList request, one message update, in the pick's language. */
async function reroll({ interaction, deps }: CommandContext<MessageComponentInteraction>, pick: RandomPick): Promise<void> {
  const nsfwAllowed = isNsfwChannel(interaction);
  const next = pick.reroll((title) => nsfwAllowed || title.media.isAdult !== true);
  if (!next) throw new UserFacingError(ONLY_TITLE);
  const view = await deps.serverViews.peek({ guildId: viewGuildId(interaction), mediaId: next.mediaId, requesterId: interaction.user.id });
  const card = { view, caller: deps.links.member(pick.callerId), notInServer: isForeignServer(interaction) };
  await interaction.update(renderPick(deps.i18n.forLocale(pick.locale), pick, next, card));
}

/**
 * "Start watching": the presser's own entry becomes Watching (Reading), with their own token; told to them alone, in
 * their language. The card, when redrawn, stays in the pick's.
 */
async function startWatching({ interaction, deps, log, t }: CommandContext<MessageComponentInteraction>, pick: RandomPick, mediaId: number): Promise<void> {
  const title = pick.titles.find((candidate) => candidate.mediaId === mediaId);
  if (!title) throw new UserFacingError(STALE_RANDOM_BUTTON);
  if (title.media.isAdult === true && !isNsfwChannel(interaction)) throw new UserFacingError(STALE_RANDOM_BUTTON);
  // Unlinked or expired: answered privately at once by the dispatcher, nothing else happens.
  const presser = deps.links.requireUsableMember(interaction.user.id);
  await interaction.deferUpdate();
  try {
    const request = { guildId: viewGuildId(interaction), mediaId, requesterId: presser.discordUserId };
    const before = await deps.serverViews.peek(request);
    const notice = await applyCardPress(deps, presser, { command: 'random', action: 'watch', mediaId, viewerId: pick.callerId }, before?.media ?? listMediaAsCard(title.media));
    if (notice.changed && presser.discordUserId === pick.callerId) pick.markStarted(mediaId);
    // The cached server view already shows the new entry (recordWrite): the card is redrawn only when it has one.
    const after = await deps.serverViews.peek(request);
    if (after && pick.current().mediaId === mediaId) {
      const card = { view: after, caller: deps.links.member(pick.callerId), notInServer: isForeignServer(interaction) };
      await interaction.editReply(renderPick(deps.i18n.forLocale(pick.locale), pick, title, card));
    }
    await interaction.followUp({ content: t.render(notice.text), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  } catch (error) {
    await reportPrivately(interaction, error, log, t);
  }
}
