import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT_SECRET,
  DISABLED_MESSAGE,
  SEED_MEDIA,
  SEED_USERS,
  UNKNOWN_MEDIA_ID,
  UNKNOWN_USER_ID,
  startFakeAniList,
} from '../../fakes/anilist/index.js';
import type { FakeAniList, FakeAniListOptions } from '../../fakes/anilist/index.js';

const REDIRECT = 'http://127.0.0.1:3999/oauth/callback';
const SECRET = 'test-secret-value-123';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
/** RFC 7636 appendix B: the S256 challenge of VERIFIER. */
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

interface GqlResult {
  status: number;
  headers: Headers;
  body: {
    data: Record<string, unknown> | null;
    errors?: { message: string; status: number; locations?: { line: number; column: number }[]; validation?: Record<string, string[]> }[];
  };
}

async function gql(
  fake: FakeAniList,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
  extraHeaders: Record<string, string> = {},
): Promise<GqlResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    referer: 'https://anilink.example/',
    'user-agent': 'anilink-test/1.0',
    ...extraHeaders,
  };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(fake.graphqlUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GqlResult['body'] };
}

function authorizeUrl(fake: FakeAniList, params: Record<string, string>): string {
  return `${fake.oauthUrl}/authorize?${new URLSearchParams(params).toString()}`;
}

async function exchange(fake: FakeAniList, body: Record<string, string>, asForm = false): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(`${fake.oauthUrl}/token`, {
    method: 'POST',
    headers: asForm
      ? { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
      : { 'content-type': 'application/json', accept: 'application/json' },
    body: asForm ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, text };
}

let clock = Date.UTC(2026, 0, 1);
let fake: FakeAniList;

async function start(opts: FakeAniListOptions = {}): Promise<FakeAniList> {
  fake = await startFakeAniList({ redirectUri: REDIRECT, clientSecret: SECRET, rateLimitPerMinute: 10_000, now: () => clock, ...opts });
  return fake;
}

beforeEach(() => {
  clock = Date.UTC(2026, 0, 1);
});
afterEach(async () => {
  await fake.close();
});

async function codeFor(f: FakeAniList, state = 'st-1'): Promise<string> {
  const loc = await f.approve(authorizeUrl(f, { client_id: '1234', redirect_uri: REDIRECT, response_type: 'code', state }));
  const code = new URL(loc).searchParams.get('code');
  if (!code) throw new Error('no code');
  return code;
}

describe('OAuth authorize', () => {
  it('rejects a redirect_uri that is not exactly the registered one with a 400 page', async () => {
    await start();
    for (const bad of [`${REDIRECT}/`, `${REDIRECT}?x=1`, REDIRECT.replace('127.0.0.1', 'localhost'), ' ' + REDIRECT]) {
      const res = await fetch(authorizeUrl(fake, { client_id: '1234', redirect_uri: bad, response_type: 'code' }), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
    }
    const unknownClient = await fetch(authorizeUrl(fake, { client_id: '999', redirect_uri: REDIRECT, response_type: 'code' }), { redirect: 'manual' });
    expect(unknownClient.status).toBe(400);
    const implicit = await fetch(authorizeUrl(fake, { client_id: '1234', redirect_uri: REDIRECT, response_type: 'token' }), { redirect: 'manual' });
    expect(implicit.status).toBe(400);
    await expect(fake.approve(authorizeUrl(fake, { client_id: '1234', redirect_uri: `${REDIRECT}/`, response_type: 'code' }))).rejects.toThrow(/400/);
  });

  it('shows an HTML page with the app and logged-in user, Approve redirects with code and verbatim state', async () => {
    await start();
    fake.setLoggedInUser(SEED_USERS.carol.id);
    const url = authorizeUrl(fake, { client_id: '1234', redirect_uri: REDIRECT, response_type: 'code', state: 'a b+c/=&é', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    const page = await fetch(url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Authorize <span id="client-name">anilink (for AniList)</span>?');
    expect(html).toContain(SEED_USERS.carol.name);
    expect(html).toMatch(/<button[^>]*>Approve<\/button>/);
    expect(html).toMatch(/<button[^>]*>Cancel<\/button>/);

    const loc = new URL(await fake.approve(url));
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
    expect(loc.searchParams.get('state')).toBe('a b+c/=&é');
    expect(loc.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(fake.requests.find((r) => r.kind === 'oauth-authorize' && r.query.code_challenge === CHALLENGE)).toBeDefined();

    const noState = new URL(await fake.approve(authorizeUrl(fake, { client_id: '1234', redirect_uri: REDIRECT, response_type: 'code' })));
    expect(noState.searchParams.has('state')).toBe(false);
  });

  it('Cancel redirects with error=access_denied and the state', async () => {
    await start();
    const loc = new URL(await fake.deny(authorizeUrl(fake, { client_id: '1234', redirect_uri: REDIRECT, response_type: 'code', state: 'xyz' })));
    expect(loc.searchParams.get('error')).toBe('access_denied');
    expect(loc.searchParams.get('state')).toBe('xyz');
    expect(loc.searchParams.get('error_description')).toBeTruthy();
    expect(loc.searchParams.get('message')).toBeTruthy();
    expect(loc.searchParams.has('code')).toBe(false);
  });

  it('shows no approve form when nobody is logged in', async () => {
    await start();
    fake.setLoggedInUser(null);
    await expect(fake.approve(authorizeUrl(fake, { client_id: '1234', redirect_uri: REDIRECT, response_type: 'code' }))).rejects.toThrow(/logged in/);
  });
});

describe('OAuth token endpoint', () => {
  it('exchanges a code (JSON body) for a JWT whose sub is the user id; the code is single use', async () => {
    await start();
    fake.setLoggedInUser(SEED_USERS.bob.id);
    const code = await codeFor(fake);
    const body = { grant_type: 'authorization_code', client_id: '1234', client_secret: SECRET, redirect_uri: REDIRECT, code };
    const ok = await exchange(fake, body);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ token_type: 'Bearer', expires_in: 31536000 });
    expect(typeof ok.json.refresh_token).toBe('string');
    const claims = decodeJwt(ok.json.access_token as string);
    expect(claims.sub).toBe(String(SEED_USERS.bob.id));
    expect(claims.aud).toBe('1234');
    expect(claims.exp! - claims.iat!).toBe(31536000);
    expect(claims.iat).toBe(Math.floor(clock / 1000));
    expect(typeof claims.jti).toBe('string');

    const viewer = await gql(fake, '{ Viewer { id name } }', undefined, ok.json.access_token as string);
    expect(viewer.body).toEqual({ data: { Viewer: { id: SEED_USERS.bob.id, name: SEED_USERS.bob.name } } });

    const again = await exchange(fake, body);
    expect(again.status).toBe(400);
    expect(again.json.error).toBe('invalid_grant');
    expect(again.json.message).toBe(again.json.error_description);
    expect(again.json.error_description).toMatch(/^The provided authorization grant/);
    // the log never holds the secret
    expect(JSON.stringify(fake.requests)).not.toContain(SECRET);
  });

  it('accepts a form-encoded body', async () => {
    await start();
    const code = await codeFor(fake);
    const res = await exchange(fake, { grant_type: 'authorization_code', client_id: '1234', client_secret: SECRET, redirect_uri: REDIRECT, code }, true);
    expect(res.status).toBe(200);
    expect(decodeJwt(res.json.access_token as string).sub).toBe(String(SEED_USERS.alice.id));
  });

  it('wrong client secret / client id / redirect → 401 invalid_client, never echoing the secret', async () => {
    await start();
    const code = await codeFor(fake);
    const base = { grant_type: 'authorization_code', client_id: '1234', client_secret: SECRET, redirect_uri: REDIRECT, code };
    for (const patch of [{ client_secret: 'nope' }, { client_id: '4321' }, { redirect_uri: `${REDIRECT}/` }]) {
      const res = await exchange(fake, { ...base, ...patch });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed', message: 'Client authentication failed' });
      expect(res.text).not.toContain(SECRET);
    }
    // the code is still usable after failed client auth
    expect((await exchange(fake, base)).status).toBe(200);
    expect(DEFAULT_CLIENT_SECRET).not.toBe(SECRET);
  });

  it('missing params → invalid_request; expired code → invalid_grant; wrong grant type → unsupported_grant_type', async () => {
    await start();
    const code = await codeFor(fake);
    const base = { grant_type: 'authorization_code', client_id: '1234', client_secret: SECRET, redirect_uri: REDIRECT, code };
    const { code: _c, ...noCode } = base;
    expect((await exchange(fake, noCode)).json.error).toBe('invalid_request');
    const { redirect_uri: _r, ...noRedirect } = base;
    expect((await exchange(fake, noRedirect)).json.error).toBe('invalid_request');
    expect((await exchange(fake, { ...base, grant_type: 'refresh_token' })).json.error).toBe('unsupported_grant_type');
    expect((await exchange(fake, { ...base, code: 'garbage' })).json.error).toBe('invalid_grant');
    clock += 10 * 60 * 1000 + 1;
    const expired = await exchange(fake, base);
    expect(expired.status).toBe(400);
    expect(expired.json.error).toBe('invalid_grant');
  });

  it('PKCE: a code issued for an S256 challenge is exchanged only with its verifier; the others are invalid_grant', async () => {
    await start();
    expect(createHash('sha256').update(VERIFIER).digest('base64url')).toBe(CHALLENGE);
    const loc = await fake.approve(
      authorizeUrl(fake, { client_id: '1234', redirect_uri: REDIRECT, response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' }),
    );
    const code = new URL(loc).searchParams.get('code')!;
    const base = { grant_type: 'authorization_code', client_id: '1234', client_secret: SECRET, redirect_uri: REDIRECT, code };
    const missing = await exchange(fake, base);
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: 'invalid_grant', hint: 'Check the `code_verifier` parameter' });
    // The challenge itself, or another well-formed verifier, is not the verifier.
    for (const wrong of [CHALLENGE, VERIFIER.replace(/^d/, 'e')]) {
      const mismatch = await exchange(fake, { ...base, code_verifier: wrong }, true);
      expect(mismatch.status).toBe(400);
      expect(mismatch.json).toMatchObject({ error: 'invalid_grant', hint: 'Failed to verify `code_verifier`.' });
    }
    // Refusals do not spend the code: the member's own verifier still works, once.
    expect((await exchange(fake, { ...base, code_verifier: VERIFIER }, true)).status).toBe(200);
    expect((await exchange(fake, { ...base, code_verifier: VERIFIER }, true)).json.error).toBe('invalid_grant');
  });

  it('PKCE: plain challenges compare verbatim; malformed challenges and unknown methods are refused on the authorize page', async () => {
    await start();
    const plain = 'a'.repeat(43);
    const loc = await fake.approve(authorizeUrl(fake, { client_id: '1234', redirect_uri: REDIRECT, response_type: 'code', code_challenge: plain }));
    const base = { grant_type: 'authorization_code', client_id: '1234', client_secret: SECRET, redirect_uri: REDIRECT, code: new URL(loc).searchParams.get('code')! };
    expect((await exchange(fake, { ...base, code_verifier: 'b'.repeat(43) })).json.error).toBe('invalid_grant');
    expect((await exchange(fake, { ...base, code_verifier: plain })).status).toBe(200);
    const malformed: Record<string, string>[] = [{ code_challenge: 'short' }, { code_challenge: CHALLENGE, code_challenge_method: 'S512' }];
    for (const bad of malformed) {
      const page = await fetch(authorizeUrl(fake, { client_id: '1234', redirect_uri: REDIRECT, response_type: 'code', ...bad }), { redirect: 'manual' });
      expect(page.status).toBe(400);
    }
  });
});

describe('GraphQL errors in AniList shape', () => {
  it('validation error for a misspelled field → 400 with locations', async () => {
    await start();
    const res = await gql(fake, '{\n  Media(id: 1001) {\n    titel { romaji }\n  }\n}');
    expect(res.status).toBe(400);
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringContaining('Cannot query field "titel" on type "Media".') as unknown, status: 400, locations: [{ line: 3, column: 5 }] });
    const syntax = await gql(fake, '{ Media(id: 1001) { id }');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors?.[0]?.message).toMatch(/^Syntax Error/);
    // unused declared variables are fine (API-FACTS §6)
    const unused = await gql(fake, 'query ($id: Int, $x: String) { Media(id: $id) { id } }', { id: 1001 });
    expect(unused.status).toBe(200);
    // wrong variable type
    const badVar = await gql(fake, 'query ($id: Int) { Media(id: $id) { id } }', { id: 'abc' });
    expect(badVar.status).toBe(400);
  });

  it('complexity over 500 → 400 "Max query complexity should be 500 but got N."', async () => {
    await start();
    const fields = Array.from({ length: 130 }, (_, i) => `m${i}: Media(id: 1001) { id title { romaji } }`).join('\n');
    const res = await gql(fake, `{ ${fields} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toBe('Max query complexity should be 500 but got 520.');
  });

  it('invalid / expired / revoked token → HTTP 400 "Invalid token" with data nulls', async () => {
    await start();
    const q = 'query {\n  MediaListCollection(userId: 710001, type: ANIME) { hasNextChunk }\n}';
    const garbage = await gql(fake, q, undefined, 'not-a-jwt');
    expect(garbage.status).toBe(400);
    expect(garbage.body).toEqual({
      errors: [{ message: 'Invalid token', status: 400, locations: [{ line: 2, column: 3 }] }],
      data: { MediaListCollection: null },
    });

    const short = fake.issueToken(SEED_USERS.alice.id, { lifetimeSeconds: 60 });
    expect((await gql(fake, '{ Viewer { id } }', undefined, short)).status).toBe(200);
    clock += 61_000;
    const expired = await gql(fake, '{ Viewer { id } }', undefined, short);
    expect(expired.status).toBe(400);
    expect(expired.body.errors?.[0]?.message).toBe('Invalid token');
    expect(expired.body.data).toEqual({ Viewer: null });

    const t = fake.issueToken(SEED_USERS.alice.id);
    fake.revokeToken(t);
    expect((await gql(fake, '{ Media(id: 1001) { id } }', undefined, t)).body.errors?.[0]?.message).toBe('Invalid token');
    const t2 = fake.issueToken(SEED_USERS.bob.id);
    fake.revokeAllTokens(SEED_USERS.bob.id);
    expect((await gql(fake, '{ Viewer { id } }', undefined, t2)).status).toBe(400);
    // a token signed by another fake instance is garbage here
    const other = await startFakeAniList();
    const foreign = other.issueToken(SEED_USERS.alice.id);
    await other.close();
    expect((await gql(fake, '{ Viewer { id } }', undefined, foreign)).status).toBe(400);
  });

  it('Viewer and mutations without a token → 401 Unauthorized.', async () => {
    await start();
    const res = await gql(fake, '{ Viewer { id } }');
    expect(res.status).toBe(401);
    expect(res.body.data).toEqual({ Viewer: null });
    expect(res.body.errors?.[0]).toMatchObject({ message: 'Unauthorized.', status: 401 });
    const mut = await gql(fake, 'mutation { SaveMediaListEntry(mediaId: 1001, progress: 1) { id } }');
    expect(mut.status).toBe(401);
    expect(mut.body.data).toEqual({ SaveMediaListEntry: null });
  });

  it('private and unknown users → 404 Not Found. (except to themselves)', async () => {
    await start();
    for (const q of [
      `{ User(id: ${SEED_USERS.erin.id}) { id } }`,
      `{ User(name: "${SEED_USERS.erin.name}") { id } }`,
      `{ User(id: ${UNKNOWN_USER_ID}) { id } }`,
    ]) {
      const res = await gql(fake, q);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ data: { User: null }, errors: [{ message: 'Not Found.', status: 404 }] });
    }
    const coll = await gql(fake, `{ MediaListCollection(userId: ${SEED_USERS.erin.id}, type: ANIME) { lists { name } } }`);
    expect(coll.status).toBe(404);
    const asOther = await gql(fake, `{ User(id: ${SEED_USERS.erin.id}) { id } }`, undefined, fake.issueToken(SEED_USERS.alice.id));
    expect(asOther.status).toBe(404);
    const self = await gql(fake, `{ User(id: ${SEED_USERS.erin.id}) { id } }`, undefined, fake.issueToken(SEED_USERS.erin.id));
    expect(self.status).toBe(200);
    const missingMedia = await gql(fake, `{ Media(id: ${UNKNOWN_MEDIA_ID}) { id } }`);
    expect(missingMedia.status).toBe(404);
  });

  it('requireReferer: a request without Referer gets the 403 disabled body', async () => {
    await start({ requireReferer: true });
    const res = await fetch(fake.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ Media(id: 1001) { id } }' }) });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ errors: [{ message: DISABLED_MESSAGE, status: 403, locations: [{ line: 1, column: 1 }] }], data: null });
    expect((await gql(fake, '{ Media(id: 1001) { id } }')).status).toBe(200);
  });
});

describe('GraphQL data', () => {
  it('Viewer exposes options, score format and statistics; request log records headers', async () => {
    await start();
    const token = fake.issueToken(SEED_USERS.alice.id);
    const res = await gql(
      fake,
      `query ViewerQ { Viewer { id name siteUrl avatar { large medium } options { titleLanguage displayAdultContent }
        mediaListOptions { scoreFormat }
        statistics { anime { count meanScore episodesWatched minutesWatched } manga { count meanScore chaptersRead volumesRead } } } }`,
      undefined,
      token,
    );
    expect(res.status).toBe(200);
    const v = res.body.data?.Viewer as Record<string, unknown>;
    expect(v).toMatchObject({
      id: SEED_USERS.alice.id,
      name: SEED_USERS.alice.name,
      siteUrl: `https://anilist.co/user/${SEED_USERS.alice.name}`,
      options: { titleLanguage: 'ENGLISH', displayAdultContent: false },
      mediaListOptions: { scoreFormat: 'POINT_10_DECIMAL' },
    });
    expect((v.statistics as { anime: { count: number } }).anime.count).toBeGreaterThan(5);
    const logged = fake.graphqlRequests().at(-1)!;
    expect(logged.operationName).toBe('ViewerQ');
    expect(logged.headers.referer).toBe('https://anilink.example/');
    expect(logged.headers['user-agent']).toBe('anilink-test/1.0');
    expect(logged.viewerId).toBe(SEED_USERS.alice.id);
    expect(logged.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('10000');
  });

  it('title.userPreferred follows the viewer title language; Media.mediaListEntry is the viewer entry', async () => {
    await start();
    const q = `{ a: Media(id: ${SEED_MEDIA.frieren.id}) { title { userPreferred } mediaListEntry { userId } }
                 b: Media(id: ${SEED_MEDIA.hoshizora.id}) { title { userPreferred english } } }`;
    const anon = await gql(fake, q);
    expect(anon.body.data).toEqual({ a: { title: { userPreferred: 'Sousou no Frieren' }, mediaListEntry: null }, b: { title: { userPreferred: 'Hoshizora no Kanata', english: null } } });
    const alice = await gql(fake, q, undefined, fake.issueToken(SEED_USERS.alice.id));
    expect(alice.body.data).toEqual({
      a: { title: { userPreferred: "Frieren: Beyond Journey's End" }, mediaListEntry: { userId: SEED_USERS.alice.id } },
      b: { title: { userPreferred: 'Hoshizora no Kanata', english: null } },
    });
    const carol = await gql(fake, q, undefined, fake.issueToken(SEED_USERS.carol.id));
    expect((carol.body.data?.a as { title: { userPreferred: string } }).title.userPreferred).toBe('葬送のフリーレン');
  });

  it('adult media: included unless isAdult:false or the viewer disabled adult content', async () => {
    await start();
    const q = 'query ($adult: Boolean) { Page(perPage: 50) { media(search: "himitsu", isAdult: $adult) { id isAdult } } }';
    const ids = (r: GqlResult): number[] => ((r.body.data?.Page as { media: { id: number }[] }).media).map((m) => m.id);
    expect(ids(await gql(fake, q))).toContain(SEED_MEDIA.adultAnimeA.id);
    expect(ids(await gql(fake, q, { adult: false }))).toEqual([SEED_MEDIA.himitsuGarden.id]);
    expect(ids(await gql(fake, q, {}, fake.issueToken(SEED_USERS.alice.id)))).not.toContain(SEED_MEDIA.adultAnimeA.id);
    expect(ids(await gql(fake, q, {}, fake.issueToken(SEED_USERS.bob.id)))).toContain(SEED_MEDIA.adultAnimeA.id);
  });

  it('Page clamps perPage to 50 and reports hasNextPage', async () => {
    await start();
    const q = 'query ($page: Int) { Page(page: $page, perPage: 100) { pageInfo { hasNextPage currentPage perPage } mediaList(userId: 710002, type: ANIME, sort: UPDATED_TIME_DESC) { id updatedAt } } }';
    const p1 = await gql(fake, q, { page: 1 });
    const page1 = p1.body.data?.Page as { pageInfo: Record<string, unknown>; mediaList: { id: number; updatedAt: number }[] };
    expect(page1.pageInfo).toEqual({ hasNextPage: true, currentPage: 1, perPage: 50 });
    expect(page1.mediaList).toHaveLength(50);
    const times = page1.mediaList.map((e) => e.updatedAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const p2 = (await gql(fake, q, { page: 2 })).body.data?.Page as { pageInfo: { hasNextPage: boolean }; mediaList: unknown[] };
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect(p2.mediaList.length).toBeGreaterThan(0);
  });

  it('private entries and profiles reach only the owner’s token, through every query path', async () => {
    await start();
    const privateEntry = [...fake.store.entriesOf(SEED_USERS.bob.id)].find((e) => e.private)!;
    expect(privateEntry).toBeDefined();
    const erinEntry = fake.store.entriesOf(SEED_USERS.erin.id)[0]!;
    const bob = fake.issueToken(SEED_USERS.bob.id);
    const alice = fake.issueToken(SEED_USERS.alice.id);
    const erin = fake.issueToken(SEED_USERS.erin.id);
    const ids = (res: GqlResult, path: (d: Record<string, unknown>) => { id: number }[]) => path(res.body.data ?? {}).map((e) => e.id);
    const pageList = (d: Record<string, unknown>) => (d.Page as { mediaList: { id: number }[] }).mediaList;
    const pageUsers = (d: Record<string, unknown>) => (d.Page as { users: { id: number }[] }).users;

    for (const [label, query, owner] of [
      ['MediaList(id) of a private entry', `{ MediaList(id: ${privateEntry.id}) { id } }`, bob],
      ['MediaList(userId, mediaId) of a private entry', `{ MediaList(userId: ${SEED_USERS.bob.id}, mediaId: ${privateEntry.mediaId}) { id } }`, bob],
      ['MediaList(id) on a private profile', `{ MediaList(id: ${erinEntry.id}) { id } }`, erin],
      ['MediaListCollection of a private profile', `{ MediaListCollection(userId: ${SEED_USERS.erin.id}, type: ANIME) { user { id } } }`, erin],
      ['User of a private profile', `{ User(id: ${SEED_USERS.erin.id}) { id } }`, erin],
      ['Page.mediaList of a private profile', `{ Page { mediaList(userId: ${SEED_USERS.erin.id}) { id } } }`, erin],
    ] as const) {
      expect((await gql(fake, query)).status, `${label}, logged out`).toBe(404);
      expect((await gql(fake, query, undefined, alice)).status, `${label}, another member's token`).toBe(404);
      expect((await gql(fake, query, undefined, owner)).status, `${label}, the owner's token`).toBe(200);
    }

    const byUser = `{ Page(perPage: 50) { mediaList(userId: ${SEED_USERS.bob.id}, mediaId: ${privateEntry.mediaId}) { id } } }`;
    expect(ids(await gql(fake, byUser, undefined, alice), pageList)).toEqual([]);
    expect(ids(await gql(fake, byUser, undefined, bob), pageList)).toEqual([privateEntry.id]);
    const byMedia = `{ Page(perPage: 50) { mediaList(mediaId_in: [${privateEntry.mediaId}, ${erinEntry.mediaId}]) { id } } }`;
    const seenByAlice = ids(await gql(fake, byMedia, undefined, alice), pageList);
    expect(seenByAlice).not.toContain(privateEntry.id);
    expect(seenByAlice).not.toContain(erinEntry.id);
    expect(ids(await gql(fake, byMedia), pageList)).toEqual(seenByAlice);
    expect(ids(await gql(fake, byMedia, undefined, bob), pageList)).toContain(privateEntry.id);
    const users = `{ Page { users(search: "${SEED_USERS.erin.name}") { id } } }`;
    expect(ids(await gql(fake, users, undefined, alice), pageUsers)).toEqual([]);
    expect(ids(await gql(fake, users, undefined, erin), pageUsers)).toEqual([SEED_USERS.erin.id]);
  });

  it('Page.mediaList(mediaId, userId_in): whose entries, in each owner’s score format; private entries and profiles only to the owner', async () => {
    await start();
    const alice = SEED_USERS.alice.id;
    const carol = SEED_USERS.carol.id;
    const erin = SEED_USERS.erin.id; // private profile, has Frieren
    const dave = SEED_USERS.dave.id; // no Frieren
    fake.store.findEntry(carol, SEED_MEDIA.frieren.id)!.private = true;
    const q = `query ($ids: [Int]) { Page(perPage: 50) { mediaList(mediaId: ${SEED_MEDIA.frieren.id}, userId_in: $ids) { userId status progress score raw: score(format: POINT_100) user { mediaListOptions { scoreFormat } } } } }`;
    type Row = { userId: number; status: string; progress: number; score: number; raw: number; user: { mediaListOptions: { scoreFormat: string } } };
    const rows = async (token?: string) => ((await gql(fake, q, { ids: [alice, carol, erin, dave, SEED_USERS.frank.id] }, token)).body.data?.Page as { mediaList: Row[] }).mediaList;

    const anonymous = await rows();
    expect(anonymous.map((r) => r.userId)).toEqual([alice]);
    expect(anonymous[0]).toMatchObject({ status: 'COMPLETED', progress: 28, score: 9.5, raw: 95, user: { mediaListOptions: { scoreFormat: 'POINT_10_DECIMAL' } } });
    // Only the owner's token reveals their private entry or private profile; another member's token does not.
    expect((await rows(fake.issueToken(dave))).map((r) => r.userId)).toEqual([alice]);
    expect((await rows(fake.issueToken(carol))).map((r) => r.userId).sort()).toEqual([alice, carol]);
    const erinsOwn = await rows(fake.issueToken(erin));
    expect(erinsOwn.map((r) => r.userId).sort()).toEqual([alice, erin]);
    expect(erinsOwn.find((r) => r.userId === erin)).toMatchObject({ score: 7, raw: 70, user: { mediaListOptions: { scoreFormat: 'POINT_10' } } });
    // userId_in narrows: bob has Frieren too but was not asked about.
    expect(fake.store.findEntry(SEED_USERS.bob.id, SEED_MEDIA.frieren.id)).toBeDefined();
  });

  it('Media card fields: season, studios, staff roles and the next airing episode after the fake clock', async () => {
    await start();
    const q = `query ($id: Int) { Media(id: $id) { season seasonYear startDate { year } studios(isMain: true) { nodes { name } } staff(perPage: 2) { edges { role node { name { full } } } }
      nextAiringEpisode { airingAt episode timeUntilAiring } } }`;
    const media = async (id: number) => (await gql(fake, q, { id })).body.data?.Media as Record<string, unknown>;
    expect(await media(SEED_MEDIA.frieren.id)).toMatchObject({
      season: 'FALL',
      seasonYear: 2023,
      startDate: { year: 2023 },
      studios: { nodes: [{ name: 'MADHOUSE' }] },
      staff: { edges: [{ role: 'Original Story', node: { name: { full: 'Kanehito Yamada' } } }, { role: 'Original Character Design', node: { name: { full: 'Tsukasa Abe' } } }] },
      nextAiringEpisode: null,
    });
    const airing = (await media(SEED_MEDIA.apothecary.id)).nextAiringEpisode as { airingAt: number; episode: number; timeUntilAiring: number };
    expect(airing.episode).toBe(13);
    expect(airing.airingAt).toBe(Math.floor(clock / 1000) + airing.timeUntilAiring);
    expect(airing.timeUntilAiring).toBeGreaterThan(0);
  });

  it('Page.airingSchedules: weekly episodes derived from the fake clock, agreeing with nextAiringEpisode; mediaId_in, time bounds, sort, pages', async () => {
    await start();
    const q = `query ($ids: [Int], $after: Int, $before: Int, $page: Int, $perPage: Int) {
      Page(page: $page, perPage: $perPage) { pageInfo { hasNextPage }
        airingSchedules(mediaId_in: $ids, airingAt_greater: $after, airingAt_lesser: $before, sort: [TIME, MEDIA_ID]) { id episode airingAt timeUntilAiring mediaId media { id isAdult title { romaji } } } } }`;
    type Item = { id: number; episode: number; airingAt: number; timeUntilAiring: number; mediaId: number; media: { id: number } };
    const page = async (variables: Record<string, unknown>) => {
      const result = await gql(fake, q, variables);
      expect(result.body.errors).toBeUndefined();
      const p = result.body.data?.Page as { pageInfo: { hasNextPage: boolean }; airingSchedules: Item[] };
      return p;
    };
    const nowS = Math.floor(clock / 1000);
    const next = (await gql(fake, `query { Media(id: ${SEED_MEDIA.apothecary.id}) { nextAiringEpisode { episode airingAt } } }`)).body.data?.Media as { nextAiringEpisode: { episode: number; airingAt: number } };
    const week = 7 * 86_400;
    // Three weeks from now: the next episode and the two after it, each a week apart, for the asked title only.
    const three = await page({ ids: [SEED_MEDIA.apothecary.id], after: nowS, before: nowS + 3 * week + 86_400 * 4 });
    expect(three.airingSchedules.map((item) => [item.episode, item.airingAt])).toEqual([
      [13, next.nextAiringEpisode.airingAt],
      [14, next.nextAiringEpisode.airingAt + week],
      [15, next.nextAiringEpisode.airingAt + 2 * week],
      [16, next.nextAiringEpisode.airingAt + 3 * week],
    ].filter(([, at]) => at! < nowS + 3 * week + 86_400 * 4));
    expect(three.airingSchedules[0]).toMatchObject({ id: SEED_MEDIA.apothecary.id * 10_000 + 13, mediaId: SEED_MEDIA.apothecary.id, media: { id: SEED_MEDIA.apothecary.id }, timeUntilAiring: next.nextAiringEpisode.airingAt - nowS });
    // The past: episode 12 aired a week before 13; the bounds are strict.
    const past = await page({ ids: [SEED_MEDIA.apothecary.id], after: next.nextAiringEpisode.airingAt - week - 1, before: next.nextAiringEpisode.airingAt });
    expect(past.airingSchedules.map((item) => item.episode)).toEqual([12]);
    expect((await page({ ids: [SEED_MEDIA.apothecary.id], after: next.nextAiringEpisode.airingAt, before: next.nextAiringEpisode.airingAt + 1 })).airingSchedules).toEqual([]);

    // Moving the clock past an airing makes it aired: nextAiringEpisode moves on to the following episode.
    clock = (next.nextAiringEpisode.airingAt + 60) * 1000;
    const moved = (await gql(fake, `query { Media(id: ${SEED_MEDIA.apothecary.id}) { nextAiringEpisode { episode timeUntilAiring } } }`)).body.data?.Media as { nextAiringEpisode: { episode: number; timeUntilAiring: number } };
    expect(moved.nextAiringEpisode).toEqual({ episode: 14, timeUntilAiring: week - 60 });

    // A schedule set by a test replaces the derived one; both releasing titles answer one query, in time order.
    const at = Math.floor(clock / 1000);
    fake.setAiringSchedule(SEED_MEDIA.frieren.id, [{ episode: 29, airingAt: at + 10 }, { episode: 30, airingAt: at + 20 }]);
    const both = await page({ ids: [SEED_MEDIA.frieren.id, SEED_MEDIA.onePiece.id, SEED_MEDIA.apothecary.id], after: at - 1, before: at + 8 * 86_400 });
    expect(both.airingSchedules.map((item) => item.mediaId)).toEqual([SEED_MEDIA.frieren.id, SEED_MEDIA.frieren.id, ...both.airingSchedules.slice(2).map((item) => item.mediaId)]);
    expect(both.airingSchedules.map((item) => item.airingAt)).toEqual([...both.airingSchedules.map((item) => item.airingAt)].sort((a, b) => a - b));
    expect(new Set(both.airingSchedules.slice(2).map((item) => item.mediaId))).toEqual(new Set([SEED_MEDIA.onePiece.id, SEED_MEDIA.apothecary.id]));
    // Pages of `perPage`, with hasNextPage.
    const first = await page({ ids: [SEED_MEDIA.frieren.id, SEED_MEDIA.onePiece.id, SEED_MEDIA.apothecary.id], after: at - 1, before: at + 8 * 86_400, page: 1, perPage: 2 });
    const second = await page({ ids: [SEED_MEDIA.frieren.id, SEED_MEDIA.onePiece.id, SEED_MEDIA.apothecary.id], after: at - 1, before: at + 8 * 86_400, page: 2, perPage: 2 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect([...first.airingSchedules, ...second.airingSchedules]).toEqual(both.airingSchedules);
    expect(second.pageInfo.hasNextPage).toBe(false);
    // A finished title without a schedule of its own never airs.
    expect((await page({ ids: [SEED_MEDIA.aot.id], after: 0, before: at + 365 * 86_400 })).airingSchedules).toEqual([]);
    fake.setAiringSchedule(SEED_MEDIA.frieren.id, null);
    expect((await page({ ids: [SEED_MEDIA.frieren.id], after: 0, before: at + 365 * 86_400 })).airingSchedules).toEqual([]);
  });

  it('MediaListCollection: chunking, split completed lists, custom lists, private entries', async () => {
    await start();
    const q = `query ($chunk: Int, $force: Boolean) { MediaListCollection(userId: ${SEED_USERS.bob.id}, type: ANIME, chunk: $chunk, perChunk: 25, forceSingleCompletedList: $force, sort: UPDATED_TIME_DESC) {
      hasNextChunk user { id } lists { name isCustomList isSplitCompletedList status entries { id mediaId status score } } } }`;
    type Coll = { hasNextChunk: boolean; lists: { name: string; isCustomList: boolean; isSplitCompletedList: boolean; entries: { id: number }[] }[] };
    const seen = new Set<number>();
    let chunk = 1;
    let names: string[] = [];
    for (;;) {
      const c = (await gql(fake, q, { chunk })).body.data?.MediaListCollection as Coll;
      for (const l of c.lists) for (const e of l.entries) seen.add(e.id);
      names = names.concat(c.lists.map((l) => l.name));
      if (!c.hasNextChunk) break;
      chunk++;
    }
    expect(chunk).toBeGreaterThanOrEqual(3);
    const visibleToOthers = fake.store.entriesOf(SEED_USERS.bob.id, 'ANIME').filter((e) => !e.private);
    expect(seen.size).toBe(visibleToOthers.length);
    expect(names.some((n) => n.startsWith('Completed '))).toBe(true);
    expect(names).toContain('Favourites');

    const forced = (await gql(fake, q, { chunk: 1, force: true })).body.data?.MediaListCollection as Coll;
    expect(forced.lists.some((l) => l.isSplitCompletedList)).toBe(false);

    // Bob sees his private entries too
    const own = (await gql(fake, `{ MediaListCollection(userId: ${SEED_USERS.bob.id}, type: ANIME) { lists { entries { id } } } }`, undefined, fake.issueToken(SEED_USERS.bob.id)))
      .body.data?.MediaListCollection as Coll;
    const ownIds = new Set(own.lists.flatMap((l) => l.entries.map((e) => e.id)));
    expect(ownIds.size).toBe(fake.store.entriesOf(SEED_USERS.bob.id, 'ANIME').length);
    expect(ownIds.size).toBeGreaterThanOrEqual(60);

    const missingArgs = await gql(fake, '{ MediaListCollection(type: ANIME) { hasNextChunk } }');
    expect(missingArgs.status).toBe(400);
    expect(missingArgs.body.errors?.[0]?.message).toBe('validation');
  });
});

describe('SaveMediaListEntry / DeleteMediaListEntry', () => {
  const save = `mutation ($mediaId: Int, $id: Int, $score: Float, $scoreRaw: Int, $progress: Int, $status: MediaListStatus) {
    SaveMediaListEntry(mediaId: $mediaId, id: $id, score: $score, scoreRaw: $scoreRaw, progress: $progress, status: $status) {
      id userId mediaId status progress score raw: score(format: POINT_100) p5: score(format: POINT_5) p3: score(format: POINT_3) d: score(format: POINT_10_DECIMAL) p10: score(format: POINT_10) updatedAt } }`;

  it.each([
    ['alice', SEED_USERS.alice.id, 7.5, 75],
    ['bob', SEED_USERS.bob.id, 85, 85],
    ['carol', SEED_USERS.carol.id, 4, 80],
    ['dave', SEED_USERS.dave.id, 2, 60],
    ['erin', SEED_USERS.erin.id, 7, 70],
  ])('round-trips a score written in %s’s format', async (_name, userId, score, raw) => {
    await start();
    const token = fake.issueToken(userId);
    clock += 5000;
    const res = await gql(fake, save, { mediaId: SEED_MEDIA.spiritedAway.id, score, progress: 1, status: 'COMPLETED' }, token);
    expect(res.status).toBe(200);
    const e = res.body.data?.SaveMediaListEntry as Record<string, number>;
    expect(e).toMatchObject({ userId, mediaId: SEED_MEDIA.spiritedAway.id, progress: 1, status: 'COMPLETED', score, raw, updatedAt: Math.floor(clock / 1000) });
    expect(e.d).toBe(raw / 10);
    expect(e.p10).toBe(Math.round(raw / 10));
    expect(e.p5).toBe(Math.round(raw / 20));
    expect(fake.store.entries.get(e.id!)?.scoreRaw).toBe(raw);
  });

  it('updates an existing entry by mediaId (upsert) and by id; scoreRaw is 0–100', async () => {
    await start();
    const token = fake.issueToken(SEED_USERS.alice.id);
    const existing = fake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.frieren.id)!;
    const byMedia = await gql(fake, save, { mediaId: SEED_MEDIA.frieren.id, scoreRaw: 42 }, token);
    expect((byMedia.body.data?.SaveMediaListEntry as { id: number; score: number }).id).toBe(existing.id);
    expect((byMedia.body.data?.SaveMediaListEntry as { score: number }).score).toBe(4.2);
    const byId = await gql(fake, save, { id: existing.id, progress: 3 }, token);
    expect(byId.body.data?.SaveMediaListEntry).toMatchObject({ id: existing.id, progress: 3, raw: 42 });
  });

  it('rejects invalid input with a validation map', async () => {
    await start();
    const alice = fake.issueToken(SEED_USERS.alice.id);
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ mediaId: 1001, score: 11 }, 'score', ['The score may not be greater than 10.']],
      [{ mediaId: 1001, score: 7.55 }, 'score', ['The score may not have more than 1 decimal place.']],
      [{ mediaId: 1001, score: -1 }, 'score', ['The score must be at least 0.']],
      [{ mediaId: 1001, scoreRaw: 101 }, 'scoreRaw', ['The score raw may not be greater than 100.']],
      [{ mediaId: UNKNOWN_MEDIA_ID }, 'mediaId', ['The selected media id is invalid.']],
      [{ mediaId: 1001, progress: -1 }, 'progress', ['The progress must be at least 0.']],
      [{ score: 5 }, 'mediaId', ['The media id field is required when id is not present.']],
    ];
    for (const [vars, field, messages] of cases) {
      const res = await gql(fake, save, vars, alice);
      expect(res.status).toBe(400);
      expect(res.body.data).toEqual({ SaveMediaListEntry: null });
      expect(res.body.errors?.[0]).toMatchObject({ message: 'validation', status: 400, validation: { [field]: messages } });
    }
    const carol = fake.issueToken(SEED_USERS.carol.id);
    expect((await gql(fake, save, { mediaId: 1001, score: 4.5 }, carol)).body.errors?.[0]?.validation).toEqual({ score: ['The score must be an integer.'] });
    expect((await gql(fake, save, { mediaId: 1001, score: 6 }, carol)).body.errors?.[0]?.validation).toEqual({ score: ['The score may not be greater than 5.'] });
    // someone else's entry id (e.g. passing a mediaId where an entry id is needed)
    const bobEntry = fake.store.findEntry(SEED_USERS.bob.id, SEED_MEDIA.frieren.id)!;
    const foreign = await gql(fake, save, { id: bobEntry.id, progress: 1 }, alice);
    expect(foreign.status).toBe(401);
    expect(foreign.body.errors?.[0]?.message).toBe('You are not authorized to modify this MediaList');
    // nothing changed
    expect(fake.store.findEntry(SEED_USERS.alice.id, 1001)?.scoreRaw).toBe(95);
  });

  it('DeleteMediaListEntry deletes only the viewer’s entries', async () => {
    await start();
    const alice = fake.issueToken(SEED_USERS.alice.id);
    const mine = fake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.aot.id)!;
    const bobs = fake.store.findEntry(SEED_USERS.bob.id, SEED_MEDIA.aot.id)!;
    const del = 'mutation ($id: Int) { DeleteMediaListEntry(id: $id) { deleted } }';
    const denied = await gql(fake, del, { id: bobs.id }, alice);
    expect(denied.status).toBe(401);
    const ok = await gql(fake, del, { id: mine.id }, alice);
    expect(ok.body).toEqual({ data: { DeleteMediaListEntry: { deleted: true } } });
    expect(fake.store.entries.has(mine.id)).toBe(false);
    expect((await gql(fake, del, { id: mine.id }, alice)).status).toBe(400);
  });
});

/** A GraphQL POST from a chosen loopback address (AniList counts per address). */
function gqlFrom(f: FakeAniList, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: '{ Media(id: 1001) { id } }' });
    const req = request(f.graphqlUrl, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', referer: 'https://anilink.example/' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('rate limiting', () => {
  it('defaults to AniList today: 30 per minute (X-RateLimit-Limit 30) and the burst limiter on', async () => {
    await start({ rateLimitPerMinute: undefined });
    const q = '{ Media(id: 1001) { id } }';
    // Spread out (one per second), 30 fit in a minute; the 31st is refused with the one-minute timeout.
    for (let i = 1; i <= 30; i++) {
      const r = await gql(fake, q);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-limit')).toBe('30');
      clock += 1_000;
    }
    const over = await gql(fake, q);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('60');

    // All at once, the burst limiter stops a client long before the minute's budget: 15 within 5 s.
    clock += 61_000;
    const burst = [];
    for (let i = 0; i < 16; i++) burst.push((await gql(fake, q)).status);
    expect(burst).toEqual([...Array<number>(15).fill(200), 429]);
    expect(fake.stats()).toMatchObject({ rateLimited429s: 2 });
  });

  it('counts per client address', async () => {
    await start({ rateLimitPerMinute: 2, burstLimit: false });
    expect([await gqlFrom(fake, '127.0.0.1'), await gqlFrom(fake, '127.0.0.1'), await gqlFrom(fake, '127.0.0.1')]).toEqual([200, 200, 429]);
    expect(await gqlFrom(fake, '127.0.0.2')).toBe(200);
  });

  it('the token endpoint has its own 30 per minute (and burst) count, answered the Laravel way', async () => {
    await start({ rateLimitPerMinute: undefined });
    const attempt = () => exchange(fake, { grant_type: 'authorization_code', client_id: '1234', client_secret: SECRET, redirect_uri: REDIRECT, code: 'junk' });
    for (let i = 0; i < 15; i++) {
      const refused = await attempt();
      expect(refused.status).toBe(400);
    }
    const res = await fetch(`${fake.oauthUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', client_id: '1234', client_secret: SECRET, redirect_uri: REDIRECT, code: 'junk' }),
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ message: 'Too Many Attempts.' });
    expect(res.headers.get('retry-after')).toBe('60');
    expect(res.headers.get('x-ratelimit-limit')).toBe('30');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(fake.stats()).toMatchObject({ tokenRequests: 16, tokenRateLimited429s: 1, rateLimited429s: 0 });
    // GraphQL keeps its own count.
    expect((await gql(fake, '{ Media(id: 1001) { id } }')).status).toBe(200);
  });

  it('429 with Retry-After after the limit; requests during the timeout are counted', async () => {
    await start({ rateLimitPerMinute: 30, burstLimit: false });
    const q = '{ Media(id: 1001) { id } }';
    for (let i = 1; i <= 30; i++) {
      const r = await gql(fake, q);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-limit')).toBe('30');
      expect(r.headers.get('x-ratelimit-remaining')).toBe(String(30 - i));
    }
    const limited = await gql(fake, q);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ data: null, errors: [{ message: 'Too Many Requests.', status: 429 }] });
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(Math.ceil(clock / 1000) + 60);
    expect(fake.stats()).toMatchObject({ rateLimited429s: 1, requestsDuringRetryAfter: 0 });

    clock += 30_000;
    const during = await gql(fake, q);
    expect(during.status).toBe(429);
    expect(during.headers.get('retry-after')).toBe('30');
    expect(fake.stats()).toMatchObject({ rateLimited429s: 2, requestsDuringRetryAfter: 1, graphqlRequests: 32 });

    clock += 30_001;
    expect((await gql(fake, q)).status).toBe(200);
    expect(fake.stats().requestsDuringRetryAfter).toBe(1);
  });

  it('advertisedRateLimit can differ from the enforced limit (degraded mode)', async () => {
    await start({ rateLimitPerMinute: 2, advertisedRateLimit: 90, burstLimit: false });
    const r1 = await gql(fake, '{ Media(id: 1001) { id } }');
    expect(r1.headers.get('x-ratelimit-limit')).toBe('90');
    expect(r1.headers.get('x-ratelimit-remaining')).toBe('89');
    await gql(fake, '{ Media(id: 1001) { id } }');
    expect((await gql(fake, '{ Media(id: 1001) { id } }')).status).toBe(429);
  });
});

describe('failure injection', () => {
  it('serves injected failures in order, then recovers', async () => {
    await start();
    const q = '{ Media(id: 1001) { id } }';
    fake.inject({ kind: 'status500' });
    fake.inject({ kind: 'disabled403' });
    fake.inject({ kind: 'invalidToken' });
    fake.inject({ kind: 'status', status: 502, body: '<html>Bad gateway</html>' });
    expect((await gql(fake, q)).status).toBe(500);
    const disabled = await gql(fake, q);
    expect(disabled.status).toBe(403);
    expect(disabled.body.errors?.[0]?.message).toBe(DISABLED_MESSAGE);
    const inv = await gql(fake, q);
    expect(inv.status).toBe(400);
    expect(inv.body).toEqual({ errors: [{ message: 'Invalid token', status: 400, locations: [{ line: 1, column: 3 }] }], data: { Media: null } });
    const gw = await fetch(fake.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) });
    expect(gw.status).toBe(502);
    expect(await gw.text()).toContain('Bad gateway');
    expect((await gql(fake, q)).status).toBe(200);
    expect(fake.stats().injectedFailuresServed).toBe(4);
  });

  it('reset destroys the socket; latency delays; times/clearFailures', async () => {
    await start();
    const q = '{ Media(id: 1001) { id } }';
    fake.inject({ kind: 'reset' });
    await expect(gql(fake, q)).rejects.toThrow();
    fake.inject({ kind: 'latency', ms: 150 });
    const t0 = performance.now();
    expect((await gql(fake, q)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    fake.inject({ kind: 'status500' }, { times: Infinity });
    expect((await gql(fake, q)).status).toBe(500);
    expect((await gql(fake, q)).status).toBe(500);
    fake.clearFailures();
    expect((await gql(fake, q)).status).toBe(200);
  });

  it('rateLimited starts a Retry-After timeout (optionally without the header)', async () => {
    await start();
    const q = '{ Media(id: 1001) { id } }';
    fake.inject({ kind: 'rateLimited', retryAfterS: 5 });
    const r = await gql(fake, q);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('5');
    expect((await gql(fake, q)).status).toBe(429);
    expect(fake.stats().requestsDuringRetryAfter).toBe(1);
    clock += 5000;
    expect((await gql(fake, q)).status).toBe(200);

    fake.inject({ kind: 'rateLimited', omitRetryAfter: true });
    const r2 = await gql(fake, q);
    expect(r2.status).toBe(429);
    expect(r2.headers.get('retry-after')).toBeNull();
    clock += 59_000;
    expect((await gql(fake, q)).status).toBe(429);
    clock += 1000;
    expect((await gql(fake, q)).status).toBe(200);
    expect(fake.stats().requestsDuringRetryAfter).toBe(2);
  });
});

describe('notifications', () => {
  const inbox = `query ($page: Int, $perPage: Int, $types: [NotificationType], $reset: Boolean) {
    Page(page: $page, perPage: $perPage) {
      pageInfo { hasNextPage }
      notifications(type_in: $types, resetNotificationCount: $reset) {
        __typename
        ... on AiringNotification { id type episode animeId contexts createdAt media { id title { userPreferred } } }
        ... on ActivityLikeNotification { id type context userId user { name } }
        ... on FollowingNotification { id type context user { name } }
      }
    }
  }`;
  type Inbox = { pageInfo: { hasNextPage: boolean }; notifications: { __typename: string; id: number; type: string; episode?: number; createdAt?: number; context?: string; user?: { name: string }; media?: { title: { userPreferred: string } } }[] };

  it('Page.notifications: the owner only, newest first, filtered by type_in, paginated; the unread count is reset unless told not to', async () => {
    await start();
    const alice = SEED_USERS.alice.id;
    const first = fake.pushNotification(alice, { type: 'AIRING', mediaId: SEED_MEDIA.frieren.id, episode: 5 });
    clock += 60_000;
    const like = fake.pushNotification(alice, { type: 'ACTIVITY_LIKE', userId: SEED_USERS.bob.id, activityId: 77 });
    const follow = fake.pushNotification(alice, { type: 'FOLLOWING', userId: SEED_USERS.bob.id });
    fake.pushNotification(SEED_USERS.bob.id, { type: 'AIRING', mediaId: SEED_MEDIA.frieren.id, episode: 6 });
    expect(like.id).toBeGreaterThan(first.id);
    expect(first.createdAt).toBe(Date.UTC(2026, 0, 1) / 1000);
    const token = fake.issueToken(alice);

    const all = (await gql(fake, inbox, { reset: false }, token)).body.data?.Page as Inbox;
    expect(all.notifications.map((n) => [n.__typename, n.id])).toEqual([
      ['FollowingNotification', follow.id],
      ['ActivityLikeNotification', like.id],
      ['AiringNotification', first.id],
    ]);
    expect(all.notifications[1]).toMatchObject({ context: ' liked your activity.', user: { name: 'BobFake' } });
    expect(all.notifications[2]).toMatchObject({ episode: 5, media: { title: { userPreferred: expect.any(String) as string } } });
    expect(fake.unreadNotificationCount(alice)).toBe(3);

    const airing = (await gql(fake, inbox, { types: ['AIRING'], reset: false }, token)).body.data?.Page as Inbox;
    expect(airing.notifications.map((n) => n.id)).toEqual([first.id]);

    const page2 = (await gql(fake, inbox, { page: 2, perPage: 2, reset: false }, token)).body.data?.Page as Inbox;
    expect(page2.notifications.map((n) => n.id)).toEqual([first.id]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const page1 = (await gql(fake, inbox, { page: 1, perPage: 2, reset: false }, token)).body.data?.Page as Inbox;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(fake.unreadNotificationCount(alice)).toBe(3);

    // AniList's own default: reading them marks them read.
    await gql(fake, inbox, {}, token);
    expect(fake.unreadNotificationCount(alice)).toBe(0);
    const viewer = await gql(fake, '{ Viewer { unreadNotificationCount } }', undefined, token);
    expect(viewer.body.data?.Viewer).toEqual({ unreadNotificationCount: 0 });
    fake.pushNotification(alice, { type: 'FOLLOWING', userId: SEED_USERS.carol.id });
    expect(fake.unreadNotificationCount(alice)).toBe(1);
    expect(fake.unreadNotificationCount(SEED_USERS.bob.id)).toBe(1);

    const anonymous = await gql(fake, inbox, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0]?.message).toBe('Unauthorized.');
  });
});
