/**
 * Figure 4 — HTTP throughput with autocannon (in this process) against servers in child processes:
 *  - the real bot process (dist/src/main.js, against the fakes): /healthz, and /oauth/callback with a well-formed
 *    but unknown state — after the first 30 requests per minute that path answers 429 (per-IP limit);
 *  - the bot's own server (bench/children/bot-http.ts) with only the rate limit raised: the 400-class rejection;
 *  - the reference: bare Fastify answering the same routes (bench/children/bare-http.ts).
 * Each pair runs back to back with the same settings; each target gets a short warm-up first.
 */
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startRealBot } from './lib/bot-process.js';
import { CHILDREN, bounded, comparison, freePort, newEncryptionKey, startNode, tempDir, waitForHttp200, type Child, type Row } from './lib/common.js';
import { dbPath, startAniList, startDiscord } from './lib/world.js';

const CONNECTIONS = 10;
/** Well-formed (43 base64url characters) but never issued, so the bot looks it up and rejects it. */
const UNKNOWN_STATE = 'A'.repeat(43);
const CALLBACK_PATH = `/oauth/callback?state=${UNKNOWN_STATE}&code=bench`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
}

async function load(url: string, durationS: number): Promise<Load> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: durationS, pipelining: 1 });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = (stat as { count: number }).count;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, statuses, errors: result.errors + result.timeouts };
}

function statusText(l: Load): string {
  return Object.entries(l.statuses)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
}

export async function runHttp({ quick }: { quick: boolean }): Promise<{ rows: Row[]; detail: unknown }> {
  const duration = quick ? 4 : 10;
  const dir = tempDir('anilink-bench-http-');
  const { fake: anilist } = await startAniList(0);
  const discord = await startDiscord();
  const children: Child[] = [];
  try {
    const botPort = await freePort();
    const bot = await startRealBot({
      discord,
      anilistOauthUrl: anilist.oauthUrl,
      anilistApiUrl: anilist.graphqlUrl,
      port: botPort,
      databasePath: dbPath(dir.path),
      encryptionKey: newEncryptionKey(),
      logFile: join(dir.path, 'bot.log'),
    });
    children.push(bot.child);

    const rawPort = await freePort();
    const raw = startNode(join(CHILDREN, 'bot-http.js'), {
      env: { PORT: String(rawPort), DATABASE_PATH: join(dir.path, 'http-only.sqlite'), TOKEN_ENCRYPTION_KEY: newEncryptionKey(), LOG_LEVEL: 'info', NODE_ENV: 'production' },
      logFile: join(dir.path, 'bot-http.log'),
    });
    children.push(raw);
    const barePort = await freePort();
    const bare = startNode(join(CHILDREN, 'bare-http.js'), { env: { PORT: String(barePort), NODE_ENV: 'production' }, logFile: join(dir.path, 'bare.log') });
    children.push(bare);
    await waitForHttp200(`http://127.0.0.1:${rawPort}/healthz`, 30_000, raw);
    await waitForHttp200(`http://127.0.0.1:${barePort}/healthz`, 30_000, bare);

    const bot$ = (path: string) => `http://127.0.0.1:${botPort}${path}`;
    const raw$ = (path: string) => `http://127.0.0.1:${rawPort}${path}`;
    const bare$ = (path: string) => `http://127.0.0.1:${barePort}${path}`;

    // Warm-up (JIT) of every target, off the clock. The bot's /oauth/callback is NOT warmed: its 30/min budget
    // for this IP would be spent before the measurement and the 429 run would start with zero 400s.
    for (const url of [bot$('/healthz'), raw$('/healthz'), raw$(CALLBACK_PATH), bare$('/healthz'), bare$(CALLBACK_PATH)]) await load(url, 1);

    const run = (url: string) => bounded(load(url, duration), (duration + 30) * 1000, `autocannon ${url}`);
    const healthBot = await run(bot$('/healthz'));
    const healthBare = await run(bare$('/healthz'));
    const callbackLimited = await run(bot$(CALLBACK_PATH));
    const callbackBareA = await run(bare$(CALLBACK_PATH));
    const callbackRaw = await run(raw$(CALLBACK_PATH));
    const callbackBareB = await run(bare$(CALLBACK_PATH));

    const f = '4 http';
    const pair = (metric: string, a: Load, b: Load): Row[] => [
      comparison(f, `${metric} req/s`, a.rps, b.rps),
      comparison(f, `${metric} p99 latency`, a.p99, b.p99, 'ms'),
      { figure: f, metric: `${metric} statuses`, value: statusText(a) + (a.errors ? ` errors×${a.errors}` : ''), reference: statusText(b) + (b.errors ? ` errors×${b.errors}` : '') },
    ];
    const rows: Row[] = [
      ...pair('/healthz (bot process)', healthBot, healthBare),
      ...pair('/oauth/callback bad state, bot process (per-IP limit → 429)', callbackLimited, callbackBareA),
      ...pair('/oauth/callback bad state, bot server, limit raised (→ 400)', callbackRaw, callbackBareB),
    ];
    return {
      rows,
      detail: { connections: CONNECTIONS, durationS: duration, healthBot, healthBare, callbackLimited, callbackBareA, callbackRaw, callbackBareB },
    };
  } finally {
    for (const child of children) await child.stop();
    await discord.close();
    await anilist.close();
    dir.remove();
  }
}
