/**
 * The shape of a benchmark results file (`bench/results/<date>-<short commit>.json`) and the statistics read from
 * it. A results file holds raw samples only; goals and the table are computed from it (bench/goals.ts,
 * bench/report.ts), so no figure is ever typed by hand and an old file can be re-reported.
 */

export type FigureId = 'deadline' | 'budget' | 'memory' | 'http' | 'coldstart' | 'mediacard' | 'compare' | 'background';
export const FIGURES: readonly FigureId[] = ['deadline', 'budget', 'memory', 'http', 'coldstart', 'mediacard', 'compare', 'background'];

/** One measured quantity: one sample per repetition, for the bot and (when it has one) its reference. */
export interface Measure {
  label: string;
  unit: string;
  /** Fraction digits to print. */
  digits: number;
  anilink: number[];
  reference?: number[];
  /** What the reference is, e.g. "bare Fastify" or "discord.js 14, Guilds intent, default caches". */
  referenceLabel?: string;
}

/** 1-minute load average of the machine, sampled through a figure's runs. */
export interface LoadSample {
  /** Seconds since the figure started. */
  atS: number;
  load1: number;
}

export interface FigureResult {
  figure: FigureId;
  /** Set when the figure could not be measured; its goals then read as missed. */
  error?: string;
  repetitions: number;
  /** Parameters of the run (sizes, durations, rates), printed with the method. */
  setup: Record<string, string | number | boolean>;
  load: LoadSample[];
  measures: Record<string, Measure>;
  /** Per-run extras for whoever digs into a result (outcome counts, per-operation requests, …). */
  detail?: unknown;
  durationS: number;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export interface BenchResults {
  schema: 1;
  /** Short commit of the measured code; `dirty` when the work tree had uncommitted changes. */
  commit: string;
  dirty: boolean;
  startedAt: string;
  quick: boolean;
  machine: Machine;
  figures: Partial<Record<FigureId, FigureResult>>;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median (for an even count, the mean of the middle two). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** anilink ÷ reference per repetition: the runs were interleaved, so each pair shared the machine's state. */
export function pairedRatios(measure: Measure): number[] {
  const reference = measure.reference ?? [];
  return measure.anilink.flatMap((value, i) => {
    const ref = reference[i];
    return ref === undefined || ref === 0 || !Number.isFinite(ref) || !Number.isFinite(value) ? [] : [value / ref];
  });
}

/**
 * A figure's measures read the same way from the bot's runs and its reference's (interleaved, one sample per
 * repetition): `label`, `unit` and `digits` as printed, `read` one quantity of a run.
 */
export function pairedMeasures<Run>(runs: { bot: Run[]; reference: Run[] }, referenceLabel: string) {
  return (label: string, unit: string, digits: number, read: (run: Run) => number): Measure => ({
    label,
    unit,
    digits,
    anilink: runs.bot.map(read),
    reference: runs.reference.map(read),
    referenceLabel,
  });
}
