/**
 * `npm run bench [-- deadline budget memory http coldstart mediacard compare background] [--quick]`: runs the selected figures (all by default),
 * writes bench/results/<date>-<short commit>.json (`-quick` for quick runs) and ends with the generated tables, the
 * same that `npm run bench:report` writes into BENCHMARKS.md. Every figure starts and stops its own children.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runBudget } from './budget.js';
import { runCompare } from './compare.js';
import { runColdStart } from './coldstart.js';
import { runDeadline } from './deadline.js';
import { runBackground } from './background.js';
import { runHttp } from './http.js';
import { ROOT, machine, measuredCommit, sampleLoad, stopAllChildren } from './lib/common.js';
import { FIGURES, type BenchResults, type FigureId, type FigureResult } from './lib/results.js';
import { runMediaCard } from './media-card.js';
import { runMemory } from './memory.js';
import { renderReport } from './report.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const selected = args.filter((a) => !a.startsWith('--')) as FigureId[];
for (const name of selected) if (!FIGURES.includes(name)) throw new Error(`unknown figure "${name}"; choose from ${FIGURES.join(', ')}`);
const figures = selected.length > 0 ? selected : FIGURES;

/** Repetitions of each bot/reference pair (quick: one, to see that everything runs). */
const repetitions = quick ? 1 : 3;
const runners: Record<FigureId, () => Promise<Omit<FigureResult, 'figure' | 'load' | 'durationS'>>> = {
  deadline: () => runDeadline({ repetitions }),
  budget: () => runBudget({ quick, repetitions }),
  memory: () => runMemory({ quick, repetitions }),
  http: () => runHttp({ quick, repetitions }),
  coldstart: () => runColdStart({ repetitions: quick ? 1 : 5 }),
  mediacard: () => runMediaCard(),
  compare: () => runCompare(),
  background: () => runBackground({ quick }),
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

const { commit, dirty } = measuredCommit();
const startedAt = new Date();
const results: BenchResults = { schema: 1, commit, dirty, startedAt: startedAt.toISOString(), quick, machine: machine(), figures: {} };
const name = `${startedAt.toISOString().slice(0, 10)}-${commit}${quick ? '-quick' : ''}.json`;
const resultsDir = join(ROOT, 'bench', 'results');
const path = join(resultsDir, name);
mkdirSync(resultsDir, { recursive: true });
const save = () => writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);

const m = results.machine;
console.log(`machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}; commit ${commit}${dirty ? ' (uncommitted changes)' : ''}`);
let failed = false;
for (const figure of figures) {
  const started = performance.now();
  const load = sampleLoad();
  console.log(`\n▶ ${figure}…`);
  let result: FigureResult;
  try {
    result = { figure, ...(await runners[figure]()), load: [], durationS: 0 };
  } catch (error) {
    failed = true;
    console.error(`✘ ${figure} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    result = { figure, error: error instanceof Error ? error.message : String(error), repetitions, setup: {}, measures: {}, load: [], durationS: 0 };
  } finally {
    await stopAllChildren();
  }
  result.load = load.stop();
  result.durationS = (performance.now() - started) / 1000;
  results.figures[figure] = result;
  // Saved after every figure, so an interrupted run keeps what it measured.
  save();
  console.log(`  (${result.durationS.toFixed(1)} s)`);
}

console.log(`\n${renderReport(results, relative(ROOT, path))}`);
console.log(`\nresults: ${relative(ROOT, path)} (npm run bench:report regenerates BENCHMARKS.md from it)`);
process.exit(failed ? 1 : 0);
