/**
 * `npm run bench [-- deadline budget memory http coldstart background] [--quick]`: runs the selected figures (all by default),
 * prints one table and writes dist/bench/results.json. Every figure starts and stops its own children.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT, printTable, stopAllChildren, type Row } from './lib/common.js';


const OUT = join(ROOT, 'dist', 'bench');

type Figure = 'deadline' | 'budget' | 'memory' | 'http' | 'coldstart' | 'background';
const ALL: Figure[] = ['deadline', 'budget', 'memory', 'http', 'coldstart', 'background'];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const selected = args.filter((a) => !a.startsWith('--')) as Figure[];
for (const name of selected) if (!ALL.includes(name)) throw new Error(`unknown figure "${name}"; choose from ${ALL.join(', ')}`);
const figures = selected.length > 0 ? selected : ALL;

const runners: Record<Figure, () => Promise<{ rows: Row[]; detail: unknown }>> = {
  deadline: async () => (await import('./deadline.js')).runDeadline(),
  budget: async () => (await import('./budget.js')).runBudget({ quick }),
  memory: async () => (await import('./memory.js')).runMemory({ quick }),
  http: async () => (await import('./http.js')).runHttp({ quick }),
  coldstart: async () => (await import('./coldstart.js')).runColdStart({ quick }),
  background: async () => (await import('./background.js')).runBackground({ quick }),
};

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping children…`);
    void stopAllChildren().finally(() => process.exit(130));
  });
}

const machine = {
  cpus: `${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown'}`,
  memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  node: process.version,
  date: new Date().toISOString(),
};
console.log(`machine: ${machine.cpus}, ${machine.memory}, node ${machine.node}`);

const rows: Row[] = [];
const details: Record<string, unknown> = {};
let failed = false;
for (const figure of figures) {
  const started = performance.now();
  console.log(`\n▶ ${figure}…`);
  try {
    const result = await runners[figure]();
    rows.push(...result.rows);
    details[figure] = result.detail;
    console.log(printTable(result.rows));
  } catch (error) {
    failed = true;
    console.error(`✘ ${figure} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    rows.push({ figure, metric: 'FAILED', value: error instanceof Error ? error.message : String(error) });
  } finally {
    await stopAllChildren();
  }
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

console.log(`\n${printTable(rows)}`);
writeFileSync(join(OUT, 'results.json'), JSON.stringify({ machine, rows, details }, null, 2));
console.log(`\nresults: ${join(OUT, 'results.json')}`);
process.exit(failed ? 1 : 0);
