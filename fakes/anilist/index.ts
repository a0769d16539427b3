/**
 * Fake AniList (OAuth2 + GraphQL) for tests. See README-style summary in startFakeAniList's docs.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { disabledBody, executeGraphQL, getSchema, invalidTokenResponse, prepareGraphQL } from './graphql.js';
import type { GraphQLResponse, PreparedRequest } from './graphql.js';
import { OAUTH_PREFIX, OAuthHandler } from './oauth.js';
import type { Reply } from './oauth.js';
import { SEED_USERS, defaultSeed } from './seed.js';
import { FakeAniListStore } from './store.js';
import { TokenService } from './tokens.js';
import type { FakeAiringEpisode, FakeAniListOptions, FakeAniListStats, FakeFailure, FakeNotification, FakeOAuthClient, LoggedRequest, NewFakeNotification } from './types.js';

export * from './types.js';
export * from './seed.js';
export { FakeAniListStore } from './store.js';
export type { StoredAuthCode, StoredToken } from './store.js';
export { rawToFormat, formatToRaw } from './scores.js';
export { DISABLED_MESSAGE } from './graphql.js';

export const DEFAULT_CLIENT_ID = '1234';
export const DEFAULT_CLIENT_SECRET = 'fake-anilist-client-secret';
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:3000/oauth/callback';
export const DEFAULT_CLIENT_NAME = 'anilink (for AniList)';

export interface FakeAniList {
  /** e.g. http://127.0.0.1:54321 */
  readonly baseUrl: string;
  /** `${baseUrl}/api/v2/oauth` — append /authorize and /token. */
  readonly oauthUrl: string;
  /** `${baseUrl}/graphql` (POST). `${baseUrl}/` also accepts GraphQL POSTs, like graphql.anilist.co. */
  readonly graphqlUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** In-memory data; mutate freely. */
  readonly store: FakeAniListStore;
  /** Every request received, in order. */
  readonly requests: LoggedRequest[];
  /** Only the GraphQL requests (convenience filter over `requests`). */
  graphqlRequests(): LoggedRequest[];
  /** Who approves on the authorize page (null → page shows "log in"). */
  setLoggedInUser(userId: number | null): void;
  /** GET the authorize URL and press Approve, over HTTP. Resolves to the redirect Location (with code & state). Rejects if the page is an error page. */
  approve(authorizeUrl: string): Promise<string>;
  /** Same, pressing Cancel. Resolves to the redirect Location (error=access_denied…). */
  deny(authorizeUrl: string): Promise<string>;
  /** Mint an access token for a user without OAuth. */
  issueToken(userId: number, opts?: { lifetimeSeconds?: number; clientId?: string }): string;
  revokeToken(token: string): void;
  revokeAllTokens(userId: number): void;
  /**
   * Puts a notification in a user's inbox, stamped with the fake's clock and the next id (ids grow with time).
   * `Page.notifications` answers it newest first, filtered by `type`/`type_in`, 50 per page at most.
   */
  pushNotification(recipientId: number, notification: NewFakeNotification): FakeNotification;
  /** The user's unread count on anilist.co: reading notifications resets it unless `resetNotificationCount: false`. */
  unreadNotificationCount(userId: number): number;
  /**
   * Sets when a title's episodes air (unix seconds), replacing the schedule it derives from the fake's clock (see
   * airing.ts); `null` goes back to the derived one. `Page.airingSchedules` and `Media.nextAiringEpisode` answer from it.
   */
  setAiringSchedule(mediaId: number, episodes: readonly FakeAiringEpisode[] | null): void;
  /** Queue a failure for the next `times` (default 1; Infinity = until clearFailures) GraphQL requests. */
  inject(failure: FakeFailure, opts?: { times?: number }): void;
  clearFailures(): void;
  stats(): FakeAniListStats;
  /** Forget rate-limit window and any Retry-After timeout. */
  resetRateLimit(): void;
  /** Current fake time in ms. */
  now(): number;
  /** Move the fake clock forward (adds to the `now` option or Date.now). */
  advanceTime(ms: number): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Rate limiter: sliding 60 s window + burst window + Retry-After timeout, per client address
// ---------------------------------------------------------------------------

/**
 * AniList's reality by default (API-FACTS §3): 30 requests per minute per address (the documented 90 is "degraded"
 * to 30, and live headers now say 30), a one-minute timeout with Retry-After / X-RateLimit-Reset when exceeded, and
 * a burst limiter of undocumented size. The burst window is this fake's assumption: at most half a minute's budget
 * within any 5 s, so a client that spends its whole minute at once is caught while one that spreads its requests,
 * as AniList asks, is not.
 */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 30;
export const BURST_WINDOW_MS = 5_000;
export function defaultBurstLimit(perMinute: number): { max: number; windowMs: number } {
  return { max: Math.max(1, Math.ceil(perMinute / 2)), windowMs: BURST_WINDOW_MS };
}

type LimitDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterS: number; resetAtS: number; duringTimeout: boolean };

class RateLimiter {
  private hits: number[] = [];
  private timeoutUntil = 0;

  constructor(
    private readonly limit: number,
    readonly advertised: number,
    private readonly timeoutS: number,
    private readonly burst: { max: number; windowMs: number } | undefined,
  ) {}

  inTimeout(now: number): boolean {
    return now < this.timeoutUntil;
  }

  startTimeout(now: number, seconds: number): void {
    this.timeoutUntil = Math.max(this.timeoutUntil, now + seconds * 1000);
  }

  timeoutState(now: number): { retryAfterS: number; resetAtS: number } {
    return { retryAfterS: Math.max(1, Math.ceil((this.timeoutUntil - now) / 1000)), resetAtS: Math.ceil(this.timeoutUntil / 1000) };
  }

  check(now: number): LimitDecision {
    if (this.inTimeout(now)) return { allowed: false, duringTimeout: true, ...this.timeoutState(now) };
    this.hits = this.hits.filter((t) => t > now - 60_000);
    const overMinute = this.hits.length >= this.limit;
    const overBurst = this.burst !== undefined && this.hits.filter((t) => t > now - this.burst!.windowMs).length >= this.burst.max;
    if (overMinute || overBurst) {
      this.startTimeout(now, this.timeoutS);
      return { allowed: false, duringTimeout: false, ...this.timeoutState(now) };
    }
    this.hits.push(now);
    return { allowed: true, remaining: Math.max(0, this.advertised - this.hits.length) };
  }

  remaining(now: number): number {
    return Math.max(0, this.advertised - this.hits.filter((t) => t > now - 60_000).length);
  }

  reset(): void {
    this.hits = [];
    this.timeoutUntil = 0;
  }
}

// ---------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------

const MAX_BODY = 1_000_000;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): { kind: 'json' | 'form' | 'other'; value: unknown; error?: string } {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('application/json')) {
    if (raw.trim() === '') return { kind: 'json', value: undefined };
    try {
      return { kind: 'json', value: JSON.parse(raw) as unknown };
    } catch (e) {
      return { kind: 'json', value: undefined, error: e instanceof Error ? e.message : 'Invalid JSON' };
    }
  }
  if (ct.includes('application/x-www-form-urlencoded')) {
    return { kind: 'form', value: Object.fromEntries(new URLSearchParams(raw)) };
  }
  return { kind: 'other', value: raw === '' ? undefined : raw };
}

function redact(body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'client_secret' in body) {
    return { ...(body as Record<string, unknown>), client_secret: '[REDACTED]' };
  }
  return body;
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}

// ---------------------------------------------------------------------------
// startFakeAniList
// ---------------------------------------------------------------------------

interface QueuedFailure {
  failure: FakeFailure;
  remaining: number;
}

/**
 * Start a fake AniList on 127.0.0.1 with a dynamic port.
 *
 * Routes:
 * - GET  /api/v2/oauth/authorize?client_id&redirect_uri&response_type=code[&state]  → HTML page (Approve/Cancel forms)
 * - POST /api/v2/oauth/authorize  (form: auth_token, action=approve|deny)          → 302 to redirect_uri
 * - POST /api/v2/oauth/token      (JSON or form)                                   → token JSON / League-style errors
 * - POST /graphql and POST /                                                       → GraphQL
 */
export async function startFakeAniList(options: FakeAniListOptions = {}): Promise<FakeAniList> {
  getSchema(); // build once up-front so schema problems surface at startup
  let timeOffset = 0;
  const baseNow = options.now ?? Date.now;
  const now = (): number => baseNow() + timeOffset;

  const usingDefaultSeed = options.seed === undefined;
  const store = new FakeAniListStore(options.seed ?? defaultSeed());
  store.airingAnchorS = Math.floor(now() / 1000);
  const tokens = new TokenService(store, now);
  const client: FakeOAuthClient = {
    id: options.clientId ?? DEFAULT_CLIENT_ID,
    secret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    name: options.clientName ?? DEFAULT_CLIENT_NAME,
    redirectUri: options.redirectUri ?? DEFAULT_REDIRECT_URI,
  };
  const clients = new Map<string, FakeOAuthClient>([[client.id, client]]);
  let loggedInUserId: number | null =
    options.loggedInUserId !== undefined ? options.loggedInUserId : usingDefaultSeed ? SEED_USERS.alice.id : null;
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 31_536_000;
  const limitPerMinute = options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  const burstLimit = options.burstLimit === false ? undefined : (options.burstLimit ?? defaultBurstLimit(limitPerMinute));
  const newLimiter = (): RateLimiter =>
    new RateLimiter(limitPerMinute, options.advertisedRateLimit ?? limitPerMinute, options.rateLimitTimeoutSeconds ?? 60, burstLimit);
  // AniList counts per address; the GraphQL API and the token endpoint (another host) each keep their own count.
  const graphqlLimiters = new Map<string, RateLimiter>();
  const tokenLimiters = new Map<string, RateLimiter>();
  const limiterFor = (limiters: Map<string, RateLimiter>, req: IncomingMessage): RateLimiter => {
    const address = req.socket.remoteAddress ?? 'unknown';
    let limiter = limiters.get(address);
    if (!limiter) {
      limiter = newLimiter();
      limiters.set(address, limiter);
    }
    return limiter;
  };
  const maxComplexity = options.maxComplexity ?? 500;
  const requireReferer = options.requireReferer ?? false;

  const stats: FakeAniListStats = {
    graphqlRequests: 0,
    rateLimited429s: 0,
    requestsDuringRetryAfter: 0,
    invalidTokenResponses: 0,
    tokenRequests: 0,
    tokenRateLimited429s: 0,
    injectedFailuresServed: 0,
  };
  const requests: LoggedRequest[] = [];
  let failures: QueuedFailure[] = [];
  let seq = 0;

  const oauth = new OAuthHandler({
    store,
    tokens,
    clients,
    nowMs: now,
    loggedInUserId: () => loggedInUserId,
    tokenLifetimeSeconds,
    authCodeLifetimeSeconds: options.authCodeLifetimeSeconds ?? 600,
  });

  const takeFailure = (): FakeFailure | null => {
    const head = failures[0];
    if (!head) return null;
    head.remaining--;
    if (head.remaining <= 0) failures.shift();
    stats.injectedFailuresServed++;
    return head.failure;
  };

  const rateHeaders = (limiter: RateLimiter): Record<string, string> => ({
    'x-ratelimit-limit': String(limiter.advertised),
    'x-ratelimit-remaining': String(limiter.remaining(now())),
  });

  const limitHeaders429 = (limiter: RateLimiter, retryAfterS: number | null, resetAtS: number): Record<string, string> => ({
    'content-type': 'application/json',
    'x-ratelimit-limit': String(limiter.advertised),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(resetAtS),
    ...(retryAfterS !== null ? { 'retry-after': String(retryAfterS) } : {}),
  });

  const tooManyRequests = (limiter: RateLimiter, retryAfterS: number | null, resetAtS: number): Reply => {
    stats.rateLimited429s++;
    return {
      status: 429,
      headers: limitHeaders429(limiter, retryAfterS, resetAtS),
      body: JSON.stringify({ data: null, errors: [{ message: 'Too Many Requests.', status: 429 }] }),
    };
  };

  /** The token endpoint is Laravel (Passport); its throttle answers with Laravel's message, not GraphQL's shape. */
  function handleToken(req: IncomingMessage, params: Record<string, unknown>): Reply {
    stats.tokenRequests++;
    const limiter = limiterFor(tokenLimiters, req);
    const decision = limiter.check(now());
    if (!decision.allowed) {
      stats.tokenRateLimited429s++;
      return {
        status: 429,
        headers: limitHeaders429(limiter, decision.retryAfterS, decision.resetAtS),
        body: JSON.stringify({ message: 'Too Many Attempts.' }),
      };
    }
    const reply = oauth.token(params, req.headers.authorization);
    return { ...reply, headers: { ...reply.headers, ...rateHeaders(limiter) } };
  }

  async function handleGraphQL(req: IncomingMessage, entry: LoggedRequest, rawBody: string): Promise<Reply | 'reset'> {
    stats.graphqlRequests++;
    const limiter = limiterFor(graphqlLimiters, req);
    const gqlReply = (r: GraphQLResponse, extraHeaders: Record<string, string> = {}): Reply => ({
      status: r.status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, private', ...rateHeaders(limiter), ...extraHeaders },
      body: JSON.stringify(r.body),
    });
    const parsed = parseBody(rawBody, req.headers['content-type']);
    entry.body = parsed.value;
    if (parsed.value && typeof parsed.value === 'object') {
      const op = (parsed.value as Record<string, unknown>).operationName;
      if (typeof op === 'string') entry.operationName = op;
    }

    // 1+2. Rate limit (a request during a Retry-After timeout is counted separately).
    const decision = limiter.check(now());
    if (!decision.allowed) {
      if (decision.duringTimeout) stats.requestsDuringRetryAfter++;
      return tooManyRequests(limiter, decision.retryAfterS, decision.resetAtS);
    }

    // 3. Injected failures.
    let forceInvalidToken = false;
    const failure = takeFailure();
    if (failure) {
      switch (failure.kind) {
        case 'latency':
          await sleep(failure.ms);
          break;
        case 'status500':
          return gqlReply({ status: 500, body: { data: null, errors: [{ message: 'Internal Server Error', status: 500 }] } });
        case 'disabled403':
          return gqlReply({ status: 403, body: disabledBody() });
        case 'invalidToken':
          forceInvalidToken = true;
          break;
        case 'reset':
          return 'reset';
        case 'rateLimited': {
          const secs = failure.retryAfterS ?? 60;
          limiter.startTimeout(now(), secs);
          const st = limiter.timeoutState(now());
          return tooManyRequests(limiter, failure.omitRetryAfter ? null : secs, st.resetAtS);
        }
        case 'status':
          return {
            status: failure.status,
            headers: { 'content-type': failure.contentType ?? 'text/html; charset=utf-8' },
            body: failure.body ?? `<html><body><h1>${failure.status}</h1></body></html>`,
          };
      }
    }

    // 4. Referer gating (API-FACTS §4).
    if (requireReferer && !req.headers.referer) return gqlReply({ status: 403, body: disabledBody() });

    // 5. Body must be JSON.
    if (parsed.kind !== 'json') {
      return gqlReply({ status: 400, body: { data: null, errors: [{ message: 'Must provide query string.', status: 400 }] } });
    }
    if (parsed.error !== undefined) {
      return gqlReply({ status: 400, body: { data: null, errors: [{ message: `Syntax Error: ${parsed.error}`, status: 400 }] } });
    }

    // 6. Parse / validate / complexity.
    const prep = prepareGraphQL(parsed.value, maxComplexity);
    if (!prep.ok) return gqlReply(prep.response);
    const prepared: PreparedRequest = prep.req;
    entry.operationName = prepared.operationName;
    entry.rootFields = prepared.rootFields;

    // 7. Auth.
    const auth = req.headers.authorization;
    let viewerId: number | null = null;
    if (forceInvalidToken) {
      stats.invalidTokenResponses++;
      return gqlReply(invalidTokenResponse(prepared));
    }
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      const rec = m?.[1] ? await tokens.verify(m[1]) : null;
      if (!rec) {
        stats.invalidTokenResponses++;
        return gqlReply(invalidTokenResponse(prepared));
      }
      viewerId = rec.userId;
    }
    entry.viewerId = viewerId;

    // 8. Execute.
    const viewer = viewerId !== null ? (store.getUser(viewerId) ?? null) : null;
    const result = await executeGraphQL(prepared, { store, viewer, nowMs: now() });
    return gqlReply(result);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const method = req.method ?? 'GET';
    const entry: LoggedRequest = {
      seq: ++seq,
      time: now(),
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      kind: 'other',
      body: undefined,
      operationName: null,
      rootFields: [],
      viewerId: null,
      status: 0,
    };
    requests.push(entry);
    let rawBody = '';
    try {
      rawBody = await readBody(req);
    } catch {
      entry.status = 413;
      send(res, { status: 413, headers: { 'content-type': 'text/plain' }, body: 'Payload Too Large' });
      return;
    }

    let reply: Reply | 'reset';
    if (path === `${OAUTH_PREFIX}/authorize`) {
      entry.kind = 'oauth-authorize';
      if (method === 'GET') {
        reply = oauth.authorizePage(url.searchParams);
      } else if (method === 'POST') {
        const parsed = parseBody(rawBody, req.headers['content-type']);
        entry.body = parsed.value;
        reply = oauth.authorizeDecision(parsed.kind === 'other' ? {} : ((parsed.value ?? {}) as Record<string, unknown>));
      } else {
        reply = { status: 405, headers: { allow: 'GET, POST', 'content-type': 'text/plain' }, body: 'Method Not Allowed' };
      }
    } else if (path === `${OAUTH_PREFIX}/token`) {
      entry.kind = 'oauth-token';
      if (method !== 'POST') {
        reply = { status: 405, headers: { allow: 'POST', 'content-type': 'text/plain' }, body: 'Method Not Allowed' };
      } else {
        const parsed = parseBody(rawBody, req.headers['content-type']);
        entry.body = redact(parsed.value);
        const params = parsed.kind !== 'other' && parsed.value && typeof parsed.value === 'object' ? (parsed.value as Record<string, unknown>) : {};
        reply = handleToken(req, params);
      }
    } else if (path === '/graphql' || path === '/') {
      entry.kind = 'graphql';
      if (method !== 'POST') {
        reply = { status: 405, headers: { allow: 'POST', 'content-type': 'text/plain' }, body: 'Method Not Allowed' };
      } else {
        reply = await handleGraphQL(req, entry, rawBody);
      }
    } else {
      reply = { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
    }

    if (reply === 'reset') {
      req.socket.destroy();
      return;
    }
    entry.status = reply.status;
    send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: null, errors: [{ message: `fake-anilist internal error: ${message}`, status: 500 }] }));
      } else {
        res.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  async function pressButton(authorizeUrl: string, action: 'approve' | 'deny'): Promise<string> {
    const page = await fetch(authorizeUrl, { redirect: 'manual', headers: { 'x-fake-anilist-helper': '1' } });
    const text = await page.text();
    if (page.status !== 200) throw new Error(`fake-anilist: authorize page returned ${page.status}: ${text.replace(/<[^>]+>/g, ' ').trim()}`);
    const m = /name="auth_token" value="([^"]+)"/.exec(text);
    if (!m?.[1]) throw new Error('fake-anilist: authorize page has no approve form (is a user logged in? call setLoggedInUser())');
    const res = await fetch(`${baseUrl}${OAUTH_PREFIX}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-fake-anilist-helper': '1' },
      body: new URLSearchParams({ auth_token: m[1], action }).toString(),
    });
    await res.text();
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) throw new Error(`fake-anilist: expected 302 from authorize POST, got ${res.status}`);
    return location;
  }

  return {
    baseUrl,
    oauthUrl: `${baseUrl}${OAUTH_PREFIX}`,
    graphqlUrl: `${baseUrl}/graphql`,
    clientId: client.id,
    redirectUri: client.redirectUri,
    store,
    requests,
    graphqlRequests: () => requests.filter((r) => r.kind === 'graphql'),
    setLoggedInUser(userId) {
      loggedInUserId = userId;
    },
    approve: (url) => pressButton(url, 'approve'),
    deny: (url) => pressButton(url, 'deny'),
    issueToken(userId, opts = {}) {
      if (!store.getUser(userId)) throw new Error(`fake-anilist: unknown user ${userId}`);
      return tokens.issue(userId, opts.clientId ?? client.id, opts.lifetimeSeconds ?? tokenLifetimeSeconds).token;
    },
    revokeToken(token) {
      const jti = TokenService.jtiOf(token);
      const rec = jti ? store.tokens.get(jti) : undefined;
      if (rec) rec.revoked = true;
    },
    revokeAllTokens(userId) {
      for (const rec of store.tokens.values()) if (rec.userId === userId) rec.revoked = true;
    },
    pushNotification(recipientId, notification) {
      if (!store.getUser(recipientId)) throw new Error(`fake-anilist: unknown user ${recipientId}`);
      return store.addNotification(recipientId, notification, Math.floor(now() / 1000));
    },
    unreadNotificationCount: (userId) => store.unreadNotificationCount(userId),
    setAiringSchedule(mediaId, episodes) {
      if (!store.getMedia(mediaId)) throw new Error(`fake-anilist: unknown media ${mediaId}`);
      if (episodes === null) store.airingSchedules.delete(mediaId);
      else store.airingSchedules.set(mediaId, episodes.map((e) => ({ ...e })));
    },
    inject(failure, opts = {}) {
      failures.push({ failure, remaining: opts.times ?? 1 });
    },
    clearFailures() {
      failures = [];
    },
    stats: () => ({ ...stats }),
    resetRateLimit() {
      graphqlLimiters.clear();
      tokenLimiters.clear();
    },
    now,
    advanceTime(ms) {
      timeOffset += ms;
    },
    async close() {
      // Idempotent: a test may take AniList down mid-journey and the harness closes it again at the end.
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
