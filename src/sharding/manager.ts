/**
 * The sharded start (SHARDS=auto or a number): discord.js's ShardingManager runs one process per gateway shard
 * (`dist/src/shard.js`), while this process — still composed by src/main.ts — keeps everything that must exist
 * once: the web server, metrics, the expiry reminders, the link-request purge, command registration and the one
 * AniList rate limiter that every shard asks for permits (./ipc-limiter.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { REST, Routes, ShardingManager, type Shard } from 'discord.js';
import type { RateLimiter } from '../anilist/index.js';
import type { Gateway } from '../bot/gateway.js';
import type { Logger } from '../logger.js';
import { serveRateLimiter, type IpcEndpoint } from './ipc-limiter.js';

/** Discord allows `max_concurrency` IDENTIFYs per 5 s (one per rate-limit bucket, `shard_id % max_concurrency`). */
const IDENTIFY_INTERVAL_MS = 5_000;
/** How long one shard may take from spawn to READY before the start counts as failed. */
const SHARD_READY_TIMEOUT_MS = 30_000;
/** A shard asked to stop (SIGTERM) that is still running after this is killed. */
const SHARD_STOP_TIMEOUT_MS = 5_000;

export interface ShardPlan {
  readonly totalShards: number;
  /** Shards that may IDENTIFY at the same time. */
  readonly maxConcurrency: number;
}

interface GatewayBot {
  shards: number;
  session_start_limit?: { max_concurrency?: number };
}

/**
 * How many shards to run and how fast to start them, from GET /gateway/bot (through DISCORD_API_URL, unlike
 * discord.js's own `totalShards: 'auto'`, which always asks discord.com). Rejects like a failed login when the
 * token is refused, so the caller can explain it the same way.
 */
export async function planShards(rest: REST, shards: 'auto' | number): Promise<ShardPlan> {
  const gateway = (await rest.get(Routes.gatewayBot())) as GatewayBot;
  const recommended = Math.max(1, Math.floor(gateway.shards));
  const maxConcurrency = Math.max(1, Math.floor(gateway.session_start_limit?.max_concurrency ?? 1));
  return { totalShards: shards === 'auto' ? recommended : shards, maxConcurrency };
}

/** The application id, for registering slash commands through REST (the manager has no gateway session). */
export async function fetchApplicationId(rest: REST): Promise<string> {
  return ((await rest.get(Routes.currentApplication())) as { id: string }).id;
}

/** Shard ids in start-up rounds: each round has at most one shard per identify bucket and may start at once. */
export function startRounds(plan: ShardPlan): number[][] {
  const rounds: number[][] = [];
  for (let first = 0; first < plan.totalShards; first += plan.maxConcurrency) {
    rounds.push(Array.from({ length: Math.min(plan.maxConcurrency, plan.totalShards - first) }, (_, i) => first + i));
  }
  return rounds;
}

export interface ShardedGatewayOptions {
  /** The compiled shard entry (dist/src/shard.js). */
  shardFile: string;
  apiUrl: string;
  token: string;
  /** SHARDS: how many shard processes, or 'auto' for as many as Discord recommends. */
  shards: 'auto' | number;
  /** The manager's real limiter; shards draw their AniList permits from it. */
  limiter: RateLimiter;
  logger: Logger;
}

function shardEndpoint(shard: Shard, logger: Logger): IpcEndpoint {
  return {
    send(message) {
      shard.send(message).catch((error: unknown) => logger.debug({ err: error, shardId: shard.id }, 'could not message a shard (it is restarting?)'));
    },
    onMessage(listener) {
      shard.on('message', listener);
      return () => shard.off('message', listener);
    },
  };
}

/**
 * The sharded gateway: asks Discord how many shards (and how many may start together), then spawns them. The
 * manager has no gateway session of its own, so its REST client carries the bot token itself.
 */
export function createShardedGateway(options: ShardedGatewayOptions): Gateway {
  const { logger } = options;
  const rest = new REST({ api: options.apiUrl }).setToken(options.token);
  let manager: ShardingManager | undefined;
  let plan: ShardPlan | undefined;
  let stopping = false;

  function createShard(manager: ShardingManager, id: number): Shard {
    const shard = manager.createShard(id);
    const log = logger.child({ shardId: id });
    serveRateLimiter(options.limiter, shardEndpoint(shard, log), log);
    shard.on('spawn', (child) => log.debug({ pid: 'pid' in child ? child.pid : undefined }, 'shard process started'));
    shard.on('ready', () => log.info('shard ready'));
    shard.on('disconnect', () => log.warn('shard disconnected from the gateway'));
    shard.on('death', () => {
      if (!stopping) log.warn('shard process exited; starting it again');
    });
    shard.on('error', (error) => log.error({ err: error }, 'shard error'));
    return shard;
  }

  async function spawnAll(manager: ShardingManager, plan: ShardPlan): Promise<void> {
    logger.info({ shards: plan.totalShards, maxConcurrency: plan.maxConcurrency }, 'starting shards');
    const rounds = startRounds(plan);
    for (const [index, round] of rounds.entries()) {
      if (stopping) return;
      if (index > 0) await sleep(IDENTIFY_INTERVAL_MS);
      await Promise.all(round.map((id) => createShard(manager, id).spawn(SHARD_READY_TIMEOUT_MS)));
    }
  }

  async function stopShard(shard: Shard): Promise<void> {
    const child = shard.process;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // SIGTERM: the shard closes its gateway session and its database handle, then exits.
    shard.kill();
    const outcome = await Promise.race([exited.then(() => 'exited' as const), sleep(SHARD_STOP_TIMEOUT_MS, 'timeout' as const)]);
    if (outcome === 'timeout') {
      logger.warn({ shardId: shard.id }, 'shard did not stop in time; killing it');
      child.kill('SIGKILL');
      await exited;
    }
  }

  function readyShards(): number {
    let ready = 0;
    for (const shard of manager?.shards.values() ?? []) if (shard.ready) ready++;
    return ready;
  }

  return {
    rest,
    async start() {
      plan = await planShards(rest, options.shards);
      manager = new ShardingManager(options.shardFile, {
        totalShards: plan.totalShards,
        token: options.token,
        mode: 'process',
        respawn: true,
      });
      await spawnAll(manager, plan);
      const applicationId = await fetchApplicationId(rest);
      logger.info({ shards: plan.totalShards }, 'all shards connected to Discord');
      return { applicationId };
    },
    status: () => (plan ? `${readyShards()}/${plan.totalShards} shards ready` : 'starting shards'),
    ready: () => plan !== undefined && readyShards() === plan.totalShards,
    // The shards' READY guild counts stay in the shard processes.
    guilds: () => undefined,
    async stop() {
      stopping = true;
      if (!manager) return;
      manager.respawn = false;
      await Promise.all([...manager.shards.values()].map((shard) => stopShard(shard)));
    },
  };
}
