import type { RuleDeclaration, StageDeclaration } from '@aws-sdk/client-codepipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../../local/errors.js';
import {
  latestConditionRunOfExecution,
  listRuleRunsOfPipeline,
} from '../../../../local/store/condition-run-repo.js';
import {
  countStageRetries,
  getExecution,
  listExecutions,
  listLatestStageRuns,
} from '../../../../local/store/execution-repo.js';
import {
  createTestEngine,
  testPipeline,
  waitingAction,
  type TestEngine,
} from '../../../helpers/engine-harness.js';

const ok = { status: 'Succeeded' as const };
const failed = { status: 'Failed' as const, errorCode: 'JobFailed', errorMessage: 'broken' };

function variableCheck(name: string, operator: string, value: string): RuleDeclaration {
  return {
    name,
    ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
    configuration: { Variable: '#{variables.env}', Value: value, Operator: operator },
  };
}

function windowRule(cron: string): RuleDeclaration {
  return {
    name: 'Window',
    ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' },
    configuration: { Cron: cron },
  };
}

function pipeline(deploy: Partial<StageDeclaration>) {
  return testPipeline(
    'p',
    [
      { name: 'Source', actions: [waitingAction('Src')] },
      { name: 'Deploy', actions: [waitingAction('Run')], ...deploy },
      { name: 'After', actions: [waitingAction('Last')] },
    ],
    { variables: [{ name: 'env', defaultValue: 'prod' }] },
  );
}

let t: TestEngine;
afterEach(async () => t?.close());

function stageStatuses(id: string): Record<string, string> {
  return Object.fromEntries(listLatestStageRuns(t.db, id).map((s) => [s.stageName, s.status]));
}

describe('Function: evaluateStageCondition (through the engine)', () => {
  it('enters a stage whose entry condition is met and records the rule run', () => {
    // Prepare
    t = createTestEngine([
      pipeline({ beforeEntry: { conditions: [{ rules: [variableCheck('Env', 'EQ', 'prod')] }] } }),
    ]);
    // Act
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    // Assess
    expect(t.running(id, 'Run')).toBeDefined();
    const rules = listRuleRunsOfPipeline(t.db, 'p', id, 10, 0);
    expect(rules).toMatchObject([
      { ruleName: 'Env', status: 'Succeeded', resolvedConfiguration: { Variable: 'prod', Value: 'prod' } },
    ]);
  });

  it('fails the stage and the execution when an entry condition with result FAIL is not met', () => {
    t = createTestEngine([
      pipeline({
        beforeEntry: { conditions: [{ result: 'FAIL', rules: [variableCheck('Env', 'EQ', 'dev')] }] },
      }),
    ]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    expect(t.status(id)).toBe('Failed');
    expect(stageStatuses(id).Deploy).toBe('Failed');
    expect(getExecution(t.db, id)?.statusSummary).toContain('Rule Env failed');
  });

  it('skips the stage when an entry condition with result SKIP is not met, and runs the next one', () => {
    t = createTestEngine([
      pipeline({
        beforeEntry: { conditions: [{ result: 'SKIP', rules: [variableCheck('Env', 'NE', 'prod')] }] },
      }),
    ]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    t.engine.completeAction(t.running(id, 'Last').id, ok);
    expect(stageStatuses(id).Deploy).toBe('Skipped');
    expect(t.runs(id).map((r) => r.actionName)).not.toContain('Run');
    expect(t.status(id)).toBe('Succeeded');
  });

  it('waits outside a deployment window, enters when the window opens (timer), and can be overridden', () => {
    // 1_700_000_000_000 is 2023-11-14 22:13:20 UTC: the window "hour 23" opens 46 min 40 s later
    t = createTestEngine([
      pipeline({ beforeEntry: { conditions: [{ rules: [windowRule('* * 23 ? * * *')] }] } }),
    ]);
    const first = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(first, 'Src').id, ok);
    const waiting = latestConditionRunOfExecution(t.db, first, 'Deploy', 'BEFORE_ENTRY')?.status;
    const runsWhileWaiting = t.runs(first).length;
    t.clock.advance(47 * 60_000);
    expect(waiting).toBe('InProgress');
    expect(runsWhileWaiting).toBe(1);
    expect(t.running(first, 'Run')).toBeDefined();
    expect(latestConditionRunOfExecution(t.db, first, 'Deploy', 'BEFORE_ENTRY')?.status).toBe('Succeeded');
  });

  it('lets OverrideStageCondition through a waiting entry condition; a finished one is not overridable', () => {
    t = createTestEngine([
      pipeline({ beforeEntry: { conditions: [{ rules: [windowRule('* * * ? * * 2199')] }] } }),
    ]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    t.engine.overrideStageCondition('p', 'Deploy', id, 'BEFORE_ENTRY');
    expect(t.running(id, 'Run')).toBeDefined();
    expect(latestConditionRunOfExecution(t.db, id, 'Deploy', 'BEFORE_ENTRY')?.status).toBe('Overridden');
    expect(listRuleRunsOfPipeline(t.db, 'p', id, 10, 0)[0].status).toBe('Abandoned');
    expect(() => t.engine.overrideStageCondition('p', 'Deploy', id, 'BEFORE_ENTRY')).toThrow(ServiceError);
  });

  it('lets OverrideStageCondition through a waiting success condition: the stage then succeeds', () => {
    t = createTestEngine([
      pipeline({ onSuccess: { conditions: [{ rules: [windowRule('* * * ? * * 2199')] }] } }),
    ]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    t.engine.completeAction(t.running(id, 'Run').id, ok);
    const whileWaiting = stageStatuses(id).Deploy;
    t.engine.overrideStageCondition('p', 'Deploy', id, 'ON_SUCCESS');
    expect(whileWaiting).toBe('InProgress');
    expect(stageStatuses(id).Deploy).toBe('Succeeded');
    expect(t.running(id, 'Last')).toBeDefined();
  });

  it('evaluates a waiting condition again after a restart (its timer is re-armed by resume)', async () => {
    const decl = pipeline({ beforeEntry: { conditions: [{ rules: [windowRule('* * 23 ? * * *')] }] } });
    t = createTestEngine([decl]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    const db = t.db;
    await t.close();
    t = createTestEngine([decl], {}, db);
    t.engine.resume();
    const afterResume = t.runs(id).length;
    t.clock.advance(47 * 60_000);
    expect(afterResume).toBe(1);
    expect(t.running(id, 'Run')).toBeDefined();
  });

  it('cancels a waiting condition when its execution is stopped', () => {
    t = createTestEngine([
      pipeline({ beforeEntry: { conditions: [{ rules: [windowRule('* * * ? * * 2199')] }] } }),
    ]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    t.engine.stopExecution('p', id, false, 'no');
    expect(t.status(id)).toBe('Stopped');
    expect(latestConditionRunOfExecution(t.db, id, 'Deploy', 'BEFORE_ENTRY')?.status).toBe('Cancelled');
  });

  it('fails a stage whose success condition is not met', () => {
    t = createTestEngine([
      pipeline({
        onSuccess: { conditions: [{ result: 'FAIL', rules: [variableCheck('Env', 'CONTAINS', 'dev')] }] },
      }),
    ]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    t.engine.completeAction(t.running(id, 'Run').id, ok);
    expect(stageStatuses(id).Deploy).toBe('Failed');
    expect(t.status(id)).toBe('Failed');
    expect(getExecution(t.db, id)?.statusSummary).toContain('Success condition of stage Deploy failed');
  });

  it('retries a failed stage once automatically with onFailure result RETRY', () => {
    t = createTestEngine([
      pipeline({ onFailure: { result: 'RETRY', retryConfiguration: { retryMode: 'ALL_ACTIONS' } } }),
    ]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    t.engine.completeAction(t.running(id, 'Run').id, failed);
    const retried = t.running(id, 'Run');
    t.engine.completeAction(retried.id, failed);
    expect(retried.stageAttempt).toBe(2);
    expect(t.status(id)).toBe('Failed');
    expect(countStageRetries(t.db, id, 'Deploy')).toEqual({ automated: 1, manual: 0 });
  });

  it('rolls a failed stage back to the last successful execution with onFailure result ROLLBACK', () => {
    t = createTestEngine([pipeline({ onFailure: { result: 'ROLLBACK' } })]);
    const good = t.engine.startExecution({ pipelineName: 'p' });
    for (const a of ['Src', 'Run', 'Last']) t.engine.completeAction(t.running(good, a).id, ok);
    const bad = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(bad, 'Src').id, ok);
    t.engine.completeAction(t.running(bad, 'Run').id, failed);
    const rollback = listExecutions(t.db, 'p')[0];
    expect(t.status(bad)).toBe('Failed');
    expect(rollback).toMatchObject({
      executionType: 'ROLLBACK',
      triggerType: 'AutomatedRollback',
      rollbackTargetId: good,
    });
    expect(t.running(rollback.id, 'Run')).toBeDefined();
  });

  it('fails rules of providers that are not emulated, unless --simulate covers them', () => {
    const alarm: RuleDeclaration = {
      name: 'Alarm',
      ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'CloudWatchAlarm', version: '1' },
      configuration: { AlarmName: 'a' },
    };
    t = createTestEngine([pipeline({ beforeEntry: { conditions: [{ rules: [alarm] }] } })]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    expect(getExecution(t.db, id)?.statusSummary).toContain('not emulated locally');
    void t.close();
    t = createTestEngine([pipeline({ beforeEntry: { conditions: [{ rules: [alarm] }] } })], {
      simulate: { CloudWatchAlarm: 'succeed' },
    });
    const simulated = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(simulated, 'Src').id, ok);
    expect(t.running(simulated, 'Run')).toBeDefined();
  });
});
