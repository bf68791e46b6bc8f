/**
 * Benchmark: API throughput and latency of `cpkit serve` with 100 pipelines stored, against moto server (the
 * other local CodePipeline) and against the floor (a bare node:http server in its own process answering with
 * the engine's own reply bytes, captured once, without doing any work). autocannon 9 with the same client
 * settings for every server (bench/lib/load.ts: 10 connections, 5 s, no pipelining). The `Connection: close`
 * runs use a minimal closed-loop node:http client with the same settings instead (autocannon 9 miscounts when
 * the server closes the connection; see `runCloseLoad`).
 *
 * moto closes the connection after every response, so the engine is also measured with `Connection: close`
 * and the moto ratio is that like-for-like figure; the floor ratio is keep-alive against keep-alive.
 * Reads (GetPipeline, GetPipelineState, ListPipelines): targets >= 10x moto and >= 0.5x the floor.
 * Writes are reported: CreatePipeline with a unique name per request paired with its DeletePipeline (the
 * stored count stays flat), and StartPipelineExecution. moto implements neither GetPipelineState nor
 * StartPipelineExecution, so those are compared with the floor only.
 *
 * Run: `npm run bench`.
 */
import { Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callCodePipeline, post } from './lib/json-client.js';
import { startFloorServer } from './lib/floor-server.js';
import { LOAD_SETTINGS, runCloseLoad, runLoad, type LoadRequest, type LoadResult } from './lib/load.js';
import { freePort, startProcess, startServe, type ServerProcess } from './lib/processes.js';
import { benchRow, reportRows, type BenchRow } from './lib/results.js';
import { seededPipeline } from './lib/seed.js';

const PIPELINES = 100;
const MOTO_ACCOUNT = '123456789012';
const READS: Record<string, string> = {
  GetPipeline: JSON.stringify({ name: 'scale-0042' }),
  GetPipelineState: JSON.stringify({ name: 'scale-0042' }),
  ListPipelines: '{}',
};
const MOTO_READS = new Set(['GetPipeline', 'ListPipelines']);

function pipeline(name: string, account: string) {
  return { ...seededPipeline(name), roleArn: `arn:aws:iam::${account}:role/bench-pipeline-role` };
}

async function startMoto(): Promise<ServerProcess> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const moto = await startProcess(
    'python3',
    ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)],
    endpoint,
    () => post(false, endpoint, {}, ''),
  );
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const role = await post(
    false,
    endpoint,
    {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=bench/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    new URLSearchParams({
      Action: 'CreateRole',
      Version: '2010-05-08',
      RoleName: 'bench-pipeline-role',
      AssumeRolePolicyDocument: trust,
    }).toString(),
  );
  if (role.status !== 200) throw new Error(`moto CreateRole answered ${role.status}: ${role.body}`);
  return moto;
}

async function seed(endpoint: string, account: string, agent: Agent | false): Promise<void> {
  for (let i = 0; i < PIPELINES; i++) {
    const name = `scale-${String(i).padStart(4, '0')}`;
    await callCodePipeline(agent, endpoint, 'CreatePipeline', { pipeline: pipeline(name, account) });
  }
  const list = await callCodePipeline(agent, endpoint, 'ListPipelines', {});
  if (list.pipelines.length !== PIPELINES)
    throw new Error(`${endpoint} lists ${list.pipelines.length} pipelines`);
}

const read = (operation: string): LoadRequest[] => [{ operation, body: () => READS[operation] }];

/** CreatePipeline with a fresh name, then DeletePipeline of that name, on every connection. */
function createDelete(account: string, prefix: string): LoadRequest[] {
  let counter = 0;
  return [
    {
      operation: 'CreatePipeline',
      body: (context) => {
        context.name = `${prefix}-${counter++}`;
        return JSON.stringify({ pipeline: pipeline(String(context.name), account) });
      },
    },
    { operation: 'DeletePipeline', body: (context) => JSON.stringify({ name: context.name }) },
  ];
}

const latency = (r: LoadResult) => `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cpkit-bench-api-'));
  const servers: ServerProcess[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const engine = await startServe(join(work, 'engine'), ['--no-start-on-create']);
    servers.push(engine);
    const moto = await startMoto();
    servers.push(moto);
    await seed(engine.endpoint, '000000000000', agent);
    await seed(moto.endpoint, MOTO_ACCOUNT, false);
    const bodies: Record<string, string> = {};
    for (const [op, body] of Object.entries(READS))
      bodies[op] = JSON.stringify(await callCodePipeline(agent, engine.endpoint, op, JSON.parse(body)));
    bodies.StartPipelineExecution = JSON.stringify({
      pipelineExecutionId: '00000000-0000-4000-8000-000000000000',
    });
    const floor = await startFloorServer(bodies);
    servers.push(floor);
    const settings = `${LOAD_SETTINGS.connections} connections, ${LOAD_SETTINGS.durationSeconds} s`;

    const rows: BenchRow[] = [];
    for (const op of Object.keys(READS)) {
      const engineKeep = await runLoad(engine.endpoint, read(op));
      const floorKeep = await runLoad(floor.endpoint, read(op));
      const engineClose = await runCloseLoad(engine.endpoint, read(op));
      rows.push(
        benchRow({
          bench: 'api-throughput',
          metric: `${op} (keep-alive)`,
          value: engineKeep.requestsPerSecond,
          unit: 'req/s',
          baseline: 'floor node:http',
          baselineValue: floorKeep.requestsPerSecond,
          target: { on: 'ratio', op: '>=', limit: 0.5 },
          detail: `engine ${latency(engineKeep)}; floor ${latency(floorKeep)}; ${settings}`,
        }),
      );
      if (MOTO_READS.has(op)) {
        const motoClose = await runCloseLoad(moto.endpoint, read(op));
        rows.push(
          benchRow({
            bench: 'api-throughput',
            metric: `${op} (Connection: close)`,
            value: engineClose.requestsPerSecond,
            unit: 'req/s',
            baseline: 'moto server',
            baselineValue: motoClose.requestsPerSecond,
            target: { on: 'ratio', op: '>=', limit: 10 },
            detail: `engine ${latency(engineClose)}; moto ${latency(motoClose)}; ${settings}`,
          }),
        );
      } else {
        const floorClose = await runCloseLoad(floor.endpoint, read(op));
        rows.push(
          benchRow({
            bench: 'api-throughput',
            metric: `${op} (Connection: close)`,
            value: engineClose.requestsPerSecond,
            unit: 'req/s',
            baseline: 'floor node:http, close (moto lacks it)',
            baselineValue: floorClose.requestsPerSecond,
            detail: `engine ${latency(engineClose)}; floor ${latency(floorClose)}; ${settings}`,
          }),
        );
      }
    }

    // Writes: reported, not targeted.
    const engineWrites = await runLoad(engine.endpoint, createDelete('000000000000', 'w'));
    const motoWrites = await runCloseLoad(moto.endpoint, createDelete(MOTO_ACCOUNT, 'w'));
    const engineWritesClose = await runCloseLoad(engine.endpoint, createDelete('000000000000', 'wc'));
    rows.push(
      benchRow({
        bench: 'api-throughput',
        metric: 'CreatePipeline + DeletePipeline (Connection: close)',
        value: engineWritesClose.requestsPerSecond,
        unit: 'req/s',
        baseline: 'moto server',
        baselineValue: motoWrites.requestsPerSecond,
        detail: `engine ${latency(engineWritesClose)} (keep-alive: ${engineWrites.requestsPerSecond.toFixed(0)} req/s, ${latency(engineWrites)}); moto ${latency(motoWrites)}`,
      }),
    );
    const start: LoadRequest[] = [{ operation: 'StartPipelineExecution', body: () => READS.GetPipeline }];
    const engineStart = await runLoad(engine.endpoint, start);
    const floorStart = await runLoad(floor.endpoint, start);
    rows.push(
      benchRow({
        bench: 'api-throughput',
        metric: 'StartPipelineExecution (keep-alive)',
        value: engineStart.requestsPerSecond,
        unit: 'req/s',
        baseline: 'floor node:http (moto lacks it)',
        baselineValue: floorStart.requestsPerSecond,
        detail: `engine ${latency(engineStart)}; floor ${latency(floorStart)}`,
      }),
    );
    const after = await callCodePipeline(agent, engine.endpoint, 'ListPipelines', {});
    if (after.pipelines.length !== PIPELINES)
      throw new Error(`the engine lists ${after.pipelines.length} pipelines after the writes`);
    reportRows('api-throughput', rows);
  } finally {
    agent.destroy();
    for (const s of servers.reverse()) await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
