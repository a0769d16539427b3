import { afterEach, describe, expect, it } from 'vitest';
import { createBackgroundScheduler, type BackgroundScheduler, type BackgroundSource, type BackgroundWork } from '../../src/background/scheduler.js';
import { captureLogs } from '../support/log-capture.js';

/** A source whose items live in memory; each run waits until the test finishes it. */
function memorySource(name: string, items: Record<string, number>) {
  const schedule = new Map(Object.entries(items));
  const started: string[] = [];
  const finishers = new Map<string, (error?: Error) => void>();
  const signals: AbortSignal[] = [];
  let dueCalls = 0;
  const source: BackgroundSource = {
    name,
    due(now, limit, running) {
      dueCalls++;
      return [...schedule]
        .filter(([key, dueAt]) => dueAt <= now.getTime() && !running.has(key))
        .sort((a, b) => a[1] - b[1])
        .slice(0, limit)
        .map(([key, dueAt]): BackgroundWork => ({ key, dueAt }));
    },
    nextDueAt(_now, running) {
      const times = [...schedule].filter(([key]) => !running.has(key)).map(([, dueAt]) => dueAt);
      return times.length > 0 ? Math.min(...times) : undefined;
    },
    run(work, signal) {
      started.push(`${name}:${work.key}`);
      signals.push(signal);
      return new Promise<void>((resolve, reject) => {
        finishers.set(work.key, (error) => {
          // Like a real source: the item's next turn is far away, whatever happened.
          schedule.set(work.key, Date.now() + 3_600_000);
          if (error) reject(error);
          else resolve();
        });
      });
    },
  };
  return {
    source,
    started,
    signals,
    dueCalls: () => dueCalls,
    schedule,
    finish(key: string, error?: Error) {
      const finisher = finishers.get(key);
      if (!finisher) throw new Error(`${name}:${key} is not running`);
      finishers.delete(key);
      finisher(error);
    },
  };
}

/** Resolves once `predicate` holds, checking after every pending callback has run. */
async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never held');
}

let scheduler: BackgroundScheduler | undefined;
afterEach(async () => {
  await scheduler?.close();
  scheduler = undefined;
});

describe('the background scheduler', () => {
  it('starts the most overdue work first across sources, at most `concurrency` at once, one run per key', async () => {
    const now = Date.now();
    const members = memorySource('members', { ann: now - 5_000, ben: now - 1_000, cid: now - 9_000, dot: now + 3_600_000 });
    const feeds = memorySource('feeds', { guild: now - 7_000 });
    const logs = captureLogs();
    scheduler = createBackgroundScheduler({ sources: [members.source, feeds.source], concurrency: 2, maxIdleMs: 60_000, clock: () => new Date(), logger: logs.logger });
    scheduler.start();
    expect([...members.started, ...feeds.started].sort()).toEqual(['feeds:guild', 'members:cid']);
    expect(scheduler.running()).toBe(2);

    // A finished item frees its slot for the next most overdue one; the one not due yet waits.
    members.finish('cid');
    await until(() => members.started.length === 2);
    expect(members.started).toEqual(['members:cid', 'members:ann']);
    feeds.finish('guild');
    await until(() => members.started.length === 3);
    expect(members.started.at(-1)).toBe('members:ben');
    members.finish('ann');
    members.finish('ben');
    await until(() => scheduler!.running() === 0);
    expect(members.started).not.toContain('members:dot');

    // A failure is logged and costs nothing else.
    members.schedule.set('ann', Date.now() - 1);
    scheduler.wake();
    await until(() => members.started.length === 4);
    members.finish('ann', new Error('AniList said no'));
    await until(() => logs.text().includes('background work failed'));
    expect(scheduler.running()).toBe(0);
  });

  it('wake() picks up work scheduled meanwhile; close() aborts what runs and starts nothing more', async () => {
    const members = memorySource('members', {});
    scheduler = createBackgroundScheduler({ sources: [members.source], maxIdleMs: 60_000, clock: () => new Date(), logger: captureLogs().logger, closeGraceMs: 10 });
    scheduler.wake();
    expect(members.dueCalls()).toBe(0);
    scheduler.start();
    expect(members.started).toEqual([]);

    members.schedule.set('new-member', Date.now());
    scheduler.wake();
    expect(members.started).toEqual(['members:new-member']);
    expect(members.signals[0]!.aborted).toBe(false);

    members.schedule.set('another', Date.now());
    await scheduler.close();
    expect(members.signals[0]!.aborted).toBe(true);
    const looks = members.dueCalls();
    scheduler.wake();
    members.finish('new-member');
    await new Promise((resolve) => setImmediate(resolve));
    expect(members.dueCalls()).toBe(looks);
    expect(members.started).toEqual(['members:new-member']);
  });

  it('an item whose run leaves it due (a source bug) runs again only after a pause, never starving the event loop', async () => {
    const dueAt = Date.now() - 1_000;
    const runs: number[] = [];
    const order: string[] = [];
    const stuck: BackgroundSource = {
      name: 'stuck',
      due: (_now, limit, running) => (limit > 0 && !running.has('item') ? [{ key: 'item', dueAt }] : []),
      nextDueAt: (_now, running) => (running.has('item') ? undefined : dueAt),
      // Finishes at once and never moves the item on.
      run: () => {
        runs.push(runs.length + 1);
        order.push(`run ${runs.length}`);
        return Promise.resolve();
      },
    };
    const logs = captureLogs();
    scheduler = createBackgroundScheduler({ sources: [stuck], maxIdleMs: 60_000, clock: () => new Date(), logger: logs.logger });
    scheduler.start();
    await new Promise((resolve) => setImmediate(resolve));
    order.push('the event loop turned');
    expect(order).toEqual(['run 1', 'the event loop turned']);
    expect(logs.text()).toContain('background work is still due after it ran; trying again shortly');
    // Tried again after the pause, not dropped.
    for (let i = 0; i < 200 && runs.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a concurrency below 1 and two sources of one name', () => {
    const logger = captureLogs().logger;
    const options = { maxIdleMs: 1_000, clock: () => new Date(), logger };
    expect(() => createBackgroundScheduler({ ...options, sources: [], concurrency: 0 })).toThrow(RangeError);
    const a = memorySource('same', {}).source;
    const b = memorySource('same', {}).source;
    expect(() => createBackgroundScheduler({ ...options, sources: [a, b] })).toThrow(/distinct names/);
  });
});
