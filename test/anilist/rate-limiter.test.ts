import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AniListError } from '../../src/anilist/errors.js';
import { createRateLimiter, type RateLimiterOptions } from '../../src/anilist/rate-limiter.js';

type Outcome = { ok: true; at: number } | { ok: false; at: number; error: unknown };

/** A limiter driven by Vitest's fake clock, plus a log of when each task actually started. */
function harness(options: RateLimiterOptions = {}) {
  const limiter = createRateLimiter(options);
  const sends: { key: string; at: number }[] = [];
  const outcomes: Outcome[] = [];

  function call(key: string): Promise<void> {
    const promise = limiter.schedule(key, () => {
      sends.push({ key, at: Date.now() });
      return Promise.resolve();
    });
    promise.then(
      () => outcomes.push({ ok: true, at: Date.now() }),
      (error: unknown) => outcomes.push({ ok: false, at: Date.now(), error }),
    );
    return promise.catch(() => undefined);
  }

  return { limiter, sends, outcomes, call };
}

/** The most sends in any half-open 60 s window [t, t + 60 s). */
function maxInAnyMinute(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + 60_000) end++;
    best = Math.max(best, end - start);
  }
  return best;
}

function busyErrors(outcomes: readonly Outcome[]): AniListError[] {
  return outcomes.flatMap((o) => (!o.ok && o.error instanceof AniListError ? [o.error] : []));
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createRateLimiter', () => {
  it('keeps a burst of 100 calls from 20 members within 30 per minute, and nobody hangs', async () => {
    const { sends, outcomes, call } = harness({ perMinute: 30, maxWaitMs: 20_000 });
    const start = Date.now();
    for (let round = 0; round < 5; round++) {
      for (let member = 0; member < 20; member++) void call(`member-${member}`);
    }
    await vi.advanceTimersByTimeAsync(5 * 60_000);

    expect(outcomes).toHaveLength(100);
    expect(maxInAnyMinute(sends.map((s) => s.at))).toBeLessThanOrEqual(30);
    // Burst friendliness: not the whole minute's budget at once.
    expect(sends.filter((s) => s.at === start).length).toBeLessThanOrEqual(10);
    for (const outcome of outcomes) {
      if (outcome.ok) expect(outcome.at - start).toBeLessThanOrEqual(20_000);
      else expect(outcome.at).toBe(start); // refused on the spot, not after waiting
    }
    const refused = busyErrors(outcomes);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error.kind).toBe('busy');
      expect(error.retryAfterSeconds).toBeGreaterThan(0);
    }
    // Fair: the ~20 calls that fit in maxWaitMs went to 20 different members, not to the first one's five.
    expect(sends.length).toBeGreaterThanOrEqual(20);
    expect(new Set(sends.slice(0, 20).map((s) => s.key)).size).toBe(20);
  });

  it('serves waiting members round-robin so one busy member cannot starve the others', async () => {
    const { sends, call } = harness({ perMinute: 60, burst: 1, maxWaitMs: 120_000 });
    for (let i = 0; i < 10; i++) void call('greedy');
    void call('alice');
    void call('bob');
    await vi.advanceTimersByTimeAsync(60_000);

    const order = sends.map((s) => s.key);
    expect(order.slice(0, 4)).toEqual(['greedy', 'greedy', 'alice', 'bob']);
    expect(order).toHaveLength(12);
  });

  it('spreads sends at the refill rate once the burst is spent', async () => {
    const { sends, call } = harness({ perMinute: 30, burst: 3, maxWaitMs: 60_000 });
    for (let i = 0; i < 6; i++) void call(`m${i}`);
    await vi.advanceTimersByTimeAsync(60_000);
    const start = sends[0]!.at;
    expect(sends.map((s) => s.at - start)).toEqual([0, 0, 0, 2_000, 4_000, 6_000]);
  });

  it('pauses all traffic, queued calls included, until Retry-After after a 429', async () => {
    const { limiter, sends, call } = harness({ perMinute: 60, burst: 1, maxWaitMs: 120_000 });
    void call('a'); // sent at once
    void call('b'); // queued behind the empty bucket
    void call('c');
    expect(sends).toHaveLength(1);

    const pausedAt = Date.now();
    limiter.report({ status: 429, headers: { 'Retry-After': '30', 'X-RateLimit-Remaining': '0' } });
    expect(limiter.stats().pausedUntil).toBe(pausedAt + 30_000);

    await vi.advanceTimersByTimeAsync(29_999);
    expect(sends).toHaveLength(1);
    void call('d');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sends.length).toBeGreaterThan(1);
    expect(sends.slice(1).every((s) => s.at >= pausedAt + 30_000)).toBe(true);
    // After the pause it restarts gently instead of releasing everyone at once.
    expect(sends.filter((s) => s.at === pausedAt + 30_000)).toHaveLength(1);
  });

  it('pauses 60 s when a 429 carries no Retry-After', async () => {
    const { limiter, sends, call } = harness({ perMinute: 60, maxWaitMs: 120_000 });
    const pausedAt = Date.now();
    limiter.report({ status: 429 });
    void call('a');
    await vi.advanceTimersByTimeAsync(59_999);
    expect(sends).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sends).toEqual([{ key: 'a', at: pausedAt + 60_000 }]);
  });

  it('honours X-RateLimit-Reset when it is later than Retry-After', () => {
    const { limiter } = harness();
    const now = Date.now();
    limiter.report({
      status: 429,
      headers: new Headers({ 'retry-after': '10', 'x-ratelimit-reset': String(Math.floor(now / 1000) + 45) }),
    });
    const pausedUntil = limiter.stats().pausedUntil;
    expect(pausedUntil).not.toBeNull();
    expect(pausedUntil! - now).toBeGreaterThan(44_000);
    expect(pausedUntil! - now).toBeLessThanOrEqual(45_000);
  });

  it('refuses new callers during a long pause with the remaining time, instead of hanging', async () => {
    const { limiter, sends, outcomes, call } = harness({ maxWaitMs: 20_000 });
    limiter.report({ status: 429, headers: { 'Retry-After': '50' } });
    void call('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(sends).toHaveLength(0);
    const [error] = busyErrors(outcomes);
    expect(error?.kind).toBe('busy');
    expect(error?.retryAfterSeconds).toBe(50);
    expect(error?.userMessage).toContain('50 seconds');
  });

  it('refuses already-queued callers whose deadline falls inside a new pause', async () => {
    const { limiter, sends, outcomes, call } = harness({ perMinute: 60, burst: 1, maxWaitMs: 20_000 });
    void call('a');
    void call('b');
    void call('c');
    limiter.report({ status: 429, headers: { 'Retry-After': '60' } });
    await vi.advanceTimersByTimeAsync(0);
    expect(sends).toHaveLength(1);
    expect(busyErrors(outcomes).map((e) => e.kind)).toEqual(['busy', 'busy']);
    expect(limiter.stats().queued).toBe(0);
  });

  it('adapts down to a lower X-RateLimit-Limit (any header case) but never up', async () => {
    const { limiter, sends, call } = harness({ perMinute: 30, maxWaitMs: 600_000, maxQueue: 500 });
    limiter.report({ status: 200, headers: { 'x-ratelimit-limit': '10' } });
    expect(limiter.stats().limitPerMinute).toBe(10);
    for (let i = 0; i < 30; i++) void call(`m${i % 3}`);
    await vi.advanceTimersByTimeAsync(180_000);
    expect(maxInAnyMinute(sends.map((s) => s.at))).toBeLessThanOrEqual(10);

    limiter.report({ status: 200, headers: { 'X-Ratelimit-Limit': '90' } });
    expect(limiter.stats().limitPerMinute).toBe(30);
  });

  it('respects X-RateLimit-Remaining when the server counted more than we sent', async () => {
    const { limiter, sends, call } = harness({ perMinute: 30, maxWaitMs: 120_000 });
    const start = Date.now();
    // Another process on our IP used the budget: the server has nothing left for this minute.
    limiter.report({ status: 200, headers: { 'X-RateLimit-Limit': '30', 'X-RateLimit-Remaining': '0' } });
    void call('a');
    // Slots are held one second past AniList's 60 s window, for latency between our send and its count.
    await vi.advanceTimersByTimeAsync(60_999);
    expect(sends).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sends).toEqual([{ key: 'a', at: start + 61_000 }]);
  });

  it('bounds the queue and refuses beyond it at once', async () => {
    const { limiter, outcomes, call } = harness({ perMinute: 60, burst: 1, maxQueue: 3, maxWaitMs: 600_000 });
    for (let i = 0; i < 5; i++) void call(`m${i}`);
    await vi.advanceTimersByTimeAsync(0);
    expect(limiter.stats().queued).toBe(3);
    expect(busyErrors(outcomes).map((e) => e.kind)).toEqual(['busy']);
    expect(limiter.stats().rejected).toBe(1);
  });

  it("passes the task's own result and failure through, including synchronous throws", async () => {
    const limiter = createRateLimiter();
    await expect(limiter.schedule('k', () => Promise.resolve(42))).resolves.toBe(42);
    await expect(limiter.schedule('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      limiter.schedule('k', () => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    expect(limiter.stats().sent).toBe(3);
  });

  it('takes a waiting call out of the queue when its signal aborts, so it never spends the budget', async () => {
    const limiter = createRateLimiter({ perMinute: 60, burst: 1, maxWaitMs: 60_000 });
    const started: string[] = [];
    const task = (name: string) => () => {
      started.push(name);
      return Promise.resolve(name);
    };
    await limiter.schedule('a', task('first'));
    const controller = new AbortController();
    const abandoned = limiter.schedule('a', task('abandoned'), { signal: controller.signal });
    const other = limiter.schedule('b', task('other'));
    expect(limiter.stats()).toMatchObject({ queued: 2, queuedKeys: 2 });
    controller.abort(new Error('stale keystroke'));
    await expect(abandoned).rejects.toThrow('stale keystroke');
    expect(limiter.stats()).toMatchObject({ queued: 1, queuedKeys: 1, rejected: 0 });

    await vi.advanceTimersByTimeAsync(1_000);
    await expect(other).resolves.toBe('other');
    expect(started).toEqual(['first', 'other']);
    expect(limiter.stats().sent).toBe(2);

    // Already aborted: refused at once. Aborting after the start changes nothing.
    await expect(limiter.schedule('a', task('never'), { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
    await vi.advanceTimersByTimeAsync(1_000);
    const late = new AbortController();
    const running = limiter.schedule('a', task('runs'), { signal: late.signal });
    late.abort();
    await expect(running).resolves.toBe('runs');
    // The queue is empty and idle: nothing left armed.
    expect(limiter.stats().queued).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports stats and refuses everything waiting on close()', async () => {
    const { limiter, outcomes, call } = harness({ perMinute: 60, burst: 1, maxWaitMs: 120_000 });
    void call('a');
    void call('b');
    void call('b');
    expect(limiter.stats()).toMatchObject({ queued: 2, queuedKeys: 1, sent: 1, pausedUntil: null, inWindow: 1 });
    limiter.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(busyErrors(outcomes)).toHaveLength(2);
    await expect(limiter.schedule('c', () => Promise.resolve())).rejects.toMatchObject({ kind: 'busy' });
  });

  it('works with an injected clock and timer functions', async () => {
    let clock = 0;
    const timers: { due: number; fn: () => void }[] = [];
    const limiter = createRateLimiter({
      perMinute: 60,
      burst: 1,
      maxWaitMs: 60_000,
      now: () => clock,
      setTimer: (fn, ms) => {
        const timer = { due: clock + ms, fn };
        timers.push(timer);
        return timer;
      },
      clearTimer: (handle) => {
        timers.splice(timers.indexOf(handle as (typeof timers)[number]), 1);
      },
    });
    const started: number[] = [];
    const done = [1, 2, 3].map(() => limiter.schedule('k', () => Promise.resolve(started.push(clock))));
    while (timers.length > 0) {
      timers.sort((a, b) => a.due - b.due);
      const next = timers.shift()!;
      clock = next.due;
      next.fn();
    }
    await Promise.all(done);
    expect(started).toEqual([0, 1_000, 2_000]);
  });
});

describe('background lane', () => {
  function lanes(options: RateLimiterOptions = {}) {
    const limiter = createRateLimiter({ perMinute: 30, ...options });
    const sends: { lane: 'interactive' | 'background'; key: string; at: number }[] = [];
    const outcomes: { lane: string; ok: boolean; error?: unknown }[] = [];
    function call(lane: 'interactive' | 'background', key: string): void {
      limiter
        .schedule(
          key,
          () => {
            sends.push({ lane, key, at: Date.now() });
            return Promise.resolve();
          },
          { lane },
        )
        .then(
          () => outcomes.push({ lane, ok: true }),
          (error: unknown) => outcomes.push({ lane, ok: false, error }),
        );
    }
    return { limiter, sends, outcomes, call };
  }

  it('an idle budget serves background work, but never more than its share of the window', async () => {
    const { sends, limiter, call } = lanes({ backgroundShare: 0.5 });
    for (let i = 0; i < 100; i++) call('background', `job-${i % 10}`);
    await vi.advanceTimersByTimeAsync(60_000);
    const firstMinute = sends.filter((s) => s.at < 1_700_000_000_000 + 60_000);
    expect(firstMinute.length).toBeGreaterThan(0);
    expect(maxInAnyMinute(sends.map((s) => s.at))).toBeLessThanOrEqual(15);
    expect(limiter.stats().background.queued).toBe(100 - sends.length);
    expect(limiter.stats().background.oldestWaitMs).toBeGreaterThan(0);
    limiter.close();
  });

  it('a burst of members finds the bucket all but full while background work fills its share', async () => {
    const { sends, limiter, call } = lanes();
    for (let i = 0; i < 200; i++) call('background', `job-${i % 20}`);
    // Members arrive at any moment: right after a background send, or between two.
    for (const wait of [20_000, 2_000, 1_000]) {
      await vi.advanceTimersByTimeAsync(wait);
      const backgroundBefore = sends.filter((s) => s.lane === 'background').length;
      const arrival = Date.now();
      // perMinute 30: the bucket holds 10; background work only spends a token that would overflow.
      for (let i = 0; i < 9; i++) call('interactive', `member-${i}`);
      await vi.advanceTimersByTimeAsync(0);
      const burst = sends.filter((s) => s.lane === 'interactive' && s.at === arrival);
      expect(backgroundBefore).toBeGreaterThan(0);
      expect(burst).toHaveLength(9);
      // The members' own refill: the next background send waits for a full bucket again.
      await vi.advanceTimersByTimeAsync(30_000);
    }
    // Spread out: never two background sends within one refill interval (2 s at 30/min).
    const background = sends.filter((s) => s.lane === 'background').map((s) => s.at);
    expect(background.slice(1).every((at, i) => at - background[i]! >= 2_000)).toBe(true);
    limiter.close();
  });

  it('waits while any interactive call is queued, and is never refused as busy however long it waits', async () => {
    const { sends, outcomes, limiter, call } = lanes({ maxWaitMs: 5_000 });
    for (let i = 0; i < 40; i++) call('interactive', `member-${i % 8}`);
    call('background', 'job');
    await vi.advanceTimersByTimeAsync(1);
    // Interactive calls over the budget are refused (busy); the background one keeps waiting.
    const firstBackground = () => sends.findIndex((s) => s.lane === 'background');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const index = firstBackground();
    expect(index).toBeGreaterThan(-1);
    expect(sends.slice(0, index).every((s) => s.lane === 'interactive')).toBe(true);
    expect(outcomes.filter((o) => o.lane === 'background')).toEqual([{ lane: 'background', ok: true }]);
    expect(limiter.stats().interactive.sent).toBe(index);
    expect(limiter.stats().background.sent).toBe(1);
    limiter.close();
  });

  it('pauses entirely during a Retry-After, and close() refuses what still waits', async () => {
    const { sends, outcomes, limiter, call } = lanes();
    limiter.report({ status: 429, headers: { 'retry-after': '30' } });
    call('background', 'job');
    const pauseEnds = Date.now() + 30_000;
    await vi.advanceTimersByTimeAsync(29_000);
    expect(sends).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.at).toBeGreaterThanOrEqual(pauseEnds);
    for (let i = 0; i < 20; i++) call('background', 'job');
    limiter.close();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes.filter((o) => !o.ok).every((o) => o.error instanceof AniListError && o.error.kind === 'busy')).toBe(true);
    expect(outcomes.filter((o) => !o.ok).length).toBeGreaterThanOrEqual(1);
  });

  it('backgroundShare 0 turns background work off', async () => {
    const { sends, call, limiter } = lanes({ backgroundShare: 0 });
    call('background', 'job');
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(sends).toHaveLength(0);
    limiter.close();
  });
});
