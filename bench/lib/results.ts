import { writeFileSync } from 'node:fs';
import { formatTable } from './table.js';

/** A target a figure must meet: on the ratio or on the absolute value. */
export interface BenchTarget {
  readonly on: 'ratio' | 'value';
  readonly op: '<=' | '<' | '>=' | '>';
  readonly limit: number;
}

/** One figure of a benchmark: a measured value, the baseline measured in the same run, and their ratio. */
export interface BenchRow {
  /** Benchmark (file) name, e.g. `bundle-size`. */
  readonly bench: string;
  /** What was measured, e.g. `http-check bundle`. */
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** What the value is compared to, e.g. `floor handler bundle`. */
  readonly baseline: string;
  readonly baselineValue: number;
  /** `value / baselineValue` unless the row says otherwise in `ratioNote`. */
  readonly ratio: number;
  /** How to read the ratio when it is not `value / baseline`, e.g. `req/s engine / moto`. */
  readonly ratioNote?: string;
  readonly target?: BenchTarget;
  /** Whether the target is met (absent without a target). */
  readonly pass?: boolean;
  /** Extra figures (p50/p99, sample count). */
  readonly detail?: string;
}

/** Input of {@link benchRow}: a row without the computed ratio and pass. */
export type BenchRowInput = Omit<BenchRow, 'ratio' | 'pass'> & { readonly ratio?: number };

function meets(x: number, t: BenchTarget): boolean {
  if (!Number.isFinite(x)) return false;
  switch (t.op) {
    case '<=':
      return x <= t.limit;
    case '<':
      return x < t.limit;
    case '>=':
      return x >= t.limit;
    case '>':
      return x > t.limit;
  }
}

/**
 * Builds a row: the ratio is `value / baselineValue` unless given; `pass` is computed from the target.
 *
 * @example
 * benchRow({ bench: 'bundle-size', metric: 'http-check', value: 320, unit: 'kB', baseline: 'floor',
 *   baselineValue: 311, target: { on: 'ratio', op: '<=', limit: 1.2 } });
 */
export function benchRow(input: BenchRowInput): BenchRow {
  const ratio = input.ratio ?? input.value / input.baselineValue;
  const row: BenchRow = { ...input, ratio };
  if (!input.target) return row;
  const x = input.target.on === 'ratio' ? ratio : input.value;
  return { ...row, pass: meets(x, input.target) };
}

/** How a target reads in a table, e.g. `ratio <= 1.2` or `value < 50 ms`. */
export function describeTarget(t: BenchTarget, unit: string): string {
  return t.on === 'ratio' ? `ratio ${t.op} ${t.limit}` : `${t.op} ${t.limit} ${unit}`;
}

/**
 * Prints a benchmark's rows as a table and, under `npm run bench`, hands them to the runner
 * (`BENCH_RESULT_FILE`, written by bench/run.mjs into bench/results.json).
 *
 * @example
 * reportRows('bundle-size', rows);
 */
export function reportRows(bench: string, rows: readonly BenchRow[]): void {
  console.log(`\n${bench}`);
  console.log(formatTable(rows, { withBench: false }));
  const file = process.env.BENCH_RESULT_FILE;
  if (file) writeFileSync(file, JSON.stringify({ bench, rows }, null, 2));
}
