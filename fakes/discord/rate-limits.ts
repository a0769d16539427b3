/**
 * Discord's REST rate limits, as the fake enforces them by default.
 *
 * What Discord documents (docs/topics/rate-limits.md in discord/discord-api-docs, read at 24b24ac):
 * - every bot may make 50 requests per second in total (the global limit); interaction endpoints (the callback and
 *   the interaction webhook: @original and follow-ups) are not bound to it;
 * - per-route limits exist, keyed by route (+ method) and the top-level resource in the path (channel_id, guild_id,
 *   or webhook_id + webhook_token), announced in X-RateLimit-Limit / -Remaining / -Reset / -Reset-After / -Bucket;
 * - a 429 carries Retry-After and the body `{ message, retry_after, global, code? }`, X-RateLimit-Scope (`user`,
 *   `global` or `shared`) and, for the global limit, X-RateLimit-Global: true.
 * The per-route numbers are deliberately undocumented ("should not be hard coded"); the values below are the ones
 * observed in the field, each with its source:
 * - POST /channels/{id}/messages, 5 per 5 s per channel (DMs are channels too): Discord staff in
 *   discord/discord-api-docs#20 ("5/5 per server", "5/5 global DM"), and `Limit: 5` with 4.4–4.6 s waits on
 *   /channels/:id/messages logged by discord.js in alexemanuelol/rustplusplus#475 (2025).
 * - POST /webhooks/{id}/{token} (executing a webhook, which is how follow-ups are sent), 5 per 2 s per webhook:
 *   Discord staff in discord/discord-api-docs#367 ("it should be reporting 5/2").
 * - Creating application commands (POST, and the bulk overwrite PUT, assumed to share it), 5 per 20 s: a 429 with
 *   retry_after 19.877 after the fifth create in MatteZ02/discord-interactions#21. Separately, the documented daily
 *   cap of 200 command creates per guild (docs/interactions/application-commands.md), where a bulk overwrite counts
 *   the commands that did not exist yet (discord/discord-api-docs#2713), answered with 30034.
 * No per-route value was found for the other routes the fake serves; they count toward the global limit only.
 * Windows are fixed, like Discord's buckets: they start with the first request and reset `windowMs` later.
 */

export interface RouteLimit {
  readonly limit: number;
  readonly windowMs: number;
}

export type RateLimitScope = 'user' | 'global' | 'shared';

/** A per-route rule: which requests share a bucket and how many fit in its window. */
export interface RouteRule extends RouteLimit {
  /** Stable name, sent (hashed) as X-RateLimit-Bucket. */
  readonly bucket: string;
  readonly method: string;
  readonly template: string;
  /** The top-level resource the bucket is kept per (e.g. the channel id). */
  readonly majorParameter: (params: Record<string, string>) => string;
}

export interface FakeRateLimitOptions {
  /** Enforce rate limits at all. Default true. */
  enabled?: boolean;
  /** Requests per second for the whole bot (interaction endpoints excluded). Default 50; `null` turns it off. */
  globalPerSecond?: number | null;
  /** Override per-route limits by bucket name (see DEFAULT_ROUTE_LIMITS); `null` removes that route's limit. */
  routes?: Partial<Record<RouteBucketName, RouteLimit | null>>;
  /** Daily command creates per guild (or per application for global commands). Default 200. */
  dailyCommandCreates?: number;
  /** Wall clock for the windows. discord.js waits in real time, so this is not the fake's `now`. Default Date.now. */
  clock?: () => number;
}

export const DEFAULT_ROUTE_LIMITS = {
  'channel-messages': { limit: 5, windowMs: 5_000 },
  'webhook-execute': { limit: 5, windowMs: 2_000 },
  'application-commands-write': { limit: 5, windowMs: 20_000 },
} as const satisfies Record<string, RouteLimit>;

export type RouteBucketName = keyof typeof DEFAULT_ROUTE_LIMITS;

const RULE_ROUTES: { bucket: RouteBucketName; method: string; template: string; major: (p: Record<string, string>) => string }[] = [
  { bucket: 'channel-messages', method: 'POST', template: '/channels/{channel_id}/messages', major: (p) => p.channel_id ?? '' },
  { bucket: 'webhook-execute', method: 'POST', template: '/webhooks/{webhook_id}/{webhook_token}', major: (p) => `${p.webhook_id}/${p.webhook_token}` },
  { bucket: 'application-commands-write', method: 'POST', template: '/applications/{application_id}/commands', major: (p) => p.application_id ?? '' },
  { bucket: 'application-commands-write', method: 'PUT', template: '/applications/{application_id}/commands', major: (p) => p.application_id ?? '' },
  {
    bucket: 'application-commands-write',
    method: 'POST',
    template: '/applications/{application_id}/guilds/{guild_id}/commands',
    major: (p) => `${p.application_id}/${p.guild_id}`,
  },
  {
    bucket: 'application-commands-write',
    method: 'PUT',
    template: '/applications/{application_id}/guilds/{guild_id}/commands',
    major: (p) => `${p.application_id}/${p.guild_id}`,
  },
];

/** What the fake told the client about a bucket on one response. */
export interface RateLimitInfo {
  /** Bucket name (see DEFAULT_ROUTE_LIMITS), or `global`. */
  bucket: string;
  majorParameter: string;
  limit: number;
  remaining: number;
  /** Milliseconds until the bucket resets, as of this response. */
  resetAfterMs: number;
}

/** A request the fake refused with 429. */
export interface RateLimitHit {
  method: string;
  path: string;
  route: string;
  bucket: string;
  scope: RateLimitScope;
  global: boolean;
  retryAfterMs: number;
  /** Wall-clock ms (the limiter's clock). */
  at: number;
}

/** Where a request fell in the global window (absent for interaction endpoints, which it does not bind). */
export interface GlobalWindowInfo {
  /** This request was the `position`-th of its one-second window. */
  position: number;
  limit: number;
}

export type RateLimitDecision =
  | { allowed: true; headers: Record<string, string>; info: RateLimitInfo | undefined; global: GlobalWindowInfo | undefined }
  | { allowed: false; status: 429; headers: Record<string, string>; body: Record<string, unknown>; hit: Omit<RateLimitHit, 'method' | 'path' | 'route'> };

interface Window {
  count: number;
  resetAt: number;
}

/** A short stable hex id, like Discord's opaque bucket hashes. */
function bucketHash(name: string): string {
  let h = 0x811c9dc5;
  for (const c of name) {
    h ^= c.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${h.toString(16).padStart(8, '0')}${name.length.toString(16).padStart(4, '0')}`;
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

export class FakeRateLimiter {
  private readonly enabled: boolean;
  private readonly globalPerSecond: number | null;
  private readonly rules: RouteRule[];
  private readonly clock: () => number;
  private readonly windows = new Map<string, Window>();
  private globalWindow: Window = { count: 0, resetAt: 0 };

  constructor(options: FakeRateLimitOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.globalPerSecond = options.globalPerSecond === undefined ? 50 : options.globalPerSecond;
    this.clock = options.clock ?? Date.now;
    const limits: Partial<Record<RouteBucketName, RouteLimit | null>> = { ...DEFAULT_ROUTE_LIMITS, ...options.routes };
    this.rules = [];
    for (const r of RULE_ROUTES) {
      const limit = limits[r.bucket];
      if (limit) this.rules.push({ bucket: r.bucket, method: r.method, template: r.template, majorParameter: r.major, ...limit });
    }
  }

  /**
   * Decide one request. `interactionEndpoint` requests skip the global limit, as Discord documents. A request that is
   * let through is counted in its route bucket and in the global window.
   */
  check(method: string, template: string, params: Record<string, string>, opts: { interactionEndpoint: boolean }): RateLimitDecision {
    if (!this.enabled) return { allowed: true, headers: {}, info: undefined, global: undefined };
    const now = this.clock();
    const rule = this.rules.find((r) => r.method === method && r.template === template);
    const major = rule?.majorParameter(params) ?? '';
    const routeWindow = rule ? this.windowFor(`${rule.bucket}:${major}`, rule.windowMs, now) : undefined;
    const routeHeaders = (w: Window, r: RouteRule): Record<string, string> => ({
      'x-ratelimit-limit': String(r.limit),
      'x-ratelimit-remaining': String(Math.max(0, r.limit - w.count)),
      'x-ratelimit-reset': (w.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': seconds(w.resetAt - now),
      'x-ratelimit-bucket': bucketHash(r.bucket),
    });

    if (!opts.interactionEndpoint && this.globalPerSecond !== null) {
      if (now >= this.globalWindow.resetAt) this.globalWindow = { count: 0, resetAt: now + 1000 };
      if (this.globalWindow.count >= this.globalPerSecond) {
        const retryAfterMs = this.globalWindow.resetAt - now;
        return {
          allowed: false,
          status: 429,
          headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
          body: { message: 'You are being rate limited.', retry_after: Number(seconds(retryAfterMs)), global: true },
          hit: { bucket: 'global', scope: 'global', global: true, retryAfterMs, at: now },
        };
      }
    }
    if (rule && routeWindow && routeWindow.count >= rule.limit) {
      const retryAfterMs = routeWindow.resetAt - now;
      return {
        allowed: false,
        status: 429,
        headers: { ...routeHeaders(routeWindow, rule), 'retry-after': String(Math.ceil(retryAfterMs / 1000)), 'x-ratelimit-scope': 'user' },
        body: { message: 'You are being rate limited.', retry_after: Number(seconds(retryAfterMs)), global: false },
        hit: { bucket: rule.bucket, scope: 'user', global: false, retryAfterMs, at: now },
      };
    }
    let global: GlobalWindowInfo | undefined;
    if (!opts.interactionEndpoint && this.globalPerSecond !== null) {
      this.globalWindow.count++;
      global = { position: this.globalWindow.count, limit: this.globalPerSecond };
    }
    if (!rule || !routeWindow) return { allowed: true, headers: {}, info: undefined, global };
    routeWindow.count++;
    return {
      allowed: true,
      global,
      headers: routeHeaders(routeWindow, rule),
      info: { bucket: rule.bucket, majorParameter: major, limit: rule.limit, remaining: rule.limit - routeWindow.count, resetAfterMs: routeWindow.resetAt - now },
    };
  }

  private windowFor(key: string, windowMs: number, now: number): Window {
    let w = this.windows.get(key);
    if (!w || now >= w.resetAt) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    return w;
  }
}

/** The documented daily cap on command creates, per guild (or per application for global commands). */
export class DailyCommandCreates {
  private readonly created = new Map<string, number[]>();

  constructor(
    readonly perDay: number,
    private readonly clock: () => number,
  ) {}

  /** Returns false (and counts nothing) when `count` more creates would exceed the cap. */
  take(scope: string, count: number): boolean {
    if (count === 0) return true;
    const now = this.clock();
    const recent = (this.created.get(scope) ?? []).filter((t) => t > now - 86_400_000);
    if (recent.length + count > this.perDay) {
      this.created.set(scope, recent);
      return false;
    }
    for (let i = 0; i < count; i++) recent.push(now);
    this.created.set(scope, recent);
    return true;
  }
}
