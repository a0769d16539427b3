/**
 * The bot's own web server, built by the real builder (src/app.ts) from a real configuration, with ONE
 * difference: the per-address failure budget raised through the builder's tuning, so the /oauth/callback rejecting path
 * can be measured past the limit. Env: PORT, DATABASE_PATH, TOKEN_ENCRYPTION_KEY, LOG_LEVEL.
 */
import { REST } from 'discord.js';
import { createRateLimiter } from '../../src/anilist/index.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openDatabaseOrExit } from '../../src/process-lifecycle.js';

const unreachable = 'http://127.0.0.1:9';
// Everything but PORT, DATABASE_PATH, TOKEN_ENCRYPTION_KEY and LOG_LEVEL (from the environment) points nowhere:
// the rejecting path this child is measured on never leaves the process.
const config = loadConfig({
  DISCORD_TOKEN: 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GfAkEd.bench-token-0123456789abcdef',
  DISCORD_API_URL: unreachable,
  DISCORD_CLIENT_SECRET: 'bench-discord-client-secret',
  DISCORD_OAUTH_URL: `${unreachable}/oauth2`,
  ANILIST_CLIENT_ID: '1234',
  ANILIST_CLIENT_SECRET: 'secret',
  ANILIST_API_URL: `${unreachable}/graphql`,
  ANILIST_OAUTH_URL: `${unreachable}/api/v2/oauth`,
  PUBLIC_URL: 'http://127.0.0.1',
  HOST: '127.0.0.1',
  METRICS: 'false',
  EXPIRY_REMINDER_DAYS: '0',
});
const logger = createLogger({ level: config.logLevel });
const db = openDatabaseOrExit(config.databasePath, logger);
const limiter = createRateLimiter({ perMinute: config.anilist.rateLimitPerMinute });
const app = await buildApp({
  config,
  db,
  limiter,
  rest: new REST({ api: unreachable }),
  logger,
  clock: () => new Date(),
  gateway: { status: () => 'ready', ready: () => true, guilds: () => undefined },
  tuning: { httpRateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 } },
});
await app.server!.listen({ host: config.http.host, port: config.http.port });
process.on('SIGTERM', () => {
  limiter.close();
  void app.close().then(() => {
    db.close();
    process.exit(0);
  });
});
