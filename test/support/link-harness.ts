import { join } from 'node:path';
import { REST } from 'discord.js';
import type { FastifyInstance } from 'fastify';
import type { Command } from '../../commands/command.js';
import { createRateLimiter, type AniListClient, type RateLimiter, type RateLimiterOptions } from '../../src/anilist/index.js';
import { buildApp, type App, type AppTuning } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import { createTokenVault, type TokenVault } from '../../src/crypto/vault.js';
import { openDatabase, type OpenDatabase } from '../../src/db/database.js';
import type { InteractionReplies, LinkService } from '../../src/linking/link-service.js';
import { migrationsFolder } from '../../src/paths.js';
import { startFakeAniList, type FakeAniList, type FakeAniListOptions, DEFAULT_CLIENT_SECRET } from '../../fakes/anilist/index.js';
import { DEFAULT_DISCORD_CLIENT_SECRET, startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
import { createTestClock, type TestClock } from './clock.js';
import { TEST_DISCORD_TOKEN, minimalEnv } from './env.js';
import { captureLogs } from './log-capture.js';
import { withFreePort } from './ports.js';

export interface LinkHarnessOptions {
  dir: string;
  /** Replaces the Discord reply editor (default: records edits). */
  replies?: InteractionReplies;
  clientSecret?: string;
  rateLimit?: { max: number; timeWindowMs: number };
  /** The bot's shared AniList limiter (default: 30/min like production and the fake, library defaults otherwise). */
  limiter?: RateLimiterOptions;
  /** Extra fake AniList options (e.g. rateLimitPerMinute); redirectUri and the clock stay the harness's. */
  anilistFake?: Omit<FakeAniListOptions, 'redirectUri' | 'now'>;
  /** Extra AniList client options (e.g. cacheTtlMs, timeoutMs). */
  anilistClient?: AppTuning['anilistClient'];
  /** Linked-roles knobs (e.g. a short pushDebounceMs). */
  linkedRoles?: AppTuning['linkedRoles'];
  /** More environment for the bot's configuration (e.g. DISCORD_API_URL of a fake Discord). */
  env?: Record<string, string | undefined>;
  /** Discord REST for the bot (default: one aimed at an address nothing listens on; webhook edits are recorded). */
  rest?: REST;
  /** The slash-command registry (default: the bot's own). */
  commands?: readonly Command[];
  /** Where the bot logs (default: a fresh capture). */
  logs?: ReturnType<typeof captureLogs>;
  /**
   * The fake Discord members sign in with (its OAuth2) and the bot's DMs go to (default: one started and closed by
   * the harness, with its own clock).
   */
  discordFake?: FakeDiscord;
}

export interface LinkHarness {
  publicUrl: string;
  host: string;
  config: Config;
  app: App;
  anilistFake: FakeAniList;
  /** The fake Discord of the sign-in hop (and of the DMs). */
  discordFake: FakeDiscord;
  anilist: AniListClient;
  limiter: RateLimiter;
  database: OpenDatabase;
  databasePath: string;
  /** A vault with the bot's key, for tests that open what the bot sealed. */
  vault: TokenVault;
  links: LinkService;
  server: FastifyInstance;
  clock: TestClock;
  edits: { applicationId: string; interactionToken: string; content: string }[];
  logs: ReturnType<typeof captureLogs>;
  close(): Promise<void>;
}

/**
 * The bot built by the real builder (src/app.ts) from a real configuration, with a real SQLite file, vault, AniList
 * client and limiter and Fastify on a loopback port, against the fake AniList. Nothing Discord-side is connected:
 * startBotHarness adds that.
 */
export async function startLinkHarness(options: LinkHarnessOptions): Promise<LinkHarness> {
  // The redirect URI must be known before the server listens, so the port is picked in advance; if another test
  // takes it meanwhile, everything is torn down and started again on a new one.
  return withFreePort((port) => startOnPort(options, port));
}

/** Exposed for the port-retry test: starts on `port`, cleaning up after itself when it cannot. */
export async function startOnPort(options: LinkHarnessOptions, port: number): Promise<LinkHarness> {
  const publicUrl = `http://127.0.0.1:${port}`;
  const clock = createTestClock();
  const ownsDiscord = options.discordFake === undefined;
  const discordFake = options.discordFake ?? (await startFakeDiscord({ token: TEST_DISCORD_TOKEN, now: clock.nowMs }));
  discordFake.oauth.addRedirectUri(`${publicUrl}/oauth/discord/callback`);
  const anilistFake = await startFakeAniList({ ...options.anilistFake, redirectUri: `${publicUrl}/oauth/callback`, now: clock.nowMs });
  const logs = options.logs ?? captureLogs();
  const databasePath = join(options.dir, 'anilink.sqlite');
  const config = parseConfig(
    minimalEnv({
      PUBLIC_URL: publicUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_PATH: databasePath,
      ANILIST_API_URL: anilistFake.graphqlUrl,
      ANILIST_OAUTH_URL: anilistFake.oauthUrl,
      ANILIST_CLIENT_ID: anilistFake.clientId,
      ANILIST_CLIENT_SECRET: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
      DISCORD_API_URL: discordFake.apiUrl,
      DISCORD_OAUTH_URL: discordFake.oauth.oauthUrl,
      DISCORD_CLIENT_SECRET: DEFAULT_DISCORD_CLIENT_SECRET,
      // Without a gateway connection (startBotHarness adds one) the linked-roles page learns its client from here.
      DISCORD_CLIENT_ID: discordFake.applicationId,
      METRICS: 'false',
      ...options.env,
    }),
  );
  const database = openDatabase(databasePath, migrationsFolder);
  const limiter = createRateLimiter({ perMinute: 30, ...options.limiter });
  const edits: LinkHarness['edits'] = [];
  // Without a Discord to talk to, the /link reply edits are recorded instead.
  const replies: InteractionReplies | undefined = options.replies ?? (options.rest ? undefined : {
    editOriginal: (applicationId, interactionToken, content) => {
      edits.push({ applicationId, interactionToken, content });
      return Promise.resolve();
    },
  });
  const app = await buildApp({
    config,
    db: database,
    limiter,
    // Direct messages (a moved link is announced) reach the fake Discord.
    rest: options.rest ?? new REST({ api: discordFake.apiUrl, retries: 0 }).setToken(TEST_DISCORD_TOKEN),
    logger: logs.logger,
    clock: clock.now,
    gateway: { status: () => 'test', ready: () => true, guilds: () => undefined },
    commands: options.commands,
    tuning: { anilistClient: options.anilistClient, httpRateLimit: options.rateLimit, replies, linkedRoles: options.linkedRoles },
  });
  if (ownsDiscord) {
    // What app.start does once connected (startBotHarness starts the app itself): Discord then knows the metadata
    // keys members' role connections use. The harness's own fake starts with a clean request log.
    await app.linkedRoles.registerMetadata(discordFake.applicationId);
    discordFake.clearRecords();
  }
  const server = app.server!;
  const close = async () => {
    limiter.close();
    await app.close();
    await anilistFake.close();
    if (ownsDiscord) await discordFake.close();
    database.close();
  };
  try {
    await server.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    publicUrl,
    host: `127.0.0.1:${port}`,
    config,
    app,
    anilistFake,
    discordFake,
    anilist: app.anilist,
    limiter,
    database,
    databasePath,
    vault: createTokenVault({ keys: [config.tokenEncryptionKey] }),
    links: app.links,
    server,
    clock,
    edits,
    logs,
    close,
  };
}
