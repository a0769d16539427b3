/**
 * Figure 3 — memory per guild. For a small and a large guild count, in fresh child processes started with
 * `--expose-gc --import probe.js`: the real bot (dist/src/main.js, no gateway intent) and a plain discord.js client
 * with the Guilds intent and default caches (what most bots run), each against its own fake Discord holding N
 * realistic guilds (20 channels, 11 roles). After READY (and, for the reference, every GUILD_CREATE), three different
 * members per guild use a command (that is how members reach a bot's caches without privileged intents), then the
 * probe forces GC and reports RSS and heap. Bot and reference alternate, every repetition at both sizes.
 */
import { join } from 'node:path';
import type { FakeDiscord, FakeUser } from '../fakes/discord/index.js';
import { PROBE, measureMemory, startRealBot, startRefBot, type MemoryReport } from './lib/bot-process.js';
import { bounded, freePort, interleaved, newEncryptionKey, sleep, tempDir, type Child } from './lib/common.js';
import { pairedMeasures, type FigureResult } from './lib/results.js';
import { dbPath, realisticGuild, startDiscord } from './lib/world.js';

const MEMBERS_PER_GUILD = 3;
const MiB = 2 ** 20;

function memberUser(guildIndex: number, k: number): FakeUser {
  const n = guildIndex * MEMBERS_PER_GUILD + k + 1;
  return { id: (1_300_000_000_000_000_000n + BigInt(n)).toString(), username: `m${n}`, global_name: `Member ${n}`, avatar: null, discriminator: '0', public_flags: 0 };
}

/** Three members per guild run a command (both bots answer it with an ephemeral reply); waits for the answers. */
async function memberActivity(discord: FakeDiscord): Promise<void> {
  const handles = [];
  for (const [gi, guild] of discord.guilds.entries()) {
    for (let k = 0; k < MEMBERS_PER_GUILD; k++) {
      handles.push(discord.sendCommand({ name: 'help', guildId: guild.id, user: memberUser(gi, k) }));
    }
    if (gi % 100 === 99) await sleep(50);
  }
  await Promise.all(handles.map((h) => h.waitForInitialResponse(30_000).catch(() => undefined)));
  await sleep(2000);
}

async function measureOne(kind: 'anilink' | 'reference', guildCount: number): Promise<MemoryReport> {
  const dir = tempDir(`anilink-bench-mem-${kind}-`);
  const discord = await startDiscord({ guilds: Array.from({ length: guildCount }, (_, i) => realisticGuild(i)) });
  let child: Child | undefined;
  try {
    const nodeArgs = ['--expose-gc', '--import', PROBE()];
    if (kind === 'anilink') {
      const bot = await startRealBot({
        discord,
        // Never called at startup; any loopback address that refuses is fine.
        anilistOauthUrl: 'http://127.0.0.1:9/api/v2/oauth',
        anilistApiUrl: 'http://127.0.0.1:9/graphql',
        port: await freePort(),
        databasePath: dbPath(dir.path),
        encryptionKey: newEncryptionKey(),
        logFile: join(dir.path, 'bot.log'),
        nodeArgs,
        ipc: true,
        readyTimeoutMs: 120_000,
      });
      child = bot.child;
      // /healthz answers before login; wait until discord.js itself reports the gateway ready.
      const deadline = performance.now() + 120_000;
      for (;;) {
        const res = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
        const body = (await res.json()) as { gateway?: string };
        if (body.gateway === 'ready') break;
        if (performance.now() > deadline) throw new Error(`gateway status stayed ${body.gateway}`);
        await sleep(50);
      }
    } else {
      child = startRefBot({ mode: 'idle', discord, logFile: join(dir.path, 'ref.log'), nodeArgs, ipc: true });
      const c = child;
      await bounded(
        new Promise<void>((resolve, reject) => {
          c.proc.on('message', (m: { type?: string }) => m?.type === 'ready' && resolve());
          void c.exited.then((code) => reject(new Error(`reference exited with ${code}`)));
        }),
        120_000,
        'reference READY',
      );
    }
    await memberActivity(discord);
    return await measureMemory(child);
  } finally {
    await child?.stop();
    await discord.close();
    dir.remove();
  }
}

interface SizedReports {
  small: MemoryReport;
  large: MemoryReport;
}

export async function runMemory({ quick, repetitions }: { quick: boolean; repetitions: number }): Promise<Omit<FigureResult, 'figure' | 'load' | 'durationS'>> {
  const [small, large] = quick ? [100, 500] : [100, 2500];
  const measureBoth = async (kind: 'anilink' | 'reference'): Promise<SizedReports> => ({
    small: await bounded(measureOne(kind, small), 300_000, `memory (${kind}, ${small} guilds)`),
    large: await bounded(measureOne(kind, large), 300_000, `memory (${kind}, ${large} guilds)`),
  });
  const runs = await interleaved(repetitions, () => measureBoth('anilink'), () => measureBoth('reference'));
  const both = pairedMeasures(runs, 'discord.js 14, Guilds intent, default caches');
  const slope = (m: 'rss' | 'heapUsed') => (r: SizedReports) => (r.large[m] - r.small[m]) / (large - small) / 1024;
  return {
    repetitions,
    setup: { 'guild counts': `${small} and ${large}`, 'channels per guild': 20, 'roles per guild': 11, 'members using a command per guild': MEMBERS_PER_GUILD },
    measures: {
      heapSlope: both(`heap per guild (slope ${small} → ${large} guilds)`, 'KiB/guild', 1, slope('heapUsed')),
      rssSlope: both(`RSS per guild (slope ${small} → ${large} guilds)`, 'KiB/guild', 1, slope('rss')),
      rssSmall: both(`RSS after READY, ${small} guilds`, 'MiB', 1, (r) => r.small.rss / MiB),
      heapSmall: both(`heap used, ${small} guilds`, 'MiB', 1, (r) => r.small.heapUsed / MiB),
      heapTotalSmall: both(`heap reserved by V8 (heapTotal), ${small} guilds`, 'MiB', 1, (r) => r.small.heapTotal / MiB),
      rssLarge: both(`RSS after READY, ${large} guilds`, 'MiB', 1, (r) => r.large.rss / MiB),
      heapLarge: both(`heap used, ${large} guilds`, 'MiB', 1, (r) => r.large.heapUsed / MiB),
    },
    detail: runs,
  };
}
