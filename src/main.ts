import { hkdfSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Events, type REST } from 'discord.js';
import { commands } from '../commands/index.js';
import { createRateLimiter } from './anilist/index.js';
import { createDiscordClient } from './bot/client.js';
import { createInteractionDispatcher } from './bot/dispatcher.js';
import { gatewayStatus } from './bot/gateway-status.js';
import { describeLoginFailure } from './bot/login-failure.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createTokenVault } from './crypto/vault.js';
import { openDatabase, type OpenDatabase } from './db/database.js';
import { createLinkedAccountsRepository } from './db/linked-accounts.js';
import { createDirectMessages } from './expiry/direct-messages.js';
import { createExpiryReminders, type ExpiryReminders } from './expiry/reminders.js';
import { buildServer } from './http/server.js';
import { createLogger } from './logger.js';
import { buildMetricsServer } from './metrics/http.js';
import { createMetrics } from './metrics/metrics.js';
import { migrationsFolder } from './paths.js';
import { closeGracefullyOnSignals, exitAfterStartupFailure } from './process-lifecycle.js';
import { createShardedGateway, fetchApplicationId, managerRest, planShards, type ShardedGateway } from './sharding/manager.js';
import { buildAniListClient, buildLinkService, logGatewayEvents, registerSlashCommands, userAgentFor } from './wiring.js';

/**
 * The composition root of the bot, in either of its two shapes:
 *  - SHARDS unset: one process with one gateway connection (the default);
 *  - SHARDS=auto|n: the sharding manager. Everything that must exist once lives here (web server, metrics,
 *    reminders, the AniList rate limiter, command registration); each gateway shard is a child process with its
 *    own composition root, src/shard.ts.
 */
const SHUTDOWN_GRACE_MS = 9_000;
const PURGE_INTERVAL_MS = 10 * 60_000;

function readConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** The compiled shard entry next to this file (dist/src/shard.js). */
const SHARD_FILE = fileURLToPath(new URL('./shard.js', import.meta.url));

async function main(): Promise<void> {
  const config = readConfigOrExit();
  // Pretty lines for a person at a terminal; JSON lines for everything else (Docker, systemd, log shippers).
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
  const userAgent = userAgentFor(config);
  const clock = () => new Date();
  const sharded = config.shards !== undefined;

  let database: OpenDatabase;
  try {
    // Sharded, this also migrates the file for the shards, which open it only after this.
    database = openDatabase(config.databasePath, migrationsFolder);
  } catch (error) {
    logger.fatal(`Cannot open the database at ${config.databasePath}: ${(error as Error).message}. Check DATABASE_PATH and that the folder is writable.`);
    process.exit(1);
  }

  const vault = createTokenVault({ keys: [config.tokenEncryptionKey] });
  // A separate key for signing cookies, derived so admins manage one secret only.
  const cookieSecret = Buffer.from(hkdfSync('sha256', config.tokenEncryptionKey, 'anilink', 'cookie-signing', 32)).toString('base64url');

  const accounts = createLinkedAccountsRepository(database.db);
  // Sharded, this is still the only limiter: shards ask it for permits over IPC (src/sharding/ipc-limiter.ts).
  const limiter = createRateLimiter({ perMinute: config.anilist.rateLimitPerMinute, logger: logger.child({ component: 'anilist-limiter' }) });
  const metrics = config.metrics.enabled
    ? createMetrics({
        limiterStats: () => limiter.stats(),
        linkedMembers: () => ({ total: accounts.count(), tokenRejected: accounts.countTokenRejected() }),
      })
    : undefined;
  const anilist = buildAniListClient(config, {
    // Observed from outside: every request counted by outcome (429s included) and its queueing time measured.
    // Sharded, this covers the manager's own calls (linking); the shards' requests only show in the limiter gauges.
    limiter: metrics ? metrics.observeLimiter(limiter) : limiter,
    userAgent,
    logger,
  });

  // Unsharded, the gateway client's REST serves everything. Sharded, the manager has no gateway client: interaction
  // webhooks (link replies) need no token, DMs do.
  const client = sharded ? undefined : createDiscordClient({ apiUrl: config.discord.apiUrl });
  const webhookRest: REST = client?.rest ?? managerRest(config.discord.apiUrl);
  const botRest: REST = client?.rest ?? managerRest(config.discord.apiUrl, config.discord.token);
  const links = buildLinkService(config, { db: database.db, accounts, vault, anilist, rest: webhookRest, userAgent, clock, logger });

  const reminders: ExpiryReminders | undefined =
    config.expiryReminderDays > 0
      ? createExpiryReminders({
          accounts,
          dms: createDirectMessages(botRest),
          clock,
          logger: logger.child({ component: 'expiry-reminders' }),
          reminderDays: config.expiryReminderDays,
          onReminder: metrics ? (outcome) => metrics.reminder(outcome) : undefined,
        })
      : undefined;

  if (client) {
    const dispatch = createInteractionDispatcher({
      commands,
      deps: { links, anilist, clock },
      logger: logger.child({ component: 'bot' }),
      observer: metrics?.interactions,
    });
    // The dispatcher is the error boundary and never rejects.
    client.on(Events.InteractionCreate, (interaction) => void dispatch(interaction));
    logGatewayEvents(client, logger);
    client.once(Events.ClientReady, (readyClient) => {
      logger.info({ user: readyClient.user.tag, applicationId: readyClient.application.id, guilds: readyClient.guilds.cache.size }, 'connected to Discord');
      // Daily, and once shortly after start. Started here because DMs need the REST client's token.
      reminders?.start();
      registerSlashCommands(config, readyClient.rest, readyClient.application.id, logger);
    });
  }
  let shards: ShardedGateway | undefined;

  const server = await buildServer({
    logger,
    links,
    publicUrl: config.http.publicUrl,
    cookieSecret,
    trustProxy: config.http.trustProxy,
    health: () => ({
      database: database.isHealthy() ? 'ok' : 'error',
      gateway: client ? gatewayStatus(client) : (shards?.status() ?? 'starting shards'),
    }),
    // On the public port only behind a bearer token: member counts and internals are nobody else's business.
    metrics: metrics && config.metrics.port === undefined && config.metrics.token !== undefined ? { registry: metrics.registry, token: config.metrics.token } : undefined,
  });
  if (metrics && config.metrics.port === undefined && config.metrics.token === undefined) {
    logger.warn('metrics are collected but not served: set METRICS_PORT (a separate listener) or METRICS_TOKEN (bearer token on PORT) to scrape /metrics, or METRICS=false to silence this');
  }
  const metricsServer =
    metrics && config.metrics.port !== undefined
      ? await buildMetricsServer({ registry: metrics.registry, token: config.metrics.token, logger })
      : undefined;

  const purgeTimer = setInterval(() => {
    try {
      links.purgeExpiredRequests();
    } catch (error) {
      logger.warn({ err: error }, 'could not purge expired link requests');
    }
  }, PURGE_INTERVAL_MS);
  purgeTimer.unref();

  let closing = false;
  const shutdown = async () => {
    closing = true;
    clearInterval(purgeTimer);
    reminders?.stop();
    await client?.destroy();
    await shards?.stop();
    if (sharded) limiter.close();
    await server.close();
    await metricsServer?.close();
    database.close();
  };

  closeGracefullyOnSignals({ logger, graceMs: SHUTDOWN_GRACE_MS, close: shutdown });

  try {
    const address = await server.listen({ host: config.http.host, port: config.http.port });
    logger.info({ address, publicUrl: config.http.publicUrl, redirectUri: config.http.redirectUri }, 'web server listening');
  } catch (error) {
    await exitAfterStartupFailure(logger, `Cannot listen on ${config.http.host}:${config.http.port}: ${(error as Error).message}. Check HOST and PORT.`, shutdown);
  }
  if (metricsServer) {
    try {
      const address = await metricsServer.listen({ host: config.http.host, port: config.metrics.port });
      logger.info({ address, bearerToken: config.metrics.token !== undefined }, 'metrics listening at /metrics');
    } catch (error) {
      await exitAfterStartupFailure(logger, `Cannot listen for metrics on ${config.http.host}:${config.metrics.port}: ${(error as Error).message}. Check METRICS_PORT.`, shutdown);
    }
  }

  if (client) {
    try {
      await client.login(config.discord.token);
    } catch (error) {
      if (closing) return;
      await exitAfterStartupFailure(logger, describeLoginFailure(error, config.discord.apiUrl), shutdown);
    }
    return;
  }

  // Sharded: ask Discord how many shards (and how many may start together), then spawn them.
  try {
    const plan = await planShards(botRest, config.shards ?? 'auto');
    if (closing) return;
    shards = createShardedGateway({ shardFile: SHARD_FILE, token: config.discord.token, plan, limiter, logger: logger.child({ component: 'shards' }) });
    await shards.start();
    if (closing) return;
    logger.info({ shards: plan.totalShards }, 'all shards connected to Discord');
    reminders?.start();
    // Once for all shards, through REST (registerSlashCommands itself honours REGISTER_COMMANDS).
    if (config.discord.registerCommands) {
      fetchApplicationId(botRest).then(
        (applicationId) => registerSlashCommands(config, botRest, applicationId, logger),
        (error: unknown) => logger.error({ err: error }, 'could not register slash commands; existing registrations stay in place'),
      );
    }
  } catch (error) {
    if (closing) return;
    await exitAfterStartupFailure(logger, describeLoginFailure(error, config.discord.apiUrl), shutdown);
  }
}

await main();
