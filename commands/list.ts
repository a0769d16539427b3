import { ApplicationCommandOptionType, ApplicationCommandType, MessageFlags, escapeMarkdown, type MessageComponentInteraction } from 'discord.js';
import { msg, type Translator } from '../src/i18n/index.js';
import type { Logger } from '../src/logger.js';
import { UNEXPECTED_ERROR_MESSAGE, UserFacingError } from '../src/user-facing-error.js';
import { acknowledgeWhile } from './acknowledge.js';
import { callAniList } from './anilist-call.js';
import { isNsfwChannel } from './channel-nsfw.js';
import type { ChatInputCommand, CommandContext } from './command.js';
import { LIST_STATUS_CHOICES, formatProgress, kindOf, statusLabel, totalUnits } from './format/media.js';
import { safeLabel } from './format/text.js';
import { loadList, resolveListAccess, type ListRequest, type LoadedList } from './list-data.js';
import { parseListCustomId, type ListIncrementId, type ListPageId } from './list-ids.js';
import { renderListPage } from './list-view.js';
import { MEDIA_TYPE_OPTION } from './media/choices.js';
import { readOptions } from './options.js';

export const NOT_YOUR_BUTTONS = msg('list.notYourButtons');
export const STALE_LIST_BUTTON = msg('list.staleButton');

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'list',
  description: "Show your AniList list, or another member's",
  options: [
    MEDIA_TYPE_OPTION,
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

  async execute({ interaction, deps, t }) {
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
    await interaction.editReply(pageMessage(t, request, loaded, 1));
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

function pageMessage(t: Translator, request: ListRequest, loaded: LoadedList, page: number, notice?: string) {
  const isOwnCurrent = request.callerId === request.ownerId && request.status === 'CURRENT';
  if (loaded.entries.length === 0) {
    // The same words whether or not private or 18+ entries were left out: the message is public.
    const empty = t('list.empty', {
      whose: request.callerId === request.ownerId ? 'own' : 'other',
      owner: escapeMarkdown(loaded.owner.anilistName),
      type: request.type,
      filter: request.status === 'ALL' ? 'all' : 'one',
      status: request.status === 'ALL' ? '' : statusLabel(t, request.status, request.type),
    });
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
  }, t);
  const pageGone = page > rendered.pageCount ? t('list.pageGone', { page: rendered.pageCount }) : undefined;
  const content = [notice, pageGone].filter(Boolean).join('\n');
  return { content, embeds: rendered.embeds, components: rendered.components, allowedMentions: { parse: [] } };
}

async function showPage(context: CommandContext<MessageComponentInteraction>, id: ListPageId): Promise<void> {
  const { interaction, deps, t } = context;
  const request: ListRequest = { ...id, nsfwAllowed: isNsfwChannel(interaction) };
  const access = resolveListAccess(deps, id.callerId, id.ownerId);
  await updateMessage(context, async () => pageMessage(t, request, await loadList(deps, request, access), id.page));
}

async function incrementProgress(context: CommandContext<MessageComponentInteraction>, id: ListIncrementId): Promise<void> {
  const { interaction, deps, t } = context;
  const request: ListRequest = { callerId: id.callerId, ownerId: id.callerId, type: id.type, status: 'CURRENT', nsfwAllowed: isNsfwChannel(interaction) };
  const access = resolveListAccess(deps, id.callerId, id.callerId);
  await updateMessage(context, async () => {
    const owner = access.owner;
    // The cached list may be a minute old, and a change made on AniList's site since then must not be overwritten
    // by "shown + 1": the decision is taken on a fresh read of the list. The page shown afterwards comes from it too.
    deps.anilist.invalidateUserList(owner.anilistUserId);
    const before = await loadList(deps, request, access);
    const entry = before.entries.find((candidate) => candidate.mediaId === id.mediaId);
    if (!entry) return pageMessage(t, request, before, id.page, t('list.goneFromList'));
    const progress = entry.progress ?? 0;
    const title = safeLabel(entry.media?.title?.userPreferred ?? t('media.untitled', { id: String(entry.mediaId) }), 80);
    if (progress !== id.shownProgress) return pageMessage(t, request, before, id.page, t('list.changedElsewhere', { title, progress: String(progress) }));
    const total = totalUnits(entry.media);
    if (total !== null && progress >= total) {
      return pageMessage(t, request, before, id.page, t('media.alreadyAtLast', { title, type: kindOf(entry.media), total: String(total) }));
    }
    const saved = await callAniList(owner, () =>
      deps.anilist.saveMediaListEntry({ mediaId: id.mediaId, progress: progress + 1 }, { key: id.callerId, token: owner.token() }),
    );
    // The client dropped the cached list on the write, so this load shows AniList's state after it.
    const after = await loadList(deps, request, access);
    return pageMessage(t, request, after, id.page, `✅ **${title}**: ${formatProgress(t, saved.progress, saved.media ?? entry.media)}`);
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
  build: () => Promise<ReturnType<typeof pageMessage>>,
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

