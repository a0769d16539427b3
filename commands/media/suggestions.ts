import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import type { MediaType } from '../../src/anilist/index.js';
import type { Translator } from '../../src/i18n/index.js';
import type { Logger } from '../../src/logger.js';
import { isNsfwChannel } from '../channel-nsfw.js';
import type { CommandContext, CommandDeps } from '../command.js';
import { mergeChoices } from './choices.js';
import { matchOwnEntries, peekOwnEntries } from './own-entries.js';
import { MEDIA_TEXT_MAX, MIN_SEARCH_LENGTH, normalizeQuery } from './query.js';
import { searchTitles } from './search.js';

/** Discord drops an autocomplete answer after 3 s; what is not ready by then waits for the next keystroke. */
export const AUTOCOMPLETE_BUDGET_MS = 2_000;

/**
 * The latest autocomplete keystroke of each member: an older one still waiting for the AniList budget is
 * abandoned, because Discord only ever shows the answer to the newest. One per bot (createCommandDeps), so two
 * bots in one process never abandon each other's keystrokes.
 */
export interface KeystrokeTracker {
  /** Starts the member's newest keystroke, abandoning the one before it. `end` once it is answered. */
  begin(memberId: string): { readonly signal: AbortSignal; end(): void };
}

export function createKeystrokeTracker(): KeystrokeTracker {
  // Keyed by Discord user id; entries leave when answered.
  const pending = new Map<string, AbortController>();
  return {
    begin(memberId) {
      pending.get(memberId)?.abort(new Error('superseded by a newer keystroke'));
      const controller = new AbortController();
      pending.set(memberId, controller);
      return {
        signal: controller.signal,
        end() {
          // Past the budget nobody will see this answer: a search still queued gives its place back.
          controller.abort(new Error('autocomplete answered'));
          if (pending.get(memberId) === controller) pending.delete(memberId);
        },
      };
    },
  };
}

export interface MediaKeystroke {
  readonly memberId: string;
  /** What the member typed so far in the media option. */
  readonly text: string;
  readonly nsfwAllowed: boolean;
  /** Only anime or only manga (own entries and search results); both when omitted. */
  readonly type?: MediaType | undefined;
}

/**
 * Suggestions for a media option: the member's own CURRENT and PLANNING entries from lists already cached (by
 * /list or /update; loading two whole lists for a keystroke would spend the budget every member shares), then
 * AniList's search, if it answers within the autocomplete budget.
 */
export async function suggestMedia(
  deps: CommandDeps,
  t: Translator,
  { memberId, text, nsfwAllowed, type }: MediaKeystroke,
  log: Logger,
): Promise<ApplicationCommandOptionChoiceData<string>[]> {
  const query = normalizeQuery(text).slice(0, MEDIA_TEXT_MAX);
  const member = deps.links.usableMember(memberId);
  const ownLists = member ? peekOwnEntries(deps, member) : [];
  const own = matchOwnEntries(type === undefined ? ownLists : ownLists.filter((entry) => entry.media?.type === type), query, nsfwAllowed);
  if (query.length < MIN_SEARCH_LENGTH) return mergeChoices(t, own, [], nsfwAllowed, member?.titleLanguage);

  const keystroke = deps.keystrokes.begin(memberId);
  try {
    const found = await settleWithin(searchTitles(deps, query, { memberId, nsfwAllowed, type, signal: keystroke.signal }), AUTOCOMPLETE_BUDGET_MS, log);
    return mergeChoices(t, own, found ?? [], nsfwAllowed, member?.titleLanguage);
  } finally {
    keystroke.end();
  }
}

/**
 * Answers a title option's autocomplete (/anime, /manga): always, and fast; any failure means "no suggestions".
 */
export async function answerTitleAutocomplete({ interaction, deps, log, t }: CommandContext<AutocompleteInteraction>, option: string, type: MediaType): Promise<void> {
  let choices: ApplicationCommandOptionChoiceData<string>[] = [];
  try {
    const focused = interaction.options.getFocused(true);
    if (focused.name === option) {
      choices = await suggestMedia(deps, t, { memberId: interaction.user.id, text: String(focused.value), nsfwAllowed: isNsfwChannel(interaction), type }, log);
    }
  } catch (error) {
    log.warn({ err: error }, 'title autocomplete failed; answering with no suggestions');
  }
  await interaction.respond(choices);
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
