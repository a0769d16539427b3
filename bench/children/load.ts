/**
 * The HTTP load generator in a process of its own, so it never competes with the benchmark's fakes or log relays
 * for an event loop: `node load.js <url> <connections> <seconds>` runs autocannon and prints one JSON line.
 */
import autocannon from 'autocannon';

const [url, connections, seconds] = process.argv.slice(2);
if (!url) throw new Error('usage: load.js <url> <connections> <seconds>');
const result = await autocannon({ url, connections: Number(connections ?? 10), duration: Number(seconds ?? 10), pipelining: 1 });
const statuses: Record<string, number> = {};
for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = (stat as { count: number }).count;
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
    errors: result.errors + result.timeouts,
  })}\n`,
);
