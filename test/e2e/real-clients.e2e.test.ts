import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingOperations } from '../../local/api/index.js';
import { repoRoot, startTestServer, type TestLocalServer } from '../helpers/local-server.js';

const run = promisify(execFile);

/** Environment for the Python clients: dummy credentials, no config files, no pager. */
function clientEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  };
}

interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function awsCli(endpoint: string, args: string[]): Promise<AwsCliResult> {
  try {
    const { stdout, stderr } = await run('aws', ['--endpoint-url', endpoint, 'codepipeline', ...args], {
      env: clientEnv(),
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** What a call must show: its success output when implemented, else the temporary not-implemented error. */
function expectImplementedOrPending(
  operation: string,
  result: AwsCliResult,
  onSuccess: (json: unknown) => void,
): void {
  if (pendingOperations().includes(operation)) {
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `(ValidationException) when calling the ${operation} operation: ${operation} is not implemented by codepipeline-kit local yet`,
    );
  } else {
    expect(result.code, result.stderr).toBe(0);
    onSuccess(JSON.parse(result.stdout) as unknown);
  }
}

describe('Real clients: aws CLI (first on PATH)', () => {
  let local: TestLocalServer;
  beforeAll(async () => {
    local = await startTestServer();
  });
  afterAll(() => local.stop());

  it('list-action-types', async () => {
    // Act
    const result = await awsCli(local.endpoint, ['list-action-types']);

    // Assess
    expectImplementedOrPending('ListActionTypes', result, (json) => {
      expect((json as { actionTypes: unknown[] }).actionTypes.length).toBeGreaterThan(0);
    });
  });

  it('list-pipelines', async () => {
    // Act
    const result = await awsCli(local.endpoint, ['list-pipelines']);

    // Assess
    expectImplementedOrPending('ListPipelines', result, (json) => {
      expect(Array.isArray((json as { pipelines: unknown[] }).pipelines)).toBe(true);
    });
  });

  it('get-pipeline of an unknown pipeline', async () => {
    // Act
    const result = await awsCli(local.endpoint, ['get-pipeline', '--name', 'no-such-pipeline']);

    // Assess
    expect(result.code).not.toBe(0);
    if (!pendingOperations().includes('GetPipeline')) {
      expect(result.stderr).toContain('(PipelineNotFoundException) when calling the GetPipeline operation');
    }
  });
});

describe('Real clients: boto3 (first on PATH)', () => {
  let local: TestLocalServer;
  beforeAll(async () => {
    local = await startTestServer();
  });
  afterAll(() => local.stop());

  it('maps the server answers to boto3 errors, validation included', async () => {
    // Act
    const { stdout } = await run(
      'python3',
      [join(repoRoot, 'test/fixtures/real-clients/boto3_smoke.py'), local.endpoint],
      {
        env: clientEnv(),
        timeout: 30_000,
      },
    );
    const calls = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map(
          (line) =>
            JSON.parse(line) as {
              call: string;
              ok: boolean;
              code: string | null;
              message: string | null;
              status: number;
            },
        )
        .map((r) => [r.call, r]),
    );

    // Assess: the server's own validation, as boto3 reports it
    expect(calls.get_pipeline_bad_name).toMatchObject({
      ok: false,
      code: 'ValidationException',
      status: 400,
    });
    expect(calls.get_pipeline_bad_name.message).toBe(
      "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+",
    );
    expect(calls.list_pipelines_bad_max).toMatchObject({ ok: false, code: 'ValidationException' });
    expect(calls.list_pipelines_bad_max.message).toContain(
      'Member must have value greater than or equal to 1',
    );
    // Operations: implemented ones succeed or answer their modeled error; pending ones say so
    for (const [call, operation] of [
      ['list_action_types', 'ListActionTypes'],
      ['list_pipelines', 'ListPipelines'],
    ] as const) {
      if (pendingOperations().includes(operation)) {
        expect(calls[call]).toMatchObject({ ok: false, code: 'ValidationException', status: 400 });
      } else {
        expect(calls[call]).toMatchObject({ ok: true });
      }
    }
    if (!pendingOperations().includes('GetPipeline')) {
      expect(calls.get_pipeline_unknown).toMatchObject({
        ok: false,
        code: 'PipelineNotFoundException',
        status: 400,
      });
    }
  });
});
