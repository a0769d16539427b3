import { LRUCache } from 'lru-cache';

/**
 * A small, bounded, short-lived cache that also coalesces concurrent loads of the same key,
 * so ten members searching the same title at once cost one AniList request, not ten.
 */
export interface LoadingCache<V extends object> {
  get(key: string, load: () => Promise<V>): Promise<V>;
  peek(key: string): V | undefined;
  /** Forget matching entries, and make loads already in flight for them not store their result. */
  deleteWhere(matches: (key: string) => boolean): void;
  clear(): void;
  readonly size: number;
}

export interface LoadingCacheOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
}

export function createLoadingCache<V extends object>({ maxEntries, ttlMs }: LoadingCacheOptions): LoadingCache<V> {
  const settled = new LRUCache<string, V>({ max: maxEntries, ttl: ttlMs });
  const inFlight = new Map<string, Promise<V>>();

  return {
    get(key, load) {
      const hit = settled.get(key);
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
    peek(key) {
      return settled.get(key);
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
