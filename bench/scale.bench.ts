/**
 * Benchmark: how read latency grows with the store. Two stores seeded directly (pipeline repo + SQL, not by
 * running executions): small = 10 pipelines, the queried one with 100 executions; large = 1,000 pipelines, the
 * queried one with 10,000 executions (every other pipeline has 10 in both). Each is served by `cpkit serve`;
 * GetPipelineState and ListPipelineExecutions (first page, 100 summaries) of the queried pipeline are called
 * one at a time over a keep-alive connection. Growth factor = large median / small median; target < 1.5x.
 *
 * Run: `npm run bench`.
 */
import { Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../local/store/database.js';
import { callCodePipeline } from './lib/json-client.js';
import { startServe, type ServerProcess } from './lib/processes.js';
import { benchRow, reportRows, type BenchRow } from './lib/results.js';
import { seedStore } from './lib/seed.js';
import { summarize } from './lib/stats.js';

const REQUESTS = Number(process.env.BENCH_SCALE_REQUESTS ?? '300');
const WARMUP = 30;
const TARGET = 'scale-0000';

const SIZES = {
  small: { pipelines: 10, targetExecutions: 100, otherExecutions: 10 },
  large: { pipelines: 1000, targetExecutions: 10_000, otherExecutions: 10 },
};

const OPERATIONS: Record<string, unknown> = {
  GetPipelineState: { name: TARGET },
  ListPipelineExecutions: { pipelineName: TARGET },
};

async function seedAndServe(size: keyof typeof SIZES, work: string): Promise<ServerProcess> {
  const dir = join(work, size);
  const seedStarted = performance.now();
  const db = openDatabase(dir);
  seedStore(db, SIZES[size]);
  db.close();
  console.log(`  seeded ${size} store in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  return startServe(dir);
}

/** Checks the replies are the real thing (a full page, every stage) before timing them. */
async function check(agent: Agent, endpoint: string, executions: number): Promise<void> {
  const list = await callCodePipeline(
    agent,
    endpoint,
    'ListPipelineExecutions',
    OPERATIONS.ListPipelineExecutions,
  );
  if (list.pipelineExecutionSummaries.length !== 100 || Boolean(list.nextToken) !== executions > 100)
    throw new Error(`ListPipelineExecutions gave ${list.pipelineExecutionSummaries.length} summaries`);
  const state = await callCodePipeline(agent, endpoint, 'GetPipelineState', OPERATIONS.GetPipelineState);
  if (state.stageStates.length !== 3 || !state.stageStates[2].latestExecution)
    throw new Error('GetPipelineState gave no stage states');
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cpkit-bench-scale-'));
  const servers: ServerProcess[] = [];
  const agents = {
    small: new Agent({ keepAlive: true, maxSockets: 1 }),
    large: new Agent({ keepAlive: true, maxSockets: 1 }),
  };
  try {
    const endpoints = {
      small: servers[servers.push(await seedAndServe('small', work)) - 1].endpoint,
      large: servers[servers.push(await seedAndServe('large', work)) - 1].endpoint,
    };
    const sizes = ['small', 'large'] as const;
    for (const size of sizes) await check(agents[size], endpoints[size], SIZES[size].targetExecutions);
    const samples: Record<string, Record<string, number[]>> = { small: {}, large: {} };
    for (const [operation, input] of Object.entries(OPERATIONS)) {
      for (const size of sizes) {
        samples[size][operation] = [];
        for (let i = 0; i < WARMUP; i++)
          await callCodePipeline(agents[size], endpoints[size], operation, input);
      }
      // Alternating between the two servers, so that the machine's drift hits both alike.
      for (let i = 0; i < REQUESTS; i++) {
        for (const size of i % 2 ? sizes : [...sizes].reverse()) {
          const started = performance.now();
          await callCodePipeline(agents[size], endpoints[size], operation, input);
          samples[size][operation].push(performance.now() - started);
        }
      }
    }
    const rows: BenchRow[] = Object.keys(OPERATIONS).map((operation) => {
      const large = summarize(samples.large[operation]);
      const small = summarize(samples.small[operation]);
      return benchRow({
        bench: 'scale',
        metric: `${operation} at 1,000 pipelines / 10,000 executions`,
        value: large.median,
        unit: 'ms',
        baseline: '10 pipelines / 100 executions',
        baselineValue: small.median,
        target: { on: 'ratio', op: '<', limit: 1.5 },
        detail: `median of ${REQUESTS} sequential calls, alternating; p99 ${large.p99.toFixed(2)} ms vs ${small.p99.toFixed(2)} ms`,
      });
    });
    reportRows('scale', rows);
  } finally {
    for (const a of Object.values(agents)) a.destroy();
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
