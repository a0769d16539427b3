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
});
