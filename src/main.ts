/**
 * The bot's entry point (`npm start`): one straight path from configuration to a graceful stop. With SHARDS set
 * this process is the sharding manager: it runs everything that must exist once (web server, metrics, background
 * jobs, the AniList limiter every shard draws from) and src/shard.ts runs in each shard process.
 */
import { fileURLToPath } from 'node:url';
import { createRateLimiter } from './anilist/index.js';
import { buildApp } from './app.js';
import { createClientGateway, type Gateway } from './bot/gateway.js';
import { describeLoginFailure } from './bot/login-failure.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { closeGracefullyOnSignals, exitAfterStartupFailure, loadConfigOrExit, openDatabaseOrExit } from './process-lifecycle.js';
import { createShardedGateway } from './sharding/manager.js';

const SHUTDOWN_GRACE_MS = 9_000;

const config = loadConfigOrExit(loadConfig);
// Pretty lines for a person at a terminal; JSON lines for everything else (Docker, systemd, log shippers).
const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
// Sharded, this also migrates the file for the shards, which open it only after this.
const db = openDatabaseOrExit(config.databasePath, logger);
const limiter = createRateLimiter({
  perMinute: config.anilist.rateLimitPerMinute,
  backgroundShare: config.anilist.backgroundShare,
  logger: logger.child({ component: 'anilist-limiter' }),
});
const { apiUrl, token } = config.discord;
const gateway: Gateway =
  config.shards === undefined
    ? createClientGateway({ apiUrl, token, logger })
    : createShardedGateway({ shardFile: fileURLToPath(new URL('./shard.js', import.meta.url)), apiUrl, token, shards: config.shards, limiter, logger: logger.child({ component: 'shards' }) });
const app = await buildApp({ config, db, limiter, rest: gateway.rest, logger, clock: () => new Date(), gateway });

let closing = false;
async function stop(): Promise<void> {
  closing = true;
  await gateway.stop();
  limiter.close();
  await app.close();
  db.close();
}
closeGracefullyOnSignals({ logger, graceMs: SHUTDOWN_GRACE_MS, close: stop });

const { host, port } = config.http;
await app.server?.listen({ host, port }).then(
  (address) => logger.info({ address, publicUrl: config.http.publicUrl, redirectUri: config.http.redirectUri }, 'web server listening'),
  (error: unknown) => exitAfterStartupFailure(logger, `Cannot listen on ${host}:${port}: ${(error as Error).message}. Check HOST and PORT.`, stop),
);
await app.metricsServer?.listen({ host, port: config.metrics.port }).then(
  (address) => logger.info({ address, bearerToken: config.metrics.token !== undefined }, 'metrics listening at /metrics'),
  (error: unknown) => exitAfterStartupFailure(logger, `Cannot listen for metrics on ${host}:${config.metrics.port}: ${(error as Error).message}. Check METRICS_PORT.`, stop),
);
await gateway.start(app.dispatch).then(
  (connected) => closing || void app.start(connected),
  (error: unknown) => closing || exitAfterStartupFailure(logger, describeLoginFailure(error, apiUrl), stop),
);
