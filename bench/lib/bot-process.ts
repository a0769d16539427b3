/** Starting the real bot (dist/src/main.js) and the reference children against the fakes. */
import { join } from 'node:path';
import type { FakeAniList } from '../../fakes/anilist/index.js';
import type { FakeDiscord } from '../../fakes/discord/index.js';
import { BENCH_DISCORD_TOKEN, BOT_MAIN, CHILDREN, botEnv, freePort, newEncryptionKey, startNode, waitForHttp200, waitUntil, type Child } from './common.js';
import { dbPath } from './world.js';

export interface StartedBot {
  child: Child;
  port: number;
  /** ms from spawn to the first /healthz 200. */
  healthzMs: number;
}

/** Starts the real bot process and waits until /healthz answers, the gateway is READY and commands are registered. */
export async function startRealBot(opts: {
  discord: FakeDiscord;
  anilistOauthUrl: string;
  anilistApiUrl: string;
  port: number;
  databasePath: string;
  encryptionKey: string;
  logFile: string;
  rateLimitPerMinute?: number;
  nodeArgs?: string[];
  ipc?: boolean;
  logLevel?: string;
  registerCommands?: boolean;
  readyTimeoutMs?: number;
  /** More configuration for the bot (e.g. ANILIST_BACKGROUND_SHARE), over the defaults above. */
  env?: Record<string, string>;
}): Promise<StartedBot> {
  const readyBefore = opts.discord.readyCount;
  const child = startNode(BOT_MAIN, {
    env: {
      ...botEnv({
        discordApiUrl: opts.discord.apiUrl,
        anilistOauthUrl: opts.anilistOauthUrl,
        anilistApiUrl: opts.anilistApiUrl,
        port: opts.port,
        databasePath: opts.databasePath,
        encryptionKey: opts.encryptionKey,
        rateLimitPerMinute: opts.rateLimitPerMinute,
        registerCommands: opts.registerCommands,
        logLevel: opts.logLevel,
      }),
      ...opts.env,
    },
    nodeArgs: opts.nodeArgs,
    logFile: opts.logFile,
    ipc: opts.ipc,
  });
  const timeout = opts.readyTimeoutMs ?? 60_000;
  const healthzAt = await waitForHttp200(`http://127.0.0.1:${opts.port}/healthz`, timeout, child);
  await opts.discord.waitForReady(readyBefore + 1, timeout);
  if (opts.registerCommands ?? true) {
    await waitUntil(() => opts.discord.registeredCommands.global.length > 0, timeout, 'slash command registration');
  }
  return { child, port: opts.port, healthzMs: healthzAt - child.spawnedAt };
}

/**
 * The real bot against both fakes, as the figures that send it commands start it: its SQLite file (`dbPath(dir)`,
 * linked beforehand with the same `encryptionKey` when members are seeded) and its log in `dir`, a free port.
 */
export async function startBotAgainstFakes(opts: {
  discord: FakeDiscord;
  anilist: FakeAniList;
  dir: string;
  encryptionKey?: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<StartedBot> {
  return startRealBot({
    discord: opts.discord,
    anilistOauthUrl: opts.anilist.oauthUrl,
    anilistApiUrl: opts.anilist.graphqlUrl,
    port: opts.port ?? (await freePort()),
    databasePath: dbPath(opts.dir),
    encryptionKey: opts.encryptionKey ?? newEncryptionKey(),
    logFile: join(opts.dir, 'bot.log'),
    env: opts.env,
  });
}

export function startRefBot(opts: {
  mode: 'idle' | 'defer' | 'login';
  /** Default `guilds`: what most discord.js bots run. */
  intents?: 'guilds' | 'none';
  discord: FakeDiscord;
  logFile: string;
  workMs?: number;
  nodeArgs?: string[];
  ipc?: boolean;
}): Child {
  return startNode(join(CHILDREN, 'ref-bot.js'), {
    args: [opts.mode],
    env: {
      DISCORD_API_URL: opts.discord.apiUrl,
      DISCORD_TOKEN: BENCH_DISCORD_TOKEN,
      REF_WORK_MS: String(opts.workMs ?? 1500),
      REF_INTENTS: opts.intents ?? 'guilds',
      NODE_ENV: 'production',
    },
    nodeArgs: opts.nodeArgs,
    logFile: opts.logFile,
    ipc: opts.ipc,
  });
}

export const PROBE = (): string => join(CHILDREN, 'probe.js');

export interface MemoryReport {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  gcForced: boolean;
}

/** Asks a child started with the probe preload (and `ipc: true`) for its memory after forced GCs. */
export async function measureMemory(child: Child, timeoutMs = 20_000): Promise<MemoryReport> {
  return new Promise<MemoryReport>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('memory probe did not answer')), timeoutMs);
    const onMessage = (message: { type?: string } & MemoryReport) => {
      if (message?.type !== 'memory') return;
      clearTimeout(timer);
      child.proc.off('message', onMessage);
      resolve(message);
    };
    child.proc.on('message', onMessage);
    child.proc.send({ type: 'measure' });
  });
}
