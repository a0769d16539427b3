import { readFileSync, existsSync } from 'node:fs';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInteractionReplies } from '../../src/bot/interaction-replies.js';
import { failurePage } from '../../src/http/pages.js';
import { createTranslations } from '../../src/i18n/index.js';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { DEFAULT_DISCORD_CLIENT_SECRET, startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
import { TestBrowser, hrefOf } from '../support/browser.js';
import { fakeDiscordUser } from '../support/link-walk.js';
import { captureLogs } from '../support/log-capture.js';
import { startLinkHarness, type LinkHarness, type LinkHarnessOptions } from '../support/link-harness.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-link-');
let harness: LinkHarness | undefined;

let fakeDiscord: FakeDiscord | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await fakeDiscord?.close();
  fakeDiscord = undefined;
});

/** The bot's real reply editor: discord.js REST against the fake Discord, which knows none of our tokens. */
async function realDiscordReplies() {
  fakeDiscord = await startFakeDiscord({});
  return createInteractionReplies(new REST({ api: fakeDiscord.apiUrl }));
}

async function start(options: Partial<LinkHarnessOptions> = {}) {
  harness = await startLinkHarness({ dir: tempDir(), ...options });
  return harness;
}

const member = {
  id: '300000000000000001',
  username: 'mira',
  displayName: 'Mira',
  avatarUrl: 'https://cdn.discordapp.com/avatars/300000000000000001/abc.png?size=128',
};
const otherMember = { id: '300000000000000002', username: 'tomo', displayName: 'Tomo', avatarUrl: 'https://cdn.discordapp.com/embed/avatars/0.png' };

function runLink(h: LinkHarness, discordUser = member, interactionToken = `interaction-token-${discordUser.id}-${Math.random()}`) {
  h.discordFake.addUser(fakeDiscordUser(discordUser.id, discordUser.username, discordUser.displayName));
  return { ...h.links.startLink({ discordUser, applicationId: h.discordFake.applicationId, interactionToken }), interactionToken };
}

/** The start page's "Sign in with Discord", approved on the fake Discord as `discordUserId`; returns Discord's redirect. */
async function signInWithDiscord(h: LinkHarness, browser: TestBrowser, pageUrl: string, discordUserId: string) {
  const start = await browser.get(pageUrl);
  expect(start.status).toBe(200);
  const signInUrl = hrefOf(start.body, 'Sign in with Discord');
  expect(signInUrl).toBeDefined();
  h.discordFake.oauth.setLoggedInUser(discordUserId);
  return { start, signInUrl: signInUrl!, discordCallbackUrl: await h.discordFake.oauth.approve(signInUrl!) };
}

/** Start page → Discord → the bot's Discord callback; returns the AniList authorize URL it redirects to. */
async function throughDiscord(h: LinkHarness, browser: TestBrowser, pageUrl: string, discordUserId = member.id) {
  const { start, signInUrl, discordCallbackUrl } = await signInWithDiscord(h, browser, pageUrl, discordUserId);
  const discordCallback = await browser.get(discordCallbackUrl);
  expect(discordCallback.status, discordCallback.body).toBe(303);
  return { start, signInUrl, discordCallbackUrl, discordCallback, authorizeUrl: discordCallback.headers.get('location')! };
}

/** `/link` → start page → Discord → AniList approves; returns the callback URL AniList redirects to. */
async function approveOnAniList(h: LinkHarness, browser: TestBrowser, discordUser = member, anilistUserId: number = SEED_USERS.alice.id) {
  const { pageUrl, interactionToken } = runLink(h, discordUser);
  const discord = await throughDiscord(h, browser, pageUrl, discordUser.id);
  h.anilistFake.setLoggedInUser(anilistUserId);
  const callbackUrl = await h.anilistFake.approve(discord.authorizeUrl);
  return { ...discord, callbackUrl, pageUrl, interactionToken };
}

function linkedRows(h: LinkHarness) {
  return h.database.sqlite.prepare('SELECT * FROM linked_accounts ORDER BY discord_user_id').all() as Record<string, unknown>[];
}

describe('linking journey over real HTTP', () => {
  it('start page → Discord sign-in → AniList → callback → result page, token sealed, Discord reply edited', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { callbackUrl, authorizeUrl, signInUrl, discordCallback, start: startPage, interactionToken } = await approveOnAniList(h, browser);

    // The start page names the Discord account and binds this browser.
    expect(startPage.body).toContain('Mira');
    expect(startPage.body).toContain('@mira');
    expect(startPage.body).toContain(member.avatarUrl.replaceAll('&', '&amp;'));
    expect(startPage.headers.get('cache-control')).toBe('no-store');
    const setCookie = startPage.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^anilink_link=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const csp = startPage.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(startPage.headers.get('referrer-policy')).toBe('no-referrer');

    // First hop: Discord, scopes identify and role_connections.write, prompt=none, a fresh state; the redirect URI is
    // the bot's Discord callback.
    const signIn = new URL(signInUrl);
    expect(`${signIn.origin}${signIn.pathname}`).toBe(`${h.discordFake.oauth.oauthUrl}/authorize`);
    expect(Object.fromEntries(signIn.searchParams)).toEqual({
      client_id: h.discordFake.applicationId,
      redirect_uri: `${h.publicUrl}/oauth/discord/callback`,
      response_type: 'code',
      scope: 'identify role_connections.write',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as string,
      prompt: 'none',
    });
    expect(discordCallback.headers.get('cache-control')).toBe('no-store');
    // The Discord token proved who signed in (the bot asked Discord once who it belongs to) and is kept, sealed, for
    // the member's role connection once linked.
    const discordRequests = () => h.discordFake.requests.map((request) => `${request.method} ${request.route ?? request.path} ${request.status}`);
    expect(discordRequests()).toEqual(['POST /oauth2/token 200', 'GET /users/@me 200']);
    const discordTokens = h.discordFake.requests[0]!.response as { access_token: string; refresh_token: string };
    const pendingGrant = String((h.database.sqlite.prepare('SELECT sealed_discord_grant AS grant FROM link_requests').get() as { grant: string }).grant);
    expect(pendingGrant).toMatch(/^v1\./);
    expect(pendingGrant).not.toContain(discordTokens.access_token);

    // Second hop: AniList, with a state of its own.
    const authorize = new URL(authorizeUrl);
    expect(authorize.searchParams.get('state')).not.toBe(signIn.searchParams.get('state'));
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${h.anilistFake.oauthUrl}/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(h.anilistFake.clientId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${h.publicUrl}/oauth/callback`);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    const callback = await browser.get(callbackUrl);
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('done');
    expect(callback.headers.get('cache-control')).toBe('no-store');
    expect(browser.cookieNames(h.host)).not.toContain('anilink_link');

    const result = await browser.get(new URL(callback.headers.get('location')!, callbackUrl).toString());
    expect(result.status).toBe(200);
    expect(result.url).toBe(`${h.publicUrl}/oauth/done`);
    expect(result.body).toMatch(/AniList user <strong>AliceFake<\/strong> is now linked to Discord user <strong>Mira<\/strong> \(@mira\)/);

    const rows = linkedRows(h);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ discord_user_id: member.id, anilist_user_id: SEED_USERS.alice.id, anilist_name: 'AliceFake', score_format: 'POINT_10_DECIMAL', title_language: 'ENGLISH' });
    const linked = h.links.member(member.id)!;
    const token = linked.token();
    expect(token.split('.')).toHaveLength(3);
    expect(String(rows[0]!.sealed_token)).not.toContain(token);
    // The member view commands get carries the token neither sealed nor open, only a way to open it.
    expect(linked).toMatchObject({ discordUserId: member.id, anilistUserId: SEED_USERS.alice.id, anilistName: 'AliceFake', scoreFormat: 'POINT_10_DECIMAL', titleLanguage: 'ENGLISH', state: 'usable' });
    expect(JSON.stringify(linked)).not.toContain(String(rows[0]!.sealed_token));
    expect(JSON.stringify(linked)).not.toContain(token);
    // One year, from expires_in.
    expect(linked.expiresAt.getTime() - Date.now()).toBeGreaterThan(364 * 24 * 3600_000);

    expect(h.edits).toEqual([{ applicationId: h.discordFake.applicationId, interactionToken, content: expect.stringContaining('AliceFake') as string }]);
    // The pending request is gone.
    expect(h.database.sqlite.prepare('SELECT count(*) AS n FROM link_requests').get()).toEqual({ n: 0 });
    // Linked, the member's role connection was written with their own token, before the result page.
    expect(discordRequests()).toEqual([
      'POST /oauth2/token 200',
      'GET /users/@me 200',
      'PUT /users/@me/applications/{application_id}/role-connection 200',
    ]);
    expect(h.discordFake.roleConnections.connection(member.id)).toMatchObject({ platform_name: 'AniList', platform_username: 'AliceFake' });
    expect(result.body).toContain('Your Discord linked roles now follow the stats of AniList user <strong>AliceFake</strong>');
    const kept = h.database.sqlite.prepare('SELECT * FROM role_connections').all() as Record<string, unknown>[];
    expect(kept).toEqual([expect.objectContaining({ discord_user_id: member.id, application_id: h.discordFake.applicationId, stale_at: null })]);
    expect(String(kept[0]!.sealed_grant)).not.toContain(discordTokens.access_token);
    expect(String(kept[0]!.sealed_grant)).not.toContain(discordTokens.refresh_token);
  });

  it('no plaintext token, code, state or secret in the database file, its WAL or the logs', async () => {
    // The /link reply edit goes through discord.js to a Discord that does not know the interaction (as when the
    // member dismissed the reply), so it fails and is logged with discord.js's error, URL and all.
    const h = await start({ replies: await realDiscordReplies() });
    const browser = new TestBrowser();
    const { callbackUrl, pageUrl, interactionToken, discordCallbackUrl } = await approveOnAniList(h, browser);
    await browser.get(callbackUrl);
    await vi.waitFor(() => expect(h.logs.text()).toContain('could not edit the /link reply in Discord'), { timeout: 5_000 });
    const failedEdit = h.logs.lines().find((line) => line.includes('could not edit the /link reply'))!;
    expect(failedEdit).toContain('Unknown Webhook');
    expect(failedEdit).toContain(`/webhooks/${h.discordFake.applicationId}/[token]/messages/@original`);
    const token = h.links.member(member.id)!.token();
    const callback = new URL(callbackUrl);
    const discordCallback = new URL(discordCallbackUrl);
    const discordTokens = h.discordFake.requests.find((request) => request.route === '/oauth2/token')!.response as { access_token: string; refresh_token: string };
    const secrets = [
      token,
      callback.searchParams.get('code')!,
      callback.searchParams.get('state')!,
      discordCallback.searchParams.get('code')!,
      discordCallback.searchParams.get('state')!,
      discordTokens.access_token,
      discordTokens.refresh_token,
      DEFAULT_DISCORD_CLIENT_SECRET,
      new URL(pageUrl).pathname.split('/').pop()!,
      'fake-anilist-client-secret',
      browser.cookie(h.host, 'anilink_link') ?? 'no-cookie-left',
      interactionToken,
    ];
    const files = [h.databasePath, `${h.databasePath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path).toString('latin1'));
    expect(files.length).toBeGreaterThan(0);
    const logText = h.logs.text();
    expect(logText).toContain('account linked');
    for (const secret of secrets) {
      for (const file of files) expect(file.includes(secret)).toBe(false);
      expect(logText.includes(secret)).toBe(false);
    }
  });

  it('rejects a replayed callback (Discord\'s or AniList\'s) and leaves the link untouched', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { callbackUrl, discordCallbackUrl, start: startPage } = await approveOnAniList(h, browser);
    // The Discord state works once; the member's way on to AniList stays open.
    const discordReplay = await browser.get(discordCallbackUrl);
    expect(discordReplay.status).toBe(400);
    expect(discordReplay.body).toContain('expired or was already used');
    expect((await browser.get(callbackUrl)).status).toBe(303);
    expect((await browser.get(discordCallbackUrl)).status).toBe(400);
    // Replay with the original cookie restored, as an attacker holding both would.
    const cookie = /anilink_link=([^;]+)/.exec(startPage.headers.get('set-cookie') ?? '')![1]!;
    const replay = await browser.get(callbackUrl, { cookie: `anilink_link=${cookie}` });
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('expired or was already used');
    expect(linkedRows(h)).toHaveLength(1);
    // Each callback asked Discord once: the replays never reached it.
    expect(h.discordFake.requests.filter((request) => request.route === '/oauth2/token')).toHaveLength(1);
  });

  it('a Discord sign-in that comes back to another browser (a forwarded sign-in URL) is refused and does not spend the member\'s state', async () => {
    const h = await start();
    const memberBrowser = new TestBrowser();
    const { pageUrl } = runLink(h);
    const { signInUrl } = await signInWithDiscord(h, memberBrowser, pageUrl, member.id);
    // The raw Discord URL, forwarded: someone else signs in and lands on the callback without the member's cookie.
    h.discordFake.addUser(fakeDiscordUser(otherMember.id, otherMember.username));
    h.discordFake.oauth.setLoggedInUser(otherMember.id);
    const elsewhere = await new TestBrowser().get(await h.discordFake.oauth.approve(signInUrl));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toContain('same browser');
    // Discord was never asked about that code, and the member can still go on.
    expect(h.discordFake.requests.filter((request) => request.route === '/oauth2/token')).toHaveLength(0);
    h.discordFake.oauth.setLoggedInUser(member.id);
    expect((await memberBrowser.get(await h.discordFake.oauth.approve(signInUrl))).status).toBe(303);
  });

  it('a member who approved before goes through Discord without a second consent screen (prompt=none)', async () => {
    const h = await start();
    const browser = new TestBrowser();
    await browser.get((await approveOnAniList(h, browser)).callbackUrl);
    const { pageUrl } = runLink(h);
    const startPage = await browser.get(pageUrl);
    const straightBack = await fetch(hrefOf(startPage.body, 'Sign in with Discord')!, { redirect: 'manual' });
    expect(straightBack.status).toBe(302);
    expect(new URL(straightBack.headers.get('location')!).pathname).toBe('/oauth/discord/callback');
  });

  it('Cancel at Discord burns the request and stores nothing', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { pageUrl } = runLink(h);
    const startPage = await browser.get(pageUrl);
    h.discordFake.oauth.setLoggedInUser(member.id);
    const deniedUrl = await h.discordFake.oauth.deny(hrefOf(startPage.body, 'Sign in with Discord')!);
    expect(new URL(deniedUrl).searchParams.get('error')).toBe('access_denied');
    const denied = await browser.get(deniedUrl);
    expect(denied.status).toBe(400);
    expect(denied.body).toContain('did not approve the sign-in with Discord');
    expect(denied.headers.get('set-cookie')).toMatch(/anilink_link=;/);
    expect(linkedRows(h)).toHaveLength(0);
    expect(h.database.sqlite.prepare('SELECT count(*) AS n FROM link_requests').get()).toEqual({ n: 0 });
    expect(h.discordFake.requests.filter((request) => request.route === '/oauth2/token')).toHaveLength(0);
  });

  it('two concurrent callbacks for one state produce exactly one link', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { callbackUrl } = await approveOnAniList(h, browser);
    const cookie = browser.cookie(h.host, 'anilink_link')!;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => fetch(callbackUrl, { redirect: 'manual', headers: { cookie: `anilink_link=${cookie}` } })),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([303, 400, 400, 400, 400]);
    expect(linkedRows(h)).toHaveLength(1);
    expect(h.edits).toHaveLength(1);
  });

  it('refuses a callback in a browser that never opened the start page (forwarded authorize URL)', async () => {
    const h = await start();
    const attacker = new TestBrowser();
    const { authorizeUrl } = await approveOnAniList(h, attacker);
    // The victim gets the raw authorize URL, approves with their own AniList account, and lands on our callback.
    h.anilistFake.setLoggedInUser(SEED_USERS.bob.id);
    const victimCallback = await h.anilistFake.approve(authorizeUrl);
    const victim = new TestBrowser();
    const response = await victim.get(victimCallback);
    expect(response.status).toBe(400);
    expect(response.body).toContain('same browser');
    expect(linkedRows(h)).toHaveLength(0);
    // The refused callback did not consume the member's state: the member can still finish in their own browser.
    h.anilistFake.setLoggedInUser(SEED_USERS.alice.id);
    const ownCallback = await h.anilistFake.approve(authorizeUrl);
    expect((await attacker.get(ownCallback)).status).toBe(303);
    expect(linkedRows(h)).toEqual([expect.objectContaining({ discord_user_id: member.id, anilist_user_id: SEED_USERS.alice.id })]);
  });

  it('a callback with a bogus state or the wrong cookie neither consumes the member\'s state nor clears their cookie', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { callbackUrl } = await approveOnAniList(h, browser);
    const cookie = browser.cookie(h.host, 'anilink_link')!;

    // Someone else's browser (another binding cookie) and a bogus state, both with the member's cookie sent along.
    const otherCookie = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: `anilink_link=${'Z'.repeat(43)}` } });
    expect(otherCookie.status).toBe(400);
    expect(await otherCookie.text()).toContain('same browser');
    const bogusState = await fetch(`${h.publicUrl}/oauth/callback?state=${'A'.repeat(43)}&code=abc`, { redirect: 'manual', headers: { cookie: `anilink_link=${cookie}` } });
    expect(bogusState.status).toBe(400);
    expect(bogusState.headers.get('set-cookie')).toBeNull();
    expect(h.database.sqlite.prepare('SELECT count(*) AS n FROM link_requests').get()).toEqual({ n: 1 });

    // The member's own callback still works, and only it clears the cookie.
    const own = await browser.get(callbackUrl);
    expect(own.status).toBe(303);
    expect(own.headers.get('set-cookie')).toMatch(/anilink_link=;/);
    expect(linkedRows(h)).toHaveLength(1);
  });

  it('expires link pages and states after 10 minutes, and purges them', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { callbackUrl, pageUrl } = await approveOnAniList(h, browser);
    h.clock.advance(10 * 60_000 + 1_000);
    expect((await browser.get(pageUrl)).status).toBe(400);
    const late = await browser.get(callbackUrl);
    expect(late.status).toBe(400);
    expect(late.body).toContain('expired');
    expect(linkedRows(h)).toHaveLength(0);
    runLink(h, otherMember);
    h.clock.advance(11 * 60_000);
    expect(h.links.purgeExpiredRequests()).toBe(1);
  });

  it('a newer /link supersedes the older page', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const first = runLink(h);
    const second = runLink(h);
    expect((await browser.get(first.pageUrl)).status).toBe(400);
    expect((await browser.get(second.pageUrl)).status).toBe(200);
  });

  it('access_denied consumes the state and stores nothing', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { pageUrl } = runLink(h);
    const { authorizeUrl } = await throughDiscord(h, browser, pageUrl);
    const deniedUrl = await h.anilistFake.deny(authorizeUrl);
    expect(new URL(deniedUrl).searchParams.get('error')).toBe('access_denied');
    const denied = await browser.get(deniedUrl);
    expect(denied.status).toBe(400);
    expect(denied.body).toContain('did not approve');
    expect(linkedRows(h)).toHaveLength(0);
    expect(h.database.sqlite.prepare('SELECT count(*) AS n FROM link_requests').get()).toEqual({ n: 0 });
  });

  it('answers forged, missing, garbled and oversized parameters with a 400 page and no stack trace', async () => {
    const h = await start();
    const browser = new TestBrowser();
    await approveOnAniList(h, browser);
    const bad = [
      '/oauth/callback',
      '/oauth/callback?code=abc',
      '/oauth/callback?state=short&code=abc',
      `/oauth/callback?state=${'A'.repeat(43)}&code=abc`,
      `/oauth/callback?state=${'A'.repeat(43)}&state=${'B'.repeat(43)}&code=abc`,
      `/oauth/callback?state=${'A'.repeat(5000)}&code=${'c'.repeat(5000)}`,
      '/oauth/callback?state[$ne]=1&code[]=x',
      '/oauth/callback?state=%ZZ&code=%00',
      '/oauth/discord/callback',
      '/oauth/discord/callback?error=access_denied',
      `/oauth/discord/callback?state=${'A'.repeat(43)}&code=abc`,
      '/oauth/discord/callback?state[$ne]=1&code[]=x',
      '/link/short',
      `/link/${'A'.repeat(43)}`,
      `/link/${'A'.repeat(190)}`,
      '/link/%3Cscript%3E',
      '/oauth/done',
    ];
    for (const path of bad) {
      const response = await browser.get(`${h.publicUrl}${path}`);
      expect(response.status, path).toBe(400);
      expect(response.headers.get('content-type'), path).toContain('text/html');
      expect(response.body, path).not.toMatch(/at .*\.(ts|js):\d+/);
      expect(response.body, path).toContain('/link');
    }
    expect(linkedRows(h)).toHaveLength(0);
  });

  it('escapes every reflected value (script injection)', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const evil = { ...member, username: '<script>alert(1)</script>', displayName: '"><img src=x onerror=alert(1)>' };
    const { pageUrl } = runLink(h, evil);
    const page = await browser.get(pageUrl);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The callback reflects nothing from its query: whatever it is sent, a failure is the fixed page for its kind.
    // (Checking for escaped markup here could not fail, so check the stronger property instead.)
    const reflected = await browser.get(`${h.publicUrl}/oauth/callback?state=<script>alert(1)</script>&error=<script>x</script>&error_description=<b>hi</b>`);
    expect(reflected.status).toBe(400);
    expect(reflected.body).toBe(failurePage(createTranslations().forLocale('en'), 'expired').body);
  });

  it('relinking replaces the old AniList account; linking a taken AniList account moves it', async () => {
    const h = await start();
    const browser = new TestBrowser();
    await browser.get((await approveOnAniList(h, browser, member, SEED_USERS.alice.id)).callbackUrl);
    const relink = await approveOnAniList(h, browser, member, SEED_USERS.bob.id);
    await browser.get(relink.callbackUrl);
    const replaced = await browser.get(`${h.publicUrl}/oauth/done`);
    expect(replaced.body).toContain('replaces your previous link to AniList user AliceFake');
    expect(linkedRows(h).map((row) => row.anilist_user_id)).toEqual([SEED_USERS.bob.id]);

    const otherBrowser = new TestBrowser();
    const move = await approveOnAniList(h, otherBrowser, otherMember, SEED_USERS.bob.id);
    await otherBrowser.get(move.callbackUrl);
    const moved = await otherBrowser.get(`${h.publicUrl}/oauth/done`);
    expect(moved.body).toContain('was linked to another Discord account before');
    expect(linkedRows(h)).toEqual([expect.objectContaining({ discord_user_id: otherMember.id, anilist_user_id: SEED_USERS.bob.id })]);
    // The moved token opens only under its new row.
    expect(h.links.member(otherMember.id)!.token()).toMatch(/^ey/);
    // The member who lost the link is told, by DM, without naming who took it.
    await vi.waitFor(() => expect(h.discordFake.channelMessages.filter((message) => message.recipientId === member.id)).toHaveLength(1));
    const dm = h.discordFake.channelMessages.find((message) => message.recipientId === member.id)!.message.content;
    expect(dm).toContain('Your AniList account **BobFake** is no longer linked to you');
    expect(dm).toContain('/link');
    expect(dm).not.toContain(otherMember.username);
    // Their linked roles stop showing BobFake's numbers: emptied with their own token, which is then forgotten.
    await vi.waitFor(() => expect(h.discordFake.roleConnections.connection(member.id)).toEqual({ platform_name: null, platform_username: null, metadata: {} }));
    await vi.waitFor(() => expect(h.database.sqlite.prepare('SELECT discord_user_id AS id FROM role_connections').all()).toEqual([{ id: otherMember.id }]));
    expect(h.discordFake.roleConnections.connection(otherMember.id)).toMatchObject({ platform_username: 'BobFake' });
    expect(h.discordFake.schemaViolations).toEqual([]);
  });

  it('a moved link is announced gracefully to a member with closed DMs', async () => {
    const h = await start();
    const browser = new TestBrowser();
    await browser.get((await approveOnAniList(h, browser, member, SEED_USERS.bob.id)).callbackUrl);
    h.discordFake.setDmsClosed(member.id);
    const otherBrowser = new TestBrowser();
    expect((await otherBrowser.get((await approveOnAniList(h, otherBrowser, otherMember, SEED_USERS.bob.id)).callbackUrl)).status).toBe(303);
    await vi.waitFor(() => expect(h.logs.text()).toContain('told the previous member that their AniList link moved'));
    const line = h.logs.lines().map((text) => JSON.parse(text) as { msg: string; outcome?: string; level: number }).find((entry) => entry.msg.startsWith('told the previous member'))!;
    expect(line).toMatchObject({ outcome: 'undeliverable', level: 30 });
    expect(h.discordFake.channelMessages).toEqual([]);
    expect(linkedRows(h)).toEqual([expect.objectContaining({ discord_user_id: otherMember.id })]);
  });

  it('unlink deletes the link and its sealed token', async () => {
    const h = await start();
    const browser = new TestBrowser();
    await browser.get((await approveOnAniList(h, browser)).callbackUrl);
    expect(h.links.unlink(member.id)?.anilistName).toBe('AliceFake');
    expect(linkedRows(h)).toHaveLength(0);
    expect(h.links.unlink(member.id)).toBeUndefined();
  });

  it('reports a misconfigured client secret to the member and a hint to the admin, storing nothing', async () => {
    const h = await start({ clientSecret: 'wrong-secret' });
    const browser = new TestBrowser();
    const response = await browser.get((await approveOnAniList(h, browser)).callbackUrl);
    expect(response.status).toBe(502);
    expect(response.body).toContain('tell the server admin');
    expect(linkedRows(h)).toHaveLength(0);
    const errorLine = h.logs.lines().map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.level === 50);
    expect(errorLine?.msg).toContain('ANILIST_CLIENT_SECRET');
    expect(h.logs.text()).not.toContain('wrong-secret');
  });

  it('reports a wrong Discord client secret to the member and a hint to the admin, storing nothing', async () => {
    const h = await start({ env: { DISCORD_CLIENT_SECRET: 'wrong-discord-secret' } });
    const browser = new TestBrowser();
    const { pageUrl } = runLink(h);
    const { discordCallbackUrl } = await signInWithDiscord(h, browser, pageUrl, member.id);
    const response = await browser.get(discordCallbackUrl);
    expect(response.status).toBe(502);
    expect(response.body).toContain('tell the server admin');
    expect(linkedRows(h)).toHaveLength(0);
    const errorLine = h.logs.lines().map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.level === 50);
    expect(errorLine?.msg).toContain('DISCORD_CLIENT_SECRET');
    expect(h.logs.text()).not.toContain('wrong-discord-secret');
  });

  it('reports Discord being unreachable with a 502 page; the link page still works afterwards', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { pageUrl } = runLink(h);
    const { discordCallbackUrl } = await signInWithDiscord(h, browser, pageUrl, member.id);
    await h.discordFake.close();
    const response = await browser.get(discordCallbackUrl);
    expect(response.status).toBe(502);
    expect(response.body).toContain('Discord is not answering');
    expect(linkedRows(h)).toHaveLength(0);
    expect((await browser.get(pageUrl)).status).toBe(200);
  });

  it('reports AniList being unreachable with a 502 page', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { callbackUrl } = await approveOnAniList(h, browser);
    // AniList goes away between the member's approval and the code exchange.
    await h.anilistFake.close();
    const response = await browser.get(callbackUrl);
    expect(response.status).toBe(502);
    expect(response.body).toContain('AniList is not answering');
    expect(linkedRows(h)).toHaveLength(0);
  });

  it('reports AniList failing to identify the account with a 502 page', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { callbackUrl } = await approveOnAniList(h, browser);
    h.anilistFake.inject({ kind: 'status500' });
    const response = await browser.get(callbackUrl);
    expect(response.status).toBe(502);
    expect(linkedRows(h)).toHaveLength(0);
  });

  it('a tampered code answered with league\'s invalid_request ("Cannot decrypt the authorization code") asks the member to link again', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { callbackUrl } = await approveOnAniList(h, browser);
    const tampered = new URL(callbackUrl);
    const code = tampered.searchParams.get('code')!;
    tampered.searchParams.set('code', (code[0] === 'A' ? 'B' : 'A') + code.slice(1));
    const response = await browser.get(tampered.toString());
    expect(response.status).toBe(400);
    expect(response.body).toContain('AniList did not accept this sign-in');
    expect(response.body).not.toContain('misconfigured');
    expect(h.logs.text()).toContain('AniList answered invalid_request');
    expect(h.logs.lines().some((line) => (JSON.parse(line) as { level: number }).level >= 50)).toBe(false);
    expect(linkedRows(h)).toHaveLength(0);
  });

  it('AniList rate-limiting the Viewer query gets a "busy, try again in N seconds" page, keyed per member', async () => {
    const h = await start();
    const browser = new TestBrowser();
    const { callbackUrl } = await approveOnAniList(h, browser);
    const keys: string[] = [];
    const viewer = h.anilist.viewer.bind(h.anilist);
    vi.spyOn(h.anilist, 'viewer').mockImplementation((context) => {
      keys.push(context.key);
      return viewer(context);
    });
    h.anilistFake.inject({ kind: 'rateLimited', retryAfterS: 30 });
    const response = await browser.get(callbackUrl);
    expect(response.status).toBe(503);
    // AniList said 30 s; the client may round up by a second of its own.
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(30);
    expect(retryAfter).toBeLessThanOrEqual(31);
    expect(response.body).toContain('AniList is busy');
    expect(response.body).toContain(`again in ${retryAfter} seconds`);
    expect(keys).toEqual([`oauth-callback:${member.id}`]);
    expect(linkedRows(h)).toHaveLength(0);
  });

  it('a late "invalid token" for a replaced token does not mark the member\'s new link rejected', async () => {
    const h = await start();
    const browser = new TestBrowser();
    await browser.get((await approveOnAniList(h, browser)).callbackUrl);
    const old = h.links.member(member.id)!;
    // The member re-links (same AniList account, new token) while a command with the old token is in flight…
    await browser.get((await approveOnAniList(h, browser)).callbackUrl);
    const fresh = h.links.member(member.id)!;
    expect(fresh.token()).not.toBe(old.token());
    // …and that command's "Invalid token" arrives afterwards.
    expect(old.rejectToken()).toBe(false);
    expect(h.links.member(member.id)!.state).toBe('usable');
    // The current token being rejected still marks the link.
    expect(fresh.rejectToken()).toBe(true);
    expect(h.links.member(member.id)!.state).toBe('rejected');
  });

  it('counts failed requests per client address and answers with a readable page once they are used up', async () => {
    const h = await start({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    const browser = new TestBrowser();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await browser.get(`${h.publicUrl}/oauth/callback`)).status);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
    const limited = await browser.get(`${h.publicUrl}/oauth/callback`);
    expect(limited.body).toContain('Too many attempts');
    expect((await browser.get(`${h.publicUrl}/healthz`)).status).toBe(200);
  });
});

describe('Discord interaction tokens in logs', () => {
  it('a failed discord.js edit of an unknown interaction\'s reply is logged without its token or request body', async () => {
    const discord = (fakeDiscord = await startFakeDiscord({}));
    const rest = new REST({ api: discord.apiUrl, retries: 0 });
    const interactionToken = `aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTpzZWNyZXQ${'x'.repeat(60)}`;
    const logs = captureLogs();
    const error = await createInteractionReplies(rest)
      .editOriginal(discord.applicationId, interactionToken, 'very private reply content')
      .then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    // What discord.js puts on its error, which pino would copy.
    expect((error as { url?: string }).url).toContain(interactionToken);
    logs.logger.warn({ err: error }, 'could not edit the reply');
    logs.logger.error({ err: new Error(`POST /interactions/123456789012345678/${interactionToken}/callback failed`) }, 'callback failed');

    const text = logs.text();
    expect(text).not.toContain(interactionToken);
    expect(text).not.toContain('very private reply content');
    expect(text).not.toContain('requestBody');
    const [edit, callback] = logs.lines().map((line) => JSON.parse(line) as { err: { url?: string; message: string; stack: string; status?: number } });
    expect(edit!.err.url).toMatch(new RegExp(`/webhooks/${discord.applicationId}/\\[token\\]/messages/@original$`));
    expect(edit!.err.status).toBe(404);
    expect(edit!.err.message).toContain('Unknown Webhook');
    expect(callback!.err.message).toContain('/interactions/123456789012345678/[token]/callback');
    expect(callback!.err.stack).toContain('/interactions/123456789012345678/[token]/callback');
  });
});
