import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalFunction } from '../../../../local/functions-file.js';
import { openDatabase, type Db } from '../../../../local/store/database.js';
import { listJobsOfActionRun } from '../../../../local/store/job-repo.js';
import {
  createTestEngine,
  testPipeline,
  waitingAction,
  type TestEngine,
} from '../../../helpers/engine-harness.js';
import { removeDir, repoRoot, tempDir } from '../../../helpers/local-server.js';

const neverReports: LocalFunction = {
  name: 'never-reports',
  bundle: join(repoRoot, 'test', 'fixtures', 'handlers', 'never-reports.mjs'),
  handler: 'handler',
  timeoutSeconds: 3,
  memoryMB: 128,
  environment: {},
};

const pipeline = testPipeline('resume', [
  { name: 'Source', actions: [waitingAction('Src')] },
  {
    name: 'Invoke',
    actions: [
      {
        name: 'Call',
        actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
        configuration: { FunctionName: 'never-reports' },
      },
    ],
  },
]);

let dir: string;
let engines: TestEngine[] = [];
let db: Db | undefined;
afterEach(async () => {
  for (const e of engines) await e.close();
  engines = [];
  db?.close();
  removeDir(dir);
});

describe('Function: ExecutionEngine.resume', () => {
  it('re-invokes a running Lambda job with the same job id and re-arms its reply timer from the stored deadline', async () => {
    // Prepare: an execution whose Lambda job is running when the engine goes away
    dir = tempDir('cpkit-resume-');
    db = openDatabase(dir);
    const first = createTestEngine([pipeline], { functions: [neverReports], jobReplyTimeoutMs: 60_000 }, db);
    engines.push(first);
    const id = first.engine.startExecution({ pipelineName: 'resume' });
    first.engine.completeAction(first.running(id, 'Src').id, { status: 'Succeeded' });
    const call = first.running(id, 'Call');
    const [job] = listJobsOfActionRun(db, call.id);
    await first.close();
    // Act: a new engine on the same database, 59 s later
    const second = createTestEngine([pipeline], { functions: [neverReports], jobReplyTimeoutMs: 60_000 }, db);
    engines.push(second);
    second.clock.advance(59_000);
    second.engine.resume();
    const jobsAfterResume = listJobsOfActionRun(db, call.id);
    second.clock.advance(999);
    const beforeDeadline = second.status(id);
    second.clock.advance(1);
    // Assess
    expect(jobsAfterResume.map((j) => j.id)).toEqual([job.id]);
    expect(jobsAfterResume[0].attempt).toBe(2);
    expect(beforeDeadline).toBe('InProgress');
    expect(second.status(id)).toBe('Failed');
    expect(second.runs(id).find((r) => r.actionName === 'Call')?.errorMessage).toContain(
      'within the reply timeout of 60 seconds',
    );
  });
});
