/** Summary statistics of a sample of measurements (same unit as the samples). */
export interface SampleSummary {
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly median: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * The `q`-quantile (0..1) of `samples` by linear interpolation between closest ranks.
 *
 * @example
 * percentile([1, 2, 3, 4], 0.5); // 2.5
 */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('percentile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile must be within 0..1, got ${q}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The median of `samples`.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

/**
 * Count, min, max, mean, median (= p50) and p99 of `samples`.
 *
 * @example
 * const s = summarize([12.1, 11.8, 13.0]);
 * console.log(s.median, s.p99);
 */
export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) throw new Error('summary of an empty sample');
  const mid = median(samples);
  return {
    n: samples.length,
    min: Math.min(...samples),
    max: Math.max(...samples),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    median: mid,
    p50: mid,
    p99: percentile(samples, 0.99),
  };
}

/**
 * Milliseconds elapsed since `start` (a `performance.now()` reading).
 *
 * @example
 * const t = performance.now(); await work(); const ms = elapsedMs(t);
 */
export function elapsedMs(start: number): number {
  return performance.now() - start;
}
