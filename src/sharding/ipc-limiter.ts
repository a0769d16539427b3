/**
 * One AniList budget for all shard processes.
 *
 * AniList counts requests per IP, so the shards must not each have a limiter of their own. The sharding manager
 * owns the real limiter (src/anilist/rate-limiter.ts); a shard asks it for a permit over the IPC channel that
 * discord.js's ShardingManager sets up, runs the HTTP request itself once granted, and reports the response's
 * status and rate-limit headers back so the manager's limiter adapts (429 pauses, X-RateLimit-*) for everyone.
 *
 * Protocol (every message carries `_anilink: 'limiter'` so discord.js's own `_ready`/`_eval`/… messages and
 * ours never mix):
 *   shard → manager  { op: 'schedule', id, key }           ask for a permit, queued round-robin by key
 *   manager → shard  { op: 'grant', id, budget }           send now (the slot is already counted)
 *   manager → shard  { op: 'busy', id, retryAfterSeconds, budget } refused: the wait would be too long
 * Every answer carries the shared budget's figures (SharedBudget) as the manager's limiter has them then.
 *   shard → manager  { op: 'report', status, headers }     the outcome of a granted request
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AniListError,
  type HeaderSource,
  type RateLimiter,
  type RateLimiterStats,
  type RateLimitReport,
  type ScheduleOptions,
} from '../anilist/index.js';
import type { Logger } from '../logger.js';

export const LIMITER_CHANNEL = 'limiter';

export type LimiterRequest =
  | { readonly _anilink: typeof LIMITER_CHANNEL; readonly op: 'schedule'; readonly id: string; readonly key: string }
  | { readonly _anilink: typeof LIMITER_CHANNEL; readonly op: 'cancel'; readonly id: string }
  | { readonly _anilink: typeof LIMITER_CHANNEL; readonly op: 'report'; readonly status: number; readonly headers: Record<string, string> };

/** What only the manager knows: the state of the budget every shard draws from. */
export type SharedBudget = Pick<RateLimiterStats, 'pausedUntil' | 'limitPerMinute' | 'inWindow'>;

export type LimiterResponse =
  | { readonly _anilink: typeof LIMITER_CHANNEL; readonly op: 'grant'; readonly id: string; readonly budget: SharedBudget }
  | {
      readonly _anilink: typeof LIMITER_CHANNEL;
      readonly op: 'busy';
      readonly id: string;
      readonly retryAfterSeconds: number | undefined;
      readonly budget: SharedBudget;
    };

function sharedBudget(limiter: RateLimiter): SharedBudget {
  const { pausedUntil, limitPerMinute, inWindow } = limiter.stats();
  return { pausedUntil, limitPerMinute, inWindow };
}

/** One side of an IPC link: `process.send`/`process.on('message')` in a shard, a discord.js Shard in the manager. */
export interface IpcEndpoint {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

/** The only headers the limiter reads; everything else (cookies, tokens) stays in the shard. */
const RATE_LIMIT_HEADERS = ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'] as const;

/** What AniList puts in these headers: whole numbers of seconds, requests, or a Unix time. */
const HEADER_NUMBER = /^\d{1,12}$/;

/** Headers (a fetch `Headers` or a plain record) reduced to the rate-limit ones, as a structured-clone-safe record. */
export function rateLimitHeaders(headers: HeaderSource | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  const entries: [string, unknown][] = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (!(RATE_LIMIT_HEADERS as readonly string[]).includes(lower)) continue;
    const first = Array.isArray(value) ? (value[0] as unknown) : value;
    if (typeof first === 'string' && HEADER_NUMBER.test(first.trim())) out[lower] = first.trim();
  }
  return out;
}

/**
 * The longest pause a shard's report can cause: AniList's own timeout after a 429 is one minute, so nothing a shard
 * could truthfully report says more (a forged report once paused everyone for the limiter's 5-minute maximum).
 */
export const MAX_REPORTED_PAUSE_SECONDS = 60;
/** AniList's documented ceiling for X-RateLimit-Limit. */
const MAX_REPORTED_LIMIT = 90;

const headerNumber = z.string().regex(HEADER_NUMBER).transform(Number);
const id = z.string().min(1).max(200);

/** Every message a shard may send, checked before the manager acts on it. */
const shardMessage = z.discriminatedUnion('op', [
  z.object({ _anilink: z.literal(LIMITER_CHANNEL), op: z.literal('schedule'), id, key: z.string().min(1).max(200) }).strict(),
  z.object({ _anilink: z.literal(LIMITER_CHANNEL), op: z.literal('cancel'), id }).strict(),
  z
    .object({
      _anilink: z.literal(LIMITER_CHANNEL),
      op: z.literal('report'),
      status: z.number().int().min(100).max(599),
      headers: z
        .object({
          'retry-after': headerNumber.optional(),
          'x-ratelimit-limit': headerNumber.optional(),
          'x-ratelimit-remaining': headerNumber.optional(),
          'x-ratelimit-reset': headerNumber.optional(),
        })
        .strict(),
    })
    .strict(),
]);

type ReportedHeaders = Extract<z.output<typeof shardMessage>, { op: 'report' }>['headers'];

/** A shard's rate-limit headers, capped to what AniList's headers can say. */
function cappedHeaders(headers: ReportedHeaders, nowMs: number): Record<string, string> {
  const out: Record<string, string> = {};
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) out['retry-after'] = String(Math.min(retryAfter, MAX_REPORTED_PAUSE_SECONDS));
  const reset = headers['x-ratelimit-reset'];
  if (reset !== undefined) out['x-ratelimit-reset'] = String(Math.min(reset, Math.floor(nowMs / 1000) + MAX_REPORTED_PAUSE_SECONDS));
  const limit = headers['x-ratelimit-limit'];
  if (limit !== undefined) out['x-ratelimit-limit'] = String(Math.min(Math.max(limit, 1), MAX_REPORTED_LIMIT));
  const remaining = headers['x-ratelimit-remaining'];
  if (remaining !== undefined) out['x-ratelimit-remaining'] = String(Math.min(remaining, MAX_REPORTED_LIMIT));
  return out;
}

function isLimiterMessage(message: unknown): message is { _anilink: typeof LIMITER_CHANNEL; op: unknown } {
  return typeof message === 'object' && message !== null && (message as { _anilink?: unknown })._anilink === LIMITER_CHANNEL;
}

export interface IpcRateLimiterOptions {
  endpoint: IpcEndpoint;
  /**
   * A request the manager never answers (it died) is refused as `busy` after this long. Longer than the manager
   * limiter's own longest wait (20 s), so it only fires when the manager is gone.
   */
  answerTimeoutMs?: number;
  logger?: Logger | undefined;
}

interface Pending {
  readonly key: string;
  readonly queuedAt: number;
  readonly run: () => void;
  readonly refuse: (error: AniListError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** The shard's limiter: the same interface as the real one, every decision made by the manager. */
export function createIpcRateLimiter(options: IpcRateLimiterOptions): RateLimiter {
  const { endpoint, logger } = options;
  const answerTimeoutMs = options.answerTimeoutMs ?? 30_000;
  const pending = new Map<string, Pending>();
  // Ids are unique per process: a respawned shard must not take a grant meant for its predecessor's request.
  const idPrefix = randomUUID();
  let sequence = 0;
  let sent = 0;
  let rejected = 0;
  let closed = false;
  // Unknown (limit 0) until the manager first answers.
  let budget: SharedBudget = { pausedUntil: null, limitPerMinute: 0, inWindow: 0 };

  const detach = endpoint.onMessage((message) => {
    if (!isLimiterMessage(message)) return;
    const answer = message as LimiterResponse;
    const entry = pending.get(answer.id);
    // Unknown ids: a request that already timed out here. The manager counted the slot anyway; nothing to do.
    if (entry === undefined) return;
    pending.delete(answer.id);
    clearTimeout(entry.timer);
    if (answer.budget) budget = answer.budget;
    if (answer.op === 'grant') {
      sent++;
      entry.run();
    } else {
      rejected++;
      entry.refuse(new AniListError('busy', { retryAfterSeconds: answer.retryAfterSeconds }));
    }
  });

  function schedule<T>(key: string, task: () => Promise<T>, options: ScheduleOptions = {}): Promise<T> {
    const { signal } = options;
    if (closed) {
      rejected++;
      return Promise.reject(new AniListError('busy', { retryAfterSeconds: 60 }));
    }
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    const id = `${idPrefix}:${++sequence}`;
    return new Promise<T>((resolve, reject) => {
      // An abandoned call (an autocomplete keystroke typed past) withdraws its request so the manager's queue
      // drops it before it spends the shared budget.
      const onAbort = () => {
        const entry = pending.get(id);
        if (entry === undefined || signal === undefined) return;
        pending.delete(id);
        clearTimeout(entry.timer);
        try {
          endpoint.send({ _anilink: LIMITER_CHANNEL, op: 'cancel', id } satisfies LimiterRequest);
        } catch (error) {
          logger?.debug({ err: error }, 'could not withdraw an AniList permit request');
        }
        reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        if (!pending.delete(id)) return;
        signal?.removeEventListener('abort', onAbort);
        rejected++;
        logger?.warn({ waitedMs: answerTimeoutMs }, 'the sharding manager did not answer an AniList permit request');
        reject(new AniListError('busy', { retryAfterSeconds: 60 }));
      }, answerTimeoutMs);
      timer.unref();
      pending.set(id, {
        key,
        queuedAt: Date.now(),
        // Wrapped so a task that throws synchronously still rejects the caller's promise.
        run: () => {
          signal?.removeEventListener('abort', onAbort);
          new Promise<T>((settle) => settle(task())).then(resolve, reject);
        },
        refuse: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        timer,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        endpoint.send({ _anilink: LIMITER_CHANNEL, op: 'schedule', id, key } satisfies LimiterRequest);
      } catch (error) {
        pending.delete(id);
        clearTimeout(timer);
        rejected++;
        logger?.warn({ err: error }, 'could not ask the sharding manager for an AniList permit');
        reject(new AniListError('busy', { retryAfterSeconds: 60 }));
      }
    });
  }

  function report({ status, headers }: RateLimitReport): void {
    if (closed) return;
    try {
      endpoint.send({ _anilink: LIMITER_CHANNEL, op: 'report', status, headers: rateLimitHeaders(headers) } satisfies LimiterRequest);
    } catch (error) {
      logger?.debug({ err: error }, 'could not report an AniList response to the sharding manager');
    }
  }

  /**
   * This shard's own requests: waiting for a permit (and for how many keys), granted, refused. The shared budget
   * (pause, limit, sends in the window, for all shards) as the manager reported it in its latest answer.
   */
  function stats(): RateLimiterStats {
    const pausedUntil = budget.pausedUntil !== null && budget.pausedUntil > Date.now() ? budget.pausedUntil : null;
    const queuedKeys = new Set([...pending.values()].map((entry) => entry.key)).size;
    const oldestWaitMs = pending.size === 0 ? 0 : Date.now() - Math.min(...[...pending.values()].map((entry) => entry.queuedAt));
    return {
      queued: pending.size,
      queuedKeys,
      pausedUntil,
      sent,
      rejected,
      limitPerMinute: budget.limitPerMinute,
      inWindow: budget.inWindow,
      // Shards only answer interactions: background work (notifications, feeds, role refreshes) runs in the manager.
      interactive: { queued: pending.size, sent, oldestWaitMs },
      background: { queued: 0, sent: 0, oldestWaitMs: 0 },
    };
  }

  function close(): void {
    closed = true;
    detach();
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      rejected++;
      entry.refuse(new AniListError('busy', { retryAfterSeconds: 60 }));
    }
    pending.clear();
  }

  return { schedule, report, stats, close };
}

/**
 * The manager's side for one shard: permits come from the real `limiter`, so every shard (and the manager's own
 * calls, e.g. /link's Viewer query) draws from one budget. Returns a function that stops listening.
 */
export function serveRateLimiter(limiter: RateLimiter, endpoint: IpcEndpoint, logger?: Logger): () => void {
  // Requests of this shard still waiting in the real limiter, so a withdrawal can take them out of its queue.
  const waiting = new Map<string, AbortController>();
  return endpoint.onMessage((message) => {
    if (!isLimiterMessage(message)) return;
    const parsed = shardMessage.safeParse(message);
    if (!parsed.success) {
      logger?.warn({ problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`) }, 'dropped a malformed limiter message from a shard');
      return;
    }
    const request = parsed.data;
    if (request.op === 'report') {
      limiter.report({ status: request.status, headers: cappedHeaders(request.headers, Date.now()) });
      return;
    }
    if (request.op === 'cancel') {
      waiting.get(request.id)?.abort();
      return;
    }
    const { id, key } = request;
    const withdrawn = new AbortController();
    waiting.set(id, withdrawn);
    limiter
      .schedule(
        key,
        () => {
          waiting.delete(id);
          // The permit is the task: the slot is counted now and the shard sends the request right away.
          endpoint.send({ _anilink: LIMITER_CHANNEL, op: 'grant', id, budget: sharedBudget(limiter) } satisfies LimiterResponse);
          return Promise.resolve();
        },
        { signal: withdrawn.signal },
      )
      .catch((error: unknown) => {
        waiting.delete(id);
        // The shard withdrew the request and is no longer listening for an answer.
        if (withdrawn.signal.aborted) return;
        const retryAfterSeconds = error instanceof AniListError ? error.retryAfterSeconds : undefined;
        try {
          endpoint.send({ _anilink: LIMITER_CHANNEL, op: 'busy', id, retryAfterSeconds, budget: sharedBudget(limiter) } satisfies LimiterResponse);
        } catch (sendError) {
          logger?.debug({ err: sendError }, 'could not refuse an AniList permit: the shard is gone');
        }
      });
  });
}

/** What an abandoned call rejects with, as the in-process limiter does: the signal's reason, else an AbortError. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError');
}
