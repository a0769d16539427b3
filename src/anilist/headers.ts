/**
 * Response headers arrive either as a fetch `Headers` object (graphql-request) or as a
 * plain record (node:http, tests). AniList has been seen sending `X-RateLimit-*`,
 * `X-Ratelimit-*` and `x-ratelimit-*`, so every lookup is case-insensitive.
 */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export function readHeader(headers: HeaderSource | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}

/** A non-negative finite number from a header, or undefined when absent or garbage. */
export function readNumericHeader(headers: HeaderSource | undefined, name: string): number | undefined {
  const raw = readHeader(headers, name)?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * How long the server asks us to wait, in milliseconds, from `Retry-After` (seconds or an
 * HTTP date) and `X-RateLimit-Reset` (a Unix timestamp in seconds). When both are present the
 * later one wins: stopping early would only earn another one-minute timeout.
 */
export function retryDelayMsFromHeaders(headers: HeaderSource | undefined, nowMs: number): number | undefined {
  const candidates: number[] = [];

  const retryAfter = readHeader(headers, 'retry-after')?.trim();
  if (retryAfter !== undefined && retryAfter !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) {
      candidates.push(seconds * 1000);
    } else {
      const date = Date.parse(retryAfter);
      if (Number.isFinite(date)) candidates.push(Math.max(0, date - nowMs));
    }
  }

  // A reset time already in the past means our clock is skewed; it tells us nothing then.
  const reset = readNumericHeader(headers, 'x-ratelimit-reset');
  if (reset !== undefined && reset * 1000 > nowMs) candidates.push(reset * 1000 - nowMs);

  return candidates.length === 0 ? undefined : Math.max(...candidates);
}
