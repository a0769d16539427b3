/**
 * `npm run bench:report [-- bench/results/<file>.json]`: regenerates BENCHMARKS.md from a results file (by default
 * the newest full run in bench/results/) and prints its tables.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './lib/common.js';
import type { BenchResults } from './lib/results.js';
import { renderBenchmarksMd, renderReport } from './report.js';

export const RESULTS_DIR = join(ROOT, 'bench', 'results');

function newestResults(): string {
  const files = readdirSync(RESULTS_DIR).filter((name) => name.endsWith('.json'));
  const read = files.map((name) => ({ path: join(RESULTS_DIR, name), results: JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8')) as BenchResults }));
  const full = read.filter((r) => !r.results.quick);
  const candidates = full.length > 0 ? full : read;
  candidates.sort((a, b) => a.results.startedAt.localeCompare(b.results.startedAt));
  const newest = candidates.at(-1);
  if (!newest) throw new Error(`no results file in ${RESULTS_DIR}: run npm run bench first`);
  return newest.path;
}

const path = process.argv[2] ?? newestResults();
const results = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
const source = relative(ROOT, path);
const method = readFileSync(join(ROOT, 'bench', 'method.md'), 'utf8');
writeFileSync(join(ROOT, 'BENCHMARKS.md'), renderBenchmarksMd(results, source, method));
console.log(renderReport(results, source));
console.log(`\nBENCHMARKS.md regenerated from ${source}`);
