/** Minimal "wait until a condition holds" helper driven by explicit change notifications. */
export class ChangeNotifier {
  private listeners = new Set<() => void>();
  private cancels = new Set<(reason: Error) => void>();

  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /**
   * Resolve with `check()`'s first non-undefined result; re-checked on every `notify()`.
   * Rejects with `describe()` after `timeoutMs`.
   */
  waitFor<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const listener = (): void => {
        let v: T | undefined;
        try {
          v = check();
        } catch (e) {
          cleanup();
          reject(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        if (v !== undefined) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake-discord: timed out after ${timeoutMs}ms waiting for ${describe()}`));
      }, timeoutMs);
      const cancel = (reason: Error): void => {
        cleanup();
        reject(reason);
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        this.cancels.delete(cancel);
      };
      this.listeners.add(listener);
      this.cancels.add(cancel);
    });
  }

  /** Calls `listener` after every change until the returned function is called (for live views, not for waiting). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Reject all pending waiters (used on shutdown so no timers stay alive). */
  cancelAll(reason = 'fake Discord was closed'): void {
    for (const c of [...this.cancels]) c(new Error(`fake-discord: ${reason}`));
  }
}
