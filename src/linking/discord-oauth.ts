/**
 * Discord's OAuth2 authorization code grant, for any flow that needs a member to sign in with Discord: each flow
 * names its own scopes (linking and the linked-roles page ask `identify role_connections.write` and keep the tokens
 * for the member's role connection), so the client itself holds no flow's choices.
 */
import { CDN } from 'discord.js';
import { z } from 'zod';
import { LinkFailure } from './link-failure.js';

export interface DiscordOAuthConfig {
  /** DISCORD_API_URL (e.g. https://discord.com/api); `/v10` is appended. */
  apiUrl: string;
  /** DISCORD_OAUTH_URL (e.g. https://discord.com/oauth2); the authorize page is `${oauthUrl}/authorize`. */
  oauthUrl: string;
  clientSecret: string;
  /** `${PUBLIC_URL}/oauth/discord/callback`, exactly as registered under OAuth2 → Redirects. */
  redirectUri: string;
  userAgent: string;
  timeoutMs?: number;
}

/** What the token endpoint answered. Flows that do not need the tokens drop them right away. */
export interface DiscordTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** Seconds (about a week). */
  expiresIn: number | undefined;
  scopes: string[];
}

export interface DiscordAccount {
  id: string;
  username: string;
  globalName: string | null;
  /** The member's avatar (or Discord's default one), 128 px. */
  avatarUrl: string;
  /** The member's Discord client language (`locale`, scope `identify`), e.g. `ja`; null when Discord sent none. */
  locale: string | null;
}

export interface DiscordOAuth {
  /**
   * The authorize page for `scopes`. `prompt=none` spares a member who already approved the same scopes a second
   * consent screen; a member who has not sees it once.
   */
  authorizeUrl(request: { clientId: string; scopes: readonly string[]; state: string }): string;
  /** Exchanges a code from the callback (form-encoded, client id and secret in the body). */
  exchangeCode(request: { clientId: string; code: string }): Promise<DiscordTokens>;
  /**
   * New tokens for a kept refresh token. LinkFailure 'discord_rejected' when Discord refuses it (the member removed
   * the app, or it was used already); 'discord_unavailable' when Discord may accept it later.
   */
  refresh(request: { clientId: string; refreshToken: string }): Promise<DiscordTokens>;
  /** `GET /users/@me` with the member's Bearer token (scope `identify`). */
  currentUser(accessToken: string): Promise<DiscordAccount>;
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().default(''),
});

const userAnswer = z.object({
  id: z.string().regex(/^\d{17,20}$/),
  username: z.string(),
  global_name: z.string().nullish(),
  avatar: z.string().nullish(),
  locale: z.string().max(16).nullish().catch(null),
});

const cdn = new CDN();

function avatarUrlOf(id: string, avatar: string | null | undefined): string {
  // Discord's default avatars for the new username system: (id >> 22) % 6.
  return avatar ? cdn.avatar(id, avatar, { size: 128, extension: 'png' }) : cdn.defaultAvatar(Number((BigInt(id) >> 22n) % 6n));
}

export function createDiscordOAuth(config: DiscordOAuthConfig, fetchImpl: typeof fetch = fetch): DiscordOAuth {
  const timeout = () => AbortSignal.timeout(config.timeoutMs ?? 10_000);

  async function send(url: string, init: RequestInit, what: string): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, signal: timeout() });
    } catch (error) {
      throw new LinkFailure('discord_unavailable', `${what} failed: ${(error as Error).name}`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    return { status: response.status, body };
  }

  async function tokenRequest(clientId: string, grant: Record<string, string>, what: string): Promise<DiscordTokens> {
    const { status, body } = await send(
      `${config.apiUrl}/v10/oauth2/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': config.userAgent },
        body: new URLSearchParams({ ...grant, client_id: clientId, client_secret: config.clientSecret }),
      },
      what,
    );
    if (status === 200) {
      const parsed = tokenAnswer.safeParse(body);
      if (!parsed.success) throw new LinkFailure('discord_unavailable', `Discord answered the ${what} without a usable token`);
      const { access_token, refresh_token, expires_in, scope } = parsed.data;
      return { accessToken: access_token, refreshToken: refresh_token, expiresIn: expires_in, scopes: scope.split(' ').filter(Boolean) };
    }
    const error = typeof (body as { error?: unknown } | undefined)?.error === 'string' ? (body as { error: string }).error : undefined;
    // A wrong secret (or client id) is `invalid_client`; a used, expired or foreign code (or refresh token), or another
    // redirect URI than the authorize request's, is `invalid_grant`: that grant is spent.
    if (status === 401 || error === 'invalid_client' || error === 'unauthorized_client') {
      throw new LinkFailure('discord_misconfigured', `Discord answered ${status} ${error ?? ''}`.trim());
    }
    if (status === 400 && error === 'invalid_grant') throw new LinkFailure('discord_rejected', 'Discord answered invalid_grant');
    if (status === 429 || status >= 500) throw new LinkFailure('discord_unavailable', `Discord answered ${status}`);
    throw new LinkFailure('discord_misconfigured', `Discord answered ${status} ${error ?? ''}`.trim());
  }

  return {
    authorizeUrl({ clientId, scopes, state }) {
      const url = new URL(`${config.oauthUrl}/authorize`);
      url.search = new URLSearchParams({
        client_id: clientId,
        redirect_uri: config.redirectUri,
        response_type: 'code',
        scope: scopes.join(' '),
        state,
        prompt: 'none',
      }).toString();
      return url.toString();
    },

    exchangeCode: ({ clientId, code }) =>
      tokenRequest(clientId, { grant_type: 'authorization_code', code, redirect_uri: config.redirectUri }, 'Discord token request'),

    refresh: ({ clientId, refreshToken }) => tokenRequest(clientId, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'Discord token refresh'),

    async currentUser(accessToken) {
      const { status, body } = await send(
        `${config.apiUrl}/v10/users/@me`,
        { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'user-agent': config.userAgent } },
        'Discord /users/@me',
      );
      const parsed = userAnswer.safeParse(body);
      if (status !== 200 || !parsed.success) throw new LinkFailure('discord_unavailable', `Discord answered /users/@me with ${status}`);
      const { id, username, global_name, avatar, locale } = parsed.data;
      return { id, username, globalName: global_name ?? null, avatarUrl: avatarUrlOf(id, avatar), locale: locale ?? null };
    },
  };
}
