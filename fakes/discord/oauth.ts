/**
 * The fake Discord's OAuth2 (authorization code grant), as strict as the fake AniList's:
 *
 *   GET  /oauth2/authorize?client_id&redirect_uri&response_type=code&scope&state[&prompt]   consent page, or with
 *        prompt=none and an earlier approval of the same scopes straight back to redirect_uri with a code
 *   POST /oauth2/authorize   (form: auth_token, action=approve|deny)                          302 to redirect_uri
 *   POST /api/v10/oauth2/token   (form-encoded; client id + secret in the body or HTTP Basic)
 *        grant_type=authorization_code (code, redirect_uri exactly as authorized) or refresh_token
 *   GET  /api/v10/users/@me  with `Authorization: Bearer <access token>` (scope identify)
 * and checks the Bearer token of other routes (`bearer`, e.g. the role connection's, scope role_connections.write).
 *
 * Codes are single-use and expire; a code used twice also revokes the tokens it gave (RFC 6749 §4.1.2). Scopes are
 * checked against the ones Discord's OpenAPI description names, and the user object `/users/@me` answers with is
 * validated against its `UserPIIResponse` schema, so the fake cannot drift from Discord's shape unnoticed.
 */
import { randomBytes } from 'node:crypto';
import type { FakeUser } from './fixtures.js';
import { componentValidator, oauthScopes, runValidator } from './schema.js';

export const DEFAULT_DISCORD_CLIENT_SECRET = 'fake-discord-client-secret-0123456789';
/** Discord's access tokens last about a week. */
const ACCESS_TOKEN_LIFETIME_S = 604_800;
const DEFAULT_CODE_LIFETIME_MS = 10 * 60_000;

export interface FakeOAuthReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FakeDiscordOAuthOptions {
  /** The application's OAuth2 client secret (default DEFAULT_DISCORD_CLIENT_SECRET). */
  clientSecret?: string;
  /** Redirect URIs registered under OAuth2 → Redirects (more with `addRedirectUri`). */
  redirectUris?: string[];
  /** How long an authorization code may be exchanged (default 10 minutes). */
  codeLifetimeMs?: number;
}

export interface OAuthGrantRecord {
  userId: string;
  scopes: string[];
  /** 'authorization_code' or 'refresh_token'. */
  grantType: string;
  at: number;
}

/** The OAuth2 side of the fake Discord, reachable as `fake.oauth`. */
export interface FakeDiscordOAuth {
  /** For DISCORD_OAUTH_URL: the authorize page is `${oauthUrl}/authorize`. */
  readonly oauthUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Tokens handed out, in order (without the tokens themselves). */
  readonly grants: readonly OAuthGrantRecord[];
  /** Registers a redirect URI (OAuth2 → Redirects in the developer portal). */
  addRedirectUri(uri: string): void;
  /** Who is signed in to Discord in "the browser" (null: the authorize page asks to log in). */
  setLoggedInUser(userId: string | null): void;
  /** The language the user chose in their Discord client: `/users/@me` answers it as `locale` (default en-US). */
  setUserLocale(userId: string, locale: string): void;
  /** Forgets the user's earlier approvals, so the next authorize shows the consent page even with prompt=none. */
  forgetApprovals(userId: string): void;
  /**
   * GETs the authorize URL and, when Discord shows its consent page, presses Authorize. Resolves to where Discord
   * redirects (the redirect URI with code and state). Rejects when the page is an error page or asks to log in.
   */
  approve(authorizeUrl: string): Promise<string>;
  /** Same, pressing Cancel. Resolves to the redirect URI with error=access_denied. */
  deny(authorizeUrl: string): Promise<string>;
  /** Lets every access token of the user expire now (their refresh tokens still work). */
  expireAccessTokens(userId: string): void;
  /**
   * The user removes the application under User Settings → Authorized Apps: every access and refresh token they
   * gave it stops working, and the next authorize shows the consent page again.
   */
  deauthorize(userId: string): void;
}

/** Who a Bearer token belongs to, or the error Discord answers a request with it. */
export type BearerCheck = { userId: string; scopes: readonly string[] } | { status: number; body: Record<string, unknown> };

interface PendingConsent {
  userId: string;
  redirectUri: string;
  scopes: string[];
  state: string | null;
}

interface IssuedCode {
  userId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
  accessTokens: string[];
}

interface IssuedToken {
  userId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

export interface OAuthRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

export interface FakeDiscordOAuthDeps {
  applicationId: string;
  applicationName: string;
  users: ReadonlyMap<string, FakeUser>;
  now: () => number;
  /** The fake's origin, e.g. http://127.0.0.1:1234, once it listens. */
  origin: () => string;
  options: FakeDiscordOAuthOptions;
}

export interface FakeDiscordOAuthHandler {
  readonly api: FakeDiscordOAuth;
  /**
   * Answers the request when it is one of the OAuth2 routes, else undefined. `route` names the REST route for the
   * fake's request log (undefined for the browser's authorize page, which is not the bot's traffic).
   */
  handle(request: OAuthRequest): { reply: FakeOAuthReply; route: string | undefined; body: unknown } | undefined;
  /** Checks `Authorization: Bearer <access token>` for a route that needs `scope`. */
  bearer(authorization: string | undefined, scope: string): BearerCheck;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function page(status: number, title: string, inner: string): FakeOAuthReply {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n${inner}\n</body></html>\n`,
  };
}

function json(status: number, body: unknown): FakeOAuthReply {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' }, body: JSON.stringify(body) };
}

function redirect(location: string): FakeOAuthReply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

function withQuery(uri: string, params: Record<string, string | null>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

/** Discord's token secrets are opaque strings of letters and digits. */
function opaque(length: number): string {
  return randomBytes(length).toString('base64url').replace(/[-_]/g, '').slice(0, length).padEnd(length, 'x');
}

const API_PREFIX = '/api/v10';

export function createFakeDiscordOAuth(deps: FakeDiscordOAuthDeps): FakeDiscordOAuthHandler {
  const { applicationId, now } = deps;
  const clientSecret = deps.options.clientSecret ?? DEFAULT_DISCORD_CLIENT_SECRET;
  const codeLifetimeMs = deps.options.codeLifetimeMs ?? DEFAULT_CODE_LIFETIME_MS;
  const redirectUris = new Set(deps.options.redirectUris ?? []);
  const knownScopes = oauthScopes();
  const pending = new Map<string, PendingConsent>();
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, IssuedToken>();
  const refreshTokens = new Map<string, IssuedToken>();
  /** Scopes each user has approved for this application (what prompt=none may skip the consent page for). */
  const approvals = new Map<string, Set<string>>();
  const grants: OAuthGrantRecord[] = [];
  let loggedInUserId: string | null = null;
  const userLocales = new Map<string, string>();

  function issueCode(consent: PendingConsent): string {
    const code = opaque(30);
    codes.set(code, { userId: consent.userId, redirectUri: consent.redirectUri, scopes: consent.scopes, expiresAt: now() + codeLifetimeMs, used: false, accessTokens: [] });
    const approved = approvals.get(consent.userId) ?? new Set<string>();
    for (const scope of consent.scopes) approved.add(scope);
    approvals.set(consent.userId, approved);
    return code;
  }

  function issueTokens(userId: string, scopes: string[], grantType: string): { accessToken: string; body: Record<string, unknown> } {
    const accessToken = opaque(30);
    const refreshToken = opaque(30);
    const record: IssuedToken = { userId, scopes, expiresAt: now() + ACCESS_TOKEN_LIFETIME_S * 1000, revoked: false };
    accessTokens.set(accessToken, record);
    refreshTokens.set(refreshToken, { ...record, expiresAt: Number.POSITIVE_INFINITY });
    grants.push({ userId, scopes: [...scopes], grantType, at: now() });
    return {
      accessToken,
      body: { token_type: 'Bearer', access_token: accessToken, expires_in: ACCESS_TOKEN_LIFETIME_S, refresh_token: refreshToken, scope: scopes.join(' ') },
    };
  }

  // ------------------------------------------------------------------------------------------
  // The browser's authorize page

  function authorizePage(query: URLSearchParams): FakeOAuthReply {
    const problems: string[] = [];
    const clientId = query.get('client_id');
    const redirectUri = query.get('redirect_uri');
    const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
    const prompt = query.get('prompt');
    if (clientId !== applicationId) problems.push(`Unknown application (client_id ${clientId ?? 'missing'}).`);
    // Discord never redirects to an unregistered URI: the error stays on its own page.
    if (redirectUri === null || !redirectUris.has(redirectUri)) problems.push('Invalid OAuth2 redirect_uri: it must be registered under OAuth2 → Redirects exactly.');
    if (query.get('response_type') !== 'code') problems.push('Unsupported response_type (the authorization code grant needs "code").');
    if (scopes.length === 0) problems.push('No scope was requested.');
    const unknown = scopes.filter((scope) => !knownScopes.has(scope));
    if (unknown.length > 0) problems.push(`Invalid scope: ${unknown.join(', ')}.`);
    if (prompt !== null && prompt !== 'none' && prompt !== 'consent') problems.push(`Invalid prompt "${prompt}" (none or consent).`);
    if (problems.length > 0) {
      return page(400, 'Discord authorization error', `<h1>Authorization error</h1>\n<ul id="errors">${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>`);
    }
    const user = loggedInUserId !== null ? deps.users.get(loggedInUserId) : undefined;
    if (!user) return page(200, 'Discord login', '<h1>Log in to Discord</h1>\n<p id="login-required">You must log in before authorizing an application. (fake: call oauth.setLoggedInUser())</p>');
    const consent: PendingConsent = { userId: user.id, redirectUri: redirectUri!, scopes, state: query.get('state') };
    const approved = approvals.get(user.id);
    if (prompt === 'none' && approved && scopes.every((scope) => approved.has(scope))) {
      return redirect(withQuery(consent.redirectUri, { code: issueCode(consent), state: consent.state }));
    }
    const authToken = randomBytes(24).toString('hex');
    pending.set(authToken, consent);
    const form = (action: 'approve' | 'deny', id: string, label: string): string =>
      `<form method="post" action="/oauth2/authorize"><input type="hidden" name="auth_token" value="${authToken}">` +
      `<input type="hidden" name="action" value="${action}"><button type="submit" id="${id}">${label}</button></form>`;
    return page(
      200,
      `Authorize ${deps.applicationName} · Discord`,
      `<h1><span id="application-name">${escapeHtml(deps.applicationName)}</span> wants to access your Discord account</h1>\n` +
        `<p>Signed in as <strong id="discord-user">${escapeHtml(user.username)}</strong></p>\n` +
        `<ul id="scopes">${scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')}</ul>\n` +
        form('approve', 'authorize', 'Authorize') +
        '\n' +
        form('deny', 'cancel', 'Cancel'),
    );
  }

  function authorizeDecision(raw: Buffer, contentType: string | undefined): FakeOAuthReply {
    const form = contentType?.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(raw.toString('utf8')) : new URLSearchParams();
    const consent = pending.get(form.get('auth_token') ?? '');
    if (!consent) return page(400, 'Discord authorization error', '<h1>Authorization error</h1>\n<p>Invalid or expired authorization request.</p>');
    pending.delete(form.get('auth_token')!);
    if (form.get('action') === 'approve') return redirect(withQuery(consent.redirectUri, { code: issueCode(consent), state: consent.state }));
    return redirect(
      withQuery(consent.redirectUri, {
        error: 'access_denied',
        error_description: 'The resource owner or authorization server denied the request',
        state: consent.state,
      }),
    );
  }

  // ------------------------------------------------------------------------------------------
  // The token endpoint

  function token(request: OAuthRequest): { reply: FakeOAuthReply; body: unknown } {
    const contentType = String(request.headers['content-type'] ?? '');
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      return { reply: json(400, { error: 'invalid_request', error_description: 'The body must be application/x-www-form-urlencoded.' }), body: undefined };
    }
    const form = new URLSearchParams(request.raw.toString('utf8'));
    // The log keeps which fields came, never the secrets in them.
    const logged = Object.fromEntries([...form.keys()].map((key) => [key, ['client_secret', 'code', 'refresh_token'].includes(key) ? '[redacted]' : form.get(key)]));
    const reply = tokenReply(form, request.headers.authorization);
    return { reply, body: logged };
  }

  function tokenReply(form: URLSearchParams, authorization: string | string[] | undefined): FakeOAuthReply {
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const header = typeof authorization === 'string' ? authorization : undefined;
    if (header?.toLowerCase().startsWith('basic ')) {
      if (secret !== null) return json(400, { error: 'invalid_request', error_description: 'Use one client authentication method, not two.' });
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return json(401, { error: 'invalid_client' });
      const basicId = decodeURIComponent(decoded.slice(0, colon));
      if (clientId !== null && clientId !== basicId) return json(401, { error: 'invalid_client' });
      clientId = basicId;
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
    if (clientId !== applicationId || secret !== clientSecret) return json(401, { error: 'invalid_client' });

    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = form.get('code');
      if (!code) return json(400, { error: 'invalid_request', error_description: 'Missing "code" in request.' });
      const issued = codes.get(code);
      if (!issued || issued.expiresAt <= now()) return json(400, { error: 'invalid_grant', error_description: 'Invalid "code" in request.' });
      if (issued.used) {
        for (const accessToken of issued.accessTokens) accessTokens.get(accessToken)!.revoked = true;
        return json(400, { error: 'invalid_grant', error_description: 'Invalid "code" in request.' });
      }
      if (form.get('redirect_uri') !== issued.redirectUri) return json(400, { error: 'invalid_grant', error_description: 'Invalid "redirect_uri" in request.' });
      issued.used = true;
      const { accessToken, body } = issueTokens(issued.userId, issued.scopes, grantType);
      issued.accessTokens.push(accessToken);
      return json(200, body);
    }
    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token');
      const issued = refreshToken ? refreshTokens.get(refreshToken) : undefined;
      if (!issued || issued.revoked) return json(400, { error: 'invalid_grant', error_description: 'Invalid "refresh_token" in request.' });
      issued.revoked = true;
      return json(200, issueTokens(issued.userId, issued.scopes, grantType).body);
    }
    return json(400, { error: 'unsupported_grant_type' });
  }

  // ------------------------------------------------------------------------------------------
  // Bearer tokens: GET /users/@me, and the check other routes use

  function bearer(authorization: string | undefined, scope: string): BearerCheck {
    const unauthorized = { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    if (authorization === undefined || !authorization.toLowerCase().startsWith('bearer ')) return unauthorized;
    const issued = accessTokens.get(authorization.slice('bearer '.length).trim());
    if (!issued || issued.revoked || issued.expiresAt <= now()) return unauthorized;
    if (!issued.scopes.includes(scope)) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    return { userId: issued.userId, scopes: issued.scopes };
  }

  function currentUser(authorization: string): FakeOAuthReply {
    const checked = bearer(authorization, 'identify');
    if ('status' in checked) return json(checked.status, checked.body);
    const issued = checked;
    const user = deps.users.get(issued.userId);
    if (!user) return json(401, { message: '401: Unauthorized', code: 0 });
    const body: Record<string, unknown> = {
      ...user,
      flags: user.flags ?? 0,
      mfa_enabled: false,
      locale: userLocales.get(issued.userId) ?? 'en-US',
      premium_type: 0,
      ...(issued.scopes.includes('email') ? { email: `${user.username}@example.test`, verified: true } : {}),
    };
    const problems = runValidator(componentValidator('UserPIIResponse'), body);
    if (problems.length > 0) throw new Error(`fake-discord: /users/@me answer breaks UserPIIResponse: ${JSON.stringify(problems)}`);
    return json(200, body);
  }

  function handle(request: OAuthRequest): ReturnType<FakeDiscordOAuthHandler['handle']> {
    const path = request.url.pathname;
    if (path === '/oauth2/authorize') {
      if (request.method === 'GET') return { reply: authorizePage(request.url.searchParams), route: undefined, body: undefined };
      if (request.method === 'POST') {
        return { reply: authorizeDecision(request.raw, request.headers['content-type'] as string | undefined), route: undefined, body: undefined };
      }
      return { reply: { status: 405, headers: { allow: 'GET, POST' }, body: '' }, route: undefined, body: undefined };
    }
    if (path === `${API_PREFIX}/oauth2/token`) {
      if (request.method !== 'POST') return { reply: json(405, { message: '405: Method Not Allowed', code: 0 }), route: '/oauth2/token', body: undefined };
      const { reply, body } = token(request);
      return { reply, route: '/oauth2/token', body };
    }
    const authorization = request.headers.authorization;
    if (path === `${API_PREFIX}/users/@me` && request.method === 'GET' && typeof authorization === 'string' && authorization.toLowerCase().startsWith('bearer ')) {
      return { reply: currentUser(authorization), route: '/users/@me', body: undefined };
    }
    return undefined;
  }

  async function press(authorizeUrl: string, action: 'approve' | 'deny'): Promise<string> {
    const first = await fetch(authorizeUrl, { redirect: 'manual' });
    const text = await first.text();
    const location = first.headers.get('location');
    if (first.status === 302 && location) {
      if (action === 'deny') throw new Error('fake-discord: the authorize page went straight back (prompt=none after an earlier approval); there was nothing to cancel');
      return location;
    }
    if (first.status !== 200) throw new Error(`fake-discord: authorize page returned ${first.status}: ${text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()}`);
    const authToken = /name="auth_token" value="([^"]+)"/.exec(text)?.[1];
    if (!authToken) throw new Error('fake-discord: the authorize page has no Authorize button (is a user logged in? call oauth.setLoggedInUser())');
    const decision = await fetch(`${deps.origin()}/oauth2/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ auth_token: authToken, action }).toString(),
    });
    await decision.text();
    const target = decision.headers.get('location');
    if (decision.status !== 302 || !target) throw new Error(`fake-discord: expected 302 from the authorize form, got ${decision.status}`);
    return target;
  }

  return {
    handle,
    bearer,
    api: {
      get oauthUrl() {
        return `${deps.origin()}/oauth2`;
      },
      clientId: applicationId,
      clientSecret,
      grants,
      addRedirectUri: (uri) => void redirectUris.add(uri),
      setLoggedInUser(userId) {
        loggedInUserId = userId;
      },
      setUserLocale: (userId, locale) => void userLocales.set(userId, locale),
      forgetApprovals: (userId) => void approvals.delete(userId),
      approve: (url) => press(url, 'approve'),
      deny: (url) => press(url, 'deny'),
      expireAccessTokens(userId) {
        for (const issued of accessTokens.values()) if (issued.userId === userId) issued.expiresAt = Math.min(issued.expiresAt, now());
      },
      deauthorize(userId) {
        for (const issued of [...accessTokens.values(), ...refreshTokens.values()]) if (issued.userId === userId) issued.revoked = true;
        approvals.delete(userId);
      },
    },
  };
}
