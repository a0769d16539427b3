import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createAniListClient, createRateLimiter, type AniListClient, type AniListClientOptions, type RateLimiter, type RateLimiterOptions } from '../../src/anilist/index.js';
import { createTokenVault, type TokenVault } from '../../src/crypto/vault.js';
import { openDatabase, type OpenDatabase } from '../../src/db/database.js';
import { createLinkRequestsRepository } from '../../src/db/link-requests.js';
import { createLinkedAccountsRepository } from '../../src/db/linked-accounts.js';
import { buildServer } from '../../src/http/server.js';
import { createViewerIdentifier } from '../../src/linking/identify-viewer.js';
import { createLinkService, type InteractionReplies, type LinkService } from '../../src/linking/link-service.js';
import { createTokenExchange } from '../../src/linking/token-exchange.js';
import { migrationsFolder } from '../../src/paths.js';
import { startFakeAniList, type FakeAniList, type FakeAniListOptions, DEFAULT_CLIENT_SECRET } from '../../fakes/anilist/index.js';
import { createTestClock, type TestClock } from './clock.js';
import { captureLogs } from './log-capture.js';
import { withFreePort } from './ports.js';

export interface LinkHarnessOptions {
  dir: string;
  /** Replaces the Discord reply editor (default: records edits). */
  replies?: InteractionReplies;
  clientSecret?: string;
  oauthUrl?: string;
  rateLimit?: { max: number; timeWindowMs: number };
  /** The bot's shared AniList limiter (default: 90/min, library defaults otherwise). */
  limiter?: RateLimiterOptions;
  /** Extra fake AniList options (e.g. rateLimitPerMinute); redirectUri and the clock stay the harness's. */
  anilistFake?: Omit<FakeAniListOptions, 'redirectUri' | 'now'>;
  /** Extra AniList client options (e.g. cacheTtlMs, timeoutMs). */
  anilistClient?: Pick<AniListClientOptions, 'cacheTtlMs' | 'cacheMaxEntries' | 'timeoutMs' | 'maxListEntries'>;
}

export interface LinkHarness {
  publicUrl: string;
  host: string;
  anilistFake: FakeAniList;
  anilist: AniListClient;
  limiter: RateLimiter;
  database: OpenDatabase;
  databasePath: string;
  vault: TokenVault;
  links: LinkService;
  server: FastifyInstance;
  clock: TestClock;
  edits: { applicationId: string; interactionToken: string; content: string }[];
  logs: ReturnType<typeof captureLogs>;
  close(): Promise<void>;
}

/**
 * The linking half of the bot wired from its real parts (SQLite file, vault, AniList client and limiter,
 * Fastify on a loopback port) against the fake AniList, the way main.ts wires it.
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
  const anilistFake = await startFakeAniList({ ...options.anilistFake, redirectUri: `${publicUrl}/oauth/callback`, now: clock.nowMs });
  const logs = captureLogs();
  const databasePath = join(options.dir, 'anilink.sqlite');
  const database = openDatabase(databasePath, migrationsFolder);
  const vault = createTokenVault({ keys: [randomBytes(32)] });
  const limiter = createRateLimiter({ perMinute: 90, ...options.limiter });
  const anilist = createAniListClient({
    ...options.anilistClient,
    endpoint: anilistFake.graphqlUrl,
    userAgent: 'anilink-test',
    referer: `${publicUrl}/`,
    limiter,
    logger: logs.logger,
  });
  const edits: LinkHarness['edits'] = [];
  const links = createLinkService({
    linkRequests: createLinkRequestsRepository(database.db),
    accounts: createLinkedAccountsRepository(database.db),
    vault,
    exchangeToken: createTokenExchange({
      oauthUrl: options.oauthUrl ?? anilistFake.oauthUrl,
      clientId: anilistFake.clientId,
      clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
      redirectUri: `${publicUrl}/oauth/callback`,
      userAgent: 'anilink-test',
    }),
    identifyViewer: createViewerIdentifier(anilist),
    replies: options.replies ?? {
      editOriginal: (applicationId, interactionToken, content) => {
        edits.push({ applicationId, interactionToken, content });
        return Promise.resolve();
      },
    },
    clock: clock.now,
    logger: logs.logger,
    oauth: { publicUrl, authorizeUrl: `${anilistFake.oauthUrl}/authorize`, clientId: anilistFake.clientId, redirectUri: `${publicUrl}/oauth/callback` },
  });
  const server = await buildServer({
    logger: logs.logger,
    links,
    publicUrl,
    cookieSecret: randomBytes(32).toString('base64url'),
    rateLimit: options.rateLimit,
    health: () => ({ database: database.isHealthy() ? 'ok' : 'error', gateway: 'test' }),
  });
  try {
    await server.listen({ host: '127.0.0.1', port });
  } catch (error) {
    limiter.close();
    await server.close();
    await anilistFake.close();
    database.close();
    throw error;
  }
  return {
    publicUrl,
    host: `127.0.0.1:${port}`,
    anilistFake,
    anilist,
    limiter,
    database,
    databasePath,
    vault,
    links,
    server,
    clock,
    edits,
    logs,
    async close() {
      limiter.close();
      await server.close();
      await anilistFake.close();
      database.close();
    },
  };
}
