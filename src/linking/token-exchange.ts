import { LinkFailure } from './link-failure.js';

export interface TokenExchangeConfig {
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  userAgent: string;
  timeoutMs?: number;
}

export interface ExchangedToken {
  accessToken: string;
  /** Seconds, when AniList says; otherwise the caller reads the JWT's `exp`. */
  expiresIn: number | undefined;
}

export type TokenExchange = (code: string, codeVerifier: string) => Promise<ExchangedToken>;

/**
 * The authorization-code exchange (RFC 6749 §4.1.3), form-encoded. AniList has no PKCE, but sending the
 * verifier costs nothing and protects us the day it does.
 */
export function createTokenExchange(config: TokenExchangeConfig, fetchImpl: typeof fetch = fetch): TokenExchange {
  const tokenUrl = `${config.oauthUrl}/token`;
  return async (code, codeVerifier) => {
    let response: Response;
    try {
      response = await fetchImpl(tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'user-agent': config.userAgent,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: config.clientId,
          client_secret: config.clientSecret,
          redirect_uri: config.redirectUri,
          code,
          code_verifier: codeVerifier,
        }),
        signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new LinkFailure('anilist_unavailable', `token request failed: ${(error as Error).name}`);
    }

    const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (response.ok) {
      const accessToken = body?.access_token;
      if (typeof accessToken !== 'string' || accessToken.length === 0) {
        throw new LinkFailure('anilist_unavailable', 'token response had no access_token');
      }
      const expiresIn = body?.expires_in;
      return { accessToken, expiresIn: typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : undefined };
    }

    const error = typeof body?.error === 'string' ? body.error : undefined;
    if (error === 'invalid_client' || error === 'unauthorized_client' || response.status === 401) {
      throw new LinkFailure('misconfigured', `AniList answered ${response.status} ${error ?? ''}`.trim());
    }
    // AniList runs league/oauth2-server, which answers a garbled, expired or revoked code, or a code for another
    // redirect URI, with 400 `invalid_request` ("Cannot decrypt the authorization code", "Check the `code`
    // parameter") as often as with `invalid_grant`: either way this sign-in is spent and the member links again.
    if (response.status === 400 && (error === 'invalid_grant' || error === 'invalid_request')) {
      throw new LinkFailure('code_rejected', `AniList answered ${error}`);
    }
    if (response.status >= 500) throw new LinkFailure('anilist_unavailable', `AniList answered ${response.status}`);
    // Any other 4xx means our request was wrong in a way the admin must look at.
    throw new LinkFailure('misconfigured', `AniList answered ${response.status} ${error ?? ''}`.trim());
  };
}

/** Reads `exp` from the JWT payload. The signature is AniList's business; we only need the date. */
export function jwtExpiry(token: string): Date | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}
