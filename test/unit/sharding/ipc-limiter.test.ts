import { afterEach, describe, expect, it, vi } from 'vitest';
import { AniListError, createRateLimiter, type RateLimiter, type RateLimitReport } from '../../../src/anilist/index.js';
import { createIpcRateLimiter, rateLimitHeaders, serveRateLimiter, type IpcEndpoint } from '../../../src/sharding/ipc-limiter.js';
import { startRounds } from '../../../src/sharding/manager.js';
import { captureLogs } from '../../support/log-capture.js';

/** Two ends of an in-memory IPC channel; delivery is asynchronous and JSON-cloned, like child_process IPC. */
function channel(): { shard: IpcEndpoint; manager: IpcEndpoint; sent: unknown[] } {
  const listeners = { shard: new Set<(message: unknown) => void>(), manager: new Set<(message: unknown) => void>() };
  const sent: unknown[] = [];
  const endpoint = (own: 'shard' | 'manager', other: 'shard' | 'manager'): IpcEndpoint => ({
    send(message) {
      sent.push(message);
      const copy = JSON.parse(JSON.stringify(message)) as unknown;
      setImmediate(() => {
        for (const listener of listeners[other]) listener(copy);
      });
    },
    onMessage(listener) {
      listeners[own].add(listener);
      return () => listeners[own].delete(listener);
    },
  });
  return { shard: endpoint('shard', 'manager'), manager: endpoint('manager', 'shard'), sent };
}

/** A manager limiter and `count` shard limiters wired to it. */
function shards(limiter: RateLimiter, count: number): RateLimiter[] {
  return Array.from({ length: count }, () => {
    const link = channel();
    serveRateLimiter(limiter, link.manager);
    return createIpcRateLimiter({ endpoint: link.shard });
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('IPC rate limiter (shard side ↔ manager side)', () => {
  it('two shards draw from one budget: the manager grants exactly its limit, the rest are refused as busy', async () => {
    const manager = createRateLimiter({ perMinute: 3, burst: 3, maxWaitMs: 1_000 });
    const [a, b] = shards(manager, 2);
    let ran = 0;
    const task = () => {
      ran++;
      return Promise.resolve('answer');
    };
    const results = await Promise.allSettled([
      a!.schedule('alice', task),
      b!.schedule('bob', task),
      a!.schedule('carol', task),
      b!.schedule('dave', task),
      a!.schedule('erin', task),
    ]);
    expect(ran).toBe(3);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual(['answer', 'answer', 'answer']);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as AniListError);
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toBeInstanceOf(AniListError);
      expect(error.kind).toBe('busy');
      expect(error.retryAfterSeconds).toBeGreaterThan(0);
    }
    expect(manager.stats()).toMatchObject({ sent: 3, rejected: 2 });
    expect(a!.stats()).toMatchObject({ sent: 2, rejected: 1, queued: 0 });
    manager.close();
  });

  it("reports real figures: its own waiting requests, keys, grants and refusals, and the shared budget as the manager last told it", async () => {
    const manager = createRateLimiter({ perMinute: 4, burst: 2, maxWaitMs: 20_000 });
    const [shard] = shards(manager, 1);
    expect(shard!.stats()).toMatchObject({ queued: 0, queuedKeys: 0, sent: 0, rejected: 0 });

    const ran: string[] = [];
    const task = (label: string) => () => {
      ran.push(label);
      return Promise.resolve(label);
    };
    // The burst lets two leave at once; the third waits in the manager's queue, so it waits in the shard too.
    const first = [shard!.schedule('alice', task('a1')), shard!.schedule('bob', task('b1'))];
    const waiting = shard!.schedule('alice', task('a2'));
    await Promise.all(first);
    await vi.waitFor(() => expect(manager.stats().queued).toBe(1));
    expect(shard!.stats()).toMatchObject({ queued: 1, queuedKeys: 1, sent: 2, rejected: 0, limitPerMinute: 4, inWindow: 2, pausedUntil: null });

    // A 429 this shard reports pauses the manager, which refuses the waiting request; the refusal brings the
    // pause to the shard.
    shard!.report({ status: 429, headers: { 'retry-after': '30' } });
    await expect(waiting).rejects.toMatchObject({ kind: 'busy' });
    const paused = shard!.stats();
    expect(paused.pausedUntil).not.toBeNull();
    expect(paused).toMatchObject({ queued: 0, queuedKeys: 0, sent: 2, rejected: 1, pausedUntil: manager.stats().pausedUntil, limitPerMinute: 4 });
    manager.close();
    expect(ran).toEqual(['a1', 'b1']);
  });

  it("the task runs in the shard: its result and its failure are the shard caller's", async () => {
    const manager = createRateLimiter({ perMinute: 10 });
    const [shard] = shards(manager, 1);
    await expect(shard!.schedule('k', () => Promise.resolve(42))).resolves.toBe(42);
    await expect(shard!.schedule('k', () => Promise.reject(new AniListError('notFound')))).rejects.toMatchObject({ kind: 'notFound' });
    await expect(
      shard!.schedule('k', () => {
        throw new Error('sync throw');
      }),
    ).rejects.toThrow('sync throw');
    manager.close();
  });

  it("a shard's 429 report pauses the manager's limiter for every shard, with only the rate-limit headers sent over", async () => {
    const reports: RateLimitReport[] = [];
    const real = createRateLimiter({ perMinute: 10, maxWaitMs: 1_000 });
    const spy: RateLimiter = { ...real, report: (response) => (reports.push(response), real.report(response)) };
    const linkA = channel();
    serveRateLimiter(spy, linkA.manager);
    const a = createIpcRateLimiter({ endpoint: linkA.shard });
    const [b] = shards(real, 1);

    a.report({ status: 429, headers: new Headers({ 'Retry-After': '30', 'Set-Cookie': 'session=secret', 'X-RateLimit-Remaining': '0' }) });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(reports).toEqual([{ status: 429, headers: { 'retry-after': '30', 'x-ratelimit-remaining': '0' } }]);
    expect(JSON.stringify(linkA.sent)).not.toContain('secret');
    expect(real.stats().pausedUntil).not.toBeNull();
    // The other shard is refused too: the pause is longer than its longest wait.
    await expect(b!.schedule('k', () => Promise.resolve(1))).rejects.toMatchObject({ kind: 'busy' });
    real.close();
  });

  it("a withdrawn (aborted) request leaves the manager's queue without spending the budget", async () => {
    const manager = createRateLimiter({ perMinute: 1, burst: 1, maxWaitMs: 120_000 });
    const [a, b] = shards(manager, 2);
    await expect(a!.schedule('a', () => Promise.resolve(1))).resolves.toBe(1);
    const keystroke = new AbortController();
    let ran = false;
    const waiting = b!.schedule(
      'b',
      () => {
        ran = true;
        return Promise.resolve('late');
      },
      { signal: keystroke.signal },
    );
    await vi.waitFor(() => expect(manager.stats().queued).toBe(1));
    keystroke.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(manager.stats().queued).toBe(0));
    expect(ran).toBe(false);
    expect(manager.stats().sent).toBe(1);
    manager.close();
    a!.close();
    b!.close();
  });

  it("a respawned shard never takes a grant meant for its predecessor's request", async () => {
    const link = channel();
    const predecessor = createIpcRateLimiter({ endpoint: link.shard });
    void predecessor.schedule('k', () => Promise.resolve('old')).catch(() => undefined);
    const successor = createIpcRateLimiter({ endpoint: link.shard });
    let ran = false;
    const waiting = successor.schedule('k', () => {
      ran = true;
      return Promise.resolve('new');
    });
    // The manager answers the predecessor's request: the successor must not run on that grant.
    const [oldRequest, newRequest] = link.sent as { id: string }[];
    expect(oldRequest!.id).not.toBe(newRequest!.id);
    link.manager.send({ _anilink: 'limiter', op: 'grant', id: oldRequest!.id });
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toBe(false);
    link.manager.send({ _anilink: 'limiter', op: 'grant', id: newRequest!.id });
    await expect(waiting).resolves.toBe('new');
    predecessor.close();
    successor.close();
  });

  it('ignores messages that are not its own (discord.js _ready, other ids) and refuses everything after close()', async () => {
    const link = channel();
    const shard = createIpcRateLimiter({ endpoint: link.shard });
    link.manager.send({ _ready: true });
    link.manager.send({ _anilink: 'limiter', op: 'grant', id: 'another-process:1' });
    const waiting = shard.schedule('k', () => Promise.resolve('never'));
    await new Promise((resolve) => setImmediate(resolve));
    shard.close();
    await expect(waiting).rejects.toMatchObject({ kind: 'busy' });
    await expect(shard.schedule('k', () => Promise.resolve(1))).rejects.toMatchObject({ kind: 'busy' });
  });

  it('refuses as busy when the manager never answers (it is gone)', async () => {
    vi.useFakeTimers();
    const link = channel();
    const shard = createIpcRateLimiter({ endpoint: link.shard, answerTimeoutMs: 30_000 });
    const waiting = shard.schedule('k', () => Promise.resolve(1));
    const settled = expect(waiting).rejects.toMatchObject({ kind: 'busy' });
    await vi.advanceTimersByTimeAsync(30_000);
    await settled;
    expect(shard.stats()).toMatchObject({ queued: 0, rejected: 1 });
  });

  it('refuses as busy when there is no IPC channel to send on', async () => {
    const shard = createIpcRateLimiter({
      endpoint: {
        send: () => {
          throw new Error('channel closed');
        },
        onMessage: () => () => undefined,
      },
    });
    await expect(shard.schedule('k', () => Promise.resolve(1))).rejects.toMatchObject({ kind: 'busy' });
  });
});

describe('the manager side of a forged or malformed IPC message', () => {
  const settle = async () => {
    for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };

  it('a report pauses the shared budget no longer than AniList itself can (its one-minute timeout)', async () => {
    const limiter = createRateLimiter({ perMinute: 30 });
    const link = channel();
    serveRateLimiter(limiter, link.manager);
    link.shard.send({ _anilink: 'limiter', op: 'report', status: 429, headers: { 'retry-after': '300', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) } });
    await settle();
    const pausedFor = limiter.stats().pausedUntil! - Date.now();
    expect(pausedFor).toBeGreaterThan(50_000);
    expect(pausedFor).toBeLessThanOrEqual(60_000);
    limiter.close();
  });

  it('malformed messages are logged and dropped, never thrown inside the listener', async () => {
    const logs = captureLogs();
    const reports: RateLimitReport[] = [];
    const real = createRateLimiter({ perMinute: 30 });
    const spy: RateLimiter = { ...real, report: (response) => (reports.push(response), real.report(response)) };
    const link = channel();
    serveRateLimiter(spy, link.manager, logs.logger);
    const forged: unknown[] = [
      { _anilink: 'limiter', op: 'report', status: 429, headers: null },
      { _anilink: 'limiter', op: 'report', status: 'x', headers: {} },
      { _anilink: 'limiter', op: 'report', status: 1e9, headers: {} },
      { _anilink: 'limiter', op: 'report', status: 429, headers: { 'retry-after': 'soon' } },
      { _anilink: 'limiter', op: 'report', status: 429, headers: { authorization: 'Bearer x' } },
      { _anilink: 'limiter', op: 'schedule', id: 5, key: 'k' },
      { _anilink: 'limiter', op: 'schedule', id: 'x'.repeat(10_000), key: 'k' },
      { _anilink: 'limiter', op: 'cancel' },
      { _anilink: 'limiter', op: 'explode' },
      { _anilink: 'limiter' },
    ];
    for (const message of forged) link.shard.send(message);
    await settle();
    expect(reports).toEqual([]);
    expect(real.stats()).toMatchObject({ pausedUntil: null, queued: 0, sent: 0 });
    expect(link.sent).toHaveLength(forged.length);
    const dropped = logs.lines().filter((line) => line.includes('dropped a malformed limiter message'));
    expect(dropped).toHaveLength(forged.length);
    real.close();
  });
});

describe('rateLimitHeaders', () => {
  it('keeps only the four rate-limit headers, lower-cased, from a Headers object or a record', () => {
    expect(rateLimitHeaders(undefined)).toEqual({});
    expect(
      rateLimitHeaders({ 'X-RateLimit-Limit': '90', 'x-ratelimit-reset': ['1700000000', 'x'], Authorization: 'Bearer t', 'retry-after': undefined }),
    ).toEqual({ 'x-ratelimit-limit': '90', 'x-ratelimit-reset': '1700000000' });
  });
});

describe('startRounds', () => {
  it('starts max_concurrency shards together, one per identify bucket', () => {
    expect(startRounds({ totalShards: 2, maxConcurrency: 2 })).toEqual([[0, 1]]);
    expect(startRounds({ totalShards: 5, maxConcurrency: 2 })).toEqual([[0, 1], [2, 3], [4]]);
    expect(startRounds({ totalShards: 3, maxConcurrency: 1 })).toEqual([[0], [1], [2]]);
  });
});
