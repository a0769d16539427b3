import type { Logger } from 'pino';
import { AniListError } from './errors.js';
import { readNumericHeader, retryDelayMsFromHeaders, type HeaderSource } from './headers.js';

/**
 * The one gate in front of AniList for the whole process.
 *
 * AniList counts requests per IP (30/min in practice, API-FACTS §3), so every member shares one
 * budget. Three rules decide when the next queued call may start:
 *  1. a sliding 60 s window never holds more sends than the current limit;
 *  2. a token bucket (capacity ≈ limit/3, refilled at limit/60 per second) spreads those sends,
 *     because AniList also runs an undocumented burst limiter;
 *  3. after a 429 nothing is sent until the server's Retry-After / X-RateLimit-Reset has passed.
 * Waiting calls are served round-robin by key so one busy member cannot starve the others, and a
 * caller whose expected wait exceeds `maxWaitMs` is refused at once with a `busy` AniListError.
 *
 * Two lanes share the budget. The interactive lane (commands, buttons, autocomplete, linking) is everything above.
 * The background lane (notification polls, the airing feed, linked-role refreshes) only uses what interactive
 * traffic leaves idle: a background call starts only while no interactive call waits, while its sends stay under
 * `backgroundShare` of the window, and only with a full burst bucket (tokens that would otherwise go to waste), so
 * interactive calls are always served first and a sudden burst of members finds the bucket all but full and leaves
 * at once (benchmark figure 6: with half the bucket kept for members instead, 28 of 120 keystrokes of a burst ran
 * out their autocomplete budget, against 7–8 now and 4–5 without background work). Background calls wait as long as it takes
 * (they are never refused as busy; `close()` refuses them) and pause like everything else after a 429.
 */
export interface RateLimiter {
  /**
   * Run `task` when the budget allows. Rejects with AniListError('busy') instead of waiting too long.
   * An aborted `signal` takes a call that is still waiting out of the queue (rejecting with the signal's
   * reason) so it never spends the budget; a task already started is not affected.
   */
  schedule<T>(key: string, task: () => Promise<T>, options?: ScheduleOptions): Promise<T>;
  /** Feed back every AniList response (success or failure) so the limiter can adapt. */
  report(response: RateLimitReport): void;
  stats(): RateLimiterStats;
  /** Refuse everything still waiting (shutdown). Tasks already started are unaffected. */
  close(): void;
}

export interface ScheduleOptions {
  /** Abandon the call while it waits, e.g. an autocomplete keystroke the member has already typed past. */
  readonly signal?: AbortSignal | undefined;
  /** 'background' for work nobody is waiting on; it only uses budget interactive calls leave idle. */
  readonly lane?: Lane | undefined;
}

export type Lane = 'interactive' | 'background';

export interface LaneStats {
  readonly queued: number;
  /** Calls of this lane started since creation. */
  readonly sent: number;
  /** How long the oldest waiting call of this lane has waited, in ms (0 when none waits). */
  readonly oldestWaitMs: number;
}

export interface RateLimitReport {
  readonly status: number;
  readonly headers?: HeaderSource | undefined;
}

export interface RateLimiterStats {
  readonly queued: number;
  readonly queuedKeys: number;
  /** Epoch ms until which nothing is sent, or null when not paused. */
  readonly pausedUntil: number | null;
  /** Calls started since creation. */
  readonly sent: number;
  /** Calls refused with `busy` since creation. */
  readonly rejected: number;
  /** Requests per minute currently in force (configured, or lower if the server said so). */
  readonly limitPerMinute: number;
  /** Sends counted in the current 60 s window (including ones the server reported that we did not see). */
  readonly inWindow: number;
  /** The background lane apart (the fields above count both lanes, except `rejected`: background is never refused). */
  readonly background: LaneStats;
  readonly interactive: LaneStats;
}

export type TimerHandle = unknown;

export interface RateLimiterOptions {
  /** Our own ceiling for the whole process. The server's X-RateLimit-Limit can only lower it. */
  readonly perMinute?: number;
  /** Bucket capacity: how many calls may leave back to back. Defaults to a third of the limit. */
  readonly burst?: number;
  readonly maxQueue?: number;
  readonly maxWaitMs?: number;
  /** Pause after a 429 that names no delay. AniList's timeout is one minute. */
  readonly defaultPauseMs?: number;
  /** Upper bound on any pause, so a skewed X-RateLimit-Reset cannot freeze the bot for hours. */
  readonly maxPauseMs?: number;
  readonly now?: () => number;
  readonly setTimer?: (callback: () => void, delayMs: number) => TimerHandle;
  readonly clearTimer?: (handle: TimerHandle) => void;
  readonly logger?: Logger | undefined;
  /**
   * The most of the window's budget background calls may hold (0–1, default 0.5): the rest is kept for members.
   * 0 stops background calls altogether.
   */
  readonly backgroundShare?: number;
  /** Most background calls waiting at once; more are refused with `busy` (default 1,000). */
  readonly maxBackgroundQueue?: number;
}

const WINDOW_MS = 60_000;
// AniList counts a request when it arrives, a little after we send it. Holding each send's slot one second
// longer than the window keeps latency and clock skew from letting a request into a window AniList still sees
// as full (a benchmark saw one 429 with slots released at exactly 60 s).
const SLOT_HELD_MS = WINDOW_MS + 1_000;

interface Waiter {
  readonly key: string;
  readonly lane: Lane;
  readonly enqueuedAt: number;
  readonly run: () => void;
  readonly reject: (error: Error) => void;
}

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const configuredLimit = positiveInteger(options.perMinute ?? 30, 'perMinute');
  const configuredBurst = options.burst === undefined ? undefined : positiveInteger(options.burst, 'burst');
  const maxQueue = positiveInteger(options.maxQueue ?? 200, 'maxQueue');
  const maxWaitMs = options.maxWaitMs ?? 20_000;
  const defaultPauseMs = options.defaultPauseMs ?? 60_000;
  const maxPauseMs = options.maxPauseMs ?? 5 * 60_000;
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const logger = options.logger;
  const backgroundShare = options.backgroundShare ?? 0.5;
  if (!(backgroundShare >= 0 && backgroundShare <= 1)) throw new RangeError(`backgroundShare must be between 0 and 1, got ${backgroundShare}`);
  const maxBackgroundQueue = positiveInteger(options.maxBackgroundQueue ?? 1_000, 'maxBackgroundQueue');

  let limit = configuredLimit;
  // Token bucket. `tokensAt` may lie in the future: after a 429 refilling only starts when the pause ends.
  let tokens = burstCapacity();
  let tokensAt = now();
  // Start times of recent sends, oldest first; entries older than SLOT_HELD_MS are dropped lazily.
  const sendTimes: number[] = [];
  let pausedUntil = 0;
  let sent = 0;
  let rejected = 0;
  let closed = false;

  // Round-robin: each key has its own FIFO; `rotation` lists keys with waiters, next to serve first.
  const queues = new Map<string, Waiter[]>();
  const rotation: string[] = [];
  let queued = 0;
  // The background lane: its own round-robin, served only when the interactive lane leaves room.
  const backgroundQueues = new Map<string, Waiter[]>();
  const backgroundRotation: string[] = [];
  let backgroundQueued = 0;
  let backgroundSent = 0;
  let timer: { readonly handle: TimerHandle } | undefined;
  let timerDueAt = Infinity;

  function burstCapacity(): number {
    const wanted = configuredBurst ?? Math.ceil(limit / 3);
    return Math.max(1, Math.min(wanted, limit));
  }

  function msPerToken(): number {
    return WINDOW_MS / limit;
  }

  function refill(at: number): void {
    if (at <= tokensAt) return;
    tokens = Math.min(burstCapacity(), tokens + (at - tokensAt) / msPerToken());
    tokensAt = at;
  }

  function pruneWindow(at: number): void {
    while (sendTimes.length > 0 && (sendTimes[0] ?? Infinity) <= at - SLOT_HELD_MS) sendTimes.shift();
  }

  /** Earliest time the next send is allowed, given the current state (may be `at` itself). */
  function nextSendTime(at: number): number {
    refill(at);
    pruneWindow(at);
    let earliest = Math.max(at, pausedUntil);
    if (tokens < 1) earliest = Math.max(earliest, Math.max(tokensAt, at) + (1 - tokens) * msPerToken());
    if (sendTimes.length >= limit) {
      const freeing = sendTimes[sendTimes.length - limit];
      if (freeing !== undefined) earliest = Math.max(earliest, freeing + SLOT_HELD_MS);
    }
    return earliest;
  }

  /**
   * When the `count`-th next send (1-based) could start if nothing else changed: a dry run of
   * the bucket and the window. Used to refuse callers up front instead of letting them hang.
   */
  function projectedStart(count: number, at: number): number {
    refill(at);
    pruneWindow(at);
    let simTokens = tokens;
    let simTokensAt = Math.max(tokensAt, at);
    const simWindow = [...sendTimes];
    let t = Math.max(at, pausedUntil);
    for (let i = 0; i < count; i++) {
      if (t > simTokensAt) {
        simTokens = Math.min(burstCapacity(), simTokens + (t - simTokensAt) / msPerToken());
        simTokensAt = t;
      }
      if (simTokens < 1) {
        t = simTokensAt + (1 - simTokens) * msPerToken();
        simTokens = 1;
        simTokensAt = t;
      }
      if (simWindow.length >= limit) {
        const freeing = simWindow[simWindow.length - limit];
        if (freeing !== undefined && freeing + SLOT_HELD_MS > t) {
          const wait = freeing + SLOT_HELD_MS;
          simTokens = Math.min(burstCapacity(), simTokens + (wait - simTokensAt) / msPerToken());
          simTokensAt = wait;
          t = wait;
        }
      }
      if (i === count - 1) return t;
      simTokens -= 1;
      simWindow.push(t);
    }
    return t;
  }

  /** How many waiters the round-robin would serve before a new waiter for `key`. */
  function waitersAhead(key: string): number {
    const own = queues.get(key)?.length ?? 0;
    const position = rotation.indexOf(key);
    let ahead = own; // our earlier calls go first
    for (const [index, otherKey] of rotation.entries()) {
      if (otherKey === key) continue;
      const count = queues.get(otherKey)?.length ?? 0;
      // Each other key gets one turn per round; keys before us in the rotation also get the round we land in.
      const before = position === -1 || index < position ? 1 : 0;
      ahead += Math.min(count, own + before);
    }
    return ahead;
  }

  function busy(waitMs: number): AniListError {
    rejected++;
    return new AniListError('busy', { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
  }

  function schedule<T>(key: string, task: () => Promise<T>, scheduleOptions: ScheduleOptions = {}): Promise<T> {
    const { signal } = scheduleOptions;
    const lane = scheduleOptions.lane ?? 'interactive';
    const at = now();
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    if (closed) return Promise.reject(busy(defaultPauseMs));
    if (lane === 'background') {
      if (backgroundQueued >= maxBackgroundQueue) return Promise.reject(busy(WINDOW_MS));
      return enqueue(key, lane, task, signal, at);
    }
    if (queued >= maxQueue) {
      return Promise.reject(busy(projectedStart(queued + 1, at) - at));
    }
    const expectedStart = projectedStart(waitersAhead(key) + 1, at);
    if (expectedStart - at > maxWaitMs) {
      logger?.debug({ key, waitMs: expectedStart - at }, 'anilist limiter refused a call: wait too long');
      return Promise.reject(busy(expectedStart - at));
    }
    return enqueue(key, lane, task, signal, at);
  }

  function enqueue<T>(key: string, lane: Lane, task: () => Promise<T>, signal: AbortSignal | undefined, at: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (signal !== undefined && withdraw(waiter)) reject(abortReason(signal));
      };
      const waiter: Waiter = {
        key,
        lane,
        enqueuedAt: at,
        // The task is started by the pump; its own success or failure is the caller's result.
        run: () => {
          signal?.removeEventListener('abort', onAbort);
          // Wrapped so a task that throws synchronously still rejects the caller's promise.
          new Promise<T>((settle) => {
            settle(task());
          }).then(resolve, reject);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const [laneQueues, laneRotation] = lane === 'background' ? [backgroundQueues, backgroundRotation] : [queues, rotation];
      let keyQueue = laneQueues.get(key);
      if (keyQueue === undefined) {
        keyQueue = [];
        laneQueues.set(key, keyQueue);
        laneRotation.push(key);
      }
      keyQueue.push(waiter);
      if (lane === 'background') backgroundQueued++;
      else queued++;
      pump();
    });
  }

  /** Take a waiter out of the queue before its turn; false when it is no longer waiting. */
  function withdraw(waiter: Waiter): boolean {
    const [laneQueues, laneRotation] = waiter.lane === 'background' ? [backgroundQueues, backgroundRotation] : [queues, rotation];
    const keyQueue = laneQueues.get(waiter.key);
    const index = keyQueue?.indexOf(waiter) ?? -1;
    if (keyQueue === undefined || index === -1) return false;
    keyQueue.splice(index, 1);
    if (waiter.lane === 'background') backgroundQueued--;
    else queued--;
    if (keyQueue.length === 0) {
      laneQueues.delete(waiter.key);
      laneRotation.splice(laneRotation.indexOf(waiter.key), 1);
    }
    if (queued + backgroundQueued === 0 && timer !== undefined) {
      clearTimer(timer.handle);
      timer = undefined;
      timerDueAt = Infinity;
    }
    return true;
  }

  function takeNextWaiter(laneQueues: Map<string, Waiter[]>, laneRotation: string[]): Waiter | undefined {
    const key = laneRotation.shift();
    if (key === undefined) return undefined;
    const keyQueue = laneQueues.get(key);
    const waiter = keyQueue?.shift();
    if (keyQueue !== undefined && keyQueue.length > 0) laneRotation.push(key);
    else laneQueues.delete(key);
    return waiter;
  }

  /** Sends the background lane may hold in the window: its share of the limit, and never the last slot. */
  function backgroundWindowCap(): number {
    return Math.min(Math.floor(limit * backgroundShare), limit - 1);
  }

  /**
   * Earliest time a background call may start, or Infinity while interactive calls wait (a pump follows every
   * change of those): the bucket must be full (so after the send members still find all but one token, and
   * background sends are spread at least one refill apart), and background sends stay under their share of the
   * window.
   */
  function nextBackgroundTime(at: number): number {
    if (queued > 0) return Infinity;
    const cap = backgroundWindowCap();
    if (cap < 1) return Infinity;
    refill(at);
    pruneWindow(at);
    let earliest = Math.max(at, pausedUntil);
    const needed = burstCapacity();
    // A one-token bucket would be emptied by every background send: its share stays with members.
    if (needed < 2) return Infinity;
    if (tokens < needed) earliest = Math.max(earliest, Math.max(tokensAt, at) + (needed - tokens) * msPerToken());
    if (sendTimes.length >= cap) {
      const freeing = sendTimes[sendTimes.length - cap];
      if (freeing !== undefined) earliest = Math.max(earliest, freeing + SLOT_HELD_MS);
    }
    return earliest;
  }

  function send(waiter: Waiter, at: number): void {
    tokens -= 1;
    sendTimes.push(at);
    sent++;
    if (waiter.lane === 'background') backgroundSent++;
    waiter.run();
  }

  /** Refuse waiters whose deadline passed (e.g. a 429 pause began after they were queued). */
  function expireOverdue(at: number): number {
    let earliestDeadline = Infinity;
    for (const [key, keyQueue] of queues) {
      const keep: Waiter[] = [];
      for (const waiter of keyQueue) {
        const deadline = waiter.enqueuedAt + maxWaitMs;
        // Refuse as soon as the projected start is certain to miss the deadline, not only after it.
        if (deadline <= at || pausedUntil > deadline) {
          queued--;
          waiter.reject(busy(Math.max(pausedUntil, at + msPerToken()) - at));
        } else {
          keep.push(waiter);
          earliestDeadline = Math.min(earliestDeadline, deadline);
        }
      }
      if (keep.length === 0) {
        queues.delete(key);
        rotation.splice(rotation.indexOf(key), 1);
      } else {
        queues.set(key, keep);
      }
    }
    return earliestDeadline;
  }

  function pump(): void {
    if (timer !== undefined) {
      clearTimer(timer.handle);
      timer = undefined;
      timerDueAt = Infinity;
    }
    const at = now();
    // Send first, then expire: a waiter whose turn comes exactly at its deadline still goes.
    while (queued > 0 && nextSendTime(at) <= at) {
      const waiter = takeNextWaiter(queues, rotation);
      if (waiter === undefined) break;
      queued--;
      send(waiter, at);
    }
    while (backgroundQueued > 0 && nextBackgroundTime(at) <= at) {
      const waiter = takeNextWaiter(backgroundQueues, backgroundRotation);
      if (waiter === undefined) break;
      backgroundQueued--;
      send(waiter, at);
    }
    // Every remaining deadline is now strictly in the future, so the timer below cannot spin.
    const earliestDeadline = queued > 0 ? expireOverdue(at) : Infinity;
    const nextInteractive = queued > 0 ? Math.min(nextSendTime(at), earliestDeadline) : Infinity;
    const nextBackground = backgroundQueued > 0 ? nextBackgroundTime(at) : Infinity;
    const dueAt = Math.min(nextInteractive, nextBackground);
    if (dueAt !== Infinity) arm(dueAt, at);
  }

  function arm(dueAt: number, at: number): void {
    timerDueAt = dueAt;
    timer = {
      handle: setTimer(() => {
        timer = undefined;
        timerDueAt = Infinity;
        pump();
      }, Math.max(0, dueAt - at)),
    };
  }

  function report({ status, headers }: RateLimitReport): void {
    const at = now();

    const serverLimit = readNumericHeader(headers, 'x-ratelimit-limit');
    if (serverLimit !== undefined && serverLimit >= 1) {
      const adapted = Math.min(configuredLimit, Math.floor(serverLimit));
      if (adapted !== limit) {
        logger?.info({ from: limit, to: adapted }, 'anilist limiter adapted to the server rate limit');
        limit = adapted;
        refill(at);
        tokens = Math.min(tokens, burstCapacity());
      }
    }

    if (status === 429) {
      const askedMs = retryDelayMsFromHeaders(headers, at);
      const pauseMs = Math.min(maxPauseMs, askedMs !== undefined && askedMs > 0 ? askedMs : defaultPauseMs);
      pausedUntil = Math.max(pausedUntil, at + pauseMs);
      // Restart gently: a single token when the pause ends, then the normal refill rate.
      tokens = 1;
      tokensAt = pausedUntil;
      logger?.warn({ pausedForMs: pausedUntil - at }, 'anilist answered 429: pausing all traffic');
    } else {
      const remaining = readNumericHeader(headers, 'x-ratelimit-remaining');
      if (remaining !== undefined) absorbServerCount(serverLimit ?? limit, Math.floor(remaining), at);
    }

    // A new pause may push waiters past their deadline, a lower limit may delay the next send.
    if (queued + backgroundQueued > 0 || timerDueAt !== Infinity) pump();
  }

  /**
   * The server's count can be ahead of ours (another process on this IP, or a burst limiter that
   * counts one call as several). Record the difference as sends made "now" so the window waits
   * for them too; they age out 60 s later like real sends.
   */
  function absorbServerCount(serverLimit: number, remaining: number, at: number): void {
    pruneWindow(at);
    // Measured against the server's own limit: "90 limit, 60 remaining" means 30 already used.
    const serverUsed = serverLimit - remaining;
    const unseen = Math.min(serverUsed - sendTimes.length, limit);
    for (let i = 0; i < unseen; i++) sendTimes.push(at);
  }

  function oldestWaitMs(laneQueues: Map<string, Waiter[]>, at: number): number {
    let oldest = at;
    for (const keyQueue of laneQueues.values()) oldest = Math.min(oldest, keyQueue[0]?.enqueuedAt ?? at);
    return at - oldest;
  }

  function stats(): RateLimiterStats {
    const at = now();
    pruneWindow(at);
    return {
      queued: queued + backgroundQueued,
      queuedKeys: queues.size + backgroundQueues.size,
      pausedUntil: pausedUntil > at ? pausedUntil : null,
      sent,
      rejected,
      limitPerMinute: limit,
      inWindow: sendTimes.length,
      interactive: { queued, sent: sent - backgroundSent, oldestWaitMs: oldestWaitMs(queues, at) },
      background: { queued: backgroundQueued, sent: backgroundSent, oldestWaitMs: oldestWaitMs(backgroundQueues, at) },
    };
  }

  function close(): void {
    closed = true;
    if (timer !== undefined) clearTimer(timer.handle);
    timer = undefined;
    timerDueAt = Infinity;
    for (const keyQueue of [...queues.values(), ...backgroundQueues.values()]) {
      for (const waiter of keyQueue) waiter.reject(busy(defaultPauseMs));
    }
    queues.clear();
    rotation.length = 0;
    queued = 0;
    backgroundQueues.clear();
    backgroundRotation.length = 0;
    backgroundQueued = 0;
  }

  return { schedule, report, stats, close };
}

/** What an abandoned call rejects with: the signal's own reason (an AbortError unless the caller gave one). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError');
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
