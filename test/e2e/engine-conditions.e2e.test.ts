import {
  CreatePipelineCommand,
  GetPipelineStateCommand,
  ListRuleExecutionsCommand,
  OverrideStageConditionCommand,
  StartPipelineExecutionCommand,
  type RuleDeclaration,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACT_BUCKET,
  actionsOf,
  createPipeline,
  invoke,
  s3Source,
  startEngineTestServer,
  waitForExecution,
} from '../helpers/engine-e2e.js';
import { tempDir, type TestLocalServer } from '../helpers/local-server.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

let local: TestLocalServer;
const markerDir = tempDir('cpkit-cond-');
const marker = join(markerDir, 'failed-once');

const envCheck = (operator: string, value: string): RuleDeclaration => ({
  name: 'EnvCheck',
  ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
  configuration: { Variable: '#{variables.env}', Value: value, Operator: operator },
});
const closedWindow: RuleDeclaration = {
  name: 'Window',
  ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' },
  configuration: { Cron: '* * * ? * * 2199', TimeZone: 'Europe/Paris' },
};

beforeAll(async () => {
  local = await startEngineTestServer({ source: 'v1' });
  await createPipeline(
    local.client,
    'cond-entry',
    [
      {
        name: 'Deploy',
        actions: [invoke('Run', 'succeed')],
        beforeEntry: { conditions: [{ result: 'SKIP', rules: [envCheck('EQ', 'prod')] }] },
      },
      {
        name: 'Verify',
        actions: [invoke('Check', 'succeed')],
        onSuccess: { conditions: [{ result: 'FAIL', rules: [envCheck('MATCHES', 'prod|staging')] }] },
      },
    ],
    { variables: [{ name: 'env', defaultValue: 'prod' }] },
  );
  await createPipeline(local.client, 'cond-window', [
    {
      name: 'Deploy',
      actions: [invoke('Run', 'succeed')],
      beforeEntry: { conditions: [{ rules: [closedWindow] }] },
    },
  ]);
  await createPipeline(local.client, 'cond-retry', [
    {
      name: 'Deploy',
      actions: [
        invoke('Flaky', 'fail-once', {
          configuration: { FunctionName: 'fail-once', UserParameters: marker },
        }),
      ],
      onFailure: { result: 'RETRY' },
    },
  ]);
});
afterAll(async () => {
  await local?.stop();
  rmSync(markerDir, { recursive: true, force: true });
});

async function start(name: string, variables?: { name: string; value: string }[]): Promise<string> {
  return (await local.client.send(new StartPipelineExecutionCommand({ name, variables })))
    .pipelineExecutionId!;
}

describe('V2 stage conditions (e2e, real SDK)', () => {
  it('evaluates entry and success conditions and lists the rule executions, paginated', async () => {
    // Act
    const prod = await start('cond-entry');
    const prodDone = await waitForExecution(local.client, 'cond-entry', prod);
    const dev = await start('cond-entry', [{ name: 'env', value: 'dev' }]);
    const devDone = await waitForExecution(local.client, 'cond-entry', dev);
    const firstPage = await local.client.send(
      new ListRuleExecutionsCommand({
        pipelineName: 'cond-entry',
        filter: { pipelineExecutionId: dev },
        maxResults: 1,
      }),
    );
    const secondPage = await local.client.send(
      new ListRuleExecutionsCommand({
        pipelineName: 'cond-entry',
        filter: { pipelineExecutionId: dev },
        nextToken: firstPage.nextToken,
      }),
    );
    const state = await local.client.send(new GetPipelineStateCommand({ name: 'cond-entry' }));
    // Assess
    expect(prodDone.status).toBe('Succeeded');
    expect(devDone.status).toBe('Failed');
    expect(devDone.statusSummary).toContain('Success condition of stage Verify failed');
    expect(Object.keys(await actionsOf(local.client, 'cond-entry', dev))).not.toContain('Run');
    const rules = [...firstPage.ruleExecutionDetails!, ...secondPage.ruleExecutionDetails!];
    expect(firstPage.ruleExecutionDetails).toHaveLength(1);
    expect(secondPage.nextToken).toBeUndefined();
    expect(rules.map((r) => [r.stageName, r.status])).toEqual([
      ['Verify', 'Failed'],
      ['Deploy', 'Failed'],
    ]);
    expect(rules[1]).toMatchObject({
      ruleName: 'EnvCheck',
      input: {
        ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
        resolvedConfiguration: { Variable: 'dev', Value: 'prod', Operator: 'EQ' },
      },
      output: { executionResult: { errorDetails: { code: 'JobFailed' } } },
    });
    const deploy = state.stageStates!.find((s) => s.stageName === 'Deploy')!;
    expect(deploy.latestExecution?.status).toBe('Skipped');
    expect(deploy.beforeEntryConditionState?.latestExecution?.status).toBe('Failed');
    expect(deploy.beforeEntryConditionState?.conditionStates?.[0]?.ruleStates?.[0]).toMatchObject({
      ruleName: 'EnvCheck',
      latestExecution: { status: 'Failed' },
    });
    expect(
      state.stageStates!.find((s) => s.stageName === 'Verify')?.onSuccessConditionState?.latestExecution
        ?.status,
    ).toBe('Failed');
  });

  it('holds an execution outside its deployment window until OverrideStageCondition lets it in', async () => {
    const id = await start('cond-window');
    await waitForExecution(local.client, 'cond-window', id, 10_000, () => true);
    let state = await local.client.send(new GetPipelineStateCommand({ name: 'cond-window' }));
    for (let i = 0; i < 100 && !state.stageStates?.[1]?.beforeEntryConditionState?.latestExecution; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await local.client.send(new GetPipelineStateCommand({ name: 'cond-window' }));
    }
    const waiting = state.stageStates![1];
    await local.client.send(
      new OverrideStageConditionCommand({
        pipelineName: 'cond-window',
        stageName: 'Deploy',
        pipelineExecutionId: id,
        conditionType: 'BEFORE_ENTRY',
      }),
    );
    const done = await waitForExecution(local.client, 'cond-window', id);
    const again = local.client.send(
      new OverrideStageConditionCommand({
        pipelineName: 'cond-window',
        stageName: 'Deploy',
        pipelineExecutionId: id,
        conditionType: 'BEFORE_ENTRY',
      }),
    );
    expect(waiting.beforeEntryConditionState?.latestExecution?.status).toBe('InProgress');
    expect(waiting.inboundExecutions?.[0]?.pipelineExecutionId).toBe(id);
    expect(
      waiting.beforeEntryConditionState?.conditionStates?.[0]?.ruleStates?.[0]?.latestExecution?.summary,
    ).toContain('Waiting for the deployment window');
    expect(done.status).toBe('Succeeded');
    await expect(again).rejects.toMatchObject({ name: 'ConditionNotOverridableException' });
  });

  it('retries a failed stage automatically with onFailure result RETRY', async () => {
    const id = await start('cond-retry');
    const done = await waitForExecution(local.client, 'cond-retry', id);
    const state = await local.client.send(new GetPipelineStateCommand({ name: 'cond-retry' }));
    expect(done.status).toBe('Succeeded');
    expect(state.stageStates?.[1]?.actionStates?.[0]?.latestExecution?.status).toBe('Succeeded');
    expect(state.stageStates?.[1]?.retryStageMetadata).toEqual({
      autoStageRetryAttempt: 1,
      manualStageRetryAttempt: 0,
      latestRetryTrigger: 'AutomatedStageRetry',
    });
  });

  it('rejects invalid condition declarations with InvalidStageDeclarationException', async () => {
    const create = local.client.send(
      new CreatePipelineCommand({
        pipeline: {
          name: 'cond-bad',
          roleArn: 'arn:aws:iam::000000000000:role/pipeline-role',
          artifactStore: { type: 'S3', location: ARTIFACT_BUCKET },
          pipelineType: 'V2',
          stages: [
            { name: 'Source', actions: [s3Source('source.zip')] },
            {
              name: 'Deploy',
              actions: [invoke('Run', 'succeed')],
              beforeEntry: { conditions: [{ result: 'ROLLBACK', rules: [envCheck('EQ', 'x')] }] },
            },
          ],
        },
      }),
    );
    await expect(create).rejects.toMatchObject({ name: 'InvalidStageDeclarationException' });
  });
});
