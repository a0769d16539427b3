/**
 * The entry of one shard process, spawned by the sharding manager (src/sharding/manager.ts) when SHARDS is set;
 * never started by hand. Like src/main.ts for the manager, this file is the composition root of its process and
 * therefore reads the configuration itself (without the SHARDS/SHARD_COUNT discord.js put in its environment).
 *
 * A shard answers the interactions of its guilds: gateway client, dispatcher and commands, the database (the
 * same SQLite file as every other process, already migrated by the manager) and an AniList client whose rate
 * limiter asks the manager for permits, so all shards share one budget. The web server, metrics, reminders and
 * command registration run once, in the manager.
 */
import process from 'node:process';
import { Events } from 'discord.js';
import { commands } from '../commands/index.js';
import { createDiscordClient } from './bot/client.js';
import { createInteractionDispatcher } from './bot/dispatcher.js';
import { describeLoginFailure } from './bot/login-failure.js';
import { ConfigError, loadShardConfig, type Config } from './config.js';
import { createTokenVault } from './crypto/vault.js';
import { openDatabase, type OpenDatabase } from './db/database.js';
import { createLinkedAccountsRepository } from './db/linked-accounts.js';
import { createLogger } from './logger.js';
import { migrationsFolder } from './paths.js';
import { closeGracefullyOnSignals, exitAfterStartupFailure } from './process-lifecycle.js';
import { createIpcRateLimiter, type IpcEndpoint } from './sharding/ipc-limiter.js';
import { buildAniListClient, buildLinkService, logGatewayEvents, userAgentFor } from './wiring.js';

const SHUTDOWN_GRACE_MS = 4_000;

function readConfigOrExit(): Config {
  try {
    return loadShardConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** The IPC channel to the manager that child_process.fork set up. */
function managerEndpoint(): IpcEndpoint {
  return {
    send(message) {
      if (!process.send) throw new Error('no IPC channel to the sharding manager');
      process.send(message);
    },
    onMessage(listener) {
      process.on('message', listener);
      return () => process.off('message', listener);
    },
  };
}

async function main(): Promise<void> {
  const config = readConfigOrExit();
  const client = createDiscordClient({ apiUrl: config.discord.apiUrl, managedShard: true });
  const shardIds = client.shard?.ids ?? [];
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true }).child({ shard: shardIds.join(',') });
  if (!process.send || client.shard === null) {
    logger.fatal('dist/src/shard.js is started by the sharding manager (npm start with SHARDS set), not directly.');
    process.exit(1);
  }
  const userAgent = userAgentFor(config);
  const clock = () => new Date();

  let database: OpenDatabase;
  try {
    database = openDatabase(config.databasePath, migrationsFolder, { migrate: false });
  } catch (error) {
    logger.fatal(`Cannot open the database at ${config.databasePath}: ${(error as Error).message}. Check DATABASE_PATH and that the folder is writable.`);
    process.exit(1);
  }

  const limiter = createIpcRateLimiter({ endpoint: managerEndpoint(), logger: logger.child({ component: 'anilist-limiter' }) });
  const anilist = buildAniListClient(config, { limiter, userAgent, logger });
  const links = buildLinkService(config, {
    db: database.db,
    accounts: createLinkedAccountsRepository(database.db),
    vault: createTokenVault({ keys: [config.tokenEncryptionKey] }),
    anilist,
    rest: client.rest,
    userAgent,
    clock,
    logger,
  });
  // Per-shard interaction metrics are not collected yet: /metrics (in the manager) has the process-wide ones.
  const dispatch = createInteractionDispatcher({ commands, deps: { links, anilist, clock }, logger: logger.child({ component: 'bot' }) });

  client.on(Events.InteractionCreate, (interaction) => void dispatch(interaction));
  logGatewayEvents(client, logger);
  client.once(Events.ClientReady, (readyClient) => {
    logger.info({ user: readyClient.user.tag, shards: shardIds, guilds: readyClient.guilds.cache.size }, 'shard connected to Discord');
  });

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    limiter.close();
    await client.destroy();
    database.close();
  };
  closeGracefullyOnSignals({ logger, graceMs: SHUTDOWN_GRACE_MS, close: shutdown, processName: 'shard' });
  // The manager is gone (killed without stopping us): no permits, no web server; do not linger as an orphan.
  process.once('disconnect', () => {
    if (closing) return;
    logger.warn('lost the sharding manager; shard shutting down');
    shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });

  try {
    await client.login(config.discord.token);
  } catch (error) {
    if (closing) return;
    await exitAfterStartupFailure(logger, describeLoginFailure(error, config.discord.apiUrl), shutdown);
  }
}

await main();
