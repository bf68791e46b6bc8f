import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../../local/errors.js';
import { getTransition, setTransition } from '../../../../local/store/transition-repo.js';
import { getExecution, listLatestStageRuns } from '../../../../local/store/execution-repo.js';
import {
  createTestEngine,
  testPipeline,
  waitingAction,
  type TestEngine,
} from '../../../helpers/engine-harness.js';

const ok = { status: 'Succeeded' as const };
const failed = (message: string) => ({
  status: 'Failed' as const,
  errorCode: 'JobFailed',
  errorMessage: message,
});

function twoStage(name: string, mode = 'SUPERSEDED') {
  return testPipeline(
    name,
    [
      { name: 'Source', actions: [waitingAction('Src')] },
      {
        name: 'Build',
        actions: [
          waitingAction('A', { runOrder: 1 }),
          waitingAction('B', { runOrder: 1 }),
          waitingAction('C', { runOrder: 2 }),
        ],
      },
    ],
    { executionMode: mode as never },
  );
}

function expectServiceError(fn: () => unknown, type: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).type).toBe(type);
    return;
  }
  throw new Error(`expected ${type}`);
}

let t: TestEngine;
afterEach(async () => t?.close());

describe('Class: ExecutionEngine', () => {
  it('runs stages in order and actions with the same runOrder in parallel', () => {
    // Prepare
    t = createTestEngine([twoStage('p')]);
    // Act
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    const afterSource = t
      .runs(id)
      .filter((r) => r.status === 'InProgress')
      .map((r) => r.actionName);
    t.engine.completeAction(t.running(id, 'A').id, ok);
    const afterA = t.runs(id).map((r) => r.actionName);
    t.engine.completeAction(t.running(id, 'B').id, ok);
    t.engine.completeAction(t.running(id, 'C').id, ok);
    // Assess
    expect(afterSource.sort()).toEqual(['A', 'B']);
    expect(afterA).not.toContain('C');
    expect(t.status(id)).toBe('Succeeded');
    expect(listLatestStageRuns(t.db, id).map((s) => s.status)).toEqual(['Succeeded', 'Succeeded']);
  });

  it('fails the stage only after parallel actions ended, with the failing action in the summary', () => {
    t = createTestEngine([twoStage('p')]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    t.engine.completeAction(t.running(id, 'A').id, failed('tests broke'));
    const whileBRuns = t.status(id);
    t.engine.completeAction(t.running(id, 'B').id, ok);
    expect(whileBRuns).toBe('InProgress');
    expect(t.status(id)).toBe('Failed');
    expect(getExecution(t.db, id)?.statusSummary).toContain('Build/A failed: tests broke');
    expect(t.runs(id).map((r) => r.actionName)).not.toContain('C');
  });

  it('fails an action whose configuration references an unknown variable', () => {
    const decl = testPipeline('v', [
      { name: 'Source', actions: [waitingAction('Src', { namespace: 'SourceVariables' })] },
      { name: 'Use', actions: [waitingAction('U', { configuration: { P: '#{SourceVariables.Missing}' } })] },
    ]);
    t = createTestEngine([decl]);
    const id = t.engine.startExecution({ pipelineName: 'v' });
    t.engine.completeAction(t.running(id, 'Src').id, { ...ok, outputVariables: { Commit: 'abc' } });
    const u = t.runs(id).find((r) => r.actionName === 'U')!;
    expect(u.status).toBe('Failed');
    expect(u.errorMessage).toContain('#{SourceVariables.Missing}');
    expect(u.errorMessage).toContain('it has: Commit');
    expect(t.status(id)).toBe('Failed');
  });

  it('resolves variables of earlier actions, the pipeline and the execution id', () => {
    const decl = testPipeline(
      'v2',
      [
        { name: 'Source', actions: [waitingAction('Src', { namespace: 'Src' })] },
        {
          name: 'Use',
          actions: [
            waitingAction('U', {
              configuration: { P: '#{Src.Commit}/#{variables.env}/#{codepipeline.PipelineExecutionId}' },
            }),
          ],
        },
      ],
      { variables: [{ name: 'env', defaultValue: 'dev' }] },
    );
    t = createTestEngine([decl]);
    const id = t.engine.startExecution({ pipelineName: 'v2', variables: [{ name: 'env', value: 'prod' }] });
    t.engine.completeAction(t.running(id, 'Src').id, { ...ok, outputVariables: { Commit: 'abc' } });
    expect(t.running(id, 'U').resolvedConfiguration).toEqual({ P: `abc/prod/${id}` });
  });

  it('rejects undeclared pipeline variables and returns the same execution for a repeated clientRequestToken', () => {
    t = createTestEngine([twoStage('p')]);
    expectServiceError(
      () => t.engine.startExecution({ pipelineName: 'p', variables: [{ name: 'x', value: '1' }] }),
      'ValidationException',
    );
    const a = t.engine.startExecution({ pipelineName: 'p', clientRequestToken: 'tok-1' });
    const b = t.engine.startExecution({ pipelineName: 'p', clientRequestToken: 'tok-1' });
    expect(b).toBe(a);
  });

  describe('stop', () => {
    it('stop-and-wait lets the running actions finish, then Stopped; a repeat is a duplicate', () => {
      t = createTestEngine([twoStage('p')]);
      const id = t.engine.startExecution({ pipelineName: 'p' });
      t.engine.completeAction(t.running(id, 'Src').id, ok);
      t.engine.stopExecution('p', id, false, 'enough');
      expect(t.status(id)).toBe('Stopping');
      expectServiceError(() => t.engine.stopExecution('p', id, false), 'DuplicatedStopRequestException');
      t.engine.completeAction(t.running(id, 'A').id, ok);
      t.engine.completeAction(t.running(id, 'B').id, ok);
      expect(t.status(id)).toBe('Stopped');
      expect(t.runs(id).map((r) => r.actionName)).not.toContain('C');
      expectServiceError(
        () => t.engine.stopExecution('p', id, true),
        'PipelineExecutionNotStoppableException',
      );
    });

    it('stop-and-abandon may follow stop-and-wait and abandons running actions at once', () => {
      t = createTestEngine([twoStage('p')]);
      const id = t.engine.startExecution({ pipelineName: 'p' });
      t.engine.completeAction(t.running(id, 'Src').id, ok);
      t.engine.stopExecution('p', id, false);
      t.engine.stopExecution('p', id, true, 'now');
      expect(t.status(id)).toBe('Stopped');
      expect(
        t
          .runs(id)
          .filter((r) => r.stageName === 'Build')
          .map((r) => r.status),
      ).toEqual(['Abandoned', 'Abandoned']);
      expect(t.engine.completeAction(t.runs(id)[1].id, ok)).toBe(false);
    });
  });

  describe('retry', () => {
    function failedRun(): string {
      const id = t.engine.startExecution({ pipelineName: 'p' });
      t.engine.completeAction(t.running(id, 'Src').id, ok);
      t.engine.completeAction(t.running(id, 'A').id, ok);
      t.engine.completeAction(t.running(id, 'B').id, failed('flaky'));
      return id;
    }

    it('FAILED_ACTIONS reruns only the failed action', () => {
      t = createTestEngine([twoStage('p')]);
      const id = failedRun();
      t.engine.retryStageExecution('p', 'Build', id, 'FAILED_ACTIONS');
      expect(t.status(id)).toBe('InProgress');
      const inProgress = t
        .runs(id)
        .filter((r) => r.status === 'InProgress')
        .map((r) => r.actionName);
      expect(inProgress).toEqual(['B']);
      t.engine.completeAction(t.running(id, 'B').id, ok);
      t.engine.completeAction(t.running(id, 'C').id, ok);
      expect(t.status(id)).toBe('Succeeded');
    });

    it('ALL_ACTIONS reruns every action of the stage', () => {
      t = createTestEngine([twoStage('p')]);
      const id = failedRun();
      t.engine.retryStageExecution('p', 'Build', id, 'ALL_ACTIONS');
      expect(
        t
          .runs(id)
          .filter((r) => r.status === 'InProgress')
          .map((r) => r.actionName)
          .sort(),
      ).toEqual(['A', 'B']);
    });

    it('refuses a stage that did not fail, and an execution that is not the latest in the stage', () => {
      t = createTestEngine([twoStage('p', 'PARALLEL')]);
      const id = failedRun();
      expectServiceError(
        () => t.engine.retryStageExecution('p', 'Source', id, 'ALL_ACTIONS'),
        'StageNotRetryableException',
      );
      expectServiceError(
        () => t.engine.retryStageExecution('p', 'Nope', id, 'ALL_ACTIONS'),
        'StageNotFoundException',
      );
      const newer = t.engine.startExecution({ pipelineName: 'p' });
      t.clock.advance(1000);
      t.engine.completeAction(t.running(newer, 'Src').id, ok);
      expectServiceError(
        () => t.engine.retryStageExecution('p', 'Build', id, 'ALL_ACTIONS'),
        'NotLatestPipelineExecutionException',
      );
    });
  });

  describe('execution modes', () => {
    it('SUPERSEDED: a newer execution replaces an older one waiting for the same stage', () => {
      t = createTestEngine([twoStage('p', 'SUPERSEDED')]);
      const first = t.engine.startExecution({ pipelineName: 'p' });
      const second = t.engine.startExecution({ pipelineName: 'p' });
      const third = t.engine.startExecution({ pipelineName: 'p' });
      expect(t.status(second)).toBe('Superseded');
      t.engine.completeAction(t.running(first, 'Src').id, ok);
      expect(t.running(third, 'Src')).toBeDefined();
      expect(t.running(first, 'A')).toBeDefined();
    });

    it('QUEUED: executions wait their turn in order and none is superseded', () => {
      t = createTestEngine([twoStage('p', 'QUEUED')]);
      const first = t.engine.startExecution({ pipelineName: 'p' });
      const second = t.engine.startExecution({ pipelineName: 'p' });
      const third = t.engine.startExecution({ pipelineName: 'p' });
      t.engine.completeAction(t.running(first, 'Src').id, ok);
      expect(t.runs(third)).toEqual([]);
      t.engine.completeAction(t.running(second, 'Src').id, ok);
      expect(t.running(third, 'Src')).toBeDefined();
      expect([t.status(first), t.status(second), t.status(third)]).toEqual([
        'InProgress',
        'InProgress',
        'InProgress',
      ]);
    });

    it('PARALLEL: executions run independently', () => {
      t = createTestEngine([twoStage('p', 'PARALLEL')]);
      const ids = [1, 2, 3].map(() => t.engine.startExecution({ pipelineName: 'p' }));
      for (const id of ids) expect(t.running(id, 'Src')).toBeDefined();
    });
  });

  it('holds an execution before a disabled transition and releases it when enabled', () => {
    t = createTestEngine([twoStage('p')]);
    setTransition(t.db, { pipelineName: 'p', stageName: 'Build', enabled: false, reason: 'freeze' }, 0);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    const held = t.runs(id).filter((r) => r.stageName === 'Build').length;
    setTransition(t.db, { pipelineName: 'p', stageName: 'Build', enabled: true }, 1);
    t.engine.wakePipeline('p');
    expect(held).toBe(0);
    expect(getTransition(t.db, 'p', 'Build')?.enabled).toBe(true);
    expect(t.running(id, 'A')).toBeDefined();
  });

  it('rolls a stage back to the artifacts of an earlier successful execution (V2)', () => {
    const decl = testPipeline('r', [
      { name: 'Source', actions: [waitingAction('Src', { outputArtifacts: [{ name: 'Out' }] })] },
      { name: 'Deploy', actions: [waitingAction('D', { inputArtifacts: [{ name: 'Out' }] })] },
    ]);
    t = createTestEngine([decl], {}, undefined);
    const good = t.engine.startExecution({ pipelineName: 'r' });
    t.engine.completeAction(t.running(good, 'Src').id, ok);
    const goodKey = t.running(good, 'D').inputArtifacts[0].key;
    t.engine.completeAction(t.running(good, 'D').id, ok);
    t.clock.advance(1000);
    const bad = t.engine.startExecution({ pipelineName: 'r' });
    t.engine.completeAction(t.running(bad, 'Src').id, ok);
    t.engine.completeAction(t.running(bad, 'D').id, failed('broken deploy'));
    t.clock.advance(1000);
    const rollback = t.engine.rollbackStage('r', 'Deploy', good);
    expect(t.running(rollback, 'D').inputArtifacts[0].key).toBe(goodKey);
    expect(getExecution(t.db, rollback)?.triggerType).toBe('ManualRollback');
  });
});
