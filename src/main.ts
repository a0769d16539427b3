import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import closeWithGrace from 'close-with-grace';
import { Events } from 'discord.js';
import { commands } from '../commands/index.js';
import { createAniListClient, createRateLimiter } from './anilist/index.js';
import { createDiscordClient } from './bot/client.js';
import { createInteractionDispatcher } from './bot/dispatcher.js';
import { gatewayStatus } from './bot/gateway-status.js';
import { createInteractionReplies } from './bot/interaction-replies.js';
import { describeLoginFailure } from './bot/login-failure.js';
import { registerCommands } from './bot/register-commands.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createTokenVault } from './crypto/vault.js';
import { openDatabase, type OpenDatabase } from './db/database.js';
import { createLinkRequestsRepository } from './db/link-requests.js';
import { createLinkedAccountsRepository } from './db/linked-accounts.js';
import { createDirectMessages } from './expiry/direct-messages.js';
import { createExpiryReminders, type ExpiryReminders } from './expiry/reminders.js';
import { buildServer } from './http/server.js';
import { createLogger } from './logger.js';
import { buildMetricsServer } from './metrics/http.js';
import { createMetrics } from './metrics/metrics.js';
import { createViewerIdentifier } from './oauth/identify-viewer.js';
import { createLinkService } from './oauth/link-service.js';
import { createTokenExchange } from './oauth/token-exchange.js';
import { migrationsFolder, projectRoot } from './paths.js';

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

async function main(): Promise<void> {
  const config = readConfigOrExit();
  // Pretty lines for a person at a terminal; JSON lines for everything else (Docker, systemd, log shippers).
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const userAgent = `anilink/${version} (self-hosted Discord bot; +${config.http.publicUrl})`;
  const clock = () => new Date();

  let database: OpenDatabase;
  try {
    database = openDatabase(config.databasePath, migrationsFolder);
  } catch (error) {
    logger.fatal(`Cannot open the database at ${config.databasePath}: ${(error as Error).message}. Check DATABASE_PATH and that the folder is writable.`);
    process.exit(1);
  }

  const vault = createTokenVault({ keys: [config.tokenEncryptionKey] });
  // A separate key for signing cookies, derived so admins manage one secret only.
  const cookieSecret = Buffer.from(hkdfSync('sha256', config.tokenEncryptionKey, 'anilink', 'cookie-signing', 32)).toString('base64url');

  const accounts = createLinkedAccountsRepository(database.db);
  const limiter = createRateLimiter({ perMinute: config.anilist.rateLimitPerMinute, logger: logger.child({ component: 'anilist-limiter' }) });
  const metrics = config.metrics.enabled
    ? createMetrics({
        limiterStats: () => limiter.stats(),
        linkedMembers: () => ({ total: accounts.count(), tokenRejected: accounts.countTokenRejected() }),
      })
    : undefined;
  const anilist = createAniListClient({
    endpoint: config.anilist.apiUrl,
    userAgent,
    referer: `${config.http.publicUrl}/`,
    // Observed from outside: every request counted by outcome (429s included) and its queueing time measured.
    limiter: metrics ? metrics.observeLimiter(limiter) : limiter,
    logger: logger.child({ component: 'anilist' }),
  });

  const client = createDiscordClient({ apiUrl: config.discord.apiUrl });
  const links = createLinkService({
    linkRequests: createLinkRequestsRepository(database.db),
    accounts,
    vault,
    exchangeToken: createTokenExchange({
      oauthUrl: config.anilist.oauthUrl,
      clientId: config.anilist.clientId,
      clientSecret: config.anilist.clientSecret,
      redirectUri: config.http.redirectUri,
      userAgent,
    }),
    identifyViewer: createViewerIdentifier(anilist),
    replies: createInteractionReplies(client.rest),
    clock,
    logger: logger.child({ component: 'link' }),
    oauth: {
      publicUrl: config.http.publicUrl,
      authorizeUrl: `${config.anilist.oauthUrl}/authorize`,
      clientId: config.anilist.clientId,
      redirectUri: config.http.redirectUri,
    },
  });

  const dispatch = createInteractionDispatcher({
    commands,
    deps: { links, anilist, clock },
    logger: logger.child({ component: 'bot' }),
    observer: metrics?.interactions,
  });

  const reminders: ExpiryReminders | undefined =
    config.expiryReminderDays > 0
      ? createExpiryReminders({
          accounts,
          dms: createDirectMessages(client.rest),
          clock,
          logger: logger.child({ component: 'expiry-reminders' }),
          reminderDays: config.expiryReminderDays,
          onReminder: metrics ? (outcome) => metrics.reminder(outcome) : undefined,
        })
      : undefined;
  // The dispatcher is the error boundary and never rejects.
  client.on(Events.InteractionCreate, (interaction) => void dispatch(interaction));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ shardId, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'gateway resumed'));
  client.once(Events.ClientReady, (readyClient) => {
    logger.info({ user: readyClient.user.tag, applicationId: readyClient.application.id, guilds: readyClient.guilds.cache.size }, 'connected to Discord');
    // Daily, and once shortly after start. Started here because DMs need the REST client's token.
    reminders?.start();
    if (!config.discord.registerCommands) return;
    registerCommands(readyClient.rest, commands, { applicationId: readyClient.application.id, guildId: config.discord.guildId }).then(
      (count) => logger.info({ count, scope: config.discord.guildId ? `guild ${config.discord.guildId}` : 'global' }, 'slash commands registered'),
      (error: unknown) => logger.error({ err: error }, 'could not register slash commands; existing registrations stay in place'),
    );
  });

  const server = await buildServer({
    logger,
    links,
    publicUrl: config.http.publicUrl,
    cookieSecret,
    trustProxy: config.http.trustProxy,
    health: () => ({ database: database.isHealthy() ? 'ok' : 'error', gateway: gatewayStatus(client) }),
    // On the public port only when the admin did not ask for a separate one.
    metrics: metrics && config.metrics.port === undefined ? { registry: metrics.registry, token: config.metrics.token } : undefined,
  });
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
    await client.destroy();
    await server.close();
    await metricsServer?.close();
    database.close();
  };

  closeWithGrace(
    { delay: SHUTDOWN_GRACE_MS, logger: { error: (message: string) => logger.error(message) }, skip: ['unhandledRejection'] },
    async ({ signal, err }) => {
      if (err) logger.fatal({ err }, 'unexpected error; shutting down');
      else logger.info({ signal }, 'shutting down');
      await shutdown();
    },
  );
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  try {
    const address = await server.listen({ host: config.http.host, port: config.http.port });
    logger.info({ address, publicUrl: config.http.publicUrl, redirectUri: config.http.redirectUri }, 'web server listening');
  } catch (error) {
    logger.fatal(`Cannot listen on ${config.http.host}:${config.http.port}: ${(error as Error).message}. Check HOST and PORT.`);
    await shutdown().catch(() => undefined);
    process.exit(1);
  }
  if (metricsServer) {
    try {
      const address = await metricsServer.listen({ host: config.http.host, port: config.metrics.port });
      logger.info({ address, bearerToken: config.metrics.token !== undefined }, 'metrics listening at /metrics');
    } catch (error) {
      logger.fatal(`Cannot listen for metrics on ${config.http.host}:${config.metrics.port}: ${(error as Error).message}. Check METRICS_PORT.`);
      await shutdown().catch(() => undefined);
      process.exit(1);
    }
  }

  try {
    await client.login(config.discord.token);
  } catch (error) {
    if (closing) return;
    logger.fatal(describeLoginFailure(error, config.discord.apiUrl));
    await shutdown().catch(() => undefined);
    process.exit(1);
  }
}

await main();
