import { LRUCache } from 'lru-cache';

/**
 * A small, bounded, short-lived cache that also coalesces concurrent loads of the same key,
 * so ten members searching the same title at once cost one AniList request, not ten.
 */
export interface LoadingCache<V extends object> {
  /**
   * The stored value, or the value `load` brings (shared with concurrent callers). With `maxAgeMs`, a stored value
   * older than that is loaded again: one cache can serve readers who need a fresh answer and readers who accept an
   * older one (up to the cache's ttl).
   */
  get(key: string, load: () => Promise<V>, options?: ReadOptions): Promise<V>;
  peek(key: string, options?: ReadOptions): V | undefined;
  /** Forget matching entries, and make loads already in flight for them not store their result. */
  deleteWhere(matches: (key: string) => boolean): void;
  clear(): void;
  readonly size: number;
}

export interface ReadOptions {
  /** Oldest stored value this read accepts; the cache's ttl when omitted. */
  readonly maxAgeMs?: number | undefined;
}

export interface LoadingCacheOptions<V> {
  readonly maxEntries: number;
  /** How long a value is kept at most. */
  readonly ttlMs: number;
  /** With `sizeOf`: the most the stored values may add up to (e.g. list entries), least recently used out first. */
  readonly maxSize?: number | undefined;
  /** A value's size, at least 1. */
  readonly sizeOf?: ((value: V) => number) | undefined;
  /** Milliseconds from any fixed point (tests); performance.now() by default. */
  readonly now?: (() => number) | undefined;
}

export function createLoadingCache<V extends object>(options: LoadingCacheOptions<V>): LoadingCache<V> {
  const { maxEntries, ttlMs, maxSize, sizeOf, now } = options;
  const settled = new LRUCache<string, V>({
    max: maxEntries,
    ttl: ttlMs,
    ...(maxSize !== undefined && sizeOf !== undefined ? { maxSize, sizeCalculation: (value: V) => Math.max(1, Math.ceil(sizeOf(value))) } : {}),
    // An injected clock is read on every call: lru-cache otherwise reuses one reading for a millisecond.
    ...(now !== undefined ? { perf: { now }, ttlResolution: 0 } : {}),
  });
  const inFlight = new Map<string, Promise<V>>();

  function fresh(key: string, readOptions: ReadOptions | undefined): V | undefined {
    const hit = settled.get(key);
    if (hit === undefined) return undefined;
    const maxAgeMs = readOptions?.maxAgeMs;
    if (maxAgeMs === undefined || maxAgeMs >= ttlMs) return hit;
    const age = ttlMs - settled.getRemainingTTL(key);
    return age <= maxAgeMs ? hit : undefined;
  }

  return {
    get(key, load, readOptions) {
      const hit = fresh(key, readOptions);
      if (hit !== undefined) return Promise.resolve(hit);
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;

      const loading = load().then(
        (value) => {
          // Only store if nobody invalidated this key while we were loading (e.g. after a write).
          if (inFlight.get(key) === loading) {
            inFlight.delete(key);
            settled.set(key, value);
          }
          return value;
        },
        (error: unknown) => {
          if (inFlight.get(key) === loading) inFlight.delete(key);
          throw error;
        },
      );
      inFlight.set(key, loading);
      return loading;
    },
    peek(key, readOptions) {
      return fresh(key, readOptions);
    },
    deleteWhere(matches) {
      for (const key of [...settled.keys()]) if (matches(key)) settled.delete(key);
      for (const key of [...inFlight.keys()]) if (matches(key)) inFlight.delete(key);
    },
    clear() {
      settled.clear();
      inFlight.clear();
    },
    get size() {
      return settled.size;
    },
  };
}
