import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../local/store/database.js';
import {
  getNewestStageRunOfPipeline,
  insertExecution,
  insertStageRun,
  listActiveExecutions,
  updateExecution,
} from '../../../../local/store/execution-repo.js';
import { migration001Pipelines } from '../../../../local/store/migrations/001-pipelines.js';
import { migration020Executions } from '../../../../local/store/migrations/020-executions.js';
import type { Db } from '../../../../local/store/database.js';

function execution(db: Db, id: string, pipelineName: string, now: number) {
  return insertExecution(db, {
    id,
    pipelineName,
    pipelineVersion: 1,
    executionMode: 'QUEUED',
    triggerType: 'StartPipelineExecution',
    variables: [],
    now,
  });
}

function stageRun(db: Db, executionId: string, stageName: string, attempt: number, now: number) {
  return insertStageRun(
    db,
    { executionId, stageName, stageIndex: 1, attempt, retryMode: null, status: 'Succeeded' },
    now,
  );
}

describe('Function: getNewestStageRunOfPipeline', () => {
  it('returns the stage run created last, also when an older execution retried the stage after a newer one', () => {
    // Prepare
    const db = openDatabase(':memory:');
    execution(db, 'e1', 'p', 1_000);
    execution(db, 'e2', 'p', 2_000);
    stageRun(db, 'e1', 'Build', 1, 1_100);
    stageRun(db, 'e2', 'Build', 1, 2_100);
    stageRun(db, 'e1', 'Build', 2, 3_000); // retry of the older execution

    // Act
    const newest = getNewestStageRunOfPipeline(db, 'p', 'Build');

    // Assess
    expect(newest).toMatchObject({ executionId: 'e1', attempt: 2 });
  });

  it('ignores runs of other pipelines with the same stage name and breaks ties by execution, then attempt', () => {
    // Prepare
    const db = openDatabase(':memory:');
    execution(db, 'a1', 'a', 1_000);
    execution(db, 'a2', 'a', 1_000);
    execution(db, 'b1', 'b', 5_000);
    stageRun(db, 'a1', 'Build', 1, 2_000);
    stageRun(db, 'a2', 'Build', 1, 2_000);
    stageRun(db, 'b1', 'Build', 1, 9_000);

    // Act
    const newest = getNewestStageRunOfPipeline(db, 'a', 'Build');

    // Assess
    expect(newest).toMatchObject({ executionId: 'a2', attempt: 1 });
    expect(getNewestStageRunOfPipeline(db, 'a', 'Deploy')).toBeUndefined();
  });
});

describe('Function: listActiveExecutions', () => {
  it('lists InProgress and Stopping executions oldest first, of one pipeline or all', () => {
    // Prepare
    const db = openDatabase(':memory:');
    for (const [id, p, at] of [
      ['x1', 'x', 1],
      ['y1', 'y', 2],
      ['x2', 'x', 3],
      ['x3', 'x', 4],
    ] as const)
      execution(db, id, p, at);
    updateExecution(db, 'x1', { status: 'Succeeded' }, 5);
    updateExecution(db, 'x3', { status: 'Stopping' }, 5);

    // Act
    const ofX = listActiveExecutions(db, 'x').map((e) => e.id);
    const all = listActiveExecutions(db).map((e) => e.id);

    // Assess
    expect(ofX).toEqual(['x2', 'x3']);
    expect(all).toHaveLength(3);
    expect(all).toEqual(expect.arrayContaining(['y1', 'x2', 'x3']));
  });
});

describe('Migration: 021-read-indexes', () => {
  it('gives stage runs stored before it the pipeline name of their execution', () => {
    // Prepare: a data dir whose database is at migration 020, with one stage run
    const dir = mkdtempSync(join(tmpdir(), 'cpkit-migration-'));
    try {
      const raw = new Database(join(dir, 'codepipeline.sqlite'));
      raw.exec(migration001Pipelines);
      raw.exec(migration020Executions);
      raw.exec('CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
      raw.exec(
        "INSERT INTO schema_migrations VALUES ('001-pipelines', 0), ('020-executions', 0);" +
          `INSERT INTO executions (id, pipeline_name, pipeline_version, seq, status, execution_mode, trigger_type,
             created_at, updated_at) VALUES ('old', 'legacy', 1, 1, 'Succeeded', 'QUEUED', 'Webhook', 1, 1);` +
          `INSERT INTO stage_runs (execution_id, stage_name, stage_index, attempt, status, created_at, updated_at)
             VALUES ('old', 'Build', 1, 1, 'Succeeded', 2, 2);`,
      );
      raw.close();

      // Act
      const db = openDatabase(dir);
      const newest = getNewestStageRunOfPipeline(db, 'legacy', 'Build');
      db.close();

      // Assess
      expect(newest).toMatchObject({ executionId: 'old', stageName: 'Build', attempt: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
