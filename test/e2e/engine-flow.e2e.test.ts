import {
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineStateCommand,
  PutWebhookCommand,
  RetryStageExecutionCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  createPipeline,
  invoke,
  startEngineTestServer,
  waitForExecution,
} from '../helpers/engine-e2e.js';
import { removeDir, tempDir, type TestLocalServer } from '../helpers/local-server.js';

let local: TestLocalServer;
let work: string;
const recordFile = () => join(work, 'events-received.jsonl');

beforeAll(async () => {
  work = tempDir('cpkit-flow-');
  local = await startEngineTestServer({
    source: 'source-bytes',
    environment: { RECORD_FILE: join(work, 'events-received.jsonl') },
    engine: {
      rules: [
        {
          name: 'failed-flow-actions',
          eventPattern: {
            source: ['aws.codepipeline'],
            'detail-type': ['CodePipeline Action Execution State Change'],
            detail: { state: ['FAILED'], pipeline: [{ prefix: 'flow-' }] },
          },
          targets: [{ function: 'record-event' }],
        },
      ],
    },
  });
});
afterAll(async () => {
  await local?.stop();
  removeDir(work);
});

async function start(name: string, variables?: { name: string; value: string }[]): Promise<string> {
  const r = await local.client.send(new StartPipelineExecutionCommand({ name, variables }));
  return r.pipelineExecutionId!;
}

function events(): { 'detail-type': string; detail: Record<string, any> }[] {
  return readFileSync(join(local.dataDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

async function waitForActionInProgress(pipeline: string, stage: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const state = await local.client.send(new GetPipelineStateCommand({ name: pipeline }));
    const s = state.stageStates?.find((x) => x.stageName === stage);
    if (s?.actionStates?.some((a) => a.latestExecution?.status === 'InProgress')) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`no action of ${pipeline}/${stage} became InProgress`);
}

describe('Pipeline executions (e2e)', () => {
  it('passes artifacts through the S3 store and variables between stages', async () => {
    await createPipeline(
      local.client,
      'flow-artifacts',
      [
        {
          name: 'Build',
          actions: [
            invoke('Make', 'output-vars', {
              namespace: 'Build',
              inputArtifacts: [{ name: 'SourceOutput' }],
              outputArtifacts: [{ name: 'BuildOutput' }],
              configuration: { FunctionName: 'output-vars', UserParameters: '#{variables.env}' },
            }),
          ],
        },
        {
          name: 'Deploy',
          actions: [
            invoke('Use', 'output-vars', {
              inputArtifacts: [{ name: 'BuildOutput' }],
              configuration: {
                FunctionName: 'output-vars',
                UserParameters: '#{Build.Params}:#{codepipeline.PipelineExecutionId}',
              },
            }),
          ],
        },
      ],
      { variables: [{ name: 'env', defaultValue: 'dev' }] },
    );
    const id = await start('flow-artifacts', [{ name: 'env', value: 'prod' }]);
    const execution = await waitForExecution(local.client, 'flow-artifacts', id);
    const actions = await actionsOf(local.client, 'flow-artifacts', id);
    expect(execution.status).toBe('Succeeded');
    expect(execution.variables).toEqual([{ name: 'env', resolvedValue: 'prod' }]);
    expect(actions.Make.output?.outputVariables).toMatchObject({ Params: 'prod', Seen: 'source-bytes' });
    expect(actions.Use.input?.resolvedConfiguration?.UserParameters).toBe(`prod:${id}`);
    expect(actions.Use.input?.configuration?.UserParameters).toBe(
      '#{Build.Params}:#{codepipeline.PipelineExecutionId}',
    );
    expect(actions.Use.output?.outputVariables).toMatchObject({ Seen: 'source-bytes|prod' });
    expect(actions.Use.input?.inputArtifacts?.[0]).toEqual(actions.Make.output?.outputArtifacts?.[0]);
  });

  it('scopes job credentials to the job: read inputs, write outputs, AccessDenied otherwise', async () => {
    await createPipeline(local.client, 'flow-permissions', [
      {
        name: 'Probe',
        actions: [
          invoke('Probe', 'permission-probe', {
            inputArtifacts: [{ name: 'SourceOutput' }],
            outputArtifacts: [{ name: 'ProbeOutput' }],
          }),
        ],
      },
    ]);
    const id = await start('flow-permissions');
    await waitForExecution(local.client, 'flow-permissions', id);
    const actions = await actionsOf(local.client, 'flow-permissions', id);
    expect(actions.Probe.output?.outputVariables).toEqual({
      ReadInput: 'allowed',
      WriteOutput: 'allowed',
      WriteInput: 'AccessDenied',
      ReadOther: 'AccessDenied',
      ReadInputWithOwnRole: 'AccessDenied',
    });
  });

  it('runs actions with the same runOrder in parallel and the next runOrder after both', async () => {
    await createPipeline(local.client, 'flow-parallel', [
      {
        name: 'Work',
        actions: [
          invoke('A', 'slow-succeed', {
            runOrder: 1,
            configuration: { FunctionName: 'slow-succeed', UserParameters: '400' },
          }),
          invoke('B', 'slow-succeed', {
            runOrder: 1,
            configuration: { FunctionName: 'slow-succeed', UserParameters: '400' },
          }),
          invoke('C', 'succeed', { runOrder: 2 }),
        ],
      },
    ]);
    const id = await start('flow-parallel');
    expect((await waitForExecution(local.client, 'flow-parallel', id)).status).toBe('Succeeded');
    const order = events()
      .filter(
        (e) =>
          e.detail['execution-id'] === id && e['detail-type'].includes('Action') && e.detail.stage === 'Work',
      )
      .map((e) => `${e.detail.action}:${e.detail.state}`);
    expect(order.slice(0, 2).sort()).toEqual(['A:STARTED', 'B:STARTED']);
    expect(order.indexOf('C:STARTED')).toBeGreaterThan(
      Math.max(order.indexOf('A:SUCCEEDED'), order.indexOf('B:SUCCEEDED')),
    );
  });

  it('holds an execution at a disabled transition and releases it when enabled', async () => {
    await createPipeline(local.client, 'flow-transition', [
      { name: 'Gate', actions: [invoke('Run', 'succeed')] },
    ]);
    await local.client.send(
      new DisableStageTransitionCommand({
        pipelineName: 'flow-transition',
        stageName: 'Gate',
        transitionType: 'Inbound',
        reason: 'release freeze',
      }),
    );
    const id = await start('flow-transition');
    await waitForExecution(local.client, 'flow-transition', id, 10_000, () => true);
    const deadline = Date.now() + 10_000;
    let gate;
    do {
      const state = await local.client.send(new GetPipelineStateCommand({ name: 'flow-transition' }));
      gate = state.stageStates?.find((s) => s.stageName === 'Gate');
    } while (!gate?.inboundExecutions?.length && Date.now() < deadline);
    expect(gate?.inboundTransitionState).toMatchObject({ enabled: false, disabledReason: 'release freeze' });
    expect(gate?.inboundExecutions?.[0]).toMatchObject({ pipelineExecutionId: id, status: 'InProgress' });
    await local.client.send(
      new EnableStageTransitionCommand({
        pipelineName: 'flow-transition',
        stageName: 'Gate',
        transitionType: 'Inbound',
      }),
    );
    expect((await waitForExecution(local.client, 'flow-transition', id)).status).toBe('Succeeded');
  });

  it('stop-and-wait lets the running action finish; stop-and-abandon abandons it', async () => {
    const slow = { configuration: { FunctionName: 'slow-succeed', UserParameters: '1200' } };
    await createPipeline(
      local.client,
      'flow-stop',
      [
        { name: 'Slow', actions: [invoke('Run', 'slow-succeed', slow)] },
        { name: 'Never', actions: [invoke('Run', 'succeed')] },
      ],
      { executionMode: 'PARALLEL' },
    );
    const waitId = await start('flow-stop');
    await waitForActionInProgress('flow-stop', 'Slow');
    await local.client.send(
      new StopPipelineExecutionCommand({
        pipelineName: 'flow-stop',
        pipelineExecutionId: waitId,
        reason: 'r1',
      }),
    );
    await expect(
      local.client.send(
        new StopPipelineExecutionCommand({ pipelineName: 'flow-stop', pipelineExecutionId: waitId }),
      ),
    ).rejects.toMatchObject({ name: 'DuplicatedStopRequestException' });
    const stopped = await waitForExecution(local.client, 'flow-stop', waitId);
    const waited = await actionsOf(local.client, 'flow-stop', waitId);
    expect(stopped.status).toBe('Stopped');
    expect(waited.Run.stageName).toBe('Slow');
    expect(waited.Run.status).toBe('Succeeded');

    const abandonId = await start('flow-stop');
    await new Promise((r) => setTimeout(r, 50));
    await waitForActionInProgress('flow-stop', 'Slow');
    await local.client.send(
      new StopPipelineExecutionCommand({
        pipelineName: 'flow-stop',
        pipelineExecutionId: abandonId,
        abandon: true,
      }),
    );
    const abandoned = await waitForExecution(local.client, 'flow-stop', abandonId);
    expect(abandoned.status).toBe('Stopped');
    expect((await actionsOf(local.client, 'flow-stop', abandonId)).Run.status).toBe('Abandoned');
    await expect(
      local.client.send(
        new StopPipelineExecutionCommand({
          pipelineName: 'flow-stop',
          pipelineExecutionId: abandonId,
          abandon: true,
        }),
      ),
    ).rejects.toMatchObject({ name: 'PipelineExecutionNotStoppableException' });
  });

  it('retries the failed actions of a stage, and tells a rule target about the failure', async () => {
    const marker = join(work, 'fail-once.marker');
    await createPipeline(local.client, 'flow-retry', [
      {
        name: 'Flaky',
        actions: [
          invoke('Ok', 'succeed'),
          invoke('Flaky', 'fail-once', {
            configuration: { FunctionName: 'fail-once', UserParameters: marker },
          }),
        ],
      },
    ]);
    const id = await start('flow-retry');
    expect((await waitForExecution(local.client, 'flow-retry', id)).status).toBe('Failed');
    await local.client.send(
      new RetryStageExecutionCommand({
        pipelineName: 'flow-retry',
        stageName: 'Flaky',
        pipelineExecutionId: id,
        retryMode: 'FAILED_ACTIONS',
      }),
    );
    expect((await waitForExecution(local.client, 'flow-retry', id)).status).toBe('Succeeded');
    const okRuns = events().filter(
      (e) => e.detail['execution-id'] === id && e.detail.action === 'Ok' && e.detail.state === 'STARTED',
    );
    expect(okRuns).toHaveLength(1);
    const deadline = Date.now() + 5000;
    while (!existsSync(recordFile()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const received = readFileSync(recordFile(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(received[0]).toMatchObject({
      source: 'aws.codepipeline',
      'detail-type': 'CodePipeline Action Execution State Change',
      resources: ['arn:aws:codepipeline:us-east-1:000000000000:flow-retry'],
      detail: {
        pipeline: 'flow-retry',
        'execution-id': id,
        stage: 'Flaky',
        action: 'Flaky',
        state: 'FAILED',
        type: { owner: 'AWS', category: 'Invoke', provider: 'Lambda', version: '1' },
        'execution-result': {
          'error-code': 'JobFailed',
          'external-execution-summary': 'first attempt fails on purpose',
        },
      },
    });
  });

  it.each([
    ['SUPERSEDED', ['Succeeded', 'Superseded', 'Succeeded']],
    ['QUEUED', ['Succeeded', 'Succeeded', 'Succeeded']],
    ['PARALLEL', ['Succeeded', 'Succeeded', 'Succeeded']],
  ] as const)('%s mode', async (mode, expected) => {
    const name = `flow-mode-${mode.toLowerCase()}`;
    await createPipeline(
      local.client,
      name,
      [
        {
          name: 'Work',
          actions: [
            invoke('Run', 'slow-succeed', {
              configuration: { FunctionName: 'slow-succeed', UserParameters: '400' },
            }),
          ],
        },
      ],
      { executionMode: mode },
    );
    const first = await start(name);
    await waitForActionInProgress(name, 'Work');
    const second = await start(name);
    const third = await start(name);
    const statuses = [];
    for (const id of [first, second, third])
      statuses.push((await waitForExecution(local.client, name, id)).status);
    expect(statuses).toEqual(expected);
    const workStarts = events()
      .filter(
        (e) => e.detail.pipeline === name && e['detail-type'].includes('Stage') && e.detail.stage === 'Work',
      )
      .map((e) => e.detail.state);
    if (mode === 'PARALLEL') expect(workStarts.slice(0, 3)).toEqual(['STARTED', 'STARTED', 'STARTED']);
    else expect(workStarts.slice(0, 2)).toEqual(['STARTED', 'SUCCEEDED']);
  });

  it('starts the pipeline from its webhook', async () => {
    await createPipeline(local.client, 'flow-webhook', [
      { name: 'Run', actions: [invoke('Run', 'succeed')] },
    ]);
    const { webhook } = await local.client.send(
      new PutWebhookCommand({
        webhook: {
          name: 'flow-webhook-hook',
          targetPipeline: 'flow-webhook',
          targetAction: 'Source',
          filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/main' }],
          authentication: 'UNAUTHENTICATED',
          authenticationConfiguration: {},
        },
      }),
    );
    const response = await fetch(webhook!.url!, {
      method: 'POST',
      body: JSON.stringify({ ref: 'refs/heads/main' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    const state = await local.client.send(new GetPipelineStateCommand({ name: 'flow-webhook' }));
    const id =
      state.stageStates?.[0].latestExecution?.pipelineExecutionId ??
      state.stageStates?.[0].inboundExecutions?.[0]?.pipelineExecutionId;
    const execution = await waitForExecution(local.client, 'flow-webhook', id!);
    expect(execution).toMatchObject({ status: 'Succeeded', trigger: { triggerType: 'Webhook' } });
  });
});
