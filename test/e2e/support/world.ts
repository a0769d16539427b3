/**
 * One end-to-end "world": the fake Discord, the fake AniList and the real bot process wired to both, plus the
 * helpers the journeys share.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { DEFAULT_CLIENT_SECRET, startFakeAniList, type FakeAniList, type FakeAniListOptions } from '../../../fakes/anilist/index.js';
import {
  DEFAULT_DISCORD_CLIENT_SECRET,
  fakeUsers,
  startFakeDiscord,
  type FakeDiscord,
  type InteractionHandle,
  type StartFakeDiscordOptions,
} from '../../../fakes/discord/index.js';
import { TestBrowser } from '../../support/browser.js';
import { TEST_DISCORD_TOKEN } from '../../support/env.js';
import { walkLinkPages, type WalkAs, type WalkedPage } from '../../support/link-walk.js';
import { allocatePublicUrl, describeOutput, e2eTempDir, freshEncryptionKey, startBot, type BotProcess } from './bot-process.js';
import { createTranslations } from '../../../src/i18n/index.js';

export interface World {
  discord: FakeDiscord;
  anilist: FakeAniList;
  bot: BotProcess;
  dir: string;
  env: Record<string, string>;
  /** Every secret that must never appear in the bot's output; journeys add codes, states and page ids. */
  secrets: Set<string>;
  /** Starts the bot again with the same environment (same port, database and key). */
  restart(): Promise<BotProcess>;
  close(): Promise<void>;
}

export interface StartWorldOptions {
  discord?: StartFakeDiscordOptions;
  anilist?: Omit<FakeAniListOptions, 'redirectUri'>;
  env?: Record<string, string | undefined>;
}

export async function startWorld(options: StartWorldOptions = {}): Promise<World> {
  const { port, publicUrl } = await allocatePublicUrl();
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN, ...options.discord });
  discord.oauth.addRedirectUri(`${publicUrl}/oauth/discord/callback`);
  const anilist = await startFakeAniList({ ...options.anilist, redirectUri: `${publicUrl}/oauth/callback` });
  const dir = e2eTempDir();
  const env: Record<string, string> = {
    DISCORD_TOKEN: TEST_DISCORD_TOKEN,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_OAUTH_URL: discord.oauth.oauthUrl,
    DISCORD_CLIENT_SECRET: DEFAULT_DISCORD_CLIENT_SECRET,
    ANILIST_CLIENT_ID: anilist.clientId,
    ANILIST_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    ANILIST_OAUTH_URL: anilist.oauthUrl,
    ANILIST_API_URL: anilist.graphqlUrl,
    // What the fake AniList enforces by default (AniList's 30/min), as in production.
    ANILIST_RATE_LIMIT_PER_MINUTE: '30',
    PUBLIC_URL: publicUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_PATH: join(dir, 'data', 'anilink.sqlite'),
    TOKEN_ENCRYPTION_KEY: freshEncryptionKey(),
    LOG_LEVEL: 'debug',
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const world: World = {
    discord,
    anilist,
    bot: undefined as unknown as BotProcess,
    dir,
    env,
    secrets: new Set([TEST_DISCORD_TOKEN, DEFAULT_CLIENT_SECRET, DEFAULT_DISCORD_CLIENT_SECRET, env.TOKEN_ENCRYPTION_KEY!]),
    async restart() {
      const readyBefore = discord.readyCount;
      world.bot = startBot({ env, cwd: dir });
      await waitUntilUp(world, readyBefore + 1);
      return world.bot;
    },
    async close() {
      if (!world.bot.exit) await world.bot.stop('SIGKILL');
      await discord.close();
      await anilist.close();
    },
  };
  try {
    await world.restart();
  } catch (error) {
    await world.close();
    throw error;
  }
  return world;
}

/** /healthz 200, the fake's READY, and the slash commands registered. */
async function waitUntilUp(world: World, readyCount: number): Promise<void> {
  await world.bot.waitForHealthy();
  await world.discord.waitForReady(readyCount, 15_000);
  await world.bot.waitForLog((line) => line.msg === 'slash commands registered', 15_000);
}

type InitialData = { content?: string; flags?: number; components?: { components: { url?: string; label?: string; custom_id?: string }[] }[] };

export function dataOf(response: { data: Record<string, unknown> | undefined }): InitialData {
  return response.data ?? {};
}

/** `/link` over the gateway; returns the handle and the URL behind its button. */
/** `/link` from a member whose Discord is in `locale` (Discord's code; default en-US): the button is in that language. */
export async function runLinkCommand(world: World, user: 'alice' | 'bob' | 'carol' | 'dave', locale = 'en-US'): Promise<{ handle: InteractionHandle; pageUrl: string }> {
  const handle = world.discord.sendCommand({ name: 'link', user, locale });
  const initial = await handle.waitForInitialResponse(5_000);
  const button = dataOf(initial).components?.[0]?.components[0];
  expect(button?.label).toBe(createTranslations().forDiscord(locale)('link.button'));
  const pageUrl = button!.url!;
  world.secrets.add(new URL(pageUrl).pathname.split('/').pop()!);
  return { handle, pageUrl };
}

/**
 * Walks the link pages in `browser` (start page, Discord sign-in, AniList approval, callbacks) and records every code,
 * state and cookie met on the way as secrets.
 */
export async function walkAndRecord(world: World, browser: TestBrowser, pageUrl: string, as: WalkAs): Promise<WalkedPage> {
  const walked = await walkLinkPages({ discord: world.discord, anilist: world.anilist }, browser, pageUrl, as);
  for (const callback of walked.callbacks) {
    for (const key of ['code', 'state']) {
      const value = new URL(callback).searchParams.get(key);
      if (value) world.secrets.add(value);
    }
  }
  for (const value of browser.cookieValuesEverSet()) world.secrets.add(value);
  return walked;
}

/** The whole linking journey over HTTP (cookie-keeping client, no browser): Discord sign-in, then AniList. */
export async function linkOverHttp(world: World, user: 'alice' | 'bob' | 'carol' | 'dave', anilistUserId: number) {
  const { handle, pageUrl } = await runLinkCommand(world, user);
  const browser = new TestBrowser();
  const page = await browser.get(pageUrl);
  expect(page.status, describeOutput(world.bot)).toBe(200);
  const result = await walkAndRecord(world, browser, pageUrl, { discordUserId: fakeUsers[user].id, anilistUserId });
  expect(result.url, describeOutput(world.bot)).toBe(`${world.bot.publicUrl}/oauth/done`);
  expect(result.status).toBe(200);
  // Both hops: Discord's callback, then AniList's.
  expect(result.callbacks.map((url) => new URL(url).pathname)).toEqual(['/oauth/discord/callback', '/oauth/callback']);
  return { handle, pageUrl, page, result };
}

/** Asserts nothing secret reached the bot's stdout or stderr (JWT access tokens all start with `eyJ`). */
export function expectNoSecretsInOutput(world: World, bots: BotProcess[] = [world.bot]): void {
  // Interaction tokens let anyone edit the member's reply for 15 minutes: secrets too.
  for (const request of world.discord.requests) {
    const token = /^\/(?:interactions\/\d+|webhooks\/\d+)\/([^/]+)/.exec(request.path)?.[1];
    if (token) world.secrets.add(token);
    // The members' Discord tokens from the sign-in.
    if (request.route === '/oauth2/token') {
      const answer = request.response as { access_token?: string; refresh_token?: string } | undefined;
      for (const value of [answer?.access_token, answer?.refresh_token]) if (value) world.secrets.add(value);
    }
  }
  for (const bot of bots) {
    const output = bot.stdout() + bot.stderr();
    for (const secret of world.secrets) {
      if (secret.length < 8) continue;
      expect(output.includes(secret), `a secret (${secret.slice(0, 4)}…) appeared in the bot's output`).toBe(false);
    }
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  }
}

/** No request to the fake Discord broke its schema or hit a route it does not know. */
export function expectCleanDiscordTraffic(world: World): void {
  expect(world.discord.schemaViolations, JSON.stringify(world.discord.schemaViolations, null, 2)).toEqual([]);
  expect(
    world.discord.unknownRoutes.map((request) => `${request.method} ${request.path}`),
    'requests to routes the fake Discord does not know',
  ).toEqual([]);
}

/**
 * End-of-test checks on what the bot sent Discord during this test alone: something was answered (so the checks
 * are not vacuous), nothing broke the schema or hit an unknown route, no interaction answer was refused (10062 too
 * late, 40060 twice, …), and no secret reached the output. Then the records are cleared for the next test.
 */
export async function expectCleanTrafficThisTest(world: World): Promise<void> {
  // First let the bot finish every interaction it acknowledged during this test (its own log says when), so what
  // it sends after its first answer is checked here, not in the next test or never.
  const acknowledged = new Set(
    world.discord.requests.flatMap((request) => /^\/interactions\/(\d+)\//.exec(request.path)?.[1] ?? []),
  );
  await Promise.all(
    [...acknowledged].map((id) =>
      world.bot.waitForLog((line) => line.interactionId === id && /^interaction (handled|refused|failed)$/.test(line.msg), 10_000),
    ),
  );
  const answers = world.discord.requests.filter((request) => /^\/(interactions|webhooks)\//.test(request.path));
  expect(answers.length, 'the bot answered nothing during this test, so there is nothing to check').toBeGreaterThan(0);
  expectCleanDiscordTraffic(world);
  const refused = answers.filter((request) => request.status >= 400).map((request) => `${request.method} ${request.route} → ${request.status} ${JSON.stringify(request.response)}`);
  expect(refused, 'interaction answers Discord refused').toEqual([]);
  expectNoSecretsInOutput(world);
  world.discord.clearRecords();
}
