import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DISCORD_CLIENT_SECRET, fakeUsers, startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';

const REDIRECT = 'http://127.0.0.1:3000/oauth/discord/callback';

let fake: FakeDiscord | undefined;
let clockMs = Date.now();

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(): Promise<FakeDiscord> {
  clockMs = Date.now();
  fake = await startFakeDiscord({ now: () => clockMs, oauth: { redirectUris: [REDIRECT] } });
  return fake;
}

function authorizeUrl(f: FakeDiscord, params: Record<string, string> = {}): string {
  const url = new URL(`${f.oauth.oauthUrl}/authorize`);
  url.search = new URLSearchParams({ client_id: f.applicationId, redirect_uri: REDIRECT, response_type: 'code', scope: 'identify', state: 'xyz', ...params }).toString();
  return url.toString();
}

async function exchange(f: FakeDiscord, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${f.apiUrl}/v10/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const codeOf = (location: string) => new URL(location).searchParams.get('code')!;

async function signIn(f: FakeDiscord, user = fakeUsers.alice) {
  f.oauth.setLoggedInUser(user.id);
  const code = codeOf(await f.oauth.approve(authorizeUrl(f)));
  const answer = await exchange(f, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET });
  expect(answer.status).toBe(200);
  return { code, ...answer };
}

async function me(f: FakeDiscord, accessToken: string) {
  const response = await fetch(`${f.apiUrl}/v10/users/@me`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('fake Discord OAuth2', () => {
  it('consent page → code (with the state) → token (body auth) → /users/@me with Bearer', async () => {
    const f = await start();
    f.oauth.setLoggedInUser(fakeUsers.bob.id);
    const consent = await fetch(authorizeUrl(f, { prompt: 'none' }));
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).toContain('id="authorize"');
    expect(html).toContain('bob_the_builder');
    const location = new URL(await f.oauth.approve(authorizeUrl(f, { prompt: 'none' })));
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code')!;
    const answer = await exchange(f, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET });
    expect(answer).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 604800, scope: 'identify' } });
    expect(answer.body.refresh_token).toEqual(expect.any(String));
    const user = await me(f, String(answer.body.access_token));
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ id: fakeUsers.bob.id, username: 'bob_the_builder', global_name: 'Bob' });
    expect(user.body).not.toHaveProperty('email');
    // The request log names the routes and never holds the secrets.
    const logged = f.requests.filter((request) => request.route === '/oauth2/token' || (request.route === '/users/@me' && request.status === 200));
    expect(logged.map((request) => request.route)).toEqual(['/oauth2/token', '/users/@me']);
    expect(JSON.stringify(logged)).not.toContain(code);
    expect(JSON.stringify(logged[0]!.body)).not.toContain(DEFAULT_DISCORD_CLIENT_SECRET);
    expect(f.oauth.grants).toEqual([expect.objectContaining({ userId: fakeUsers.bob.id, scopes: ['identify'], grantType: 'authorization_code' })]);
  });

  it('prompt=none skips the consent page only once the user approved the same scopes', async () => {
    const f = await start();
    await signIn(f);
    const again = await fetch(authorizeUrl(f, { prompt: 'none' }), { redirect: 'manual' });
    expect(again.status).toBe(302);
    expect(new URL(again.headers.get('location')!).searchParams.get('code')).toMatch(/^[A-Za-z0-9]{30}$/);
    // More scopes than approved: consent again.
    const wider = await fetch(authorizeUrl(f, { prompt: 'none', scope: 'identify role_connections.write' }), { redirect: 'manual' });
    expect(wider.status).toBe(200);
    // Without prompt=none Discord asks every time.
    expect((await fetch(authorizeUrl(f), { redirect: 'manual' })).status).toBe(200);
    f.oauth.forgetApprovals(fakeUsers.alice.id);
    expect((await fetch(authorizeUrl(f, { prompt: 'none' }), { redirect: 'manual' })).status).toBe(200);
  });

  it('Cancel redirects with access_denied and the state', async () => {
    const f = await start();
    f.oauth.setLoggedInUser(fakeUsers.alice.id);
    const denied = new URL(await f.oauth.deny(authorizeUrl(f)));
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('xyz');
    expect(denied.searchParams.has('code')).toBe(false);
  });

  it('refuses bad authorize requests on its own page, never redirecting to an unregistered URI', async () => {
    const f = await start();
    f.oauth.setLoggedInUser(fakeUsers.alice.id);
    const bad: Record<string, string>[] = [
      { redirect_uri: 'http://127.0.0.1:3000/oauth/discord/callback/' },
      { client_id: '999999999999999999' },
      { response_type: 'token' },
      { scope: 'identify bogus.scope' },
      { scope: '' },
      { prompt: 'login' },
    ];
    for (const params of bad) {
      const response = await fetch(authorizeUrl(f, params), { redirect: 'manual' });
      expect(response.status, JSON.stringify(params)).toBe(400);
      expect(await response.text()).toContain('id="errors"');
    }
    f.oauth.setLoggedInUser(null);
    expect(await (await fetch(authorizeUrl(f))).text()).toContain('login-required');
  });

  it('codes are single-use (a replay also revokes the tokens), expire, and must come with the same redirect URI', async () => {
    const f = await start();
    const first = await signIn(f);
    const replay = await exchange(f, { grant_type: 'authorization_code', code: first.code, redirect_uri: REDIRECT, client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET });
    expect(replay).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid "code" in request.' } });
    expect((await me(f, String(first.body.access_token))).status).toBe(401);

    const code = codeOf(await f.oauth.approve(authorizeUrl(f)));
    const otherRedirect = await exchange(f, { grant_type: 'authorization_code', code, redirect_uri: `${REDIRECT}x`, client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET });
    expect(otherRedirect).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid "redirect_uri" in request.' } });

    const late = codeOf(await f.oauth.approve(authorizeUrl(f)));
    clockMs += 10 * 60_000 + 1;
    const expired = await exchange(f, { grant_type: 'authorization_code', code: late, redirect_uri: REDIRECT, client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET });
    expect(expired.body.error).toBe('invalid_grant');
  });

  it('authenticates the client by body or HTTP Basic; a wrong secret is invalid_client before the code is looked at', async () => {
    const f = await start();
    f.oauth.setLoggedInUser(fakeUsers.carol.id);
    const basic = `Basic ${Buffer.from(`${f.applicationId}:${DEFAULT_DISCORD_CLIENT_SECRET}`).toString('base64')}`;
    const code = codeOf(await f.oauth.approve(authorizeUrl(f)));
    expect((await exchange(f, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { authorization: basic })).status).toBe(200);

    const wrong = await exchange(f, { grant_type: 'authorization_code', code: 'bogus', redirect_uri: REDIRECT, client_id: f.applicationId, client_secret: 'nope' });
    expect(wrong).toEqual({ status: 401, body: { error: 'invalid_client' } });
    const bogusCode = await exchange(f, { grant_type: 'authorization_code', code: 'bogus', redirect_uri: REDIRECT, client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET });
    expect(bogusCode.body.error).toBe('invalid_grant');
    const both = await exchange(f, { grant_type: 'authorization_code', code: 'bogus', redirect_uri: REDIRECT, client_secret: DEFAULT_DISCORD_CLIENT_SECRET }, { authorization: basic });
    expect(both.body.error).toBe('invalid_request');
    const json = await fetch(`${f.apiUrl}/v10/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code: 'x', client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    expect((await exchange(f, { grant_type: 'password', client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET })).body.error).toBe('unsupported_grant_type');
  });

  it('refresh tokens give new tokens once', async () => {
    const f = await start();
    const { body } = await signIn(f);
    const refreshed = await exchange(f, { grant_type: 'refresh_token', refresh_token: String(body.refresh_token), client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET });
    expect(refreshed.status).toBe(200);
    expect((await me(f, String(refreshed.body.access_token))).body.id).toBe(fakeUsers.alice.id);
    const again = await exchange(f, { grant_type: 'refresh_token', refresh_token: String(body.refresh_token), client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET });
    expect(again.body.error).toBe('invalid_grant');
  });

  it('Bearer /users/@me refuses unknown tokens; the bot token still reads the bot user', async () => {
    const f = await start();
    expect((await me(f, 'not-a-token')).status).toBe(401);
    const bot = await fetch(`${f.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${f.token}` } });
    expect(((await bot.json()) as { id: string }).id).toBe(f.botUser.id);
  });
});
