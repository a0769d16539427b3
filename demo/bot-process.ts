/**
 * The real bot as a child process: the same `node dist/src/main.js` that `npm start` execs, with an environment
 * that points it at the fakes. Its output is kept (the tail only) to explain a failure, and never printed otherwise.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const OUTPUT_TAIL_CHARS = 6_000;

export interface BotExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotProcess {
  readonly pid: number;
  /** Set once the process has exited. */
  readonly exit: BotExit | undefined;
  readonly exited: Promise<BotExit>;
  /** The last few thousand characters the bot wrote, stdout and stderr interleaved. */
  outputTail(): string;
  /** Polls GET /healthz until it answers 200; rejects if the bot exits first or `timeoutMs` passes. */
  waitForHealthy(healthUrl: string, timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. Resolves once it is gone. */
  stop(graceMs: number): Promise<BotExit>;
  /** SIGKILL, synchronously: for the demo's own last moments. */
  killNow(): void;
}

export function startBotProcess({ mainJs, env, cwd }: { mainJs: string; env: Record<string, string>; cwd: string }): BotProcess {
  // Only the environment given: nothing of the demo's own (NODE_OPTIONS with the tsx loader, a real bot's
  // variables) may leak into the bot.
  const child = spawn(process.execPath, [mainJs], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: string) => {
    tail = (tail + chunk).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);

  let exit: BotExit | undefined;
  const exited = new Promise<BotExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    child.once('error', (error) => {
      keep(`\n${error.message}\n`);
      exit ??= { code: null, signal: null };
      resolve(exit);
    });
  });

  const bot: BotProcess = {
    pid: child.pid ?? -1,
    get exit() {
      return exit;
    },
    exited,
    outputTail: () => tail,
    async waitForHealthy(healthUrl, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exit) throw new Error(`the bot stopped while starting (${describeExit(exit)})`);
        try {
          const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) });
          await response.body?.cancel();
          if (response.status === 200) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`the bot did not become healthy within ${Math.round(timeoutMs / 1000)} s`);
        await sleep(100);
      }
    },
    async stop(graceMs) {
      if (exit) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    killNow() {
      if (!exit) child.kill('SIGKILL');
    },
  };
  return bot;
}

export function describeExit(exit: BotExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
}
