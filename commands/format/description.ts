// AniList's descriptions use numeric references and this handful of names; anything else is left as written.
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * A title's AniList description as plain text for an embed: line breaks kept, HTML tags and AniList's `~!spoiler!~`
 * passages removed (a trimmed card is no place for spoilers), entities decoded, cut at a word boundary to at most
 * `max` characters, and every character Discord reads as formatting escaped so it renders as written.
 */
export function plainDescription(raw: string | null | undefined, max: number): string | undefined {
  if (!raw) return undefined;
  const text = decodeEntities(
    raw
      .replace(/~![\s\S]*?!~/g, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/p\s*>/gi, '\n\n')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/\r/g, '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (text === '') return undefined;
  return escapeFormatting(cutAtWord(text, max));
}

function cutAtWord(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  // Cut inside a word: back to the space before it, unless that would lose most of the text.
  const lastSpace = /\s/.test(chars[max - 1] ?? ' ') ? head.length : head.search(/\s\S*$/);
  return `${(lastSpace > head.length / 2 ? head.slice(0, lastSpace) : head).trimEnd()}…`;
}

function escapeFormatting(text: string): string {
  return text.replace(/[\\*_~`|<>[\]()#]/g, (char) => `\\${char}`);
}
