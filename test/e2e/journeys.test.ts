import { randomBytes } from 'node:crypto';
import { MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers } from '../../fakes/discord/index.js';
import { TestBrowser, hrefOf } from '../support/browser.js';
import { describeOutput, killAllBots, type BotProcess } from './support/bot-process.js';
import {
  dataOf,
  expectCleanDiscordTraffic,
  expectNoSecretsInOutput,
  linkOverHttp,
  runLinkCommand,
  startWorld,
  walkAndRecord,
  type StartWorldOptions,
  type World,
} from './support/world.js';

const RUN_LINK_FIRST = 'Your Discord account is not linked to AniList yet. Run `/link` to connect it.';

let world: World | undefined;
/** Every bot process a test started, for the secrets check. */
let bots: BotProcess[] = [];

afterEach(async () => {
  await killAllBots();
  await world?.close();
  world = undefined;
  bots = [];
});

async function start(options: StartWorldOptions = {}): Promise<World> {
  world = await startWorld(options);
  bots.push(world.bot);
  return world;
}

async function profileEmbedTitle(w: World, user: 'alice' | 'bob' | 'carol' | 'dave'): Promise<string | undefined> {
  const handle = w.discord.sendCommand({ name: 'profile', user });
  const initial = await handle.waitForInitialResponse(5_000);
  expect(initial.latencyMs).toBeLessThan(3_000);
  const edit = await handle.waitForEdit(10_000);
  return edit.message?.embeds[0]?.title as string | undefined;
}

describe('the real bot process', () => {
  it('/link → start page → Discord sign-in → AniList approve → callback → result page → reply edited; /profile shows it; /unlink; /profile says link first', async () => {
    const w = await start();
    const { handle, page, result } = await linkOverHttp(w, 'alice', SEED_USERS.alice.id);
    expect(page.body).toContain(fakeUsers.alice.username);
    expect(result.body).toMatch(/AniList user <strong>AliceFake<\/strong> is now linked to Discord user <strong>Alice<\/strong> \(@alice\)/);

    const edit = await handle.waitForEdit(10_000);
    expect(edit.message!.content).toContain('AliceFake');
    expect(edit.message!.flags & MessageFlags.Ephemeral).toBeTruthy();

    expect(await profileEmbedTitle(w, 'alice')).toBe('AliceFake');

    // Linking also wrote alice's linked-roles numbers; /unlink empties them first, so its answer comes as an edit.
    expect(w.discord.roleConnections.connection(fakeUsers.alice.id)).toMatchObject({ platform_name: 'AniList', platform_username: 'AliceFake' });
    const unlink = w.discord.sendCommand({ name: 'unlink', user: 'alice' });
    expect((await unlink.waitForInitialResponse(5_000)).type).toBe(5);
    expect((await unlink.waitForEdit(10_000)).message!.content).toContain('Unlinked from AniList user **AliceFake**');
    expect(w.discord.roleConnections.connection(fakeUsers.alice.id)?.metadata).toEqual({});

    const after = w.discord.sendCommand({ name: 'profile', user: 'alice' });
    const answer = dataOf(await after.waitForInitialResponse(5_000));
    expect(answer.content).toBe(RUN_LINK_FIRST);
    expect(answer.flags! & MessageFlags.Ephemeral).toBeTruthy();

    // Without METRICS_PORT or METRICS_TOKEN, nothing about members is served on the public port.
    expect((await fetch(`${w.bot.publicUrl}/metrics`)).status).toBe(404);

    expectCleanDiscordTraffic(w);
    // Discord token, client secret, encryption key, link page id, browser cookie, OAuth code and state.
    expect(w.secrets.size).toBeGreaterThanOrEqual(7);
    expectNoSecretsInOutput(w, bots);
  });

  it('a start page forwarded to another member is refused at the Discord sign-in: nothing stored, the link burned, the owner of the AniList account keeps it', async () => {
    const w = await start();
    await linkOverHttp(w, 'bob', SEED_USERS.bob.id);
    // dave runs /link and sends his start page to bob, who goes through it signed in as himself everywhere.
    const { handle, pageUrl } = await runLinkCommand(w, 'dave');
    const refused = await walkAndRecord(w, new TestBrowser(), pageUrl, { discordUserId: fakeUsers.bob.id, anilistUserId: SEED_USERS.bob.id });
    expect(refused.status, describeOutput(w.bot)).toBe(403);
    expect(refused.body).toContain('made for another Discord account');
    expect(refused.body).not.toContain(fakeUsers.dave.username);
    expect(refused.body).not.toContain(fakeUsers.bob.username);
    expect(refused.visited.some((url) => url.startsWith(w.anilist.oauthUrl))).toBe(false);
    // The link is burned for dave too, and bob's own link stands.
    expect((await new TestBrowser().get(pageUrl)).status).toBe(400);
    expect(await profileEmbedTitle(w, 'bob')).toBe('BobFake');
    expect(dataOf(await w.discord.sendCommand({ name: 'profile', user: 'dave' }).waitForInitialResponse(5_000)).content).toBe(RUN_LINK_FIRST);
    expect(handle.edits).toHaveLength(0);
    await w.bot.waitForLog((line) => line.msg.startsWith('a link page was opened by another Discord account'));
    expectCleanDiscordTraffic(w);
    expectNoSecretsInOutput(w, bots);
  });

  it('replays of either callback, and Cancel at Discord, store nothing', async () => {
    const w = await start();
    const { result } = await linkOverHttp(w, 'carol', SEED_USERS.carol.id);
    const [discordCallback, anilistCallback] = result.callbacks;
    for (const replayed of [discordCallback!, anilistCallback!]) {
      const replay = await new TestBrowser().get(replayed);
      expect(replay.status, replayed.split('?')[0]).toBe(400);
      expect(replay.body).toContain('expired or was already used');
    }
    // Someone else's /link, cancelled at Discord.
    const { pageUrl } = await runLinkCommand(w, 'alice');
    const cancelled = await walkAndRecord(w, new TestBrowser(), pageUrl, { discordUserId: fakeUsers.alice.id, anilistUserId: SEED_USERS.alice.id, cancelAt: 'discord' });
    expect(cancelled.status).toBe(400);
    expect(cancelled.body).toContain('did not approve the sign-in with Discord');
    expect(dataOf(await w.discord.sendCommand({ name: 'profile', user: 'alice' }).waitForInitialResponse(5_000)).content).toBe(RUN_LINK_FIRST);
    expect(await profileEmbedTitle(w, 'carol')).toBe('CarolFake');
    expectNoSecretsInOutput(w, bots);
  });

  it('behind a reverse proxy (TRUST_PROXY=127.0.0.1): members keep separate failure budgets, and junk never stops a member who holds a live link', async () => {
    const w = await start({ env: { TRUST_PROXY: '127.0.0.1' } });
    const junk = (from: string) => fetch(`${w.bot.publicUrl}/link/${randomBytes(32).toString('base64url')}`, { headers: { 'x-forwarded-for': from } });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) statuses.push((await junk('198.51.100.7')).status);
    expect(statuses.slice(0, 30)).toEqual(Array<number>(30).fill(400));
    expect(statuses.slice(30)).toEqual(Array<number>(10).fill(429));
    // Another member behind the same proxy still gets the ordinary page for a mistyped link.
    expect((await junk('198.51.100.8')).status).toBe(400);

    // A member at the junk's own address, holding a live link, links through both hops.
    const { pageUrl } = await runLinkCommand(w, 'alice');
    const browser = new TestBrowser({ 'x-forwarded-for': '198.51.100.7' });
    const page = await browser.get(pageUrl);
    expect(page.status).toBe(200);
    expect(hrefOf(page.body, 'Sign in with Discord')).toBeDefined();
    const done = await walkAndRecord(w, browser, pageUrl, { discordUserId: fakeUsers.alice.id, anilistUserId: SEED_USERS.alice.id });
    expect(done.url).toBe(`${w.bot.publicUrl}/oauth/done`);
    expect(await profileEmbedTitle(w, 'alice')).toBe('AliceFake');
    // Through the trusted proxy, /healthz has seen no X-Forwarded-For it distrusts.
    expect(((await w.bot.health()).body as { untrustedForwardedFor: boolean }).untrustedForwardedFor).toBe(false);
    expectNoSecretsInOutput(w, bots);
  });

  it('a token revoked at AniList: the next /profile tells the member to link again, and so does the one after', async () => {
    const w = await start();
    await linkOverHttp(w, 'bob', SEED_USERS.bob.id);
    w.anilist.revokeAllTokens(SEED_USERS.bob.id);

    const profile = w.discord.sendCommand({ name: 'profile', user: 'bob' });
    expect((await profile.waitForInitialResponse(5_000)).latencyMs).toBeLessThan(3_000);
    // AniList rejects the token: the public card is fetched again without it, with the instruction to link again.
    const first = await profile.waitForEdit(10_000);
    expect(first.message!.embeds[0]!.title).toBe('BobFake');
    expect(JSON.stringify(first.message!.embeds[0]!.fields)).toMatch(/run `?\/link`? (to connect )?again/i);

    // The rejection is remembered: the public profile still shows, with the instruction to link again.
    const again = w.discord.sendCommand({ name: 'profile', user: 'bob' });
    const shown = await again.waitForEdit(10_000);
    expect(shown.message!.embeds[0]!.title).toBe('BobFake');
    expect(JSON.stringify(shown.message!.embeds[0]!.fields)).toMatch(/run `?\/link`? (to connect )?again/i);

    expectCleanDiscordTraffic(w);
    expectNoSecretsInOutput(w, bots);
  });

  it('restart persistence: SIGKILL, start again on the same database and key, the link still works', async () => {
    const w = await start();
    await linkOverHttp(w, 'carol', SEED_USERS.carol.id);
    const killed = await w.bot.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');

    bots.push(await w.restart());
    expect(w.bot.logs().some((line) => line.msg === 'connected to Discord')).toBe(true);
    expect(await profileEmbedTitle(w, 'carol')).toBe('CarolFake');
    // The token was opened with the key from the environment: an authenticated call reached AniList.
    const last = w.anilist.graphqlRequests().at(-1)!;
    expect(last.viewerId).toBe(SEED_USERS.carol.id);

    expectCleanDiscordTraffic(w);
    expectNoSecretsInOutput(w, bots);
  });

  it('gateway drop (4000, resumable): the bot resumes or re-identifies and answers the next command', async () => {
    const w = await start();
    const readyBefore = w.discord.readyCount;
    const resumesBefore = w.discord.resumeCount;
    w.discord.closeGateway(4000, 'e2e: unknown error');

    const deadline = Date.now() + 20_000;
    while (w.discord.resumeCount === resumesBefore && w.discord.readyCount === readyBefore) {
      if (Date.now() > deadline) throw new Error(`the bot did not come back to the gateway\n${describeOutput(w.bot)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const resumed = w.discord.resumeCount > resumesBefore;
    console.log(`[e2e] after close 4000 the bot ${resumed ? 'resumed' : 're-identified'} (identify ${w.discord.identifyCount}, resume ${w.discord.resumeCount})`);
    // discord.js emits ShardDisconnect only for final closes; a resumable drop shows as reconnecting/resumed.
    await w.bot.waitForLog((line) => line.msg === (resumed ? 'gateway resumed' : 'connected to Discord'));
    expect(w.bot.logs().some((line) => line.msg === 'gateway reconnecting')).toBe(true);

    const answer = w.discord.sendCommand({ name: 'profile', user: 'dave' });
    const initial = await answer.waitForInitialResponse(5_000);
    expect(dataOf(initial).content).toBe(RUN_LINK_FIRST);
    expect((await w.bot.health()).status).toBe(200);
    expectCleanDiscordTraffic(w);
  });

  it('SIGTERM: the bot shuts down gracefully and exits 0 within 10 s', async () => {
    const w = await start();
    await linkOverHttp(w, 'alice', SEED_USERS.alice.id);
    const result = await w.bot.stop('SIGTERM', 15_000);
    console.log(`[e2e] SIGTERM → exit ${String(result.code)} in ${Math.round(result.ms)} ms`);
    expect(result, describeOutput(w.bot)).toMatchObject({ code: 0, signal: null });
    expect(result.ms).toBeLessThan(10_000);
    expect(w.bot.logs().some((line) => line.msg === 'shutting down' && line.signal === 'SIGTERM')).toBe(true);
    // The gateway socket was closed by the bot, not dropped.
    expect(w.discord.openConnections).toBe(0);
    expect(w.bot.stderr()).toBe('');
    expectNoSecretsInOutput(w, bots);
  });
});
