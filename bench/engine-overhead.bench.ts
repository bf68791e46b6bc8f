/**
 * Benchmark: the engine's overhead per action. A pipeline of 10 stages (an S3 source, then 9 stages of one
 * Lambda Invoke action each) whose function reports success at once (the floor handler), warm: one execution
 * to warm up, then N measured executions from StartPipelineExecution until the engine's execution state change event says SUCCEEDED.
 * Overhead per action = (execution time - handler time) / 10 actions, where handler time is what the handler
 * (bench/fixtures/timed-handler.ts) measured of its own code and logged (the engine's Lambda runtime writes it to
 * the function's log). Waiting for the PutJobSuccessResult reply counts as engine time: the engine completes
 * the action and starts the next stage while the handler waits (the REPORT `Duration` lines overlap the next
 * invocation for that reason, so their sum is no handler time). Target: < 50 ms per action.
 * The ratio is against the floor of handing work to a warm process: one IPC round trip, measured in this run.
 *
 * Run: `npm run bench`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleOne } from './lib/build-handlers.js';
import { packageRoot } from '../local/package-root.js';
import {
  createPipeline,
  invokePipeline,
  localFunction,
  startBenchEngine,
  startExecution,
  watchExecutionEnds,
  type BenchEngine,
} from './lib/engine.js';
import { ipcRoundTrips } from './lib/ipc-floor.js';
import { benchRow, reportRows } from './lib/results.js';
import { median, summarize } from './lib/stats.js';

const RUNS = Number(process.env.BENCH_OVERHEAD_RUNS ?? '10');
const INVOKE_STAGES = 9;
const ACTIONS = INVOKE_STAGES + 1;
const PIPELINE = 'overhead';

function reportDurations(log: string): number[] {
  return [...log.matchAll(/BENCH_HANDLER_MS ([\d.]+)/g)].map((m) => Number(m[1]));
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cpkit-bench-overhead-'));
  let engine: BenchEngine | undefined;
  try {
    const timed = join(work, 'dist', 'timed', 'index.mjs');
    await bundleOne(join(packageRoot(), 'bench', 'fixtures', 'timed-handler.ts'), timed);
    engine = await startBenchEngine([localFunction('succeed', timed)]);
    const stages = Array.from({ length: INVOKE_STAGES }, (_, i) => ({
      stage: `Invoke${i + 1}`,
      functionName: 'succeed',
    }));
    await createPipeline(engine, invokePipeline(PIPELINE, stages));
    const logFile = join(engine.local.dataDir, 'logs', 'succeed.log');
    const ends = watchExecutionEnds(engine);

    const run = async () => {
      const offset = existsSync(logFile) ? statSync(logFile).size : 0;
      const started = performance.now();
      const id = await startExecution(engine!, PIPELINE);
      const status = await ends.wait(id);
      const totalMs = performance.now() - started;
      if (status !== 'SUCCEEDED') throw new Error(`execution ended ${status}`);
      // The last handler's log line may land just after the execution ended (the handler returns after its report).
      let durations: number[] = [];
      for (let i = 0; i < 1000 && durations.length < INVOKE_STAGES; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 1));
        durations = reportDurations(readFileSync(logFile).subarray(offset).toString());
      }
      if (durations.length !== INVOKE_STAGES)
        throw new Error(`expected ${INVOKE_STAGES} REPORT lines, found ${durations.length}`);
      const handlerMs = durations.reduce((a, b) => a + b, 0);
      return { totalMs, handlerMs, overheadPerAction: (totalMs - handlerMs) / ACTIONS };
    };
    await run(); // warm: the function's worker process starts here
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await run());
    const ipc = await ipcRoundTrips(2000);

    const overhead = summarize(runs.map((r) => r.overheadPerAction));
    const rows = [
      benchRow({
        bench: 'engine-overhead',
        metric: 'engine overhead per action',
        value: overhead.median,
        unit: 'ms',
        baseline: 'IPC round trip to a warm process',
        baselineValue: ipc.median,
        target: { on: 'value', op: '<', limit: 50 },
        detail:
          `median of ${RUNS} warm runs of ${ACTIONS} actions (p99 ${overhead.p99.toFixed(1)} ms); execution ` +
          `${median(runs.map((r) => r.totalMs)).toFixed(0)} ms, handlers ${median(runs.map((r) => r.handlerMs)).toFixed(0)} ms; ` +
          `IPC p99 ${ipc.p99.toFixed(3)} ms`,
      }),
    ];
    reportRows('engine-overhead', rows);
  } finally {
    await engine?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
