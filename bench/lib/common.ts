/** Shared helpers for the benchmark scripts: paths, child processes, statistics, tables. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/ports.js';

export { freePort, sleep };

/** The repository root, found from this compiled file (dist/bench/bench/lib/common.js) or the source. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith(join('dist', 'bench'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the repository root');
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot();
/** The production build of the bot (`npm run build`). */
export const BOT_MAIN = join(ROOT, 'dist', 'src', 'main.js');
/** Compiled benchmark children live next to this file's compiled copy. */
export const CHILDREN = join(dirname(fileURLToPath(import.meta.url)), '..', 'children');
export const MIGRATIONS = join(ROOT, 'migrations');

/** Same token string the test suite uses; the fake Discord accepts whatever it was started with. */
export const BENCH_DISCORD_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.GfAkEd.fake-token-for-tests-only-0123456789abcdef';

export function newEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  // BENCH_KEEP=1 keeps the children's logs and databases for inspection.
  return {
    path,
    remove: () => {
      if (process.env.BENCH_KEEP) console.error(`kept ${path}`);
      else rmSync(path, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes

export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** performance.now() in this process just before spawn. */
  readonly spawnedAt: number;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

const live = new Set<Child>();

/**
 * Spawns `node [nodeArgs] script [args]` with its output in `logFile` (never inherited: the table stays readable).
 * With `ipc`, the child gets an IPC channel (process.send) for the memory probe.
 */
export function startNode(
  script: string,
  opts: { env?: Record<string, string>; nodeArgs?: string[]; args?: string[]; logFile: string; ipc?: boolean; cwd?: string },
): Child {
  const log = createWriteStream(opts.logFile);
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...(opts.args ?? [])], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child: Child = {
    proc,
    pid: proc.pid ?? -1,
    spawnedAt,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
        if (!done) {
          proc.kill('SIGKILL');
          await exited;
        }
      }
      live.delete(child);
    },
  };
  live.add(child);
  void exited.then(() => live.delete(child));
  return child;
}

/** Stops every child still running (called on exit paths, including Ctrl-C). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop()));
}

/** Environment for the real bot process against the fakes. */
export function botEnv(opts: {
  discordApiUrl: string;
  anilistOauthUrl: string;
  anilistApiUrl: string;
  port: number;
  databasePath: string;
  encryptionKey: string;
  rateLimitPerMinute?: number;
  registerCommands?: boolean;
  logLevel?: string;
}): Record<string, string> {
  return {
    DISCORD_TOKEN: BENCH_DISCORD_TOKEN,
    DISCORD_API_URL: opts.discordApiUrl,
    DISCORD_CLIENT_SECRET: 'fake-discord-client-secret-0123456789',
    ANILIST_CLIENT_ID: '1234',
    ANILIST_CLIENT_SECRET: 'fake-anilist-client-secret',
    ANILIST_OAUTH_URL: opts.anilistOauthUrl,
    ANILIST_API_URL: opts.anilistApiUrl,
    ANILIST_RATE_LIMIT_PER_MINUTE: String(opts.rateLimitPerMinute ?? 30),
    PUBLIC_URL: `http://127.0.0.1:${opts.port}`,
    HOST: '127.0.0.1',
    PORT: String(opts.port),
    DATABASE_PATH: opts.databasePath,
    TOKEN_ENCRYPTION_KEY: opts.encryptionKey,
    LOG_LEVEL: opts.logLevel ?? 'info',
    REGISTER_COMMANDS: String(opts.registerCommands ?? true),
    NODE_ENV: 'production',
  };
}

/** Polls `url` until it answers 200 (or throws after `timeoutMs`). Resolves with performance.now() of the first 200. */
export async function waitForHttp200(url: string, timeoutMs: number, child?: Child): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child && child.proc.exitCode !== null) throw new Error(`child exited with ${child.proc.exitCode} before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now();
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string, stepMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** Races `promise` against a timeout so no benchmark can hang. */
export async function bounded<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics and output

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** One line of the results table. `ratio` = value / reference (lower is better unless noted). */
export interface Row {
  figure: string;
  metric: string;
  value: string;
  reference?: string;
  ratio?: string;
  target?: string;
  ok?: boolean;
}

export function fmt(value: number, unit = '', digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit ? ` ${unit}` : ''}`;
}

export function ratio(value: number, reference: number, digits = 2): string {
  if (!Number.isFinite(value) || !Number.isFinite(reference) || reference === 0) return 'n/a';
  return `${(value / reference).toFixed(digits)}×`;
}

/** A row comparing a measured number with its reference: both formatted alike, and their ratio. */
export function comparison(figure: string, metric: string, value: number, reference: number, unit = '', digits = 0): Row {
  return { figure, metric, value: fmt(value, unit, digits), reference: fmt(reference, unit, digits), ratio: ratio(value, reference) };
}

export function printTable(rows: readonly Row[]): string {
  const header = ['figure', 'metric', 'anilink', 'reference', 'ratio', 'target'];
  const body = rows.map((r) => [r.figure, r.metric, r.value, r.reference ?? '', r.ratio ?? '', r.target ? `${r.target}${r.ok === undefined ? '' : r.ok ? ' ✔' : ' ✘'}` : '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Reads VmRSS/VmHWM of a process from /proc (Linux), in bytes. */
export async function procMemory(pid: number): Promise<{ rss: number; hwm: number } | undefined> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}
