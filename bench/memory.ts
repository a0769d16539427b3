/**
 * Figure 3 — memory per guild. For each guild count, in fresh child processes started with
 * `--expose-gc --import probe.js`: the real bot (dist/src/main.js, trimmed caches) and a plain discord.js client
 * with default caches, each against its own fake Discord holding N realistic guilds (20 channels, 11 roles).
 * After READY and every GUILD_CREATE, three different members per guild use a command (that is how members
 * reach a bot's caches without privileged intents: GUILD_CREATE then only carries the bot's own member), then
 * the probe forces GC and reports RSS and heap.
 */
import { join } from 'node:path';
import type { FakeDiscord, FakeUser } from '../fakes/discord/index.js';
import { PROBE, measureMemory, startRealBot, startRefBot, type MemoryReport } from './lib/bot-process.js';
import { bounded, comparison, freePort, newEncryptionKey, sleep, tempDir, type Child, type Row } from './lib/common.js';
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
      // /healthz answers before login; wait for discord.js's own READY (all GUILD_CREATEs in, or its guild timeout).
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

export async function runMemory({ quick }: { quick: boolean }): Promise<{ rows: Row[]; detail: unknown }> {
  const counts = quick ? [100, 500] : [100, 1000, 2500];
  const results: { guilds: number; anilink: MemoryReport; reference: MemoryReport }[] = [];
  for (const guilds of counts) {
    // Alternate the order so neither side always runs on a warmer machine.
    const anilink = await bounded(measureOne('anilink', guilds), 300_000, `memory (anilink, ${guilds} guilds)`);
    const reference = await bounded(measureOne('reference', guilds), 300_000, `memory (reference, ${guilds} guilds)`);
    results.push({ guilds, anilink, reference });
  }
  const f = '3 memory';
  const rows: Row[] = [];
  for (const r of results) {
    rows.push(comparison(f, `RSS after READY, ${r.guilds} guilds`, r.anilink.rss / MiB, r.reference.rss / MiB, 'MiB', 1));
    rows.push(comparison(f, `heap used, ${r.guilds} guilds`, r.anilink.heapUsed / MiB, r.reference.heapUsed / MiB, 'MiB', 1));
  }
  const first = results[0]!;
  const last = results[results.length - 1]!;
  const span = last.guilds - first.guilds;
  const slope = (k: 'anilink' | 'reference', m: 'rss' | 'heapUsed') => (last[k][m] - first[k][m]) / span / 1024;
  for (const [name, measure] of [['RSS', 'rss'], ['heap', 'heapUsed']] as const) {
    rows.push(comparison(f, `${name} slope ${first.guilds}→${last.guilds} guilds`, slope('anilink', measure), slope('reference', measure), 'KiB/guild', 1));
  }
  return { rows, detail: results };
}
