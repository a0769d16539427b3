/**
 * Starts the real bot as a child process — the same `node dist/src/main.js` that `npm start` execs — with its
 * environment pointing at the fakes. Every child is remembered so it can be killed at the end of a test, and
 * on process exit, whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/ports.js';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const MAIN_JS = join(PROJECT_ROOT, 'dist', 'src', 'main.js');

export interface BotExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface BotProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly publicUrl: string;
  readonly env: Readonly<Record<string, string>>;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  /** stdout parsed as pino JSON lines (non-JSON lines are skipped). */
  logs(): LogLine[];
  /** Resolves once a log line matches (already written or later). */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<BotExit>;
  readonly exit: BotExit | undefined;
  health(): Promise<{ status: number; body: unknown }>;
  /** Polls /healthz until 200 (or the process exits). */
  waitForHealthy(timeoutMs?: number): Promise<void>;
  /** Sends a signal and waits for the exit; returns the exit and how long it took. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<BotExit & { ms: number }>;
}

export interface StartBotOptions {
  /** Full environment for the bot (merged over PATH/HOME only; the parent's environment is not inherited). */
  env: Record<string, string | undefined>;
  /** Working directory (default: a fresh temp dir, so no stray `.env` is read). */
  cwd?: string;
}

const running = new Set<BotProcess>();
const tempDirs: string[] = [];

function killAllNow(): void {
  for (const bot of running) {
    try {
      bot.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.once('exit', () => {
  killAllNow();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
// If the test worker itself is interrupted, take the bots down with it, then die of the same signal.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAllNow();
    process.kill(process.pid, signal);
  });
}

export function e2eTempDir(prefix = 'anilink-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** SIGKILLs every bot still running and waits for them to be gone. For afterEach/afterAll. */
export async function killAllBots(): Promise<void> {
  const bots = [...running];
  killAllNow();
  await Promise.all(bots.map((bot) => bot.exited));
}

export function runningBots(): number {
  return running.size;
}

export function freshEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/** PORT and PUBLIC_URL must be known before start-up (they make the OAuth redirect URI). */
export async function allocatePublicUrl(): Promise<{ port: number; publicUrl: string }> {
  const port = await freePort();
  return { port, publicUrl: `http://127.0.0.1:${port}` };
}

export function startBot(options: StartBotOptions): BotProcess {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() };
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  const port = Number(env.PORT ?? 3000);
  const publicUrl = env.PUBLIC_URL ?? `http://127.0.0.1:${port}`;
  const cwd = options.cwd ?? e2eTempDir('anilink-e2e-cwd-');

  const child = spawn(process.execPath, [MAIN_JS], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const lineWaiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const wake of lineWaiters) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });

  let exit: BotExit | undefined;
  const exited = new Promise<BotExit>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      for (const wake of lineWaiters) wake();
      resolveExit(exit);
    });
    child.once('error', () => {
      exit = { code: null, signal: null };
      resolveExit(exit);
    });
  });

  const parseLogs = (): LogLine[] =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as LogLine];
        } catch {
          return [];
        }
      });

  const bot: BotProcess = {
    child,
    pid: child.pid ?? -1,
    port,
    publicUrl,
    env,
    stdout: () => out,
    stderr: () => err,
    logs: parseLogs,
    get exit() {
      return exit;
    },
    exited,
    waitForLog(predicate, timeoutMs = 10_000) {
      return new Promise((resolveLine, reject) => {
        const check = () => {
          const found = parseLogs().find(predicate);
          if (found) {
            done();
            resolveLine(found);
          } else if (exit) {
            done();
            reject(new Error(`bot exited (${JSON.stringify(exit)}) before the expected log line\n${describeOutput(bot)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for a log line\n${describeOutput(bot)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          lineWaiters.delete(check);
        };
        lineWaiters.add(check);
        check();
      });
    },
    async health() {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep text
      }
      return { status: response.status, body };
    },
    async waitForHealthy(timeoutMs = 15_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        if (exit) throw new Error(`bot exited (${JSON.stringify(exit)}) before /healthz answered 200\n${describeOutput(bot)}`);
        try {
          if ((await bot.health()).status === 200) return;
        } catch {
          // not listening yet
        }
        if (performance.now() > deadline) throw new Error(`/healthz did not answer 200 within ${timeoutMs} ms\n${describeOutput(bot)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      const started = performance.now();
      if (!exit) child.kill(signal);
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
      const result = await Promise.race([exited, timer]);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        const forced = await exited;
        return { ...forced, ms: performance.now() - started };
      }
      return { ...result, ms: performance.now() - started };
    },
  };
  running.add(bot);
  void exited.then(() => running.delete(bot));
  return bot;
}

/** The tail of the bot's output, for assertion messages. */
export function describeOutput(bot: BotProcess, chars = 4_000): string {
  return `--- bot stdout (tail) ---\n${bot.stdout().slice(-chars)}\n--- bot stderr (tail) ---\n${bot.stderr().slice(-chars)}`;
}
