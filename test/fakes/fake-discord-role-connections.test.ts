import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DISCORD_CLIENT_SECRET, MetadataType, fakeUsers, startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
import { TEST_DISCORD_TOKEN } from '../support/env.js';

const REDIRECT = 'http://127.0.0.1:3000/oauth/discord/callback';
const DAY_MS = 86_400_000;

let fake: FakeDiscord | undefined;
let clockMs = Date.now();

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(): Promise<FakeDiscord> {
  clockMs = Date.now();
  fake = await startFakeDiscord({ token: TEST_DISCORD_TOKEN, now: () => clockMs, oauth: { redirectUris: [REDIRECT] } });
  return fake;
}

async function call(f: FakeDiscord, method: string, path: string, authorization: string | undefined, body?: unknown) {
  const response = await fetch(`${f.apiUrl}/v10${path}`, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** Signs `user` in with `scope` and returns their token answer. */
async function tokensFor(f: FakeDiscord, scope: string, user = fakeUsers.alice): Promise<{ access_token: string; refresh_token: string }> {
  const url = new URL(`${f.oauth.oauthUrl}/authorize`);
  url.search = new URLSearchParams({ client_id: f.applicationId, redirect_uri: REDIRECT, response_type: 'code', scope, state: 's' }).toString();
  f.oauth.setLoggedInUser(user.id);
  const code = new URL(await f.oauth.approve(url.toString())).searchParams.get('code')!;
  const response = await fetch(`${f.apiUrl}/v10/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET }),
  });
  return (await response.json()) as { access_token: string; refresh_token: string };
}

const metadataPath = (f: FakeDiscord) => `/applications/${f.applicationId}/role-connections/metadata`;
const connectionPath = (f: FakeDiscord) => `/users/@me/applications/${f.applicationId}/role-connection`;
const bot = `Bot ${TEST_DISCORD_TOKEN}`;

const records = [
  { type: MetadataType.IntegerGreaterThanOrEqual, key: 'anime_completed', name: 'Anime completed', description: 'Completed anime' },
  { type: MetadataType.DatetimeGreaterThanOrEqual, key: 'anilist_since', name: 'Member for', description: 'Days since joining' },
];

describe('fake Discord linked roles', () => {
  it('stores the metadata the bot token registers, and refuses what Discord refuses', async () => {
    const f = await start();
    expect(await call(f, 'PUT', metadataPath(f), undefined, records)).toMatchObject({ status: 401 });
    expect(await call(f, 'PUT', metadataPath(f), bot, records)).toEqual({ status: 200, body: records });
    expect(f.roleConnections.metadata).toEqual(records);
    expect(await call(f, 'GET', metadataPath(f), bot)).toEqual({ status: 200, body: records });

    // Six records, an upper-case key, a duplicate key, a 101-character name: 50035, and nothing changes.
    const six = Array.from({ length: 6 }, (_, i) => ({ ...records[0]!, key: `key_${i}` }));
    const refused = [
      six,
      [{ ...records[0]!, key: 'AnimeCompleted' }],
      [records[0]!, records[0]!],
      [{ ...records[0]!, name: 'n'.repeat(101) }],
      [{ ...records[0]!, type: 9 }],
    ];
    for (const body of refused) expect(await call(f, 'PUT', metadataPath(f), bot, body)).toMatchObject({ status: 400, body: { code: 50035 } });
    expect(f.schemaViolations.map((violation) => violation.source)).toEqual(['schema', 'limit', 'limit', 'schema', 'schema']);
    expect(f.roleConnections.metadata).toEqual(records);
    expect(await call(f, 'PUT', `/applications/123456789012345678/role-connections/metadata`, bot, records)).toMatchObject({ status: 403, body: { code: 50001 } });
  });

  it("writes a user's connection with their Bearer token only when it carries role_connections.write", async () => {
    const f = await start();
    await call(f, 'PUT', metadataPath(f), bot, records);
    const connection = { platform_name: 'AniList', platform_username: 'AliceFake', metadata: { anime_completed: '42', anilist_since: '2020-01-01T00:00:00.000Z' } };

    const identifyOnly = await tokensFor(f, 'identify');
    expect(await call(f, 'PUT', connectionPath(f), `Bearer ${identifyOnly.access_token}`, connection)).toMatchObject({ status: 403, body: { code: 50001 } });
    // The bot token is no user's token.
    expect(await call(f, 'PUT', connectionPath(f), bot, connection)).toMatchObject({ status: 401 });
    expect(f.roleConnections.connection(fakeUsers.alice.id)).toBeUndefined();

    const granted = await tokensFor(f, 'identify role_connections.write');
    expect(await call(f, 'PUT', connectionPath(f), `Bearer ${granted.access_token}`, connection)).toEqual({ status: 200, body: connection });
    expect(f.roleConnections.connection(fakeUsers.alice.id)).toEqual(connection);
    expect(await call(f, 'GET', connectionPath(f), `Bearer ${granted.access_token}`)).toEqual({ status: 200, body: connection });

    // Unregistered keys, values that do not fit their type, a 101-character username: refused, nothing kept.
    const refused = [
      { ...connection, metadata: { episodes_watched: '3' } },
      { ...connection, metadata: { anime_completed: 'many' } },
      { ...connection, metadata: { anilist_since: 'last year' } },
      { ...connection, platform_username: 'u'.repeat(101) },
      { ...connection, platform_name: 'p'.repeat(51) },
    ];
    for (const body of refused) expect(await call(f, 'PUT', connectionPath(f), `Bearer ${granted.access_token}`, body)).toMatchObject({ status: 400, body: { code: 50035 } });
    expect(f.roleConnections.connection(fakeUsers.alice.id)).toEqual(connection);

    // An empty write clears it; DELETE removes it.
    expect(await call(f, 'PUT', connectionPath(f), `Bearer ${granted.access_token}`, {})).toMatchObject({ status: 200 });
    expect(f.roleConnections.connection(fakeUsers.alice.id)).toEqual({ platform_name: null, platform_username: null, metadata: {} });
    expect(await call(f, 'DELETE', connectionPath(f), `Bearer ${granted.access_token}`)).toEqual({ status: 204, body: undefined });
    expect(f.roleConnections.connection(fakeUsers.alice.id)).toBeUndefined();
    expect(f.roleConnections.writes.map((write) => write.userId)).toEqual([fakeUsers.alice.id, fakeUsers.alice.id, fakeUsers.alice.id]);
  });

  it('refuses expired and revoked tokens; the refresh token works until the user removes the app', async () => {
    const f = await start();
    await call(f, 'PUT', metadataPath(f), bot, records);
    const first = await tokensFor(f, 'identify role_connections.write');
    const body = { platform_name: 'AniList', platform_username: 'AliceFake', metadata: { anime_completed: '1' } };
    f.oauth.expireAccessTokens(fakeUsers.alice.id);
    expect(await call(f, 'PUT', connectionPath(f), `Bearer ${first.access_token}`, body)).toMatchObject({ status: 401 });

    const refresh = async (refreshToken: string) => {
      const response = await fetch(`${f.apiUrl}/v10/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: f.applicationId, client_secret: DEFAULT_DISCORD_CLIENT_SECRET }),
      });
      return { status: response.status, body: (await response.json()) as { access_token: string; refresh_token: string; scope: string } };
    };
    const renewed = await refresh(first.refresh_token);
    expect(renewed).toMatchObject({ status: 200, body: { scope: 'identify role_connections.write' } });
    expect(await call(f, 'PUT', connectionPath(f), `Bearer ${renewed.body.access_token}`, body)).toMatchObject({ status: 200 });

    f.oauth.deauthorize(fakeUsers.alice.id);
    expect(await call(f, 'PUT', connectionPath(f), `Bearer ${renewed.body.access_token}`, body)).toMatchObject({ status: 401 });
    expect(await refresh(renewed.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("answers a role's requirements as Discord checks them: integers by value, dates as days ago", async () => {
    const f = await start();
    await call(f, 'PUT', metadataPath(f), bot, records);
    const { access_token } = await tokensFor(f, 'identify role_connections.write');
    const since = new Date(clockMs - 400 * DAY_MS).toISOString();
    await call(f, 'PUT', connectionPath(f), `Bearer ${access_token}`, { platform_name: 'AniList', metadata: { anime_completed: '100', anilist_since: since } });
    expect(f.roleConnections.qualifies(fakeUsers.alice.id, { anime_completed: 100 })).toBe(true);
    expect(f.roleConnections.qualifies(fakeUsers.alice.id, { anime_completed: 101 })).toBe(false);
    expect(f.roleConnections.qualifies(fakeUsers.alice.id, { anilist_since: 365 })).toBe(true);
    expect(f.roleConnections.qualifies(fakeUsers.alice.id, { anilist_since: 365, anime_completed: 101 })).toBe(false);
    expect(f.roleConnections.qualifies(fakeUsers.alice.id, { anilist_since: 401 })).toBe(false);
    // A key the user has no value for, and a user without a connection, never qualify.
    expect(f.roleConnections.qualifies(fakeUsers.alice.id, { episodes_watched: 0 })).toBe(false);
    expect(f.roleConnections.qualifies(fakeUsers.bob.id, { anime_completed: 0 })).toBe(false);
  });
});
