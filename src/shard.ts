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
import { buildApp } from './app.js';
import { createClientGateway } from './bot/gateway.js';
import { describeLoginFailure } from './bot/login-failure.js';
import { loadShardConfig } from './config.js';
import { createLogger } from './logger.js';
import { closeGracefullyOnSignals, exitAfterStartupFailure, loadConfigOrExit, openDatabaseOrExit } from './process-lifecycle.js';
import { createIpcRateLimiter, type IpcEndpoint } from './sharding/ipc-limiter.js';

const SHUTDOWN_GRACE_MS = 4_000;

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

const config = loadConfigOrExit(loadShardConfig);
const baseLogger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
const gateway = createClientGateway({ apiUrl: config.discord.apiUrl, token: config.discord.token, logger: baseLogger, managedShard: true });
const logger = baseLogger.child({ shard: (gateway.client.shard?.ids ?? []).join(',') });
if (!process.send || gateway.client.shard === null) {
  logger.fatal('dist/src/shard.js is started by the sharding manager (npm start with SHARDS set), not directly.');
  process.exit(1);
}
// The manager migrated the shared file before spawning the shards.
const db = openDatabaseOrExit(config.databasePath, logger, { migrate: false });
const limiter = createIpcRateLimiter({ endpoint: managerEndpoint(), logger: logger.child({ component: 'anilist-limiter' }) });
// Per-shard interaction metrics are not collected: /metrics (in the manager) has the process-wide ones.
const app = await buildApp({ config, db, limiter, rest: gateway.rest, logger, clock: () => new Date(), gateway, process: 'shard' });

let closing = false;
async function stop(): Promise<void> {
  if (closing) return;
  closing = true;
  limiter.close();
  await gateway.stop();
  await app.close();
  db.close();
}
closeGracefullyOnSignals({ logger, graceMs: SHUTDOWN_GRACE_MS, close: stop, processName: 'shard' });
// The manager is gone (killed without stopping us): no permits, no web server; do not linger as an orphan.
process.once('disconnect', () => {
  if (closing) return;
  logger.warn('lost the sharding manager; shard shutting down');
  stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

await gateway.start(app.dispatch).catch((error: unknown) => closing || exitAfterStartupFailure(logger, describeLoginFailure(error, config.discord.apiUrl), stop));
