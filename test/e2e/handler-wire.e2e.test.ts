import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArtifactCredentials, buildJobEvent } from '../../lambdas/testing/index.js';
import type { ArtifactStore } from '../../local/s3/artifact-store.js';
import { actionsOf, createPipeline, invoke, putSource, waitForExecution } from '../helpers/engine-e2e.js';
import { startHttpTarget, type HttpTarget } from '../helpers/http-target.js';
import { startJsonRecorder, type JsonRecorder } from '../helpers/json-recorder.js';
import { startTestServer, type TestLocalServer } from '../helpers/local-server.js';
import { memoryArtifactStore } from '../helpers/memory-artifact-store.js';

const root = join(import.meta.dirname, '..', '..');
const bundle = join(root, 'dist', 'lambdas', 'http-check', 'index.mjs');

// The child imports the built bundle with plain import() and calls its handler once, like Lambda's runtime.
const CHILD = `
const { handler } = await import(process.env.BUNDLE_URL);
const deadline = Date.now() + 10000;
const context = {
  functionName: 'cpkit-http-check', functionVersion: '$LATEST', memoryLimitInMB: '128',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:cpkit-http-check',
  awsRequestId: 'c0ffee00-0000-4000-8000-000000000001', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
const outcome = await handler(JSON.parse(process.env.JOB_EVENT), context);
console.log('OUTCOME ' + JSON.stringify(outcome));
`;

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(recorderUrl: string, event: unknown): Promise<ChildRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: recorderUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAFUNCTIONROLE0001',
    AWS_SECRET_ACCESS_KEY: 'function-role-secret',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: 'cpkit-http-check',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    BUNDLE_URL: pathToFileURL(bundle).href,
    JOB_EVENT: JSON.stringify(event),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { env, cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let recorder: JsonRecorder;
let target: HttpTarget;

beforeAll(async () => {
  if (!existsSync(bundle))
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root });
  [recorder, target] = await Promise.all([
    startJsonRecorder(),
    startHttpTarget({
      '/health': () => ({ status: 200, body: 'ok' }),
      '/broken': () => ({ status: 500, body: 'error' }),
      '/warming': (hit) => ({ status: hit >= 3 ? 200 : 503 }),
    }),
  ]);
});
afterAll(() => Promise.all([recorder?.close(), target?.close()]));

describe('Wire: built http-check bundle reporting over JSON 1.1', () => {
  it('sends exactly one PutJobSuccessResult for a passing URL, and no credential in its output', async () => {
    // Prepare
    recorder.requests.length = 0;
    const creds = buildArtifactCredentials();
    const jobId = '5e0c8a7b-1d2e-4f30-8a41-b2c3d4e5f607';
    const event = buildJobEvent({
      jobId,
      credentials: creds,
      userParameters: { url: `${target.url}/health` },
    });

    // Act
    const child = await runChild(recorder.url, event);

    // Assess
    expect(child.code, child.stderr).toBe(0);
    expect(recorder.requests.map((r) => r.headers['x-amz-target'])).toEqual([
      'CodePipeline_20150709.PutJobSuccessResult',
    ]);
    const [req] = recorder.requests;
    expect(req.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAFUNCTIONROLE0001\/\d{8}\/us-east-1\/codepipeline\/aws4_request/,
    );
    expect(req.body).toEqual({
      jobId,
      executionDetails: {
        summary: expect.stringMatching(/\/health answered HTTP 200 in \d+ ms \(attempt 1\)$/),
      },
      outputVariables: { status: '200', latencyMs: expect.stringMatching(/^\d+$/) },
    });
    expect(child.stdout).toContain('OUTCOME {"kind":"succeeded"');
    for (const secret of [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken]) {
      expect(child.stdout + child.stderr).not.toContain(secret);
    }
  });

  it('sends exactly one PutJobFailureResult for a failing URL, and no credential in its output', async () => {
    // Prepare
    recorder.requests.length = 0;
    const creds = buildArtifactCredentials();
    const jobId = '6f1d9b8c-2e3f-4a51-9b62-c3d4e5f60718';
    const event = buildJobEvent({
      jobId,
      credentials: creds,
      userParameters: { url: `${target.url}/broken`, retries: 1 },
    });

    // Act
    const child = await runChild(recorder.url, event);

    // Assess
    expect(child.code, child.stderr).toBe(0);
    expect(recorder.requests.map((r) => r.headers['x-amz-target'])).toEqual([
      'CodePipeline_20150709.PutJobFailureResult',
    ]);
    expect(recorder.requests[0].body).toEqual({
      jobId,
      failureDetails: {
        type: 'JobFailed',
        message: expect.stringMatching(/\/broken: expected HTTP 200, got 500 \(2 attempts\)$/),
      },
    });
    expect(target.hits.get('/broken')).toBe(2);
    for (const secret of [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken]) {
      expect(child.stdout + child.stderr).not.toContain(secret);
    }
  });
});

describe('Engine: the built handlers run by the local CodePipeline', () => {
  let local: TestLocalServer;
  const fn = (name: string, timeoutSeconds: number) => ({
    name: `cpkit-${name}`,
    bundle: join(root, 'dist', 'lambdas', name, 'index.mjs'),
    handler: 'handler',
    timeoutSeconds,
    memoryMB: 128,
    environment: {},
  });

  beforeAll(async () => {
    local = await startTestServer({
      functions: [fn('http-check', 5), fn('wait-for', 2)],
      engine: { jobReplyTimeoutMs: 10_000, lambdaRetryDelaysMs: [20, 20], startOnCreate: false },
    });
    local.services.artifacts ??= memoryArtifactStore();
    await putSource(local.services.artifacts as ArtifactStore, 'source.zip', 'source-bytes');
  });
  afterAll(() => local?.stop());

  async function run(name: string, functionName: string, userParameters: unknown) {
    await createPipeline(local.client, name, [
      {
        name: 'Check',
        actions: [
          invoke('Run', functionName, {
            configuration: { FunctionName: functionName, UserParameters: JSON.stringify(userParameters) },
          }),
        ],
      },
    ]);
    const { pipelineExecutionId } = await local.client.send(new StartPipelineExecutionCommand({ name }));
    const execution = await waitForExecution(local.client, name, pipelineExecutionId!);
    const actions = await actionsOf(local.client, name, pipelineExecutionId!);
    const log = readFileSync(join(local.dataDir, 'logs', `${functionName}.log`), 'utf8');
    return { execution, run: actions.Run, log };
  }

  it('http-check: a passing URL succeeds the action with its output variables', async () => {
    const r = await run('smoke-pass', 'cpkit-http-check', {
      url: `${target.url}/health`,
      bodyContains: 'ok',
    });
    expect(r.execution.status).toBe('Succeeded');
    expect(r.run.status).toBe('Succeeded');
    expect(r.run.output?.outputVariables).toEqual({
      status: '200',
      latencyMs: expect.stringMatching(/^\d+$/),
    });
    expect(r.run.output?.executionResult?.externalExecutionSummary).toMatch(/\/health answered HTTP 200/);
    expect(r.log).toContain('job reported');
    expect(r.log).not.toMatch(/ASIA[A-Z2-7]{16}/); // the job's artifact access key id
  });

  it('http-check: a failing URL fails the action with what was expected, in one invocation', async () => {
    const before = target.hits.get('/broken') ?? 0;
    const r = await run('smoke-fail', 'cpkit-http-check', { url: `${target.url}/broken`, retries: 0 });
    expect(r.execution.status).toBe('Failed');
    expect(r.run.output?.executionResult?.errorDetails?.message).toMatch(
      /\/broken: expected HTTP 200, got 500 \(1 attempt\)/,
    );
    expect(target.hits.get('/broken')).toBe(before + 1);
    // Reported as a job failure, not an invocation error: Lambda's retries never ran.
    expect(r.log.match(/^START RequestId/gm)?.length).toBe(2); // one for smoke-pass, one here
  });

  it('http-check: bad UserParameters fail the action with ConfigurationError naming the parameter', async () => {
    const r = await run('smoke-config', 'cpkit-http-check', { url: 'ftp://example.com', retries: -1 });
    expect(r.execution.status).toBe('Failed');
    expect(r.run.output?.executionResult?.errorDetails).toMatchObject({
      code: 'ConfigurationError',
      message: expect.stringMatching(
        /UserParameters\.url: must be a valid url.*UserParameters\.retries: must be >= 0/,
      ),
    });
  });

  it('wait-for: continues across invocations until the URL is ready', async () => {
    const r = await run('wait-ready', 'cpkit-wait-for', {
      url: `${target.url}/warming`,
      intervalSeconds: 1,
      maxMinutes: 1,
    });
    expect(r.execution.status).toBe('Succeeded');
    expect(r.run.output?.outputVariables).toMatchObject({ status: '200', attempts: '3' });
    expect(r.log.match(/^START RequestId/gm)?.length).toBeGreaterThanOrEqual(2);
  });
});
