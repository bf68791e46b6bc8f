import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArtifactCredentials, buildJobEvent } from '../../lambdas/testing/index.js';
import { startHttpTarget, type HttpTarget } from '../helpers/http-target.js';
import { startJsonRecorder, type JsonRecorder } from '../helpers/json-recorder.js';

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
