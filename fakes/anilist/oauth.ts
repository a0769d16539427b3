import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FakeAniListStore } from './store.js';
import type { TokenService } from './tokens.js';
import type { FakeOAuthClient } from './types.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const OAUTH_PREFIX = '/api/v2/oauth';

export interface OAuthDeps {
  store: FakeAniListStore;
  tokens: TokenService;
  clients: Map<string, FakeOAuthClient>;
  nowMs: () => number;
  loggedInUserId: () => number | null;
  tokenLifetimeSeconds: number;
  authCodeLifetimeSeconds: number;
}

interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  state: string | null;
  userId: number;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function html(status: number, title: string, inner: string): Reply {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n${inner}\n</body></html>\n`,
  };
}

function json(status: number, body: unknown, extra: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...extra },
    body: JSON.stringify(body),
  };
}

function redirect(location: string): Reply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

/** Append query params to a redirect URI the way League OAuth2 server does. */
function withParams(uri: string, params: [string, string | null][]): string {
  const qs = params
    .filter((p): p is [string, string] => p[1] !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  if (qs === '') return uri;
  return uri + (uri.includes('?') ? '&' : '?') + qs;
}

const INVALID_REQUEST_DESC =
  'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.';
const INVALID_GRANT_DESC =
  'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';
const ACCESS_DENIED_DESC = 'The resource owner or authorization server denied the request.';

/** League's `OAuthServerException::invalidRequest($parameter, $hint = null)`. */
function invalidRequest(param: string, hint = `Check the \`${param}\` parameter`): Reply {
  return json(400, { error: 'invalid_request', error_description: INVALID_REQUEST_DESC, hint, message: INVALID_REQUEST_DESC });
}

/** Codes this fake issues: 48 random bytes, base64url. */
const ISSUED_CODE_SHAPE = /^[A-Za-z0-9_-]{64}$/;
function invalidClient(): Reply {
  return json(401, { error: 'invalid_client', error_description: 'Client authentication failed', message: 'Client authentication failed' });
}
function invalidGrant(hint: string): Reply {
  return json(400, { error: 'invalid_grant', error_description: INVALID_GRANT_DESC, hint, message: INVALID_GRANT_DESC });
}

export class OAuthHandler {
  private readonly pending = new Map<string, PendingAuthorization>();

  constructor(private readonly deps: OAuthDeps) {}

  /** GET /api/v2/oauth/authorize */
  authorizePage(query: URLSearchParams): Reply {
    const clientId = query.get('client_id');
    const redirectUri = query.get('redirect_uri');
    const responseType = query.get('response_type');
    const client = clientId !== null ? this.deps.clients.get(clientId) : undefined;
    const problems: string[] = [];
    if (!client) problems.push('Client authentication failed (unknown client_id).');
    else if (redirectUri !== client.redirectUri) problems.push('The redirect_uri does not match the one registered for this client.');
    if (responseType !== 'code') problems.push('The authorization grant type is not supported by the authorization server (response_type must be "code").');
    const challenge = query.get('code_challenge');
    const challengeMethod = query.get('code_challenge_method') ?? 'plain';
    if (challenge !== null && !['S256', 'plain'].includes(challengeMethod)) problems.push('Code challenge method must be one of `plain` or `S256`.');
    if (challenge !== null && !/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) problems.push('Code challenge must follow the specifications of RFC-7636.');
    if (!client || problems.length > 0) {
      return html(400, 'Authorization error', `<h1>Authorization error</h1>\n<ul id="errors">${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>`);
    }
    const userId = this.deps.loggedInUserId();
    const user = userId !== null ? this.deps.store.getUser(userId) : undefined;
    if (!user) {
      return html(200, 'Login', '<h1>Login</h1>\n<p id="login-required">You must log in to AniList before authorizing an application. (fake: call setLoggedInUser())</p>');
    }
    const authToken = randomBytes(24).toString('hex');
    this.pending.set(authToken, {
      clientId: client.id,
      redirectUri: client.redirectUri,
      state: query.get('state'),
      userId: user.id,
      codeChallenge: challenge,
      codeChallengeMethod: challenge === null ? null : challengeMethod,
    });
    const form = (action: 'approve' | 'deny', label: string): string =>
      `<form method="post" action="${OAUTH_PREFIX}/authorize">` +
      `<input type="hidden" name="auth_token" value="${authToken}">` +
      `<input type="hidden" name="action" value="${action}">` +
      `<button type="submit" id="${action === 'approve' ? 'approve' : 'cancel'}">${label}</button></form>`;
    return html(
      200,
      `Authorize ${client.name}`,
      `<h1>Authorize <span id="client-name">${escapeHtml(client.name)}</span>?</h1>\n` +
        `<p>Logged in as <strong id="user-name">${escapeHtml(user.name)}</strong></p>\n` +
        `<p>${escapeHtml(client.name)} is requesting permission to access your account.</p>\n` +
        form('approve', 'Approve') +
        '\n' +
        form('deny', 'Cancel'),
    );
  }

  /** POST /api/v2/oauth/authorize (the Approve / Cancel buttons). */
  authorizeDecision(form: Record<string, unknown>): Reply {
    const authToken = typeof form.auth_token === 'string' ? form.auth_token : '';
    const pending = this.pending.get(authToken);
    if (!pending) return html(400, 'Authorization error', '<h1>Authorization error</h1>\n<p>Invalid or expired authorization request.</p>');
    this.pending.delete(authToken);
    const action = form.action;
    if (action === 'approve') {
      const code = randomBytes(48).toString('base64url');
      this.deps.store.authCodes.set(code, {
        code,
        clientId: pending.clientId,
        userId: pending.userId,
        redirectUri: pending.redirectUri,
        expiresAt: this.deps.nowMs() + this.deps.authCodeLifetimeSeconds * 1000,
        used: false,
        codeChallenge: pending.codeChallenge,
        codeChallengeMethod: pending.codeChallengeMethod,
      });
      return redirect(withParams(pending.redirectUri, [['code', code], ['state', pending.state]]));
    }
    // League: state first (from makeRedirectUri), then the error payload.
    return redirect(
      withParams(pending.redirectUri, [
        ['state', pending.state],
        ['error', 'access_denied'],
        ['error_description', ACCESS_DENIED_DESC],
        ['hint', 'The user denied the request'],
        ['message', ACCESS_DENIED_DESC],
      ]),
    );
  }

  /** POST /api/v2/oauth/token */
  token(params: Record<string, unknown>, authorizationHeader: string | undefined): Reply {
    const p = (k: string): string | null => {
      const v = params[k];
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return String(v);
      return null;
    };
    let clientId = p('client_id');
    let clientSecret = p('client_secret');
    if (authorizationHeader?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(authorizationHeader.slice(6).trim(), 'base64').toString('utf8');
      const idx = decoded.indexOf(':');
      if (idx >= 0) {
        clientId ??= decodeURIComponent(decoded.slice(0, idx));
        clientSecret ??= decodeURIComponent(decoded.slice(idx + 1));
      }
    }
    const grantType = p('grant_type');
    if (grantType !== 'authorization_code') {
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported by the authorization server.',
        hint: 'Check that all required parameters have been provided',
        message: 'The authorization grant type is not supported by the authorization server.',
      });
    }
    if (clientId === null || clientId === '') return invalidRequest('client_id');
    const client = this.deps.clients.get(clientId);
    if (!client || clientSecret === null || clientSecret !== client.secret) return invalidClient();
    const redirectUri = p('redirect_uri');
    if (redirectUri !== null && redirectUri !== client.redirectUri) return invalidClient();
    const code = p('code');
    if (code === null || code === '') return invalidRequest('code');
    const stored = this.deps.store.authCodes.get(code);
    if (!stored) {
      // League encrypts its codes; a tampered one (our shape, not ours) fails to decrypt, and league answers that
      // with `invalid_request` ("Cannot decrypt the authorization code"), not `invalid_grant`. Other junk keeps
      // the `invalid_grant` answer.
      if (ISSUED_CODE_SHAPE.test(code)) return invalidRequest('code', 'Cannot decrypt the authorization code');
      return invalidGrant('Cannot decrypt the authorization code');
    }
    if (stored.used) return invalidGrant('Authorization code has been revoked');
    if (stored.expiresAt <= this.deps.nowMs()) return invalidGrant('Authorization code has expired');
    if (stored.clientId !== client.id) return invalidGrant('Authorization code was not issued to this client');
    if (redirectUri === null) return invalidRequest('redirect_uri');
    if (redirectUri !== stored.redirectUri) return invalidGrant('Invalid redirect URI');
    // PKCE (RFC 7636 §4.6): a code issued for a challenge is only exchanged with the verifier that produced it.
    if (stored.codeChallenge !== null) {
      const verifier = p('code_verifier');
      if (verifier === null || verifier === '') return invalidGrant('Check the `code_verifier` parameter');
      const derived = stored.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
      const a = Buffer.from(derived);
      const b = Buffer.from(stored.codeChallenge);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return invalidGrant('Failed to verify `code_verifier`.');
    }
    stored.used = true;
    const { token } = this.deps.tokens.issue(stored.userId, client.id, this.deps.tokenLifetimeSeconds);
    return json(200, {
      token_type: 'Bearer',
      expires_in: this.deps.tokenLifetimeSeconds,
      access_token: token,
      refresh_token: randomBytes(64).toString('hex'),
    });
  }
}
