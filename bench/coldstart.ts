/**
 * Figure 5 — cold start, median of N runs. Spawn of `node dist/src/main.js` (fresh database, migrations, command
 * registration on) → first /healthz 200 → IDENTIFY received and READY sent by the fake gateway (observed in this
 * process by the fake's own waiters). References in the same run: `node -e ""` (the floor: Node's own start) and a
 * bare discord.js client (`new Client({ intents: [Guilds] })`, login) → READY.
 */
import { join } from 'node:path';
import { startRefBot } from './lib/bot-process.js';
import { BOT_MAIN, botEnv, bounded, comparison, fmt, freePort, median, newEncryptionKey, startNode, tempDir, waitForHttp200, type Row } from './lib/common.js';
import { dbPath, startAniList, startDiscord } from './lib/world.js';

interface Sample {
  healthz: number;
  identify: number;
  ready: number;
}

export async function runColdStart({ quick }: { quick: boolean }): Promise<{ rows: Row[]; detail: unknown }> {
  const runs = quick ? 3 : 5;
  const dir = tempDir('anilink-bench-cold-');
  const { fake: anilist } = await startAniList(0);
  const bot: Sample[] = [];
  const ref: Omit<Sample, 'healthz'>[] = [];
  const nodeOnly: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      // Node alone.
      const bare = startNode('-e', { args: [''], logFile: join(dir.path, `node-${i}.log`) });
      await bounded(bare.exited, 30_000, 'node -e ""');
      nodeOnly.push(performance.now() - bare.spawnedAt);

      // The bot.
      {
        const discord = await startDiscord();
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
          bot.push({ healthz: healthzAt - child.spawnedAt, identify: identifyAt - child.spawnedAt, ready: readyAt - child.spawnedAt });
        } finally {
          await child.stop();
          await discord.close();
        }
      }

      // Bare discord.js.
      {
        const discord = await startDiscord();
        const identify = discord.waitForIdentify(1, 60_000).then(() => performance.now());
        const ready = discord.waitForReady(1, 60_000).then(() => performance.now());
        const child = startRefBot({ mode: 'login', discord, logFile: join(dir.path, `ref-${i}.log`) });
        try {
          const [identifyAt, readyAt] = await bounded(Promise.all([identify, ready]), 60_000, 'reference READY');
          ref.push({ identify: identifyAt - child.spawnedAt, ready: readyAt - child.spawnedAt });
        } finally {
          await child.stop();
          await discord.close();
        }
      }
    }
  } finally {
    await anilist.close();
    dir.remove();
  }
  const f = '5 cold start';
  const m = (xs: number[]) => median(xs);
  const rows: Row[] = [
    { figure: f, metric: `node -e "" (median of ${runs})`, value: fmt(m(nodeOnly), 'ms'), reference: '—' },
    comparison(f, 'spawn → /healthz 200 (ref: node -e "")', m(bot.map((s) => s.healthz)), m(nodeOnly), 'ms'),
    comparison(f, 'spawn → IDENTIFY (ref: bare discord.js)', m(bot.map((s) => s.identify)), m(ref.map((s) => s.identify)), 'ms'),
    comparison(f, 'spawn → READY (ref: bare discord.js)', m(bot.map((s) => s.ready)), m(ref.map((s) => s.ready)), 'ms'),
  ];
  return { rows, detail: { runs, bot, reference: ref, nodeOnly } };
}
