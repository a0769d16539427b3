import { ApplicationCommandOptionType, type ApplicationCommandOptionChoiceData } from 'discord.js';
import type { MediaListEntry, MediaSearchResult, MediaType } from '../../src/anilist/index.js';
import type { Translator } from '../../src/i18n/index.js';
import { displayTitle, formatName, formatProgress, kindOf, statusLabel } from '../format/media.js';
import { truncate } from '../format/text.js';

/** Discord's limits for an autocomplete answer. */
export const MAX_CHOICES = 25;
export const CHOICE_NAME_MAX = 100;

/** The title keeps whatever room the suffix leaves, so the status or format is never the part cut off. */
function choiceName(title: string, suffix: string): string {
  const room = CHOICE_NAME_MAX - suffix.length;
  return truncate(`${truncate(title, room)}${suffix}`, CHOICE_NAME_MAX);
}

export function ownEntryChoice(t: Translator, entry: MediaListEntry): ApplicationCommandOptionChoiceData<string> {
  const title = displayTitle(entry.media?.title);
  const suffix = ` · ${statusLabel(t, entry.status, entry.media?.type)} · ${formatProgress(t, entry.progress, entry.media)}`;
  return { name: choiceName(title, suffix), value: String(entry.mediaId) };
}

export function searchChoice(t: Translator, media: MediaSearchResult, titleLanguage: string | undefined): ApplicationCommandOptionChoiceData<string> {
  return { name: choiceName(displayTitle(media.title, titleLanguage), ` · ${describeMedia(t, media)}`), value: String(media.id) };
}

/** "anime, TV", "manga, One shot", or just "manga" when the format says nothing more. */
export function describeMedia(t: Translator, media: { type?: MediaType | null; format?: string | null }): string {
  const type = kindOf(media);
  return media.format && media.format !== type ? t('media.kindAndFormat', { type, format: formatName(t, media.format) }) : t('media.kind', { type });
}

/** Own entries first, then search results not already among them; at most 25, named in the reader's language. */
export function mergeChoices(
  t: Translator,
  own: readonly MediaListEntry[],
  found: readonly MediaSearchResult[],
  nsfwAllowed: boolean,
  titleLanguage: string | undefined,
): ApplicationCommandOptionChoiceData<string>[] {
  const choices: ApplicationCommandOptionChoiceData<string>[] = [];
  const seen = new Set<number>();
  for (const entry of own) {
    if (choices.length >= MAX_CHOICES) break;
    if (seen.has(entry.mediaId)) continue;
    seen.add(entry.mediaId);
    choices.push(ownEntryChoice(t, entry));
  }
  for (const media of found) {
    if (choices.length >= MAX_CHOICES) break;
    if (seen.has(media.id) || (!nsfwAllowed && media.isAdult === true)) continue;
    seen.add(media.id);
    choices.push(searchChoice(t, media, titleLanguage));
  }
  return choices;
}

/** The optional `type` option of commands that work on either list (`/list`, `/compare`, `/random`); anime by default. */
export const MEDIA_TYPE_OPTION = {
  type: ApplicationCommandOptionType.String,
  name: 'type',
  description: 'Anime or manga (default: anime)',
  required: false,
  choices: [
    { name: 'Anime', value: 'ANIME' },
    { name: 'Manga', value: 'MANGA' },
  ],
} as const;
