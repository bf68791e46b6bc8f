import {
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PutJobSuccessResultCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  createPipeline,
  invoke,
  startEngineTestServer,
  waitForExecution,
} from '../helpers/engine-e2e.js';
import type { TestLocalServer } from '../helpers/local-server.js';

let local: TestLocalServer;

beforeAll(async () => {
  local = await startEngineTestServer({
    source: 'source-bytes',
    environment: { CUSTOM_SETTING: 'from-functions-file' },
    engine: { jobReplyTimeoutMs: 5000 },
  });
});
afterAll(async () => local?.stop());

async function run(name: string, functionName: string) {
  await createPipeline(local.client, name, [{ name: 'Invoke', actions: [invoke('Run', functionName)] }]);
  const { pipelineExecutionId } = await local.client.send(new StartPipelineExecutionCommand({ name }));
  const execution = await waitForExecution(local.client, name, pipelineExecutionId!);
  const actions = await actionsOf(local.client, name, pipelineExecutionId!);
  return { id: pipelineExecutionId!, execution, actions };
}

function logOf(fn: string): string {
  return readFileSync(join(local.dataDir, 'logs', `${fn}.log`), 'utf8');
}

describe('Lambda Invoke actions (e2e, real SDK against the local engine)', () => {
  it('succeeds only through PutJobSuccessResult, with the source revision and the full state shape', async () => {
    // Act
    const { id, execution, actions } = await run('lambda-success', 'succeed');
    const state = await local.client.send(new GetPipelineStateCommand({ name: 'lambda-success' }));
    // Assess
    expect(execution.status).toBe('Succeeded');
    expect(execution.trigger?.triggerType).toBe('StartPipelineExecution');
    expect(execution.artifactRevisions?.[0]?.name).toBe('SourceOutput');
    expect(actions.Run.status).toBe('Succeeded');
    expect(actions.Run.output?.executionResult?.externalExecutionSummary).toBe('ok from succeed');
    expect(actions.Run.input?.resolvedConfiguration).toEqual({ FunctionName: 'succeed' });
    expect(actions.Source.output?.outputArtifacts?.[0]?.s3location?.key).toMatch(
      /^lambda-success\/SourceOutp\/\w{7}$/,
    );
    expect(
      state.stageStates?.map((s) => [
        s.stageName,
        s.latestExecution?.status,
        s.inboundTransitionState?.enabled,
      ]),
    ).toEqual([
      ['Source', 'Succeeded', true],
      ['Invoke', 'Succeeded', true],
    ]);
    const runState = state.stageStates?.[1].actionStates?.[0].latestExecution;
    expect(runState).toMatchObject({ status: 'Succeeded', summary: 'ok from succeed', percentComplete: 100 });
    expect(state.stageStates?.[1].latestExecution?.pipelineExecutionId).toBe(id);
  });

  it('continues a job: a new job id re-invokes the function with the continuation token', async () => {
    const { execution, actions } = await run('lambda-continue', 'continue-once');
    expect(execution.status).toBe('Succeeded');
    const vars = actions.Run.output?.outputVariables ?? {};
    expect(vars.Step).toBe('2');
    expect(vars.FirstJob).toMatch(/^[0-9a-f-]{36}$/);
    expect(vars.SecondJob).not.toBe(vars.FirstJob);
  });

  it('retries a throwing handler twice, then fails the action with its error', async () => {
    const { execution, actions } = await run('lambda-throws', 'throws');
    expect(execution.status).toBe('Failed');
    expect(actions.Run.output?.executionResult?.errorDetails?.message).toContain(
      'failed on all 3 invocation attempts',
    );
    expect(actions.Run.output?.executionResult?.errorDetails?.message).toContain(
      'handler exploded on purpose',
    );
    expect(execution.statusSummary).toContain('Invoke/Run failed');
    expect(logOf('throws').match(/^START RequestId/gm)).toHaveLength(3);
  });

  it('kills a handler at its timeout, retries, then fails with the timeout', async () => {
    const { execution, actions } = await run('lambda-hangs', 'hangs');
    expect(execution.status).toBe('Failed');
    expect(actions.Run.output?.executionResult?.errorDetails?.message).toContain(
      'Task timed out after 1.00 seconds',
    );
    expect(logOf('hangs')).toContain('Status: timeout');
  });

  it('answers a second result for the same job with InvalidJobStateException', async () => {
    const { execution } = await run('lambda-twice', 'reports-twice');
    expect(execution.status).toBe('Succeeded');
    // the execution ends on the first result; the handler's second call returns a moment later
    const deadline = Date.now() + 5000;
    while (!logOf('reports-twice').includes('second result:') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(logOf('reports-twice')).toContain('second result: InvalidJobStateException');
  });

  it('fails the action when the function never reports (reply timer)', async () => {
    const { execution, actions } = await run('lambda-silent', 'never-reports');
    expect(execution.status).toBe('Failed');
    expect(actions.Run.output?.executionResult?.errorDetails?.message).toContain(
      'did not call PutJobSuccessResult or PutJobFailureResult',
    );
  });

  it('fails the action with a clear message for a function that is not defined', async () => {
    const { execution, actions } = await run('lambda-unknown', 'no-such-function');
    expect(execution.status).toBe('Failed');
    expect(actions.Run.output?.executionResult?.errorDetails?.message).toMatch(
      /Lambda function "no-such-function" is not defined locally: add it to the --functions file \(defined: succeed,/,
    );
  });

  it('gives Lambda environment and context, and reports cold and warm starts in the log', async () => {
    const { execution, actions } = await run('lambda-context', 'output-vars');
    await run('lambda-context-2', 'output-vars');
    expect(execution.status).toBe('Succeeded');
    expect(actions.Run.output?.outputVariables).toMatchObject({
      FunctionName: 'output-vars',
      Memory: '256',
      Arn: 'arn:aws:lambda:us-east-1:000000000000:function:output-vars',
      RemainingPositive: 'true',
      EnvFunction: 'output-vars',
      Custom: 'from-functions-file',
    });
    const reports = logOf('output-vars').match(/^REPORT .*$/gm) ?? [];
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports[0]).toContain('Init Duration');
    expect(reports[1]).not.toContain('Init Duration');
  });

  it('rejects results for unknown jobs and lists executions newest first', async () => {
    await expect(
      local.client.send(new PutJobSuccessResultCommand({ jobId: '00000000-0000-0000-0000-000000000000' })),
    ).rejects.toMatchObject({
      name: 'JobNotFoundException',
    });
    const { pipelineExecutionSummaries } = await local.client.send(
      new ListPipelineExecutionsCommand({ pipelineName: 'lambda-context' }),
    );
    expect(pipelineExecutionSummaries?.[0]).toMatchObject({
      status: 'Succeeded',
      trigger: { triggerType: 'StartPipelineExecution' },
    });
  });
});
