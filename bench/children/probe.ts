/**
 * Preloaded (`node --expose-gc --import probe.js …`) into a measured process, bot or reference alike, without
 * touching the bot's code: on an IPC message `{ type: 'measure' }` it forces full GCs and sends back memory figures.
 */
import { getHeapStatistics } from 'node:v8';

interface MeasureRequest {
  type: 'measure';
}

if (process.send) {
  process.on('message', (message: MeasureRequest) => {
    if (message?.type !== 'measure') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 4; i++) gc?.();
    const usage = process.memoryUsage();
    const heap = getHeapStatistics();
    process.send!({
      type: 'memory',
      gcForced: gc !== undefined,
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
      totalHeapSize: heap.total_heap_size,
    });
  });
  // The probe must not keep a process alive on its own.
  process.channel?.unref();
}
