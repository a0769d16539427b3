import { describe, expect, it } from 'vitest';
import { createLoadingCache } from '../../src/anilist/cache.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createLoadingCache', () => {
  it('coalesces concurrent loads and serves the stored value afterwards', async () => {
    const cache = createLoadingCache<{ n: number }>({ maxEntries: 10, ttlMs: 60_000 });
    let loads = 0;
    const load = () => Promise.resolve({ n: ++loads });
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect(a).toBe(b);
    await expect(cache.get('k', load)).resolves.toEqual({ n: 1 });
    expect(loads).toBe(1);
  });

  it('does not store failures', async () => {
    const cache = createLoadingCache<{ n: number }>({ maxEntries: 10, ttlMs: 60_000 });
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(cache.get('k', () => Promise.resolve({ n: 2 }))).resolves.toEqual({ n: 2 });
  });

  it('does not store a load that was invalidated while in flight (stale read racing a write)', async () => {
    const cache = createLoadingCache<{ n: number }>({ maxEntries: 10, ttlMs: 60_000 });
    const slow = deferred<{ n: number }>();
    const stale = cache.get('user|1', () => slow.promise);
    cache.deleteWhere((key) => key.startsWith('user|'));
    slow.resolve({ n: 1 });
    await expect(stale).resolves.toEqual({ n: 1 });
    expect(cache.peek('user|1')).toBeUndefined();
    await expect(cache.get('user|1', () => Promise.resolve({ n: 2 }))).resolves.toEqual({ n: 2 });
  });

  it('stays bounded', async () => {
    const cache = createLoadingCache<{ n: number }>({ maxEntries: 3, ttlMs: 60_000 });
    for (let n = 0; n < 10; n++) await cache.get(String(n), () => Promise.resolve({ n }));
    expect(cache.size).toBe(3);
  });

  it('serves a read that accepts an older value from the cache, and loads again for one that does not', async () => {
    // lru-cache reads a start time of 0 as "no ttl", so this clock starts later, as performance.now() does.
    let nowMs = 1_000_000;
    const cache = createLoadingCache<{ n: number }>({ maxEntries: 10, ttlMs: 10 * 60_000, now: () => nowMs });
    let loads = 0;
    const load = () => Promise.resolve({ n: ++loads });
    await cache.get('list', load);
    nowMs += 2 * 60_000;
    // A comparison accepts a 10-minute-old list; a /list page wants one at most a minute old.
    await expect(cache.get('list', load, { maxAgeMs: 10 * 60_000 })).resolves.toEqual({ n: 1 });
    expect(cache.peek('list', { maxAgeMs: 60_000 })).toBeUndefined();
    await expect(cache.get('list', load, { maxAgeMs: 60_000 })).resolves.toEqual({ n: 2 });
    // The fresh load replaced the old value for every reader.
    await expect(cache.get('list', load, { maxAgeMs: 10 * 60_000 })).resolves.toEqual({ n: 2 });
    nowMs += 10 * 60_000 + 1;
    expect(cache.peek('list', { maxAgeMs: 60 * 60_000 })).toBeUndefined();
  });

  it('stays bounded by the size of its values', async () => {
    const cache = createLoadingCache<{ entries: number[] }>({ maxEntries: 100, ttlMs: 60_000, maxSize: 1_000, sizeOf: (value) => value.entries.length });
    for (let n = 0; n < 5; n++) await cache.get(String(n), () => Promise.resolve({ entries: Array.from({ length: 400 }, () => n) }));
    // Two lists of 400 fit in 1,000; the least recently used went first.
    expect(cache.size).toBe(2);
    expect(cache.peek('4')).toBeDefined();
    expect(cache.peek('0')).toBeUndefined();
  });
});
