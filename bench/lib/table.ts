import type { BenchRow } from './results.js';
import { describeTarget } from './results.js';

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** Include the benchmark name column. @default true */
  readonly withBench?: boolean;
  /** Markdown table (for bench/RESULTS.md) instead of aligned text. @default false */
  readonly markdown?: boolean;
}

/** A number with about 3 significant digits (integers stay whole). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100 || Number.isInteger(x)) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** A ratio with 3 decimals below 10 (so 1.213 does not read as 1.21 against a 1.2 target). */
export function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3);
}

function cells(row: BenchRow, withBench: boolean): string[] {
  const out = [
    row.metric,
    `${formatNumber(row.value)} ${row.unit}`,
    `${row.baseline}: ${formatNumber(row.baselineValue)} ${row.unit}`,
    `${formatRatio(row.ratio)}x${row.ratioNote ? ` (${row.ratioNote})` : ''}`,
    row.target ? describeTarget(row.target, row.unit) : '',
    row.pass === undefined ? 'reported' : row.pass ? 'PASS' : 'MISS',
    row.detail ?? '',
  ];
  return withBench ? [row.bench, ...out] : out;
}

/**
 * Formats rows as an aligned text table or a Markdown table.
 *
 * @example
 * console.log(formatTable(rows, { markdown: true }));
 */
export function formatTable(rows: readonly BenchRow[], options: TableOptions = {}): string {
  const withBench = options.withBench ?? true;
  const header = [
    ...(withBench ? ['bench'] : []),
    'metric',
    'value',
    'baseline (same run)',
    'ratio',
    'target',
    'result',
    'detail',
  ];
  const body = rows.map((r) => cells(r, withBench));
  if (options.markdown) {
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    return [
      `| ${header.join(' | ')} |`,
      `| ${header.map(() => '---').join(' | ')} |`,
      ...body.map((c) => `| ${c.map(esc).join(' | ')} |`),
    ].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
