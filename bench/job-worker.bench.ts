/**
 * Benchmark: the job worker against the hand-written loop most custom-action workers use (AWS's sample:
 * poll one job, acknowledge, work, report, sleep on a fixed timer when idle), both against the same honest
 * JSON 1.1 job service on loopback (test/helpers/fake-job-server.ts).
 * - throughput: 100 jobs of 50 ms of I/O each; JobWorker with concurrency 8 vs the serial loop.
 * - pickup latency: a job queued at a random moment; event-driven (the Lambda handler invoked on the
 *   action's STARTED event) vs a fixed 500 ms polling timer. Median over 8 jobs each.
 *
 * Run: `npm run bench` (or `node bench/run.mjs job-worker`).
 */
import {
  AcknowledgeJobCommand,
  CodePipelineClient,
  PollForJobsCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import { createJobWorkerHandler } from '../lambdas/toolkit/job-worker-handler.js';
import { JobWorker } from '../lambdas/toolkit/job-worker.js';
import { FakeJobServer } from '../test/helpers/fake-job-server.js';
import { benchRow, reportRows } from './lib/results.js';
import { median } from './lib/stats.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const TYPE = { category: 'Test', owner: 'Custom', provider: 'Bench', version: '1' };
const JOBS = 100;
const WORK_MS = 50;
const LATENCY_JOBS = 8;
const TIMER_MS = 500;
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function client(endpoint: string): CodePipelineClient {
  return new CodePipelineClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
}

/** The usual hand-written worker: one job at a time, fixed sleep when idle. */
async function handWrittenLoop(
  cp: CodePipelineClient,
  shouldStop: () => boolean,
  onJob: (id: string) => Promise<void>,
): Promise<void> {
  while (!shouldStop()) {
    const { jobs } = await cp.send(new PollForJobsCommand({ actionTypeId: TYPE as never, maxBatchSize: 1 }));
    const job = jobs?.[0];
    if (!job) {
      await sleep(TIMER_MS);
      continue;
    }
    await cp.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce }));
    await onJob(job.id!);
    await cp.send(new PutJobSuccessResultCommand({ jobId: job.id }));
  }
}

async function throughput(): Promise<{ worker: number; loop: number }> {
  const server = new FakeJobServer();
  const cp = client(await server.start());
  try {
    const work = async (): Promise<void> => sleep(WORK_MS);
    for (let i = 0; i < JOBS; i++) server.addJob({ actionTypeId: TYPE });
    let started = performance.now();
    const worker = new JobWorker({ actionType: TYPE, client: cp, logger: quiet, concurrency: 8, run: work });
    void worker.start();
    while (worker.stats.succeeded < JOBS) await sleep(2);
    const workerS = (performance.now() - started) / 1000;
    await worker.stop(0);

    for (let i = 0; i < JOBS; i++) server.addJob({ actionTypeId: TYPE });
    let done = 0;
    started = performance.now();
    await handWrittenLoop(
      cp,
      () => done >= JOBS,
      async () => {
        await work();
        done++;
      },
    );
    const loopS = (performance.now() - started) / 1000;
    if (server.doubleReported().length) throw new Error('a job was reported twice');
    return { worker: JOBS / workerS, loop: JOBS / loopS };
  } finally {
    cp.destroy();
    await server.stop();
  }
}

async function pickupLatency(): Promise<{ event: number; timer: number }> {
  const server = new FakeJobServer();
  const cp = client(await server.start());
  const queuedAt = new Map<string, number>();
  const event: number[] = [];
  const timer: number[] = [];
  try {
    const handler = createJobWorkerHandler({
      actionType: TYPE,
      client: cp,
      logger: quiet,
      emptyPollRetries: 0,
      run: (job) => void event.push(performance.now() - queuedAt.get(job.id)!),
    });
    const started = { detail: { state: 'STARTED', type: TYPE } };
    const envelope = {
      version: '0',
      id: 'e',
      'detail-type': 'CodePipeline Action Execution State Change',
      source: 'aws.codepipeline',
      account: '123456789012',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
    };
    for (let i = 0; i < LATENCY_JOBS; i++) {
      await sleep(Math.random() * TIMER_MS);
      queuedAt.set(server.addJob({ actionTypeId: TYPE }), performance.now());
      await handler({
        ...envelope,
        detail: { pipeline: 'p', 'execution-id': 'x', stage: 's', action: 'a', ...started.detail },
      });
    }

    let stop = false;
    const loop = handWrittenLoop(
      cp,
      () => stop,
      async (id) => void timer.push(performance.now() - queuedAt.get(id)!),
    );
    for (let i = 0; i < LATENCY_JOBS; i++) {
      await sleep(Math.random() * TIMER_MS);
      queuedAt.set(server.addJob({ actionTypeId: TYPE }), performance.now());
      while (timer.length <= i) await sleep(2);
    }
    stop = true;
    await loop;
    return { event: median(event), timer: median(timer) };
  } finally {
    cp.destroy();
    await server.stop();
  }
}

const t = await throughput();
const l = await pickupLatency();
reportRows('job-worker', [
  benchRow({
    bench: 'job-worker',
    metric: `throughput, ${JOBS} jobs of ${WORK_MS} ms (JobWorker, concurrency 8)`,
    value: Number(t.worker.toFixed(1)),
    unit: 'jobs/s',
    baseline: 'hand-written serial loop',
    baselineValue: Number(t.loop.toFixed(1)),
    target: { on: 'ratio', op: '>=', limit: 3 },
  }),
  benchRow({
    bench: 'job-worker',
    metric: 'pickup latency, median (event-driven handler)',
    value: Number(l.event.toFixed(1)),
    unit: 'ms',
    baseline: `fixed ${TIMER_MS} ms polling timer`,
    baselineValue: Number(l.timer.toFixed(1)),
    target: { on: 'ratio', op: '<=', limit: 0.25 },
    detail: `${LATENCY_JOBS} jobs each`,
  }),
]);
