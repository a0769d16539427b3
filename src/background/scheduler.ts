import type { Logger } from '../logger.js';

/**
 * The one runner of periodic background work against AniList (members' notification polls today, a server's
 * airing feed next). Each source keeps its own schedule, usually in the database; the runner asks every source
 * what is due and starts the most overdue work first, whoever it belongs to, a few at a time. So:
 *
 * - the queue is fair: a member (or server) waits behind everyone who fell due before them, never behind one busy
 *   member, and a source with many items cannot starve another;
 * - the pace adapts to the budget by itself: the work calls AniList on the limiter's background lane, which only
 *   sends what members leave idle, so under load a turn simply comes later and every item's effective interval
 *   stretches evenly (how far behind shows as the oldest due item, e.g. anilink_notifications_poll_lag_seconds);
 * - at most `concurrency` items wait in the limiter at once, so new work (a member who just opted in) joins the
 *   queue in due order instead of behind hundreds of queued calls.
 */
export interface BackgroundWork {
  /** Unique within its source (e.g. a Discord user id): one item of a key runs at a time. */
  readonly key: string;
  /** When it fell due (ms since the epoch); the most overdue goes first. */
  readonly dueAt: number;
}

export interface BackgroundSource {
  /** Names the source in logs; also keeps keys of different sources apart. */
  readonly name: string;
  /** Up to `limit` items due at `now`, most overdue first, leaving out the keys in `running`. */
  due(now: Date, limit: number, running: ReadonlySet<string>): readonly BackgroundWork[];
  /** When the next item outside `running` falls due (ms since the epoch), or undefined when nothing is scheduled. */
  nextDueAt(now: Date, running: ReadonlySet<string>): number | undefined;
  /**
   * Does the work. It must move the item's next due time forward whatever happens (success or failure), or the
   * item is due again at once. `signal` aborts when the runner closes. A rejection is logged.
   */
  run(work: BackgroundWork, signal: AbortSignal): Promise<void>;
}

export interface BackgroundSchedulerOptions {
  readonly sources: readonly BackgroundSource[];
  /** Items running at once, all sources together (default 2). */
  readonly concurrency?: number;
  /**
   * The longest sleep between two looks at the sources even when nothing is known to fall due: work scheduled by
   * another process (a shard answering `/notifications`) is noticed within this time.
   */
  readonly maxIdleMs: number;
  /** How long close() waits for work under way (default 3 s); a request already sent runs to its end. */
  readonly closeGraceMs?: number;
  readonly clock: () => Date;
  readonly logger: Logger;
}

export interface BackgroundScheduler {
  /** Starts looking for due work (at once, then whenever something falls due). Idempotent. */
  start(): void;
  /** Looks for due work now, e.g. right after a member opted in. Does nothing before start() or after close(). */
  wake(): void;
  /** Starts nothing more, aborts work still waiting for AniList and waits a little for the rest. */
  close(): Promise<void>;
  /** Items running right now. */
  running(): number;
}

/** No tighter than this between two looks, so a source that keeps failing (or contradicts itself) cannot spin. */
const MIN_SLEEP_MS = 250;

export function createBackgroundScheduler(options: BackgroundSchedulerOptions): BackgroundScheduler {
  const { sources, clock, logger } = options;
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
  if (new Set(sources.map((source) => source.name)).size !== sources.length) throw new Error('background sources need distinct names');
  const closeGraceMs = options.closeGraceMs ?? 3_000;
  const runningKeys = new Map<BackgroundSource, Set<string>>(sources.map((source) => [source, new Set<string>()]));
  const inFlight = new Set<Promise<void>>();
  /**
   * Items that just ran, by source and key: when each finished and the due time it ran for. One still due at that
   * same time (its run did not move it) waits MIN_SLEEP_MS instead of running again from the same microtask queue,
   * which would keep the event loop from ever serving anything else.
   */
  const justRan = new Map<string, { dueAt: number; finishedAt: number }>();
  const itemId = (source: BackgroundSource, key: string) => `${source.name}\u0000${key}`;
  const stop = new AbortController();
  let started = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function runningCount(): number {
    let total = 0;
    for (const keys of runningKeys.values()) total += keys.size;
    return total;
  }

  function launch(source: BackgroundSource, work: BackgroundWork): void {
    const keys = runningKeys.get(source)!;
    keys.add(work.key);
    const task = (async () => {
      try {
        await source.run(work, stop.signal);
      } catch (error) {
        logger.error({ err: error, source: source.name, key: work.key }, 'background work failed');
      }
    })();
    inFlight.add(task);
    void task.finally(() => {
      justRan.set(itemId(source, work.key), { dueAt: work.dueAt, finishedAt: clock().getTime() });
      keys.delete(work.key);
      inFlight.delete(task);
      fill();
    });
  }

  /** Starts due work until `concurrency` items run, then sleeps until the next item falls due. */
  function fill(): void {
    if (!started || closed) return;
    clearTimeout(timer);
    timer = undefined;
    const now = clock();
    for (const [id, last] of justRan) if (now.getTime() - last.finishedAt >= MIN_SLEEP_MS) justRan.delete(id);
    let failed = false;
    while (runningCount() < concurrency) {
      const free = concurrency - runningCount();
      const candidates: { source: BackgroundSource; work: BackgroundWork }[] = [];
      for (const source of sources) {
        try {
          for (const work of source.due(now, free, runningKeys.get(source)!)) {
            if (ranMomentsAgo(source, work, now)) continue;
            candidates.push({ source, work });
          }
        } catch (error) {
          failed = true;
          logger.error({ err: error, source: source.name }, 'could not read due background work');
        }
      }
      candidates.sort((a, b) => a.work.dueAt - b.work.dueAt);
      let launched = 0;
      for (const { source, work } of candidates.slice(0, free)) {
        if (runningKeys.get(source)!.has(work.key)) continue;
        launch(source, work);
        launched++;
      }
      if (launched === 0) break;
    }
    sleepUntilNextDue(now, failed);
  }

  /** Whether this item just ran for this same due time: its source did not move it on. */
  function ranMomentsAgo(source: BackgroundSource, work: BackgroundWork, now: Date): boolean {
    const id = itemId(source, work.key);
    const last = justRan.get(id);
    if (!last) return false;
    if (last.dueAt !== work.dueAt || now.getTime() - last.finishedAt >= MIN_SLEEP_MS) {
      justRan.delete(id);
      return false;
    }
    logger.warn({ source: source.name, key: work.key }, 'background work is still due after it ran; trying again shortly');
    return true;
  }

  function sleepUntilNextDue(now: Date, failed: boolean): void {
    let next = now.getTime() + options.maxIdleMs;
    // With every slot taken, the next finished item looks again; until then only the idle check runs.
    if (!failed && runningCount() < concurrency) {
      for (const source of sources) {
        try {
          next = Math.min(next, source.nextDueAt(now, runningKeys.get(source)!) ?? Infinity);
        } catch (error) {
          logger.error({ err: error, source: source.name }, 'could not read when background work falls due');
        }
      }
    }
    // Work that is due but not started waits for a running item to finish (which looks again), or this timer.
    const delay = Math.max(MIN_SLEEP_MS, next - now.getTime());
    timer = setTimeout(fill, delay);
    timer.unref();
  }

  return {
    start() {
      if (started || closed) return;
      started = true;
      fill();
    },
    wake() {
      fill();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      stop.abort(new Error('the bot is shutting down'));
      if (inFlight.size === 0) return;
      let graceTimer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, closeGraceMs);
      });
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      clearTimeout(graceTimer);
    },
    running: runningCount,
  };
}
