import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, invoke, SOURCE_BUCKET, waitForExecution } from '../helpers/engine-e2e.js';
import {
  codePipelineClient,
  removeDir,
  runCli,
  spawnServe,
  tempDir,
  type SpawnedServe,
} from '../helpers/local-server.js';

const handlers = join(import.meta.dirname, '..', 'fixtures', 'handlers');
let dir: string;
let functionsFile: string;
let serve: SpawnedServe;
let client: CodePipelineClient;

function serveArgs(): string[] {
  return [
    '--port',
    '0',
    '--data-dir',
    join(dir, 'data'),
    '--functions',
    functionsFile,
    '--job-reply-timeout',
    '60',
    '--lambda-retry-delays',
    '20,20',
  ];
}

async function startServe(): Promise<void> {
  serve = await spawnServe(serveArgs());
  client?.destroy();
  client = codePipelineClient(serve.endpoint);
}

beforeAll(async () => {
  dir = tempDir('cpkit-engine-cli-');
  functionsFile = join(dir, 'functions.json');
  const fn = (name: string, environment: Record<string, string> = {}) => ({
    bundle: join(handlers, `${name}.mjs`),
    timeoutSeconds: 10,
    environment,
  });
  writeFileSync(
    functionsFile,
    JSON.stringify({
      succeed: fn('succeed'),
      throws: fn('throws'),
      'slow-succeed': fn('slow-succeed'),
      'record-event': fn('record-event', { RECORD_FILE: join(dir, 'invoked.jsonl') }),
    }),
  );
  await startServe();
  const s3 = new S3Client({
    endpoint: serve.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: SOURCE_BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: SOURCE_BUCKET, Key: 'source.zip', Body: 'zip-bytes' }));
  s3.destroy();
});
afterAll(async () => {
  client?.destroy();
  await serve?.stop('SIGKILL');
  removeDir(dir);
});

describe('cpkit run / state / invoke / logs (e2e against cpkit serve)', () => {
  it('starts an execution when a pipeline is created, as AWS does', async () => {
    await createPipeline(client, 'cli-ok', [{ name: 'Deploy', actions: [invoke('Run', 'succeed')] }]);
    const { pipelineExecutionSummaries } = await client.send(
      new ListPipelineExecutionsCommand({ pipelineName: 'cli-ok' }),
    );
    expect(pipelineExecutionSummaries?.[0]?.trigger?.triggerType).toBe('CreatePipeline');
    await waitForExecution(client, 'cli-ok', pipelineExecutionSummaries![0].pipelineExecutionId!);
  });

  it('run exits 0 after a successful execution and 1 with the failing action message', async () => {
    await createPipeline(client, 'cli-fail', [{ name: 'Deploy', actions: [invoke('Boom', 'throws')] }]);
    const ok = await runCli(['run', 'cli-ok', '--endpoint', serve.endpoint, '--poll-ms', '50'], 30_000);
    const bad = await runCli(['run', 'cli-fail', '--endpoint', serve.endpoint, '--poll-ms', '50'], 30_000);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Succeeded');
    expect(ok.stdout).toContain('Deploy');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Failed: Action Deploy\/Boom failed: .*handler exploded on purpose/);
  });

  it('run --no-wait prints the execution id; state prints text and JSON', async () => {
    const started = await runCli(['run', 'cli-ok', '--endpoint', serve.endpoint, '--no-wait']);
    const id = started.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await waitForExecution(client, 'cli-ok', id);
    const json = await runCli(['state', 'cli-ok', '--endpoint', serve.endpoint, '--json']);
    const text = await runCli(['state', 'cli-ok', '--endpoint', serve.endpoint]);
    const missing = await runCli(['state', 'nope', '--endpoint', serve.endpoint]);
    expect(JSON.parse(json.stdout).stageStates[1]).toMatchObject({
      stageName: 'Deploy',
      latestExecution: { pipelineExecutionId: id, status: 'Succeeded' },
    });
    expect(text.stdout).toContain(`Deploy: Succeeded ${id}`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('PipelineNotFoundException');
  });

  it('invoke runs a function once with an event file, and logs prints its log', async () => {
    const eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify({ hello: 'world' }));
    const dataDir = join(dir, 'invoke-data');
    const invokeCli = (fn: string) =>
      runCli(['invoke', fn, '--event', eventFile, '--functions', functionsFile, '--data-dir', dataDir]);
    const ok = await invokeCli('record-event');
    const failed = await invokeCli('throws');
    const unknown = await invokeCli('nope');
    const logs = await runCli(['logs', 'record-event', '--data-dir', dataDir]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'invoked.jsonl'), 'utf8'))).toEqual({ hello: 'world' });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      errorType: 'Error',
      errorMessage: 'handler exploded on purpose',
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('function "nope" is not in');
    expect(logs.stdout).toMatch(/START RequestId: [0-9a-f-]+ Version: \$LATEST/);
    expect(logs.stdout).toMatch(/REPORT RequestId: .*Init Duration/);
  });

  it('after SIGKILL with 20 executions in flight, a restart finishes every acknowledged execution', async () => {
    await createPipeline(
      client,
      'cli-crash',
      [
        {
          name: 'Work',
          actions: [
            invoke('Slow', 'slow-succeed', {
              configuration: { FunctionName: 'slow-succeed', UserParameters: '700' },
            }),
          ],
        },
        { name: 'Finish', actions: [invoke('Done', 'succeed')] },
      ],
      { executionMode: 'PARALLEL' },
    );
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await client.send(new StartPipelineExecutionCommand({ name: 'cli-crash' }));
      acknowledged.push(r.pipelineExecutionId!);
    }
    // Kill while a slow job is mid-invocation (each takes 700 ms): as soon as the first one logged its start.
    const log = join(dir, 'data', 'logs', 'slow-succeed.log');
    const deadline = Date.now() + 30_000;
    while (!(existsSync(log) && /job [0-9a-f-]{36}/.test(readFileSync(log, 'utf8')))) {
      if (Date.now() > deadline) throw new Error('no slow-succeed invocation started within 30 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await serve.stop('SIGKILL')).toBeNull();
    await startServe();
    const results = [];
    for (const id of acknowledged) results.push(await waitForExecution(client, 'cli-crash', id, 60_000));
    expect(
      results.filter((r) => r.status !== 'Succeeded').map((r) => `${r.status}: ${r.statusSummary}`),
    ).toEqual([]);
    const { pipelineExecutionSummaries } = await client.send(
      new ListPipelineExecutionsCommand({ pipelineName: 'cli-crash', maxResults: 100 }),
    );
    expect(pipelineExecutionSummaries?.map((s) => s.pipelineExecutionId)).toEqual(
      expect.arrayContaining(acknowledged),
    );
    expect(pipelineExecutionSummaries?.every((s) => s.status === 'Succeeded')).toBe(true);
    const jobLines =
      readFileSync(join(dir, 'data', 'logs', 'slow-succeed.log'), 'utf8').match(/job [0-9a-f-]{36}/g) ?? [];
    const seen = new Map<string, number>();
    for (const line of jobLines) seen.set(line, (seen.get(line) ?? 0) + 1);
    expect([...seen.values()].some((n) => n > 1)).toBe(true);
  });
});
