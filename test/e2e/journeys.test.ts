import { MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers } from '../../fakes/discord/index.js';
import { describeOutput, killAllBots, type BotProcess } from './support/bot-process.js';
import { dataOf, expectCleanDiscordTraffic, expectNoSecretsInOutput, linkOverHttp, startWorld, type World } from './support/world.js';

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

async function start(): Promise<World> {
  world = await startWorld();
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
  it('/link → start page → AniList approve → callback → result page → reply edited; /profile shows it; /unlink; /profile says link first', async () => {
    const w = await start();
    const { handle, page, result } = await linkOverHttp(w, 'alice', SEED_USERS.alice.id);
    expect(page.body).toContain(fakeUsers.alice.username);
    expect(result.body).toMatch(/AniList user <strong>AliceFake<\/strong> is now linked to Discord user <strong>Alice<\/strong> \(@alice\)/);

    const edit = await handle.waitForEdit(10_000);
    expect(edit.message!.content).toContain('AliceFake');
    expect(edit.message!.flags & MessageFlags.Ephemeral).toBeTruthy();

    expect(await profileEmbedTitle(w, 'alice')).toBe('AliceFake');

    const unlink = w.discord.sendCommand({ name: 'unlink', user: 'alice' });
    expect(dataOf(await unlink.waitForInitialResponse(5_000)).content).toContain('Unlinked from AniList user **AliceFake**');

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
