import { CreateCustomActionTypeCommand } from '@aws-sdk/client-codepipeline';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { MAX_CUSTOM_ACTION_TYPES } from '../../local/api/action-types.js';
import {
  removeDir,
  repoRoot,
  startTestServer,
  tempDir,
  type TestLocalServer,
} from '../helpers/local-server.js';
import {
  assertScenario,
  boto3Runner,
  clientEnv,
  cliRunner,
  missingDebianClients,
  type AwsCli,
  type ScenarioRunner,
} from '../helpers/real-client-runners.js';
import {
  expectedErrorCodes,
  fillerActionTypes,
  quotaStep,
  realClientScenario,
  type ScenarioMode,
} from '../helpers/real-client-scenario.js';

const run = promisify(execFile);
const SCENARIO_TIMEOUT = 120_000;

let local: TestLocalServer;
let dir: string;
beforeEach(async () => {
  local = await startTestServer();
  dir = tempDir('cpkit-real-clients-');
});
afterEach(async () => {
  await local.stop();
  removeDir(dir);
});

/**
 * The whole scenario through one client on a fresh server: every step's outcome, then the custom action
 * type quota (filled through the JS SDK), and every expected error code seen at least once.
 */
async function driveScenario(mode: ScenarioMode, runner: ScenarioRunner): Promise<void> {
  // Act: the scenario
  const scenario = realClientScenario(mode);
  const codes = assertScenario(scenario.phases, await runner(scenario.phases));

  // Act: fill the quota, then one create more
  for (const input of fillerActionTypes(MAX_CUSTOM_ACTION_TYPES))
    await local.client.send(new CreateCustomActionTypeCommand(input));
  const quota = assertScenario([[quotaStep()]], await runner([[quotaStep()]]));

  // Assess: each error this scenario can provoke was reported by the client with its modeled code
  expect([...new Set([...codes, ...quota])].sort()).toEqual(expectedErrorCodes(scenario));
}

/** Steps that run as real `aws` processes (exit codes, file:// from the working directory, auto-pagination). */
const PROCESS_STEPS = ['create-pipeline-from-file', 'get-pipeline-unknown', 'list-pipelines-paginated'];

async function driveCli(mode: ScenarioMode, cli: AwsCli): Promise<void> {
  const runner = cliRunner(cli, local.endpoint, dir, realClientScenario(mode).files, PROCESS_STEPS);
  try {
    await driveScenario(mode, runner.run);
  } finally {
    runner.close();
  }
}

/** Debian's clients: required in CI (which installs them), optional on a developer machine. */
function requireDebianClients(ctx: TestContext): void {
  const missing = missingDebianClients();
  if (!missing) return;
  if (process.env.CI === 'true')
    throw new Error(`${missing}: CI must install Debian's awscli and python3-boto3 (see .ci/run)`);
  ctx.skip(`${missing}; install with: apt-get install awscli python3-boto3`);
}

describe('Real clients: aws CLI v1 (first on PATH, current model)', () => {
  it(
    'runs the full scenario, V2 features included',
    async () => {
      await driveCli('v2', { bin: 'aws', python: 'python3', serviceErrorExit: 255 });
    },
    SCENARIO_TIMEOUT,
  );
});

describe('Real clients: boto3 (first on PATH, current model)', () => {
  it(
    'runs the full scenario, V2 features and paginators included',
    async () => {
      await driveScenario('v2', boto3Runner('python3', local.endpoint, dir));
    },
    SCENARIO_TIMEOUT,
  );

  it('reports the server validation of parameters botocore leaves unchecked', async () => {
    // Act
    const { stdout } = await run(
      'python3',
      [join(repoRoot, 'test/fixtures/real-clients/boto3_smoke.py'), local.endpoint],
      { env: clientEnv(), timeout: 30_000 },
    );
    const calls = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { call: string; ok: boolean; code: string; message: string })
        .map((r) => [r.call, r]),
    );

    // Assess
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
    expect(calls.list_action_types).toMatchObject({ ok: true });
    expect(calls.list_pipelines).toMatchObject({ ok: true });
    expect(calls.get_pipeline_unknown).toMatchObject({
      ok: false,
      code: 'PipelineNotFoundException',
      status: 400,
    });
  });
});

describe("Real clients: Debian's aws CLI v2.9 and python3-boto3 (older models, V1 subset)", () => {
  it(
    'runs the V1 scenario through /usr/bin/aws',
    async (ctx) => {
      requireDebianClients(ctx);
      await driveCli('v1', { bin: '/usr/bin/aws', python: '/usr/bin/python3', serviceErrorExit: 254 });
    },
    SCENARIO_TIMEOUT,
  );

  it(
    "runs the V1 scenario through /usr/bin/python3's boto3",
    async (ctx) => {
      requireDebianClients(ctx);
      await driveScenario('v1', boto3Runner('/usr/bin/python3', local.endpoint, dir));
    },
    SCENARIO_TIMEOUT,
  );
});
