/**
 * Figure 4 — HTTP throughput. autocannon runs in a process of its own (children/load.ts) against servers in child
 * processes that log straight to files:
 *  - the bot's own web server (children/bot-http.ts: built as in production, with only the per-address rate limit
 *    raised so the rejecting path can be measured past it): `/oauth/callback` with a well-formed but unknown state;
 *  - the real bot process (dist/src/main.js): `/healthz`, and the same callback, which answers 429 once the
 *    per-address limit is spent;
 *  - the reference: bare Fastify (children/bare-http.ts) answering each path with exactly the status, headers and
 *    body the bot answered, recorded just before, so the ratio is the bot's work per request, not its page size.
 * Bot and reference alternate, each target warmed up first (except the real bot's callback, whose limit would be
 * spent by the warm-up).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBotAgainstFakes } from './lib/bot-process.js';
import { CHILDREN, bounded, freePort, interleaved, newEncryptionKey, processCpuMs, startNode, tempDir, waitForHttp200, type Child } from './lib/common.js';
import { pairedMeasures, type FigureResult } from './lib/results.js';
import { startAniList, startDiscord } from './lib/world.js';

const CONNECTIONS = 10;
/** Well-formed (43 base64url characters) but never issued, so the bot looks it up and rejects it. */
const UNKNOWN_STATE = 'A'.repeat(43);
const CALLBACK_PATH = `/oauth/callback?state=${UNKNOWN_STATE}&code=bench`;
/** Set by Node per connection or response, not by the application. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

interface Load {
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  /** CPU the server process spent, per request, in µs. */
  cpuPerRequestUs: number;
}

async function load(url: string, durationS: number, server: Child, logFile: string): Promise<Load> {
  const cpuBefore = await processCpuMs(server.pid);
  const generator = startNode(join(CHILDREN, 'load.js'), { args: [url, String(CONNECTIONS), String(durationS)], logFile, captureStdout: true });
  const code = await bounded(generator.exited, (durationS + 30) * 1000, `autocannon ${url}`);
  const cpuMs = (await processCpuMs(server.pid)) - cpuBefore;
  if (code !== 0) throw new Error(`the load generator exited with ${code} (see ${logFile})`);
  const result = JSON.parse(generator.stdout().trim().split('\n').at(-1)!) as Omit<Load, 'cpuPerRequestUs'>;
  return { ...result, cpuPerRequestUs: (cpuMs * 1000) / Math.max(1, result.requests) };
}

/** What a server answered on `path`, minus the transport headers Node sets itself. */
async function record(url: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const res = await fetch(url);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!TRANSPORT_HEADERS.has(name)) headers[name] = value;
  });
  return { status: res.status, headers, body: await res.text() };
}

function statusText(l: Load): string {
  return Object.entries(l.statuses)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
}

export async function runHttp({ quick, repetitions }: { quick: boolean; repetitions: number }): Promise<Omit<FigureResult, 'figure' | 'load' | 'durationS'>> {
  const duration = quick ? 3 : 10;
  const dir = tempDir('anilink-bench-http-');
  const { fake: anilist } = await startAniList(0);
  const discord = await startDiscord();
  const children: Child[] = [];
  try {
    const botPort = await freePort();
    const bot = await startBotAgainstFakes({
      discord,
      anilist,
      dir: dir.path,
      port: botPort,
    });
    children.push(bot.child);

    const rawPort = await freePort();
    const raw = startNode(join(CHILDREN, 'bot-http.js'), {
      env: { PORT: String(rawPort), DATABASE_PATH: join(dir.path, 'http-only.sqlite'), TOKEN_ENCRYPTION_KEY: newEncryptionKey(), LOG_LEVEL: 'info', NODE_ENV: 'production' },
      logFile: join(dir.path, 'bot-http.log'),
    });
    children.push(raw);
    await waitForHttp200(`http://127.0.0.1:${rawPort}/healthz`, 30_000, raw);

    const replayFile = join(dir.path, 'replay.json');
    writeFileSync(
      replayFile,
      JSON.stringify({ '/healthz': await record(`http://127.0.0.1:${botPort}/healthz`), '/oauth/callback': await record(`http://127.0.0.1:${rawPort}${CALLBACK_PATH}`) }),
    );
    const barePort = await freePort();
    const bare = startNode(join(CHILDREN, 'bare-http.js'), { env: { PORT: String(barePort), REPLAY_FILE: replayFile, NODE_ENV: 'production' }, logFile: join(dir.path, 'bare.log') });
    children.push(bare);
    await waitForHttp200(`http://127.0.0.1:${barePort}/healthz`, 30_000, bare);

    const at = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;
    const loadLog = join(dir.path, 'load.log');
    // Warm-up (JIT) off the clock. The real bot's callback is not warmed: its per-address budget would be spent.
    for (const [url, server] of [
      [at(botPort, '/healthz'), bot.child],
      [at(rawPort, CALLBACK_PATH), raw],
      [at(barePort, '/healthz'), bare],
      [at(barePort, CALLBACK_PATH), bare],
    ] as const) {
      await load(url, 2, server, loadLog);
    }

    const callback = await interleaved(
      repetitions,
      () => load(at(rawPort, CALLBACK_PATH), duration, raw, loadLog),
      () => load(at(barePort, CALLBACK_PATH), duration, bare, loadLog),
    );
    const healthz = await interleaved(
      repetitions,
      () => load(at(botPort, '/healthz'), duration, bot.child, loadLog),
      () => load(at(barePort, '/healthz'), duration, bare, loadLog),
    );
    const limited = await interleaved(
      1,
      () => load(at(botPort, CALLBACK_PATH), duration, bot.child, loadLog),
      () => load(at(barePort, CALLBACK_PATH), duration, bare, loadLog),
    );

    const bareFastify = 'bare Fastify replaying the same status, headers and body';
    const onCallback = pairedMeasures(callback, bareFastify);
    const onHealthz = pairedMeasures(healthz, bareFastify);
    const onLimited = pairedMeasures(limited, bareFastify);
    return {
      repetitions,
      setup: { connections: CONNECTIONS, 'seconds per run': duration, 'bot log level': 'info, to a file', 'load generator': 'autocannon, own process' },
      measures: {
        callbackRps: onCallback('/oauth/callback, unknown state → 400: requests/s', '', 0, (l) => l.rps),
        callbackP99: onCallback('/oauth/callback, unknown state → 400: p99 latency', 'ms', 0, (l) => l.p99),
        callbackCpuPerRequest: onCallback('/oauth/callback, unknown state → 400: server CPU per request', 'µs', 0, (l) => l.cpuPerRequestUs),
        healthzRps: onHealthz('/healthz (bot process): requests/s', '', 0, (l) => l.rps),
        healthzCpuPerRequest: onHealthz('/healthz (bot process): server CPU per request', 'µs', 0, (l) => l.cpuPerRequestUs),
        limitedRps: onLimited('/oauth/callback on the bot process, per-address limit spent (→ 429): requests/s', '', 0, (l) => l.rps),
      },
      detail: {
        callback: { bot: callback.bot.map(statusText), reference: callback.reference.map(statusText) },
        healthz: { bot: healthz.bot.map(statusText), reference: healthz.reference.map(statusText) },
        limited: { bot: limited.bot.map(statusText), reference: limited.reference.map(statusText) },
        errors: [...callback.bot, ...callback.reference, ...healthz.bot, ...healthz.reference].reduce((n, l) => n + l.errors, 0),
      },
    };
  } finally {
    for (const child of children) await child.stop();
    await discord.close();
    await anilist.close();
    dir.remove();
  }
}
