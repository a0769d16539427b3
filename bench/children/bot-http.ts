/**
 * The bot's own web server (src/http/server.ts with the real link service, database and logger, composed as in
 * src/main.ts) with ONE difference: buildServer's `rateLimit` option raised so the /oauth/callback rejecting
 * path can be measured past the per-IP limit. main.ts has no setting for it, so this is the only way to measure
 * the 400-class path without changing the product. Env: PORT, DATABASE_PATH, TOKEN_ENCRYPTION_KEY, LOG_LEVEL.
 */
import { hkdfSync } from 'node:crypto';
import { join } from 'node:path';
import { createAniListClient, createRateLimiter } from '../../src/anilist/index.js';
import { createTokenVault } from '../../src/crypto/vault.js';
import { openDatabase } from '../../src/db/database.js';
import { createLinkRequestsRepository } from '../../src/db/link-requests.js';
import { createLinkedAccountsRepository } from '../../src/db/linked-accounts.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { createViewerIdentifier } from '../../src/linking/identify-viewer.js';
import { createLinkService } from '../../src/linking/link-service.js';
import { createTokenExchange } from '../../src/linking/token-exchange.js';
import { ROOT } from '../lib/common.js';

const port = Number(process.env.PORT);
const publicUrl = `http://127.0.0.1:${port}`;
const key = Buffer.from(process.env.TOKEN_ENCRYPTION_KEY!, 'base64');
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
const database = openDatabase(process.env.DATABASE_PATH!, join(ROOT, 'migrations'));
const unreachable = 'http://127.0.0.1:9';
const anilist = createAniListClient({
  endpoint: `${unreachable}/graphql`,
  userAgent: 'anilink-bench',
  referer: `${publicUrl}/`,
  limiter: createRateLimiter({ perMinute: 30 }),
  logger,
});
const links = createLinkService({
  linkRequests: createLinkRequestsRepository(database.db),
  accounts: createLinkedAccountsRepository(database.db),
  vault: createTokenVault({ keys: [key] }),
  exchangeToken: createTokenExchange({
    oauthUrl: `${unreachable}/api/v2/oauth`,
    clientId: '1234',
    clientSecret: 'secret',
    redirectUri: `${publicUrl}/oauth/callback`,
    userAgent: 'anilink-bench',
  }),
  identifyViewer: createViewerIdentifier(anilist),
  replies: { editOriginal: () => Promise.resolve() },
  clock: () => new Date(),
  logger,
  oauth: { publicUrl, authorizeUrl: `${unreachable}/api/v2/oauth/authorize`, clientId: '1234', redirectUri: `${publicUrl}/oauth/callback` },
});
const server = await buildServer({
  logger,
  links,
  publicUrl,
  cookieSecret: Buffer.from(hkdfSync('sha256', key, 'anilink', 'cookie-signing', 32)).toString('base64url'),
  rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 },
  health: () => ({ database: database.isHealthy() ? 'ok' : 'error', gateway: 'ready' }),
});
await server.listen({ host: '127.0.0.1', port });
process.on('SIGTERM', () => {
  void server.close().then(() => {
    database.close();
    process.exit(0);
  });
});
