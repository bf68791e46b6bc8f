import {
  DeletePipelineCommand,
  DisableStageTransitionCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListDeployActionExecutionTargetsCommand,
  ListPipelineExecutionsCommand,
  ListRuleExecutionsCommand,
  OverrideStageConditionCommand,
  PutActionRevisionCommand,
  PutJobFailureResultCommand,
  RetryStageExecutionCommand,
  RollbackStageCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
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
const NO_SUCH = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  local = await startEngineTestServer({ source: 'v1' });
  await createPipeline(local.client, 'api-p', [{ name: 'Deploy', actions: [invoke('Run', 'succeed')] }]);
});
afterAll(async () => local?.stop());

async function start(variables?: { name: string; value: string }[]): Promise<string> {
  return (await local.client.send(new StartPipelineExecutionCommand({ name: 'api-p', variables })))
    .pipelineExecutionId!;
}

describe('Execution operations: shapes and declared errors (e2e)', () => {
  it('paginates ListPipelineExecutions and ListActionExecutions newest first', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const id = await start();
      await waitForExecution(local.client, 'api-p', id);
      ids.push(id);
    }
    const first = await local.client.send(
      new ListPipelineExecutionsCommand({ pipelineName: 'api-p', maxResults: 2 }),
    );
    const second = await local.client.send(
      new ListPipelineExecutionsCommand({ pipelineName: 'api-p', maxResults: 2, nextToken: first.nextToken }),
    );
    expect(first.pipelineExecutionSummaries?.map((s) => s.pipelineExecutionId)).toEqual([ids[2], ids[1]]);
    expect(second.pipelineExecutionSummaries?.[0]?.pipelineExecutionId).toBe(ids[0]);
    const actions = await local.client.send(
      new ListActionExecutionsCommand({ pipelineName: 'api-p', maxResults: 3 }),
    );
    expect(actions.actionExecutionDetails).toHaveLength(3);
    expect(actions.actionExecutionDetails?.[0]).toMatchObject({
      pipelineExecutionId: ids[2],
      actionName: 'Run',
      status: 'Succeeded',
    });
    expect(actions.nextToken).toBeDefined();
    await expect(
      local.client.send(new ListPipelineExecutionsCommand({ pipelineName: 'api-p', nextToken: 'garbage' })),
    ).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
  });

  it('answers unknown pipelines, executions and actions with the declared errors', async () => {
    const cases: [Promise<unknown>, string][] = [
      [local.client.send(new StartPipelineExecutionCommand({ name: 'nope' })), 'PipelineNotFoundException'],
      [
        local.client.send(
          new GetPipelineExecutionCommand({ pipelineName: 'api-p', pipelineExecutionId: NO_SUCH }),
        ),
        'PipelineExecutionNotFoundException',
      ],
      [local.client.send(new GetPipelineStateCommand({ name: 'nope' })), 'PipelineNotFoundException'],
      [
        local.client.send(
          new StopPipelineExecutionCommand({ pipelineName: 'api-p', pipelineExecutionId: NO_SUCH }),
        ),
        'PipelineExecutionNotStoppableException',
      ],
      [
        local.client.send(
          new RetryStageExecutionCommand({
            pipelineName: 'api-p',
            stageName: 'Nope',
            pipelineExecutionId: NO_SUCH,
            retryMode: 'FAILED_ACTIONS',
          }),
        ),
        'StageNotFoundException',
      ],
      [
        local.client.send(
          new ListActionExecutionsCommand({
            pipelineName: 'api-p',
            filter: { pipelineExecutionId: NO_SUCH },
          }),
        ),
        'PipelineExecutionNotFoundException',
      ],
      [
        local.client.send(
          new ListDeployActionExecutionTargetsCommand({ pipelineName: 'api-p', actionExecutionId: NO_SUCH }),
        ),
        'ActionExecutionNotFoundException',
      ],
      [
        local.client.send(
          new PutActionRevisionCommand({
            pipelineName: 'api-p',
            stageName: 'Source',
            actionName: 'Nope',
            actionRevision: { revisionId: 'r', revisionChangeId: 'c', created: new Date() },
          }),
        ),
        'ActionNotFoundException',
      ],
      [
        local.client.send(
          new DisableStageTransitionCommand({
            pipelineName: 'api-p',
            stageName: 'Nope',
            transitionType: 'Inbound',
            reason: 'x',
          }),
        ),
        'StageNotFoundException',
      ],
      [
        local.client.send(
          new PutJobFailureResultCommand({
            jobId: NO_SUCH,
            failureDetails: { type: 'JobFailed', message: 'x' },
          }),
        ),
        'JobNotFoundException',
      ],
      [
        local.client.send(
          new StartPipelineExecutionCommand({
            name: 'api-p',
            variables: [{ name: 'undeclared', value: '1' }],
          }),
        ),
        'ValidationException',
      ],
    ];
    for (const [promise, name] of cases) await expect(promise).rejects.toMatchObject({ name });
  });

  it('retries only a failed stage, and only of the latest execution', async () => {
    const id = await start();
    await waitForExecution(local.client, 'api-p', id);
    await expect(
      local.client.send(
        new RetryStageExecutionCommand({
          pipelineName: 'api-p',
          stageName: 'Deploy',
          pipelineExecutionId: id,
          retryMode: 'ALL_ACTIONS',
        }),
      ),
    ).rejects.toMatchObject({ name: 'StageNotRetryableException' });
  });

  it('starts an execution for a new action revision only (PutActionRevision)', async () => {
    const revision = { revisionId: 'rev-1', revisionChangeId: 'change-1', created: new Date() };
    const first = await local.client.send(
      new PutActionRevisionCommand({
        pipelineName: 'api-p',
        stageName: 'Source',
        actionName: 'Source',
        actionRevision: revision,
      }),
    );
    const again = await local.client.send(
      new PutActionRevisionCommand({
        pipelineName: 'api-p',
        stageName: 'Source',
        actionName: 'Source',
        actionRevision: revision,
      }),
    );
    expect(first.newRevision).toBe(true);
    expect(again).toMatchObject({ newRevision: false, pipelineExecutionId: first.pipelineExecutionId });
    const execution = await waitForExecution(local.client, 'api-p', first.pipelineExecutionId!);
    expect(execution.trigger?.triggerType).toBe('PutActionRevision');
  });

  it('rolls a stage back to an earlier successful execution (V2)', async () => {
    const target = await start();
    await waitForExecution(local.client, 'api-p', target);
    const later = await start();
    await waitForExecution(local.client, 'api-p', later);
    const { pipelineExecutionId } = await local.client.send(
      new RollbackStageCommand({
        pipelineName: 'api-p',
        stageName: 'Deploy',
        targetPipelineExecutionId: target,
      }),
    );
    const rollback = await waitForExecution(local.client, 'api-p', pipelineExecutionId!);
    expect(rollback).toMatchObject({
      status: 'Succeeded',
      executionType: 'ROLLBACK',
      trigger: { triggerType: 'ManualRollback' },
      rollbackMetadata: { rollbackTargetPipelineExecutionId: target },
    });
    const actions = await actionsOf(local.client, 'api-p', pipelineExecutionId!);
    expect(Object.keys(actions)).toEqual(['Run']);
    await expect(
      local.client.send(
        new RollbackStageCommand({
          pipelineName: 'api-p',
          stageName: 'Source',
          targetPipelineExecutionId: target,
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnableToRollbackStageException' });
  });

  it('has no stage conditions to override and no rule executions or deploy targets locally', async () => {
    const id = await start();
    await waitForExecution(local.client, 'api-p', id);
    await expect(
      local.client.send(
        new OverrideStageConditionCommand({
          pipelineName: 'api-p',
          stageName: 'Deploy',
          pipelineExecutionId: id,
          conditionType: 'BEFORE_ENTRY',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionNotOverridableException' });
    const rules = await local.client.send(
      new ListRuleExecutionsCommand({ pipelineName: 'api-p', filter: { pipelineExecutionId: id } }),
    );
    expect(rules.ruleExecutionDetails).toEqual([]);
    const actions = await actionsOf(local.client, 'api-p', id);
    const targets = await local.client.send(
      new ListDeployActionExecutionTargetsCommand({
        pipelineName: 'api-p',
        actionExecutionId: actions.Run.actionExecutionId,
      }),
    );
    expect(targets.targets).toEqual([]);
  });
  it('deletes a pipeline with an execution in flight; a re-created pipeline starts with an empty history', async () => {
    const slow = { configuration: { FunctionName: 'slow-succeed', UserParameters: '600' } };
    await createPipeline(local.client, 'api-del', [
      { name: 'Slow', actions: [invoke('Run', 'slow-succeed', slow)] },
    ]);
    const { pipelineExecutionId } = await local.client.send(
      new StartPipelineExecutionCommand({ name: 'api-del' }),
    );
    await new Promise((r) => setTimeout(r, 200));
    await local.client.send(new DeletePipelineCommand({ name: 'api-del' }));
    await expect(
      local.client.send(new GetPipelineExecutionCommand({ pipelineName: 'api-del', pipelineExecutionId })),
    ).rejects.toMatchObject({ name: 'PipelineNotFoundException' });
    await createPipeline(local.client, 'api-del', [{ name: 'Slow', actions: [invoke('Run', 'succeed')] }]);
    await new Promise((r) => setTimeout(r, 800)); // the deleted execution's job reports late and is refused
    const { pipelineExecutionSummaries } = await local.client.send(
      new ListPipelineExecutionsCommand({ pipelineName: 'api-del' }),
    );
    expect(pipelineExecutionSummaries).toEqual([]);
  });
});
