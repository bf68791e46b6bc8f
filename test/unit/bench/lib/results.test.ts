import { describe, expect, it } from 'vitest';
import { benchRow } from '../../../../bench/lib/results.js';
import { formatRatio, formatTable } from '../../../../bench/lib/table.js';

const base = { bench: 'b', metric: 'm', unit: 'ms', baseline: 'floor' } as const;

describe('Function: benchRow', () => {
  it('computes the ratio to the baseline and judges a ratio target', () => {
    // Act
    const over = benchRow({
      ...base,
      value: 121.4,
      baselineValue: 100,
      target: { on: 'ratio', op: '<=', limit: 1.2 },
    });
    const at = benchRow({
      ...base,
      value: 120,
      baselineValue: 100,
      target: { on: 'ratio', op: '<=', limit: 1.2 },
    });

    // Assess
    expect(over.ratio).toBeCloseTo(1.214, 10);
    expect(over.pass).toBe(false);
    expect(at.pass).toBe(true);
  });

  it('judges a value target on the value, keeps a given ratio, and has no verdict without a target', () => {
    // Act
    const fast = benchRow({
      ...base,
      value: 42,
      baselineValue: 0.04,
      target: { on: 'value', op: '<', limit: 50 },
    });
    const slow = benchRow({
      ...base,
      value: 50,
      baselineValue: 0.04,
      target: { on: 'value', op: '<', limit: 50 },
    });
    const given = benchRow({ ...base, value: 1, baselineValue: 2, ratio: 7 });

    // Assess
    expect(fast.pass).toBe(true);
    expect(slow.pass).toBe(false);
    expect(given.ratio).toBe(7);
    expect(given.pass).toBeUndefined();
  });

  it('never passes a target on a ratio that is not a number', () => {
    const row = benchRow({
      ...base,
      value: 1,
      baselineValue: 0,
      target: { on: 'ratio', op: '>=', limit: 0.5 },
    });
    expect(row.ratio).toBe(Infinity);
    expect(row.pass).toBe(false);
  });
});

describe('Function: formatTable', () => {
  it('shows ratios with 3 decimals so 1.214 does not read as meeting 1.2, and MISS / PASS / reported', () => {
    // Prepare
    const rows = [
      benchRow({
        ...base,
        metric: 'a',
        value: 121.4,
        baselineValue: 100,
        target: { on: 'ratio', op: '<=', limit: 1.2 },
      }),
      benchRow({ ...base, metric: 'b', value: 1, baselineValue: 1 }),
    ];

    // Act
    const text = formatTable(rows);
    const md = formatTable(rows, { markdown: true });

    // Assess
    expect(formatRatio(1.2139)).toBe('1.214');
    expect(text).toMatch(/a\s.*1\.214x.*MISS/);
    expect(text).toMatch(/b\s.*1\.000x.*reported/);
    expect(md.split('\n')[1]).toMatch(/^\| --- \|/);
    expect(md.split('\n')).toHaveLength(4);
  });
});
