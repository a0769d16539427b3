/** Shared helpers for the benchmark scripts: paths, child processes, statistics, tables. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/ports.js';
import type { LoadSample, Machine } from './results.js';

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
 * Spawns `node [nodeArgs] script [args]` with stdout and stderr appended straight to `logFile`, as a deployed bot
 * logs to a file or a log driver: no pipe through this process (whose event loop also runs the fakes), and the
 * table stays readable. With `ipc`, the child gets an IPC channel (process.send) for the memory probe.
 * With `captureStdout`, stdout comes back through `stdout()` instead (the load generator's JSON result).
 */
export function startNode(
  script: string,
  opts: { env?: Record<string, string>; nodeArgs?: string[]; args?: string[]; logFile: string; ipc?: boolean; cwd?: string; captureStdout?: boolean },
): Child & { stdout(): string } {
  const fd = openSync(opts.logFile, 'a');
  const spawnedAt = performance.now();
  const stdio: ('ignore' | 'pipe' | 'ipc' | number)[] = ['ignore', opts.captureStdout ? 'pipe' : fd, fd];
  if (opts.ipc) stdio.push('ipc');
  let proc: ChildProcess;
  try {
    proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...(opts.args ?? [])], {
      cwd: opts.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', ...opts.env },
      stdio,
    });
  } finally {
    // The child has its own copy of the descriptor.
    closeSync(fd);
  }
  let out = '';
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child = {
    proc,
    pid: proc.pid ?? -1,
    spawnedAt,
    exited,
    stdout: () => out,
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
// The machine

export function machine(): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()}`,
  };
}

/** The measured commit: short hash, and whether the work tree had uncommitted changes. */
export function measuredCommit(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return { commit, dirty: status.length > 0 };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

/** Samples the 1-minute load average every `everyMs` until stopped (and once at each end). */
export function sampleLoad(everyMs = 5_000): { stop(): LoadSample[] } {
  const started = performance.now();
  const samples: LoadSample[] = [];
  const take = () => samples.push({ atS: Math.round((performance.now() - started) / 100) / 10, load1: Math.round((loadavg()[0] ?? Number.NaN) * 100) / 100 });
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Runs `bot` and `reference` `repetitions` times, alternating which goes first, so neither always gets the calmer machine. */
export async function interleaved<A, R>(repetitions: number, bot: (i: number) => Promise<A>, reference: (i: number) => Promise<R>): Promise<{ bot: A[]; reference: R[] }> {
  const out: { bot: A[]; reference: R[] } = { bot: [], reference: [] };
  for (let i = 0; i < repetitions; i++) {
    if (i % 2 === 0) {
      out.bot.push(await bot(i));
      out.reference.push(await reference(i));
    } else {
      out.reference.push(await reference(i));
      out.bot.push(await bot(i));
    }
  }
  return out;
}

/** utime + stime of a process in ms, from /proc (Linux); NaN elsewhere. */
export async function processCpuMs(pid: number): Promise<number> {
  try {
    const { readFile } = await import('node:fs/promises');
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks; USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
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
