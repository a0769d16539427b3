/**
 * Figure 5 — cold start against a fake Discord with 2,500 realistic guilds. Spawn of `node dist/src/main.js` (fresh
 * database, migrations, command registration on) → first /healthz 200, and → IDENTIFY received and READY sent by the
 * fake gateway (observed in this process by the fake's own waiters). Reference, interleaved: a bare discord.js
 * client with no intent (`new Client({ intents: [] })`, login) → READY; and `node -e ""` (Node's own start).
 */
import { join } from 'node:path';
import { startRefBot } from './lib/bot-process.js';
import { BOT_MAIN, botEnv, bounded, freePort, interleaved, newEncryptionKey, startNode, tempDir, waitForHttp200 } from './lib/common.js';
import type { FigureResult } from './lib/results.js';
import { dbPath, realisticGuild, startAniList, startDiscord } from './lib/world.js';

const GUILDS = 2500;

interface BotSample {
  healthz: number;
  identify: number;
  ready: number;
}

interface ReferenceSample {
  identify: number;
  ready: number;
  nodeOnly: number;
}

export async function runColdStart({ repetitions }: { repetitions: number }): Promise<Omit<FigureResult, 'figure' | 'load' | 'durationS'>> {
  const dir = tempDir('anilink-bench-cold-');
  const { fake: anilist } = await startAniList(0);
  const guilds = Array.from({ length: GUILDS }, (_, i) => realisticGuild(i));
  try {
    const bot = async (i: number): Promise<BotSample> => {
      const discord = await startDiscord({ guilds });
      const port = await freePort();
      const identify = discord.waitForIdentify(1, 60_000).then(() => performance.now());
      const ready = discord.waitForReady(1, 60_000).then(() => performance.now());
      const child = startNode(BOT_MAIN, {
        env: botEnv({
          discordApiUrl: discord.apiUrl,
          anilistOauthUrl: anilist.oauthUrl,
          anilistApiUrl: anilist.graphqlUrl,
          port,
          databasePath: dbPath(join(dir.path, `bot-${i}`)),
          encryptionKey: newEncryptionKey(),
        }),
        logFile: join(dir.path, `bot-${i}.log`),
      });
      try {
        const healthzAt = await waitForHttp200(`http://127.0.0.1:${port}/healthz`, 60_000, child);
        const [identifyAt, readyAt] = await bounded(Promise.all([identify, ready]), 60_000, 'bot READY');
        return { healthz: healthzAt - child.spawnedAt, identify: identifyAt - child.spawnedAt, ready: readyAt - child.spawnedAt };
      } finally {
        await child.stop();
        await discord.close();
      }
    };
    const reference = async (i: number): Promise<ReferenceSample> => {
      const bare = startNode('-e', { args: [''], logFile: join(dir.path, `node-${i}.log`) });
      await bounded(bare.exited, 30_000, 'node -e ""');
      const nodeOnly = performance.now() - bare.spawnedAt;
      const discord = await startDiscord({ guilds });
      const identify = discord.waitForIdentify(1, 60_000).then(() => performance.now());
      const ready = discord.waitForReady(1, 60_000).then(() => performance.now());
      const child = startRefBot({ mode: 'login', intents: 'none', discord, logFile: join(dir.path, `ref-${i}.log`) });
      try {
        const [identifyAt, readyAt] = await bounded(Promise.all([identify, ready]), 60_000, 'reference READY');
        return { identify: identifyAt - child.spawnedAt, ready: readyAt - child.spawnedAt, nodeOnly };
      } finally {
        await child.stop();
        await discord.close();
      }
    };
    const runs = await interleaved(repetitions, bot, reference);
    const referenceLabel = 'bare discord.js 14 login, no intent (spawn → READY)';
    const readyRef = runs.reference.map((r) => r.ready);
    return {
      repetitions,
      setup: { guilds: GUILDS, 'channels per guild': 20, database: 'fresh (migrations run)', 'command registration': 'on' },
      measures: {
        ready: { label: 'spawn → READY', unit: 'ms', digits: 0, anilink: runs.bot.map((s) => s.ready), reference: readyRef, referenceLabel },
        healthz: { label: 'spawn → /healthz 200', unit: 'ms', digits: 0, anilink: runs.bot.map((s) => s.healthz), reference: readyRef, referenceLabel },
        identify: {
          label: 'spawn → IDENTIFY',
          unit: 'ms',
          digits: 0,
          anilink: runs.bot.map((s) => s.identify),
          reference: runs.reference.map((r) => r.identify),
          referenceLabel: 'bare discord.js 14 login, no intent (spawn → IDENTIFY)',
        },
        handshake: {
          label: 'IDENTIFY → READY (the gateway handshake with 2,500 guilds)',
          unit: 'ms',
          digits: 0,
          anilink: runs.bot.map((s) => s.ready - s.identify),
          reference: runs.reference.map((r) => r.ready - r.identify),
          referenceLabel: 'bare discord.js 14 login, no intent',
        },
        nodeOnly: {
          label: 'Node\'s own start, for scale',
          unit: 'ms',
          digits: 0,
          anilink: [],
          reference: runs.reference.map((r) => r.nodeOnly),
          referenceLabel: 'node -e ""',
        },
      },
      detail: runs,
    };
  } finally {
    await anilist.close();
    dir.remove();
  }
}
