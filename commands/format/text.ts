/** Cuts to at most `max` characters (code points, so no half emoji or surrogate), ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/**
 * Titles come from AniList and may contain Markdown, brackets or mention-looking text. Every character Discord
 * could read as formatting is escaped (discord.js's escapeMarkdown leaves unpaired ones, which can pair up with
 * the next line), so the title renders literally inside an embed link label; line breaks are flattened so one
 * entry stays one line.
 */
export function escapeInline(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\*_~`|<>[\]()]/g, (char) => `\\${char}`);
}

/** Truncated first, escaped second, so an escape sequence is never cut in half. */
export function safeLabel(text: string, max: number): string {
  return escapeInline(truncate(text, max));
}
