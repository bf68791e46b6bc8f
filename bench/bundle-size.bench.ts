/**
 * Benchmark: the size of each handler's bundle against the floor bundle (a handler that only calls
 * PutJobSuccessResult with @aws-sdk/client-codepipeline), both bundled in this run with scripts/build.mjs's
 * `bundleHandler` (minified ESM, `--main-fields=module,main`). Target: http-check <= 1.2x the floor.
 *
 * Run: `npm run bench` (bench/run.mjs bundles this file with esbuild and runs it with node).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHandlerBundles } from './lib/build-handlers.js';
import { benchRow, reportRows, type BenchRow } from './lib/results.js';

const TARGETS: Record<string, number> = { 'http-check': 1.2 };

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cpkit-bench-bundles-'));
  try {
    const { floor, handlers } = await buildHandlerBundles(work);
    const rows: BenchRow[] = handlers.map((h) =>
      benchRow({
        bench: 'bundle-size',
        metric: `${h.name} bundle`,
        value: h.bytes / 1000,
        unit: 'kB',
        baseline: 'floor handler',
        baselineValue: floor.bytes / 1000,
        ...(TARGETS[h.name] ? { target: { on: 'ratio', op: '<=', limit: TARGETS[h.name] } } : {}),
      }),
    );
    reportRows('bundle-size', rows);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
