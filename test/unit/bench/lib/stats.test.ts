import { describe, expect, it } from 'vitest';
import { median, percentile, summarize } from '../../../../bench/lib/stats.js';

describe('Function: percentile', () => {
  it('interpolates between the closest ranks of the sorted sample', () => {
    // Prepare
    const samples = [40, 10, 30, 20];

    // Act
    const q = [0, 0.5, 1, 0.99].map((x) => percentile(samples, x));

    // Assess
    expect(q[0]).toBe(10);
    expect(q[1]).toBe(25);
    expect(q[2]).toBe(40);
    expect(q[3]).toBeCloseTo(39.7, 10);
  });

  it('refuses an empty sample and a quantile outside 0..1', () => {
    expect(() => percentile([], 0.5)).toThrow(/empty/);
    expect(() => percentile([1], 1.5)).toThrow(/0\.\.1/);
  });
});

describe('Function: summarize', () => {
  it('gives the median as p50 and leaves the input unsorted', () => {
    // Prepare
    const samples = [3, 1, 2, 100];

    // Act
    const s = summarize(samples);

    // Assess
    expect(samples).toEqual([3, 1, 2, 100]);
    expect(s).toMatchObject({ n: 4, min: 1, max: 100, median: 2.5, p50: 2.5, mean: 26.5 });
    expect(median([5])).toBe(5);
  });
});
