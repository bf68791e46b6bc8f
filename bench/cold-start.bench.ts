/**
 * Benchmark: handler cold start. Each sample is a new Node process that imports the handler bundle and runs
 * its first invocation against the local engine: the job is a real one (an execution of a pipeline whose
 * Invoke action hands the event over, see below), and the handler's PutJobSuccessResult goes to the engine,
 * which must accept it (the execution has to end Succeeded, else the bench fails). Median of 20 samples of
 * http-check against 20 of the floor handler (PutJobSuccessResult only), interleaved, both bundled in this run
 * with scripts/build.mjs's `bundleHandler`. Target: http-check <= 1.3x the floor.
 *
 * How the job is made: the pipeline's Invoke action calls a "park" function in the engine's Lambda runtime
 * that writes the job event to a file and returns without reporting; the engine then waits for the job's
 * result, and the handler under test, started cold in its own process with that event and the engine as its
 * AWS endpoint, reports it. http-check checks a loopback URL that answers 200 at once.
 *
 * Run: `npm run bench`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHandlerBundles } from './lib/build-handlers.js';
import { coldInvoke, writeColdRunner, type ColdSample } from './lib/cold-process.js';
import {
  createPipeline,
  invokePipeline,
  localFunction,
  startBenchEngine,
  startExecution,
  waitForExecution,
  type BenchEngine,
} from './lib/engine.js';
import { benchRow, reportRows } from './lib/results.js';
import { median, summarize } from './lib/stats.js';

const SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? '20');
const WARMUP = 1;

const PARK_HANDLER = `import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
export const handler = async (event) => {
  const file = join(process.env.PARK_DIR, event['CodePipeline.job'].id + '.json');
  writeFileSync(file + '.tmp', JSON.stringify(event));
  renameSync(file + '.tmp', file);
  return 'parked';
};
`;

async function waitForParkedJob(dir: string, seen: Set<string>, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = readdirSync(dir).find((f) => f.endsWith('.json') && !seen.has(f));
    if (fresh) {
      seen.add(fresh);
      return join(dir, fresh);
    }
    if (Date.now() > deadline) throw new Error('no job was handed to the park function');
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cpkit-bench-cold-'));
  const parkDir = join(work, 'parked');
  mkdirSync(parkDir);
  const parkBundle = join(work, 'park.mjs');
  writeFileSync(parkBundle, PARK_HANDLER);
  const runner = writeColdRunner(work);
  const target = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
  let engine: BenchEngine | undefined;
  try {
    const { floor, handlers } = await buildHandlerBundles(join(work, 'dist'), ['http-check']);
    const httpCheck = handlers[0];
    engine = await startBenchEngine([localFunction('park', parkBundle, { PARK_DIR: parkDir })]);
    const subjects = [
      { name: 'floor', bundle: floor.file, params: undefined },
      { name: 'http-check', bundle: httpCheck.file, params: JSON.stringify({ url: targetUrl }) },
    ];
    for (const s of subjects) {
      await createPipeline(
        engine,
        invokePipeline(`cold-${s.name}`, [
          { stage: 'Handler', functionName: 'park', userParameters: s.params },
        ]),
      );
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TZ: ':UTC',
      AWS_ENDPOINT_URL: engine.local.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIALOCALLAMBDA00000',
      AWS_SECRET_ACCESS_KEY: 'local-lambda-secret',
      AWS_SESSION_TOKEN: 'local-lambda-session',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const seen = new Set<string>();
    const samples: Record<string, ColdSample[]> = { floor: [], 'http-check': [] };
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      // Interleaved, and the order flips each round, so that drift of the machine hits both alike.
      const order = i % 2 === 0 ? subjects : [...subjects].reverse();
      for (const s of order) {
        const pipeline = `cold-${s.name}`;
        const id = await startExecution(engine, pipeline);
        const eventFile = await waitForParkedJob(parkDir, seen);
        const sample = await coldInvoke(runner, s.bundle, eventFile, s.name, {
          ...env,
          AWS_LAMBDA_FUNCTION_NAME: s.name,
        });
        const status = await waitForExecution(engine, pipeline, id);
        if (status !== 'Succeeded')
          throw new Error(`${s.name}: the execution ended ${status}, not Succeeded`);
        if (i >= WARMUP) samples[s.name].push(sample);
      }
    }
    const floorStats = summarize(samples.floor.map((s) => s.totalMs));
    const part = (name: string) => {
      const list = samples[name];
      return `boot ${median(list.map((s) => s.bootMs)).toFixed(0)} + import ${median(list.map((s) => s.importMs)).toFixed(0)} + invoke ${median(list.map((s) => s.invokeMs)).toFixed(0)} ms (medians)`;
    };
    const rows = [
      benchRow({
        bench: 'cold-start',
        metric: 'http-check cold start',
        value: median(samples['http-check'].map((s) => s.totalMs)),
        unit: 'ms',
        baseline: 'floor handler',
        baselineValue: floorStats.median,
        target: { on: 'ratio', op: '<=', limit: 1.3 },
        detail: `median of ${SAMPLES}; p99 ${summarize(samples['http-check'].map((s) => s.totalMs)).p99.toFixed(0)} ms vs ${floorStats.p99.toFixed(0)} ms; ${part('http-check')}; floor: ${part('floor')}`,
      }),
    ];
    reportRows('cold-start', rows);
  } finally {
    await engine?.stop();
    target.closeAllConnections();
    await new Promise<void>((r) => target.close(() => r()));
    if (existsSync(work)) rmSync(work, { recursive: true, force: true });
  }
}

await main();
