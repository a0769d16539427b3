/**
 * Linked roles end to end in one process: the real bot (discord.js against the fake gateway) registers its metadata,
 * members verify from the linked-roles page or link with /link, and their role connections follow their AniList
 * lists, as the fake Discord stores them and checks a role's requirements.
 */
import { MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { MetadataType, fakeUsers, type FakeRoleConnection } from '../../fakes/discord/index.js';
import { METADATA_KEYS } from '../../src/roles/index.js';
import { linkMember, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { TestBrowser } from '../support/browser.js';
import { walkLinkPages, type WalkedPage } from '../support/link-walk.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-linked-roles-');
let harness: BotHarness | undefined;

afterEach(async () => {
  expect(harness?.discord.schemaViolations ?? []).toEqual([]);
  // Discord's rate limits (on by default in the fake) were honoured: discord.js's queue never ran into a 429.
  expect(harness?.discord.rateLimitHits ?? []).toEqual([]);
  await harness?.close();
  harness = undefined;
});

async function start(pushDebounceMs = 50): Promise<BotHarness> {
  harness = await startBotHarness({ dir: tempDir(), linkedRoles: { pushDebounceMs } });
  return harness;
}

/** Discord's Linked Roles menu opens the verification URL in the member's browser; the walk signs in and approves. */
function verify(h: BotHarness, discordUserId: string, anilistUserId: number, browser = new TestBrowser()): Promise<WalkedPage> {
  return walkLinkPages({ discord: h.discord, anilist: h.anilistFake }, browser, `${h.publicUrl}/linked-role`, { discordUserId, anilistUserId });
}

/** The AniList operations the bot sent since `from` (an index into the fake's request log). */
function anilistOperationsSince(h: BotHarness, from: number): string[] {
  return h.anilistFake.graphqlRequests().slice(from).map((request) => request.operationName ?? '?');
}

/**
 * alice's connection as the seed makes it (fakes/anilist/seed.ts): completed anime frieren, aot, yourName (3);
 * episodes 28 + 25 + 1 + 1050 + 10 + 2 + 4 + 3 + 5 = 1128 (every anime but the planned one); completed manga punpun
 * (1); chapters 147 + 370 = 517; the account's creation date.
 */
function aliceConnection(h: BotHarness): FakeRoleConnection {
  return {
    platform_name: 'AniList',
    platform_username: 'AliceFake',
    metadata: {
      anime_completed: '3',
      episodes_watched: '1128',
      manga_completed: '1',
      chapters_read: '517',
      anilist_since: new Date(h.anilistFake.store.getUser(SEED_USERS.alice.id)!.createdAt * 1000).toISOString(),
    },
  };
}

const roleConnectionWrites = (h: BotHarness) => h.discord.requests.filter((request) => request.route === '/users/@me/applications/{application_id}/role-connection');

describe('linked roles', () => {
  it('registers exactly the five metadata records at start; a refused registration is logged with its fix and changes nothing', async () => {
    const h = await start();
    expect(h.discord.roleConnections.metadata.map(({ key, type }) => ({ key, type }))).toEqual([
      { key: 'anime_completed', type: MetadataType.IntegerGreaterThanOrEqual },
      { key: 'episodes_watched', type: MetadataType.IntegerGreaterThanOrEqual },
      { key: 'manga_completed', type: MetadataType.IntegerGreaterThanOrEqual },
      { key: 'chapters_read', type: MetadataType.IntegerGreaterThanOrEqual },
      { key: 'anilist_since', type: MetadataType.DatetimeGreaterThanOrEqual },
    ]);
    expect(METADATA_KEYS).toEqual(h.discord.roleConnections.metadata.map((record) => record.key));
    for (const record of h.discord.roleConnections.metadata) {
      expect(record.name.length).toBeLessThanOrEqual(100);
      expect(record.description.length).toBeLessThanOrEqual(200);
    }
    expect(h.logs.text()).toContain('linked-roles metadata registered');

    // Another application's metadata (a token of another app): Discord refuses, the bot logs the fix and goes on.
    expect(await h.app.linkedRoles.registerMetadata('123456789012345678')).toBe(false);
    expect(h.logs.text()).toContain('could not register the linked-roles metadata: check that DISCORD_TOKEN belongs to this application');
    expect(h.discord.roleConnections.metadata).toHaveLength(5);
    const link = h.discord.sendCommand({ name: 'link', user: 'alice' });
    expect((await link.waitForInitialResponse()).data).toMatchObject({ flags: MessageFlags.Ephemeral });
  });

  it('an unlinked member verifies from the Linked Roles menu: Discord, then AniList, then done, with their numbers written', async () => {
    const h = await start();
    const before = h.anilistFake.graphqlRequests().length;
    const browser = new TestBrowser();
    const done = await verify(h, fakeUsers.alice.id, SEED_USERS.alice.id, browser);

    expect(done.status, done.body).toBe(200);
    expect(done.url).toBe(`${h.publicUrl}/oauth/done`);
    // The verification page, Discord's consent (both scopes), the bot's Discord callback, AniList, the bot's callback.
    const discordAuthorize = new URL(done.visited.find((url) => url.startsWith(h.discord.oauth.oauthUrl))!);
    expect(discordAuthorize.searchParams.get('scope')).toBe('identify role_connections.write');
    expect(discordAuthorize.searchParams.get('client_id')).toBe(h.discord.applicationId);
    expect(done.visited.some((url) => url.startsWith(h.anilistFake.oauthUrl))).toBe(true);
    expect(done.body).toMatch(/AniList user <strong>AliceFake<\/strong> is now linked to Discord user <strong>[^<]+<\/strong>/);
    expect(done.body).toContain('Your Discord linked roles now follow the stats of AniList user <strong>AliceFake</strong>');

    expect(h.links.member(fakeUsers.alice.id)).toMatchObject({ anilistUserId: SEED_USERS.alice.id, state: 'usable' });
    expect(h.discord.roleConnections.connection(fakeUsers.alice.id)).toEqual(aliceConnection(h));
    // The AniList budget: the Viewer query that identifies the account carries the numbers too.
    expect(anilistOperationsSince(h, before)).toEqual(['Viewer']);
    expect(roleConnectionWrites(h).map((request) => request.method)).toEqual(['PUT']);
    // Nothing of the sign-in is left behind: the state and the pending request are spent.
    expect(h.database.sqlite.prepare('SELECT (SELECT count(*) FROM link_requests) + (SELECT count(*) FROM linked_role_sign_ins) AS n').get()).toEqual({ n: 0 });
    expect(browser.cookieNames(h.host)).not.toContain('anilink_link');
  });

  it('a linked member verifies with Discord only, and the page names the AniList account behind their roles', async () => {
    const h = await start();
    await linkMember(h, 'bob', SEED_USERS.carol.id);
    // Their roles were written when they linked; a later verification (say, after removing the connection in
    // Discord) writes them again.
    expect(h.discord.roleConnections.connection(fakeUsers.bob.id)).toMatchObject({ platform_username: 'CarolFake' });
    await h.app.linkedRoles.disconnect(fakeUsers.bob.id);
    expect(h.discord.roleConnections.connection(fakeUsers.bob.id)?.metadata).toEqual({});

    const before = h.anilistFake.graphqlRequests().length;
    const done = await verify(h, fakeUsers.bob.id, SEED_USERS.alice.id);
    expect(done.status, done.body).toBe(200);
    expect(done.url).toBe(`${h.publicUrl}/oauth/done`);
    expect(done.visited.some((url) => url.startsWith(h.anilistFake.oauthUrl))).toBe(false);
    expect(done.body).toMatch(/AniList user <strong>CarolFake<\/strong> now backs the linked roles of Discord user <strong>[^<]+<\/strong> \(@bob_the_builder\)/);
    // carol's seed: bocchi and madoka completed; 12 + 12 + 12 episodes (frieren, bocchi, madoka); no manga completed;
    // 120 + 5 chapters (chainsawMan, hanaNoUta).
    expect(h.discord.roleConnections.connection(fakeUsers.bob.id)).toMatchObject({
      platform_username: 'CarolFake',
      metadata: { anime_completed: '2', episodes_watched: '36', manga_completed: '0', chapters_read: '125' },
    });
    expect(anilistOperationsSince(h, before)).toEqual(['ViewerStatistics']);
    // The link itself is untouched: same AniList account.
    expect(h.links.member(fakeUsers.bob.id)?.anilistUserId).toBe(SEED_USERS.carol.id);
  });

  it('the verification page keeps /link\'s safeguards: bound to the browser, single use, expiring', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    const browser = new TestBrowser();
    const page = await browser.get(`${h.publicUrl}/linked-role`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('set-cookie')).toMatch(/^anilink_link=.*HttpOnly/i);
    expect(page.body).toContain('What Discord will get');
    const signInUrl = /<a class="button" href="([^"]+)"/.exec(page.body)![1]!.replaceAll('&amp;', '&');
    h.discord.oauth.setLoggedInUser(fakeUsers.alice.id);
    const callback = await h.discord.oauth.approve(signInUrl);

    // Another browser (a forwarded sign-in) is refused and does not spend the member's state.
    const elsewhere = await new TestBrowser().get(callback);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toContain('Finish in the same browser');
    const first = await browser.get(callback);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('../done');
    // Used once; a replay finds nothing.
    const replay = await browser.get(callback);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('This link has expired');

    // A visit left for longer than ten minutes expires.
    const late = new TestBrowser();
    const latePage = await late.get(`${h.publicUrl}/linked-role`);
    const lateCallback = await h.discord.oauth.approve(/<a class="button" href="([^"]+)"/.exec(latePage.body)![1]!.replaceAll('&amp;', '&'));
    h.clock.advance(10 * 60_000 + 1_000);
    expect((await late.get(lateCallback)).status).toBe(400);
    expect(h.app.links.purgeExpiredRequests()).toBeGreaterThanOrEqual(1);
    expect(h.database.sqlite.prepare('SELECT count(*) AS n FROM linked_role_sign_ins').get()).toEqual({ n: 0 });

    // Each visit stores a sign-in, so one address gets at most 20 a minute; then a readable page, and nothing stored.
    const visits = [];
    for (let i = 0; i < 21; i++) visits.push((await new TestBrowser().get(`${h.publicUrl}/linked-role`)).status);
    expect(visits.filter((status) => status === 200).length).toBeLessThanOrEqual(20);
    const refused = await new TestBrowser().get(`${h.publicUrl}/linked-role`);
    expect(refused.status).toBe(429);
    expect(refused.body).toContain('Too many attempts');
    expect((h.database.sqlite.prepare('SELECT count(*) AS n FROM linked_role_sign_ins').get() as { n: number }).n).toBeLessThanOrEqual(20);
  });

  it('a linked member whose AniList authorization stopped working is told to /link again, and nothing is written', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    const writes = roleConnectionWrites(h).length;
    h.anilistFake.revokeAllTokens(SEED_USERS.alice.id);
    const done = await verify(h, fakeUsers.alice.id, SEED_USERS.alice.id);
    expect(done.status).toBe(200);
    expect(done.body).toContain('AniList no longer accepts the bot');
    expect(h.links.member(fakeUsers.alice.id)?.state).toBe('rejected');
    expect(roleConnectionWrites(h)).toHaveLength(writes);
    // With the link rejected, the next verification goes through AniList again and writes the numbers.
    const again = await verify(h, fakeUsers.alice.id, SEED_USERS.alice.id);
    expect(again.visited.some((url) => url.startsWith(h.anilistFake.oauthUrl))).toBe(true);
    expect(again.body).toContain('Your Discord linked roles now follow the stats of AniList user <strong>AliceFake</strong>');
    expect(roleConnectionWrites(h)).toHaveLength(writes + 1);
  });

  it('/update to COMPLETED raises anime_completed in the written connection, without another AniList request', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    expect(h.discord.roleConnections.connection(fakeUsers.alice.id)).toEqual(aliceConnection(h));
    // A server's role "completed ≥ 4 anime": not yet.
    expect(h.discord.roleConnections.qualifies(fakeUsers.alice.id, { anime_completed: 4 })).toBe(false);
    const writesBefore = roleConnectionWrites(h).length;

    const before = h.anilistFake.graphqlRequests().length;
    const update = h.discord.sendCommand({
      name: 'update',
      user: 'alice',
      options: [{ name: 'media', value: String(SEED_MEDIA.apothecary.id) }, { name: 'status', value: 'COMPLETED' }],
    });
    expect((await update.waitForEdit()).message!.embeds).toHaveLength(1);
    await vi.waitFor(() => expect(h.discord.roleConnections.connection(fakeUsers.alice.id)?.metadata.anime_completed).toBe('4'));
    expect(h.discord.roleConnections.qualifies(fakeUsers.alice.id, { anime_completed: 4 })).toBe(true);
    // /update's own requests (the title, the save), and none for the roles: the save answered with the statistics.
    expect(anilistOperationsSince(h, before)).toEqual(['MediaById', 'SaveMediaListEntry']);
    expect(roleConnectionWrites(h)).toHaveLength(writesBefore + 1);

    // A change that moves no number (a score) writes nothing.
    const score = h.discord.sendCommand({ name: 'update', user: 'alice', options: [{ name: 'media', value: String(SEED_MEDIA.apothecary.id) }, { name: 'score', value: 9 }] });
    await score.waitForEdit();
    await h.app.linkedRoles.flush();
    expect(roleConnectionWrites(h)).toHaveLength(writesBefore + 1);

  });

  it('a run of /update calls is one write, with the last numbers', async () => {
    // A quiet time longer than the test: the writes waiting for it go out when flushed (as at shutdown).
    const h = await start(60_000);
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    const writesBefore = roleConnectionWrites(h).length;
    for (const progress of [1061, 1062, 1063]) {
      const step = h.discord.sendCommand({ name: 'update', user: 'alice', options: [{ name: 'media', value: String(SEED_MEDIA.onePiece.id) }, { name: 'progress', value: progress }] });
      await step.waitForEdit();
    }
    expect(roleConnectionWrites(h)).toHaveLength(writesBefore);
    await h.app.linkedRoles.flush();
    expect(roleConnectionWrites(h)).toHaveLength(writesBefore + 1);
    // One Piece went from 1050 to 1063 episodes.
    expect(h.discord.roleConnections.connection(fakeUsers.alice.id)?.metadata.episodes_watched).toBe(String(1128 + 13));
  });

  it('/unlink clears the connection with the member\'s token, then forgets the tokens', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    expect(h.discord.roleConnections.qualifies(fakeUsers.alice.id, { anime_completed: 1 })).toBe(true);
    const unlink = h.discord.sendCommand({ name: 'unlink', user: 'alice' });
    const answer = (await unlink.waitForEdit()).message!;
    expect(answer.content).toContain('Your linked roles no longer show AniList stats');
    expect(h.discord.roleConnections.connection(fakeUsers.alice.id)).toEqual({ platform_name: null, platform_username: null, metadata: {} });
    expect(h.discord.roleConnections.qualifies(fakeUsers.alice.id, { anime_completed: 1 })).toBe(false);
    expect(h.database.sqlite.prepare('SELECT count(*) AS n FROM role_connections').get()).toEqual({ n: 0 });
    expect(h.links.member(fakeUsers.alice.id)).toBeUndefined();
    expect(roleConnectionWrites(h).at(-1)).toMatchObject({ method: 'PUT', body: {}, status: 200 });
  });

  it('an expired Discord access token is refreshed; a refused refresh token marks the connection stale, tells the member once, and leaves the AniList link working', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    const update = (status: string, mediaId: number) =>
      h.discord.sendCommand({ name: 'update', user: 'alice', options: [{ name: 'media', value: String(mediaId) }, { name: 'status', value: status }] }).waitForEdit();

    // Expired a week later: the refresh token gets a new one, and the write goes through.
    h.discord.oauth.expireAccessTokens(fakeUsers.alice.id);
    await update('COMPLETED', SEED_MEDIA.apothecary.id);
    await vi.waitFor(() => expect(h.discord.roleConnections.connection(fakeUsers.alice.id)?.metadata.anime_completed).toBe('4'));
    expect(h.discord.oauth.grants.filter((grant) => grant.userId === fakeUsers.alice.id).map((grant) => grant.grantType)).toEqual(['authorization_code', 'refresh_token']);

    // alice removes the app in Discord: the refresh token is refused.
    h.discord.oauth.deauthorize(fakeUsers.alice.id);
    h.discord.oauth.expireAccessTokens(fakeUsers.alice.id);
    await update('COMPLETED', SEED_MEDIA.nastyTitle.id);
    await vi.waitFor(() => expect(h.discord.channelMessages.filter((message) => message.recipientId === fakeUsers.alice.id)).toHaveLength(1));
    const dm = h.discord.channelMessages.find((message) => message.recipientId === fakeUsers.alice.id)!.message.content;
    expect(dm).toContain('linked roles');
    expect(dm).toContain(`${h.publicUrl}/linked-role`);
    expect(dm).toContain('Your AniList link itself still works');
    await vi.waitFor(() => expect(h.database.sqlite.prepare('SELECT stale_at IS NOT NULL AS stale, stale_notice AS notice FROM role_connections').get()).toEqual({ stale: 1, notice: 'sent' }));

    // The AniList link works as before, and further changes neither write nor message again.
    expect(h.links.member(fakeUsers.alice.id)?.state).toBe('usable');
    const writes = roleConnectionWrites(h).length;
    await update('COMPLETED', SEED_MEDIA.longTitle.id);
    const list = h.discord.sendCommand({ name: 'list', user: 'alice' });
    expect((await list.waitForEdit()).message!.embeds.length).toBeGreaterThan(0);
    await h.app.linkedRoles.flush();
    await h.app.linkedRoles.refreshDue();
    expect(roleConnectionWrites(h)).toHaveLength(writes);
    expect(h.discord.channelMessages.filter((message) => message.recipientId === fakeUsers.alice.id)).toHaveLength(1);
    // Verifying again brings the connection back.
    const done = await verify(h, fakeUsers.alice.id, SEED_USERS.alice.id);
    expect(done.body).toContain('now backs the linked roles');
    expect(h.discord.roleConnections.connection(fakeUsers.alice.id)?.metadata.anime_completed).toBe('6');
  });

  it('the daily refresh follows changes made on AniList itself, on the background lane', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await linkMember(h, 'bob', SEED_USERS.carol.id);
    // Changed on AniList's own site: the bot hears nothing of it.
    h.anilistFake.store.addEntry({ userId: SEED_USERS.alice.id, mediaId: SEED_MEDIA.madoka.id, status: 'COMPLETED', progress: 12 });
    const before = h.anilistFake.graphqlRequests().length;
    const backgroundBefore = h.limiter.stats().background.sent;

    // Readings younger than a day are left alone.
    expect(await h.app.linkedRoles.refreshDue()).toEqual({ pushed: 0, unchanged: 0, stale: 0, pending: 0, cleared: 0 });
    expect(h.anilistFake.graphqlRequests().length).toBe(before);

    h.clock.advance(25 * 60 * 60_000);
    expect(await h.app.linkedRoles.refreshDue()).toEqual({ pushed: 1, unchanged: 1, stale: 0, pending: 0, cleared: 0 });
    expect(h.discord.roleConnections.connection(fakeUsers.alice.id)?.metadata).toMatchObject({ anime_completed: '4', episodes_watched: String(1128 + 12) });
    expect(anilistOperationsSince(h, before)).toEqual(['ViewerStatistics', 'ViewerStatistics']);
    expect(h.limiter.stats().background.sent - backgroundBefore).toBe(2);

    // A connection whose member is no longer linked (their link moved, or was removed elsewhere) is cleared.
    h.database.sqlite.prepare('DELETE FROM linked_accounts WHERE discord_user_id = ?').run(fakeUsers.bob.id);
    expect((await h.app.linkedRoles.refreshDue()).cleared).toBe(1);
    expect(h.discord.roleConnections.connection(fakeUsers.bob.id)?.metadata).toEqual({});
    expect(h.database.sqlite.prepare('SELECT discord_user_id AS id FROM role_connections').all()).toEqual([{ id: fakeUsers.alice.id }]);
  });
});
