import {
  AcknowledgeJobCommand,
  AcknowledgeThirdPartyJobCommand,
  CreateCustomActionTypeCommand,
  CreatePipelineCommand,
  GetThirdPartyJobDetailsCommand,
  PollForThirdPartyJobsCommand,
  PutThirdPartyJobFailureResultCommand,
  PutThirdPartyJobSuccessResultCommand,
  GetJobDetailsCommand,
  PollForJobsCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type ActionDeclaration,
  type ActionTypeId,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { worker as secretScan } from '../../lambdas/handlers/secret-scan/index.js';
import { JobWorker } from '../../lambdas/toolkit/job-worker.js';
import type { ArtifactStore } from '../../local/s3/artifact-store.js';
import {
  actionsOf,
  createPipeline,
  fixtureFunctions,
  SOURCE_BUCKET,
  waitForExecution,
} from '../helpers/engine-e2e.js';
import {
  codePipelineClient,
  repoRoot,
  startTestServer,
  type TestLocalServer,
} from '../helpers/local-server.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';

function zip(files: Record<string, string>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) z.addBuffer(Buffer.from(content), name);
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

async function putZip(local: TestLocalServer, key: string, files: Record<string, string>): Promise<void> {
  const store = local.services.artifacts as ArtifactStore;
  await store.ensureBucket(SOURCE_BUCKET);
  await store.putObject(SOURCE_BUCKET, key, (await zip(files)) as never);
}

async function createType(
  client: CodePipelineClient,
  provider: string,
  props: { name: string; queryable?: boolean; secret?: boolean }[] = [],
  inputs = 0,
): Promise<void> {
  await client.send(
    new CreateCustomActionTypeCommand({
      category: 'Test',
      provider,
      version: '1',
      inputArtifactDetails: { minimumCount: inputs, maximumCount: inputs },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 0 },
      configurationProperties: props.map((p) => ({
        name: p.name,
        required: !p.secret,
        key: false,
        secret: p.secret ?? false,
        queryable: p.queryable,
      })),
    }),
  );
}

function custom(name: string, provider: string, extra: Partial<ActionDeclaration> = {}): ActionDeclaration {
  return {
    name,
    actionTypeId: { category: 'Test', owner: 'Custom', provider, version: '1' },
    runOrder: 1,
    ...extra,
  };
}

/** The id of the custom action type Test/<provider>/1 that {@link createType} creates. */
function customTypeId(provider: string): ActionTypeId {
  return { category: 'Test', owner: 'Custom', provider, version: '1' };
}

async function pollUntilJob(client: CodePipelineClient, actionTypeId: ActionTypeId, maxBatchSize?: number) {
  for (let i = 0; i < 200; i++) {
    const job = (await client.send(new PollForJobsCommand({ actionTypeId, maxBatchSize }))).jobs?.[0];
    if (job) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no job of ${actionTypeId.provider} was queued`);
}

async function waitForAction(
  client: CodePipelineClient,
  pipeline: string,
  executionId: string,
  action: string,
) {
  for (let i = 0; i < 200; i++) {
    const a = (await actionsOf(client, pipeline, executionId))[action];
    if (a && a.status !== 'InProgress') return a;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`action ${action} did not end`);
}

function listFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
}

async function start(client: CodePipelineClient, name: string): Promise<string> {
  return (await client.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
}

describe('Custom actions and job workers (e2e against the local engine)', () => {
  let local: TestLocalServer;
  const bundle = join(repoRoot, 'dist', 'lambdas', 'secret-scan', 'index.mjs');

  beforeAll(async () => {
    expect(existsSync(bundle), 'dist/lambdas/secret-scan is built by `npm test` (pretest)').toBe(true);
    local = await startTestServer({
      functions: [
        ...fixtureFunctions().filter((f) => f.name === 'never-reports'),
        {
          name: 'secret-scan-worker',
          bundle,
          handler: 'handler',
          timeoutSeconds: 60,
          memoryMB: 256,
          environment: { CPKIT_ACTION_PROVIDER: 'SecretScanEvents', POWERTOOLS_LOG_LEVEL: 'WARN' },
        },
      ],
      engine: {
        startOnCreate: false,
        customJobAckTimeoutMs: 1000,
        rules: [
          {
            name: 'wake-secret-scan',
            eventPattern: {
              source: ['aws.codepipeline'],
              'detail-type': ['CodePipeline Action Execution State Change'],
              detail: { state: ['STARTED'], type: { owner: ['Custom'], provider: ['SecretScanEvents'] } },
            },
            targets: [{ function: 'secret-scan-worker' }],
          },
        ],
      },
    });
    process.env.AWS_ENDPOINT_URL_S3 = local.endpoint;
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_S3;
    await local?.stop();
  });

  it('polling mode: the secret-scan worker fails a pipeline with masked file:line findings and passes a clean one', async () => {
    // Prepare
    await createType(local.client, 'SecretScan', [], 1);
    await putZip(local, 'dirty.zip', {
      'README.md': '# demo\n',
      'src/config.js': `const region = 'us-east-1';\nconst key = '${KEY_ID}';\n`,
    });
    await putZip(local, 'clean.zip', { 'README.md': '# demo\n', 'src/a.js': 'export const a = 1;\n' });
    const scan = custom('Scan', 'SecretScan', {
      inputArtifacts: [{ name: 'SourceOutput' }],
      namespace: 'Scan',
    });
    await createPipeline(local.client, 'scan-dirty', [{ name: 'Test', actions: [scan] }], {
      sourceKey: 'dirty.zip',
    });
    await createPipeline(local.client, 'scan-clean', [{ name: 'Test', actions: [scan] }], {
      sourceKey: 'clean.zip',
    });
    const worker = new JobWorker({
      ...secretScan,
      actionType: { category: 'Test', provider: 'SecretScan' },
      client: codePipelineClient(local.endpoint),
      logger: quiet,
      concurrency: 2,
      idleBackoff: { initialMs: 20, maxMs: 100 },
    });
    void worker.start();
    try {
      // Act
      const dirty = await start(local.client, 'scan-dirty');
      const clean = await start(local.client, 'scan-clean');
      const dirtyEnd = await waitForExecution(local.client, 'scan-dirty', dirty);
      const cleanEnd = await waitForExecution(local.client, 'scan-clean', clean);
      // Assess
      expect(dirtyEnd.status).toBe('Failed');
      const failed = (await actionsOf(local.client, 'scan-dirty', dirty)).Scan;
      expect(failed.output?.executionResult?.externalExecutionSummary).toMatch(
        /1 committed secret found in 2 files[\s\S]*src\/config\.js:2: aws-access-key-id AKIA\*{12} \(20 chars\)/,
      );
      expect(JSON.stringify(failed)).not.toContain(KEY_ID);
      expect(cleanEnd.status).toBe('Succeeded');
      const passed = (await actionsOf(local.client, 'scan-clean', clean)).Scan;
      expect(passed.output?.outputVariables).toEqual({ filesScanned: '2', filesSkipped: '0' });
    } finally {
      await worker.stop(1000);
    }
  });

  it('event-driven mode: the engine rule wakes the worker Lambda, which polls once and reports', async () => {
    // Prepare
    await createType(local.client, 'SecretScanEvents', [], 1);
    await putZip(local, 'events.zip', { 'a.txt': 'hello\n', 'b.txt': `token=${KEY_ID}\n` });
    await createPipeline(
      local.client,
      'scan-events',
      [
        {
          name: 'Test',
          actions: [custom('Scan', 'SecretScanEvents', { inputArtifacts: [{ name: 'SourceOutput' }] })],
        },
      ],
      { sourceKey: 'events.zip' },
    );
    // Act: nothing polls in this process; only the rule's function can take the job
    const id = await start(local.client, 'scan-events');
    const end = await waitForExecution(local.client, 'scan-events', id, 40_000);
    // Assess
    expect(end.status).toBe('Failed');
    const action = (await actionsOf(local.client, 'scan-events', id)).Scan;
    expect(action.output?.executionResult?.externalExecutionSummary).toMatch(/b\.txt:1: aws-access-key-id/);
  });

  it('long-running mode: `cpkit worker --module` runs the built secret-scan bundle against the engine', async () => {
    // Prepare
    await createType(local.client, 'SecretScanCli', [], 1);
    await createPipeline(
      local.client,
      'scan-cli',
      [
        {
          name: 'Test',
          actions: [custom('Scan', 'SecretScanCli', { inputArtifacts: [{ name: 'SourceOutput' }] })],
        },
      ],
      { sourceKey: 'dirty.zip' },
    );
    const cli = join(repoRoot, 'dist', 'cli', 'cpkit.mjs');
    const child = spawn(
      process.execPath,
      [
        cli,
        'worker',
        '--category',
        'Test',
        '--provider',
        'SecretScanCli',
        '--module',
        bundle,
        '--endpoint',
        local.endpoint,
        '--max-idle-seconds',
        '0.3',
      ],
      { env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      // Act
      const id = await start(local.client, 'scan-cli');
      const end = await waitForExecution(local.client, 'scan-cli', id, 30_000);
      // Assess
      expect(end.status).toBe('Failed');
      const action = (await actionsOf(local.client, 'scan-cli', id)).Scan;
      expect(action.output?.executionResult?.externalExecutionSummary).toMatch(
        /src\/config\.js:2: aws-access-key-id/,
      );
    } finally {
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
    }
    expect(out).toContain('worker polling Custom/Test/SecretScanCli/1');
    expect(out).toMatch(/worker stopped: 0 succeeded, 1 failed/);
    expect(out).not.toContain(KEY_ID);
  });

  it('8 concurrent pollers and 200 jobs: every job is done exactly once', async () => {
    // Prepare: 4 parallel executions of a stage with 50 custom actions = 200 jobs
    await createType(local.client, 'Counter', [{ name: 'Lane', queryable: true }]);
    const actions = Array.from({ length: 50 }, (_, i) =>
      custom(`A${i}`, 'Counter', { configuration: { Lane: 'main' }, namespace: `N${i}` }),
    );
    await createPipeline(local.client, 'load', [{ name: 'Work', actions }], {
      executionMode: 'PARALLEL',
      sourceKey: 'clean.zip',
    });
    const runs = new Map<string, number>();
    const pollers = Array.from(
      { length: 8 },
      () =>
        new JobWorker({
          actionType: { category: 'Test', provider: 'Counter' },
          client: codePipelineClient(local.endpoint),
          logger: quiet,
          concurrency: 2,
          queryParam: { Lane: 'main' },
          idleBackoff: { initialMs: 10, maxMs: 50 },
          run: (job) => {
            runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
            return { outputVariables: { jobId: job.id } };
          },
        }),
    );
    pollers.forEach((p) => void p.start());
    try {
      // Act
      const ids = await Promise.all([1, 2, 3, 4].map(() => start(local.client, 'load')));
      const ends = await Promise.all(ids.map((id) => waitForExecution(local.client, 'load', id, 60_000)));
      // Assess
      expect(ends.map((e) => e.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Succeeded']);
      expect(runs.size).toBe(200);
      expect([...runs.values()].filter((n) => n !== 1)).toEqual([]);
      expect(pollers.reduce((n, p) => n + p.stats.succeeded, 0)).toBe(200);
      const reported = new Set<string>();
      for (const id of ids) {
        for (const a of Object.values(await actionsOf(local.client, 'load', id))) {
          if (a.actionName !== 'Source') reported.add(a.output!.outputVariables!.jobId);
        }
      }
      expect(reported.size).toBe(200);
      const counts = local.db
        .prepare(
          "SELECT status, COUNT(*) AS n FROM jobs WHERE kind = 'custom' AND id IN (SELECT job_id FROM custom_jobs WHERE provider = 'Counter') GROUP BY status",
        )
        .all();
      expect(counts).toEqual([{ status: 'Succeeded', n: 200 }]);
    } finally {
      await Promise.all(pollers.map((p) => p.stop(1000)));
    }
  }, 90_000);

  it('GetJobDetails carries actionTypeId and pipelineContext; secret configuration reaches the worker; nonces are honest', async () => {
    // Prepare
    await createType(local.client, 'Details', [{ name: 'Target' }, { name: 'Token', secret: true }]);
    await createPipeline(
      local.client,
      'details',
      [
        {
          name: 'Work',
          actions: [custom('D', 'Details', { configuration: { Target: 'prod', Token: 'tok-123' } })],
        },
      ],
      { sourceKey: 'clean.zip' },
    );
    const actionTypeId = customTypeId('Details');
    const id = await start(local.client, 'details');
    const polled = await pollUntilJob(local.client, actionTypeId, 5);
    // Assess: one poller only
    expect((await local.client.send(new PollForJobsCommand({ actionTypeId }))).jobs).toEqual([]);
    expect(polled!.data?.actionConfiguration?.configuration).toEqual({ Target: 'prod', Token: 'tok-123' });
    await expect(
      local.client.send(new AcknowledgeJobCommand({ jobId: polled!.id, nonce: 'not-the-nonce' })),
    ).rejects.toMatchObject({ name: 'InvalidNonceException' });
    await expect(
      local.client.send(new PutJobSuccessResultCommand({ jobId: polled!.id })),
    ).rejects.toMatchObject({ name: 'InvalidJobStateException' });
    const ack = await local.client.send(
      new AcknowledgeJobCommand({ jobId: polled!.id, nonce: polled!.nonce }),
    );
    expect(ack.status).toBe('InProgress');
    const { jobDetails } = await local.client.send(new GetJobDetailsCommand({ jobId: polled!.id }));
    expect(jobDetails?.data?.actionTypeId).toEqual(actionTypeId);
    expect(jobDetails?.data?.pipelineContext).toMatchObject({
      pipelineName: 'details',
      stage: { name: 'Work' },
      action: { name: 'D' },
      pipelineExecutionId: id,
    });
    await local.client.send(new PutJobSuccessResultCommand({ jobId: polled!.id }));
    await expect(
      local.client.send(new PutJobSuccessResultCommand({ jobId: polled!.id })),
    ).rejects.toMatchObject({ name: 'InvalidJobStateException' });
    expect((await waitForExecution(local.client, 'details', id)).status).toBe('Succeeded');
    await expect(
      local.client.send(new PollForJobsCommand({ actionTypeId: { ...actionTypeId, provider: 'Counter' } })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/queryable property Lane/),
    });
    await expect(
      local.client.send(new PollForJobsCommand({ actionTypeId: { ...actionTypeId, provider: 'Nope' } })),
    ).rejects.toMatchObject({ name: 'ActionTypeNotFoundException' });
    await expect(
      local.client.send(new GetJobDetailsCommand({ jobId: '00000000-0000-4000-8000-000000000000' })),
    ).rejects.toMatchObject({
      name: 'JobNotFoundException',
    });
    const logged = [join(local.dataDir, 'events.jsonl'), ...listFiles(join(local.dataDir, 'logs'))]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(logged).toContain('"pipeline":"details"');
    expect(logged).not.toContain('tok-123');
  });

  it('answers bad job requests with the modeled errors, and drops the job of an abandoned action', async () => {
    // Prepare
    const missing = '00000000-0000-4000-8000-000000000001';
    const custom1 = customTypeId('Slow');
    await createType(local.client, 'Slow');
    await createPipeline(local.client, 'abandon', [{ name: 'Work', actions: [custom('S', 'Slow')] }], {
      sourceKey: 'clean.zip',
    });
    // Assess: errors
    await expect(
      local.client.send(new AcknowledgeJobCommand({ jobId: missing, nonce: 'n' })),
    ).rejects.toMatchObject({ name: 'JobNotFoundException' });
    await expect(
      local.client.send(new PollForJobsCommand({ actionTypeId: { ...custom1, owner: 'AWS' } })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      local.client.send(new PollForJobsCommand({ actionTypeId: custom1, maxBatchSize: 0 })),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    await expect(
      local.client.send(new PollForThirdPartyJobsCommand({ actionTypeId: custom1 })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      local.client.send(new PutThirdPartyJobSuccessResultCommand({ jobId: missing, clientToken: 't' })),
    ).rejects.toMatchObject({ name: 'JobNotFoundException' });
    // Act: a queued job whose action is abandoned is never handed out
    const id = await start(local.client, 'abandon');
    const queuedJob = () =>
      local.db
        .prepare(
          "SELECT j.status FROM jobs j JOIN action_runs r ON r.id = j.action_run_id WHERE r.execution_id = ? AND j.kind = 'custom'",
        )
        .get(id) as { status: string } | undefined;
    for (let i = 0; i < 200 && !queuedJob(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(queuedJob()?.status).toBe('Created');
    await local.client.send(
      new StopPipelineExecutionCommand({ pipelineName: 'abandon', pipelineExecutionId: id, abandon: true }),
    );
    await waitForExecution(local.client, 'abandon', id);
    expect(queuedJob()?.status).toBe('Abandoned');
    expect(
      (await local.client.send(new PollForJobsCommand({ actionTypeId: custom1, maxBatchSize: 10 }))).jobs,
    ).toEqual([]);
  });

  it('GetJobDetails also answers for a Lambda Invoke job', async () => {
    // Prepare
    await createPipeline(
      local.client,
      'lambda-details',
      [
        {
          name: 'Invoke',
          actions: [
            {
              name: 'Run',
              actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
              configuration: { FunctionName: 'never-reports', UserParameters: 'u' },
              runOrder: 1,
            },
          ],
        },
      ],
      { sourceKey: 'clean.zip' },
    );
    const id = await start(local.client, 'lambda-details');
    let jobId: string | undefined;
    for (let i = 0; i < 200 && !jobId; i++) {
      const row = local.db
        .prepare(
          "SELECT j.id FROM jobs j JOIN action_runs r ON r.id = j.action_run_id WHERE r.execution_id = ? AND j.kind = 'lambda'",
        )
        .get(id) as { id: string } | undefined;
      jobId = row?.id;
      if (!jobId) await new Promise((r) => setTimeout(r, 50));
    }
    // Act
    const { jobDetails } = await local.client.send(new GetJobDetailsCommand({ jobId }));
    // Assess
    expect(jobDetails?.id).toBe(jobId);
    expect(jobDetails?.data?.actionTypeId).toEqual({
      category: 'Invoke',
      owner: 'AWS',
      provider: 'Lambda',
      version: '1',
    });
    expect(jobDetails?.data?.actionConfiguration?.configuration).toEqual({
      FunctionName: 'never-reports',
      UserParameters: 'u',
    });
    expect(jobDetails?.data?.pipelineContext?.stage?.name).toBe('Invoke');
    await local.client.send(
      new StopPipelineExecutionCommand({
        pipelineName: 'lambda-details',
        pipelineExecutionId: id,
        abandon: true,
      }),
    );
  });

  it('hands a job that was not acknowledged in time to the next poller with a new nonce', async () => {
    // Prepare (type Slow was created above)
    await createPipeline(local.client, 'redispatch', [{ name: 'Work', actions: [custom('S', 'Slow')] }], {
      sourceKey: 'clean.zip',
    });
    const actionTypeId = customTypeId('Slow');
    const id = await start(local.client, 'redispatch');
    const first = await pollUntilJob(local.client, actionTypeId);
    // Act: the first poller never acknowledges; after the ack timeout (1 s here) the job is handed out again
    expect((await local.client.send(new PollForJobsCommand({ actionTypeId }))).jobs).toEqual([]);
    await new Promise((r) => setTimeout(r, 1100));
    const second = (await local.client.send(new PollForJobsCommand({ actionTypeId }))).jobs?.[0];
    // Assess
    expect(second?.id).toBe(first.id);
    expect(second?.nonce).not.toBe(first.nonce);
    await expect(
      local.client.send(new AcknowledgeJobCommand({ jobId: first.id, nonce: first.nonce })),
    ).rejects.toMatchObject({ name: 'InvalidNonceException' });
    await local.client.send(new AcknowledgeJobCommand({ jobId: second!.id, nonce: second!.nonce }));
    await local.client.send(new PutJobSuccessResultCommand({ jobId: second!.id }));
    expect((await waitForExecution(local.client, 'redispatch', id)).status).toBe('Succeeded');
  });

  it('third-party jobs: PollForThirdPartyJobs, client tokens bound on first use, results', async () => {
    // Prepare: a GitHub (v1, owner ThirdParty) source is a third-party job
    await local.client.send(
      new CreatePipelineCommand({
        pipeline: {
          name: 'third-party',
          roleArn: 'arn:aws:iam::000000000000:role/pipeline-role',
          artifactStore: { type: 'S3', location: 'engine-e2e-artifacts' },
          stages: [
            {
              name: 'Source',
              actions: [
                {
                  name: 'GitHub',
                  actionTypeId: { category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' },
                  configuration: { Owner: 'o', Repo: 'r', Branch: 'main', OAuthToken: 'gh-secret-token' },
                  outputArtifacts: [{ name: 'Src' }],
                },
              ],
            },
            { name: 'Work', actions: [custom('After', 'Slow')] },
          ],
        },
      }),
    );
    const actionTypeId = {
      category: 'Source' as const,
      owner: 'ThirdParty' as const,
      provider: 'GitHub',
      version: '1',
    };
    const id = await start(local.client, 'third-party');
    let polled;
    for (let i = 0; i < 100 && !polled; i++) {
      polled = (await local.client.send(new PollForThirdPartyJobsCommand({ actionTypeId }))).jobs?.[0];
      if (!polled) await new Promise((r) => setTimeout(r, 50));
    }
    // Act
    const { jobDetails } = await local.client.send(
      new GetThirdPartyJobDetailsCommand({ jobId: polled!.jobId, clientToken: 'partner-token' }),
    );
    // Assess
    expect(polled!.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(jobDetails?.data?.pipelineContext).toMatchObject({
      pipelineName: 'third-party',
      stage: { name: 'Source' },
    });
    expect(jobDetails?.data?.pipelineContext).not.toHaveProperty('pipelineExecutionId');
    await expect(
      local.client.send(
        new GetThirdPartyJobDetailsCommand({ jobId: polled!.jobId, clientToken: 'someone-else' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidClientTokenException' });
    const ack = await local.client.send(
      new AcknowledgeThirdPartyJobCommand({
        jobId: polled!.jobId,
        nonce: jobDetails!.nonce,
        clientToken: 'partner-token',
      }),
    );
    expect(ack.status).toBe('InProgress');
    await local.client.send(
      new PutThirdPartyJobSuccessResultCommand({
        jobId: polled!.jobId,
        clientToken: 'partner-token',
        currentRevision: { revision: 'abc123', changeIdentifier: 'abc123' },
        executionDetails: { summary: 'fetched abc123' },
      }),
    );
    const source = await waitForAction(local.client, 'third-party', id, 'GitHub');
    expect(source.status).toBe('Succeeded');
    expect(source.output?.executionResult?.externalExecutionSummary).toBe('fetched abc123');
    await expect(
      local.client.send(
        new PutThirdPartyJobFailureResultCommand({
          jobId: polled!.jobId,
          clientToken: 'partner-token',
          failureDetails: { type: 'JobFailed', message: 'late' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidJobStateException' });
  });
});

describe('Custom job timeout (e2e)', () => {
  let local: TestLocalServer;
  beforeAll(async () => {
    local = await startTestServer({ engine: { startOnCreate: false, customJobTimeoutMs: 3000 } });
    const store = local.services.artifacts as ArtifactStore;
    await store.ensureBucket(SOURCE_BUCKET);
    await store.putObject(SOURCE_BUCKET, 'source.zip', 'x' as never);
  });
  afterAll(async () => local?.stop());

  it('a worker that crashes after acknowledging: the job times out, the action fails, the pipeline ends', async () => {
    // Prepare
    await createType(local.client, 'Crashy');
    await createPipeline(local.client, 'crash', [{ name: 'Work', actions: [custom('C', 'Crashy')] }]);
    const actionTypeId = customTypeId('Crashy');
    const id = await start(local.client, 'crash');
    const job = await pollUntilJob(local.client, actionTypeId);
    await local.client.send(new AcknowledgeJobCommand({ jobId: job!.id, nonce: job!.nonce }));
    // Act: the "worker" dies here and never reports
    const end = await waitForExecution(local.client, 'crash', id, 15_000);
    // Assess
    expect(end.status).toBe('Failed');
    const action = (await actionsOf(local.client, 'crash', id)).C;
    expect(action.status).toBe('Failed');
    expect(action.output?.executionResult?.externalExecutionSummary).toMatch(
      /was acknowledged but got no result within the job timeout of 3 seconds/,
    );
    await expect(local.client.send(new PutJobSuccessResultCommand({ jobId: job!.id }))).rejects.toMatchObject(
      {
        name: 'InvalidJobStateException',
      },
    );
  });
});

describe('Custom jobs across a restart (e2e)', () => {
  it('keeps queued and acknowledged jobs in SQLite: both finish after the engine restarts', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'cpkit-custom-restart-'));
    const settings = { startOnCreate: false, customJobAckTimeoutMs: 60_000 };
    let local = await startTestServer({ dataDir, engine: settings });
    try {
      const store = local.services.artifacts as ArtifactStore;
      await store.ensureBucket(SOURCE_BUCKET);
      await store.putObject(SOURCE_BUCKET, 'source.zip', 'x' as never);
      await createType(local.client, 'Keep');
      await createPipeline(local.client, 'restart', [
        { name: 'Work', actions: [custom('A', 'Keep'), custom('B', 'Keep')] },
      ]);
      const actionTypeId = customTypeId('Keep');
      const id = await start(local.client, 'restart');
      const acked = await pollUntilJob(local.client, actionTypeId);
      await local.client.send(new AcknowledgeJobCommand({ jobId: acked.id, nonce: acked.nonce }));
      // Act
      await local.stop();
      local = await startTestServer({ dataDir, engine: settings });
      const queued = await pollUntilJob(local.client, actionTypeId);
      await local.client.send(new PutJobSuccessResultCommand({ jobId: acked.id }));
      await local.client.send(new AcknowledgeJobCommand({ jobId: queued.id, nonce: queued.nonce }));
      await local.client.send(new PutJobSuccessResultCommand({ jobId: queued.id }));
      // Assess
      expect(queued.id).not.toBe(acked.id);
      expect((await waitForExecution(local.client, 'restart', id)).status).toBe('Succeeded');
    } finally {
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
