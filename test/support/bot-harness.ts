import { REST, type Client } from 'discord.js';
import type { Command } from '../../commands/command.js';
import { createRateLimiter } from '../../src/anilist/index.js';
import { buildApp, type App } from '../../src/app.js';
import { createClientGateway } from '../../src/bot/gateway.js';
import { openDatabase, type OpenDatabase } from '../../src/db/database.js';
import { migrationsFolder } from '../../src/paths.js';
import { fakeUsers, startFakeDiscord, type FakeDiscord, type FakeUserRef, type StartFakeDiscordOptions } from '../../fakes/discord/index.js';
import { TestBrowser } from './browser.js';
import { TEST_DISCORD_TOKEN } from './env.js';
import { captureLogs } from './log-capture.js';
import { startLinkHarness, type LinkHarness, type LinkHarnessOptions } from './link-harness.js';
import { walkLinkPages } from './link-walk.js';

export interface BotHarness extends LinkHarness {
  discord: FakeDiscord;
  client: Client;
}

/**
 * The whole bot in one process, built by the real builder: the real discord.js client (the single-process
 * gateway) against the fake gateway, the real dispatcher and commands, and the web server against the fake AniList.
 */
export async function startBotHarness(
  options: LinkHarnessOptions & { discord?: StartFakeDiscordOptions; commands?: readonly Command[] },
): Promise<BotHarness> {
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN, ...options.discord });
  const logs = captureLogs();
  const gateway = createClientGateway({ apiUrl: discord.apiUrl, token: TEST_DISCORD_TOKEN, logger: logs.logger });
  const links = await startLinkHarness({
    ...options,
    logs,
    discordFake: discord,
    // Also carries the /link reply edits to the fake Discord, as in production.
    rest: gateway.rest,
    env: { DISCORD_API_URL: discord.apiUrl, REGISTER_COMMANDS: 'true', ...options.env },
  });
  const connected = await gateway.start(links.app.dispatch);
  await links.app.start(connected);
  return {
    ...links,
    discord,
    client: gateway.client,
    async close() {
      await gateway.stop();
      await discord.close();
      await links.close();
    },
  };
}

/**
 * Links a fake Discord member to a seeded AniList user the way a member does it: /link, the start page, signing in
 * with Discord, the fake AniList's approve button, the callback. Throws when any step does not go as expected.
 */
export async function linkMember(h: BotHarness, user: FakeUserRef, anilistUserId: number): Promise<void> {
  const handle = h.discord.sendCommand({ name: 'link', user });
  const initial = await handle.waitForInitialResponse();
  const url = (initial.data as { components?: { components?: { url?: string }[] }[] } | undefined)?.components?.[0]?.components?.[0]?.url;
  if (!url) throw new Error('/link answered without a link button');
  const discordUserId = typeof user === 'string' ? fakeUsers[user].id : user.id;
  const done = await walkLinkPages({ discord: h.discord, anilist: h.anilistFake }, new TestBrowser(), url, { discordUserId, anilistUserId });
  if (done.status !== 200 || !done.url.endsWith('/oauth/done')) throw new Error(`linking ended on ${done.url} with ${done.status}`);
  if (h.links.member(discordUserId)?.anilistUserId !== anilistUserId) throw new Error('the link was not stored');
}

/**
 * The bot started again on the harness's SQLite file, as after a restart (close `h.app` first): a new connection
 * to the file (or `db`, opened by the test to arrange the file), a new limiter, REST to the same fake Discord, the
 * jobs started as `main.ts` starts them. `close()` stops it and closes the connection.
 */
export async function startAgain(h: BotHarness, db: OpenDatabase = openDatabase(h.databasePath, migrationsFolder)): Promise<{ app: App; close(): Promise<void> }> {
  const limiter = createRateLimiter({ perMinute: 90 });
  const app = await buildApp({
    config: h.config,
    db,
    limiter,
    rest: new REST({ api: h.discord.apiUrl }).setToken(TEST_DISCORD_TOKEN),
    logger: h.logs.logger,
    clock: h.clock.now,
    gateway: { status: () => 'test', ready: () => true, guilds: () => undefined },
  });
  await app.start({ applicationId: h.discord.applicationId });
  return {
    app,
    async close() {
      await app.close();
      limiter.close();
      db.close();
    },
  };
}
