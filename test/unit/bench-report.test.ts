/** The benchmark report is generated from a results file: every goal row says ✔ or ✗ and every ✗ is a Shortfall. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOALS, evaluateGoals } from '../../bench/goals.js';
import type { BenchResults } from '../../bench/lib/results.js';
import { renderBenchmarksMd, renderReport } from '../../bench/report.js';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'bench-results.json'), 'utf8')) as BenchResults;

const rowOf = (table: string, label: string) => table.split('\n').find((line) => line.includes(label));
const shortfallsOf = (report: string) => report.slice(report.indexOf('### Shortfalls'), report.indexOf('## Every measurement'));

describe('benchmark report', () => {
  it('marks a met goal ✔ and a missed one ✗, and lists only the missed ones under Shortfalls', () => {
    const report = renderReport(fixture, 'bench/results/fixture.json');
    expect(rowOf(report, '| initial responses later than 3 s')).toMatch(/\| 0 \| ✔ \|/);
    expect(rowOf(report, '| initial response p99')).toMatch(/\| 120 ms \(80–140\) \| 5 ms \(4–6\) \|.*\| ≤ 50 ms \| ✗ \|/);
    const shortfalls = shortfallsOf(report);
    expect(shortfalls).toContain('initial response p99 (same burst)**: 120 ms (80–140), goal ≤ 50 ms.');
    // The numbers measured with the missed goal come along, from the same file.
    expect(shortfalls).toContain('process CPU per interaction: 3.00 ms (2.50–3.50) (reference 1.50 ms (1.50–1.50), 2.00× (1.67–2.33))');
    expect(shortfalls).not.toContain('initial responses later than 3 s or missing');
  });

  it('judges counts that must stay zero by the worst run, and prints the served fraction beside requests per served command', () => {
    const report = renderReport(fixture, 'bench/results/fixture.json');
    expect(rowOf(report, "| 429s from AniList")).toMatch(/\| 0 \(0–1\) \|.*\| 0 \| ✗ \|/);
    expect(rowOf(report, '| AniList requests per served command')).toContain('0.30 (0.28–0.32); served 72 % |');
    expect(rowOf(report, '| AniList requests per served command')).toContain('| ✔ |');
    expect(shortfallsOf(report)).toContain("429s from AniList (30/min and its burst limiter), worst run**: 0 (0–1), goal 0.");
  });

  it('does not let a repetition that measured nothing pass, and reads figures that failed or did not run as missed', () => {
    const results = evaluateGoals(fixture);
    const callback = results.find((g) => g.spec.id === 'http-callback')!;
    // 0.9× and 0.85× would pass; the third repetition has no number.
    expect(callback.ratio).toBe('0.88× (0.85–0.90)');
    expect(callback.ok).toBe(false);
    const coldstart = results.filter((g) => g.spec.figure === 'coldstart');
    expect(coldstart.length).toBeGreaterThan(0);
    expect(coldstart.every((g) => !g.ok && g.missing === 'the figure failed: the bot exited with 1')).toBe(true);
    expect(results.filter((g) => g.spec.figure === 'memory').map((g) => g.missing)).toEqual(['not run', 'not run']);
    const shortfalls = shortfallsOf(renderReport(fixture, 'x'));
    for (const goal of results.filter((g) => !g.ok)) expect(shortfalls).toContain(`**${goal.figureTitle} — ${goal.spec.label}**`);
  });

  it('every goal of the issue has a row', () => {
    const report = renderReport(fixture, 'x');
    const table = report.slice(report.indexOf('## Goals'), report.indexOf('### Shortfalls'));
    for (const goal of GOALS) expect(rowOf(table, `| ${goal.label} |`), goal.id).toBeDefined();
    expect(table.split('\n').filter((line) => /\| [✔✗] \|/.test(line))).toHaveLength(GOALS.length);
  });

  it('BENCHMARKS.md is the generated report followed by the method, naming its source', () => {
    const md = renderBenchmarksMd(fixture, 'bench/results/fixture.json', '## Method\n\nHow it is measured.\n');
    expect(md.startsWith('# Benchmarks\n')).toBe(true);
    expect(md).toContain('from bench/results/fixture.json');
    expect(md).toContain('commit `abc1234`');
    expect(md).toContain('Machine: 2 × Test CPU');
    expect(md.indexOf('## Goals')).toBeLessThan(md.indexOf('## Method'));
    expect(md.trimEnd().endsWith('How it is measured.')).toBe(true);
  });
});
