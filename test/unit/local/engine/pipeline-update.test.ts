import { afterEach, describe, expect, it } from 'vitest';
import { getExecution, listLatestStageRuns } from '../../../../local/store/execution-repo.js';
import { setTransition } from '../../../../local/store/transition-repo.js';
import {
  createTestEngine,
  testPipeline,
  waitingAction,
  type TestEngine,
} from '../../../helpers/engine-harness.js';

const ok = { status: 'Succeeded' as const };

function pipeline(version: number) {
  return testPipeline(
    'p',
    [
      { name: 'Source', actions: [waitingAction('Src')] },
      { name: 'Build', actions: [waitingAction('A', { runOrder: 1 }), waitingAction('B', { runOrder: 2 })] },
      { name: 'Deploy', actions: [waitingAction('D')] },
    ],
    { version, executionMode: 'PARALLEL' },
  );
}

let t: TestEngine;
afterEach(async () => t?.close());

/** What UpdatePipeline does: store the new version, then wake the pipeline's executions (wiring.ts). */
function update(version: number): void {
  t.pipelines.set('p', pipeline(version));
  t.engine.wakePipeline('p');
}

describe('Function: cancelOutdatedExecution (through the engine)', () => {
  it('lets in-progress actions of an older version finish, starts nothing new, and ends Cancelled', () => {
    // Prepare
    t = createTestEngine([pipeline(1)]);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    // Act
    update(2);
    const whileRunning = t.status(id);
    t.engine.completeAction(t.running(id, 'A').id, ok);
    // Assess
    expect(whileRunning).toBe('InProgress');
    expect(t.runs(id).map((r) => r.actionName)).toEqual(['Src', 'A']);
    expect(t.status(id)).toBe('Cancelled');
    expect(getExecution(t.db, id)?.statusSummary).toContain('updated to version 2');
    expect(listLatestStageRuns(t.db, id).map((s) => [s.stageName, s.status])).toEqual([
      ['Source', 'Succeeded'],
      ['Build', 'Cancelled'],
    ]);
  });

  it('cancels an execution waiting before a stage at once; new executions run the new version', () => {
    t = createTestEngine([pipeline(1)]);
    setTransition(t.db, { pipelineName: 'p', stageName: 'Build', enabled: false, reason: 'hold' }, 0);
    const id = t.engine.startExecution({ pipelineName: 'p' });
    t.engine.completeAction(t.running(id, 'Src').id, ok);
    const waiting = getExecution(t.db, id)?.waitingSince;
    update(2);
    const fresh = t.engine.startExecution({ pipelineName: 'p' });
    expect(waiting).not.toBeNull();
    expect(t.status(id)).toBe('Cancelled');
    expect(getExecution(t.db, fresh)?.pipelineVersion).toBe(2);
    expect(t.running(fresh, 'Src')).toBeDefined();
  });
});
