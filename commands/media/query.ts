/** Below this many characters a search matches half of AniList and costs a request per keystroke for nothing. */
export const MIN_SEARCH_LENGTH = 3;

/** The longest media text a command takes (its option's max_length), and so the longest query searched. */
export const MEDIA_TEXT_MAX = 200;

const MEDIA_ID = /^\d{1,9}$/;

export function normalizeQuery(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A picked autocomplete choice arrives as the media id; anything else is free text to resolve. */
export function mediaIdFromOption(value: string): number | undefined {
  const trimmed = value.trim();
  return MEDIA_ID.test(trimmed) ? Number(trimmed) : undefined;
}

/** How well a normalized `query` matches any of the titles: 0 exact, 1 a word starts with it, 2 contains it. */
export function matchRank(titles: readonly string[], query: string): number | undefined {
  if (query === '') return 2;
  const normalized = titles.map(normalizeQuery);
  if (normalized.some((title) => title === query)) return 0;
  if (normalized.some((title) => title.startsWith(query) || title.includes(` ${query}`))) return 1;
  if (normalized.some((title) => title.includes(query))) return 2;
  return undefined;
}

export function isExactTitle(titles: readonly string[], query: string): boolean {
  return titles.some((title) => normalizeQuery(title) === query);
}
