import { ApplicationCommandOptionType, ApplicationCommandType, MessageFlags, escapeMarkdown, type MessageComponentInteraction } from 'discord.js';
import type { Translator } from '../src/i18n/index.js';
import type { Logger } from '../src/logger.js';
import { UNEXPECTED_ERROR_MESSAGE, UserFacingError } from '../src/user-facing-error.js';
import { acknowledgeWhile } from './acknowledge.js';
import { callAniList } from './anilist-call.js';
import { isNsfwChannel } from './channel-nsfw.js';
import type { ChatInputCommand, CommandContext } from './command.js';
import { LIST_STATUS_CHOICES, formatProgress, statusLabel, totalUnits, unitName } from './format/media.js';
import { safeLabel } from './format/text.js';
import { loadList, resolveListAccess, type ListRequest, type LoadedList } from './list-data.js';
import { parseListCustomId, type ListIncrementId, type ListPageId } from './list-ids.js';
import { renderListPage } from './list-view.js';
import { readOptions } from './options.js';

export const NOT_YOUR_BUTTONS = 'These buttons belong to the member who ran this `/list`. Run `/list` yourself to browse.';
export const STALE_LIST_BUTTON = 'This list is out of date. Run `/list` again for a fresh one.';

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'list',
  description: "Show your AniList list, or another member's",
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
    {
      type: ApplicationCommandOptionType.String,
      name: 'status',
      description: 'Which list (default: watching/reading)',
      required: false,
      choices: [...LIST_STATUS_CHOICES, { name: 'All statuses', value: 'ALL' }],
    },
    { type: ApplicationCommandOptionType.User, name: 'user', description: 'Whose list (default: you)', required: false },
  ],
} as const;

export const list = {
  install: 'everywhere',
  definition,

  async execute({ interaction, deps }) {
    const options = readOptions(interaction, definition);
    const target = options.user ?? interaction.user;
    const request: ListRequest = {
      callerId: interaction.user.id,
      ownerId: target.id,
      type: options.type ?? 'ANIME',
      status: options.status ?? 'CURRENT',
      nsfwAllowed: isNsfwChannel(interaction),
    };
    // Refusals that need no AniList call are answered at once, privately, by the dispatcher.
    const access = resolveListAccess(deps, request.callerId, request.ownerId, escapeMarkdown(target.displayName));

    const loaded = await acknowledgeWhile(loadList(deps, request, access), () => interaction.deferReply());
    await interaction.editReply(pageMessage(request, loaded, 1));
  },

  async handleComponent(context) {
    const { interaction } = context;
    const id = parseListCustomId(interaction.customId);
    if (!id) throw new UserFacingError(STALE_LIST_BUTTON);
    if (interaction.user.id !== id.callerId) throw new UserFacingError(NOT_YOUR_BUTTONS);
    if (id.action === 'page') await showPage(context, id);
    else await incrementProgress(context, id);
  },
} satisfies ChatInputCommand;

function pageMessage(request: ListRequest, loaded: LoadedList, page: number, notice?: string) {
  const isOwnCurrent = request.callerId === request.ownerId && request.status === 'CURRENT';
  if (loaded.entries.length === 0) {
    const owner = request.callerId === request.ownerId ? 'your' : `${escapeMarkdown(loaded.owner.anilistName)}'s`;
    const kind = request.type === 'MANGA' ? 'manga' : 'anime';
    const where = request.status === 'ALL' ? '' : ` under “${statusLabel(request.status, request.type)}”`;
    // The same words whether or not private or 18+ entries were left out: the message is public.
    const empty = `Nothing on ${owner} ${kind} list${where} yet.`;
    return { content: [notice, empty].filter(Boolean).join('\n'), embeds: [], components: [], allowedMentions: { parse: [] } };
  }
  const rendered = renderListPage({
    callerId: request.callerId,
    ownerId: request.ownerId,
    ownerName: loaded.owner.anilistName,
    ownerSiteUrl: loaded.owner.anilistSiteUrl,
    type: request.type,
    status: request.status,
    entries: loaded.entries,
    scoreFormat: loaded.scoreFormat,
    page,
    truncated: loaded.truncated,
    withIncrementButtons: isOwnCurrent,
  });
  const pageGone = page > rendered.pageCount ? `The list got shorter since; this is now its last page (${rendered.pageCount}).` : undefined;
  const content = [notice, pageGone].filter(Boolean).join('\n');
  return { content, embeds: rendered.embeds, components: rendered.components, allowedMentions: { parse: [] } };
}

async function showPage(context: CommandContext<MessageComponentInteraction>, id: ListPageId): Promise<void> {
  const { interaction, deps } = context;
  const request: ListRequest = { ...id, nsfwAllowed: isNsfwChannel(interaction) };
  const access = resolveListAccess(deps, id.callerId, id.ownerId);
  await updateMessage(context, async () => pageMessage(request, await loadList(deps, request, access), id.page));
}

async function incrementProgress(context: CommandContext<MessageComponentInteraction>, id: ListIncrementId): Promise<void> {
  const { interaction, deps } = context;
  const request: ListRequest = { callerId: id.callerId, ownerId: id.callerId, type: id.type, status: 'CURRENT', nsfwAllowed: isNsfwChannel(interaction) };
  const access = resolveListAccess(deps, id.callerId, id.callerId);
  await updateMessage(context, async () => {
    const owner = access.owner;
    // The cached list may be a minute old, and a change made on AniList's site since then must not be overwritten
    // by "shown + 1": the decision is taken on a fresh read of the list. The page shown afterwards comes from it too.
    deps.anilist.invalidateUserList(owner.anilistUserId);
    const before = await loadList(deps, request, access);
    const entry = before.entries.find((candidate) => candidate.mediaId === id.mediaId);
    if (!entry) return pageMessage(request, before, id.page, 'That title is no longer on this list, so nothing was changed.');
    const progress = entry.progress ?? 0;
    const title = safeLabel(entry.media?.title?.userPreferred ?? `Media ${entry.mediaId}`, 80);
    if (progress !== id.shownProgress) {
      return pageMessage(
        request,
        before,
        id.page,
        `**${title}** was updated elsewhere in the meantime: progress is already ${progress} on AniList, so nothing was changed. Here is the current list.`,
      );
    }
    const total = totalUnits(entry.media);
    if (total !== null && progress >= total) {
      return pageMessage(request, before, id.page, `**${title}** is already at its last ${unitName(id.type)} (${total}).`);
    }
    const saved = await callAniList(owner, () =>
      deps.anilist.saveMediaListEntry({ mediaId: id.mediaId, progress: progress + 1 }, { key: id.callerId, token: owner.token() }),
    );
    // The client dropped the cached list on the write, so this load shows AniList's state after it.
    const after = await loadList(deps, request, access);
    return pageMessage(request, after, id.page, `✅ **${title}**: ${formatProgress(saved.progress, saved.media ?? entry.media)}`);
  });
}

/**
 * Button presses acknowledge with deferUpdate (AniList may take longer than Discord's 3 s), which makes the list
 * message itself the interaction's reply. The shared error boundary would delete that reply before apologising,
 * taking the list with it, so failures from here on are reported privately and the list stays: in a reply when
 * the work failed before the press was acknowledged (AniList busy), in a follow-up otherwise.
 */
async function updateMessage(
  context: CommandContext<MessageComponentInteraction>,
  build: () => Promise<Awaited<ReturnType<typeof pageMessage>>>,
): Promise<void> {
  const { interaction, log } = context;
  let acknowledged = false;
  try {
    const message = await acknowledgeWhile(build(), async () => {
      await interaction.deferUpdate();
      acknowledged = true;
    });
    // Built before the next turn (a cached page): one update answers the press.
    if (acknowledged) await interaction.editReply(message);
    else await interaction.update(message);
  } catch (error) {
    await reportPrivately(interaction, error, log, context.t);
  }
}

async function reportPrivately(interaction: MessageComponentInteraction, error: unknown, log: Logger, t: Translator): Promise<void> {
  if (error instanceof UserFacingError) log.info({ reason: error.message }, 'list button refused');
  else log.error({ err: error }, 'list button failed');
  const content = error instanceof UserFacingError ? error.render(t) : t.render(UNEXPECTED_ERROR_MESSAGE);
  try {
    // Refused before the press was acknowledged (AniList busy): one private reply, and the list stays as it is.
    if (interaction.deferred || interaction.replied) await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  } catch (followUpError) {
    log.warn({ err: followUpError }, 'could not deliver the list button error to the member');
  }
}

