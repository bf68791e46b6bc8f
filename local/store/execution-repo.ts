import type { Db } from './database.js';
import { stmt } from './statements.js';

/** Execution statuses of the service model (`PipelineExecutionStatus`). */
export type ExecutionStatus =
  'Cancelled' | 'InProgress' | 'Stopped' | 'Stopping' | 'Succeeded' | 'Superseded' | 'Failed';

/** Stage statuses of the service model (`StageExecutionStatus`). */
export type StageStatus =
  'Cancelled' | 'InProgress' | 'Failed' | 'Stopped' | 'Stopping' | 'Succeeded' | 'Skipped';

/** A resolved pipeline variable of an execution. */
export interface ResolvedVariable {
  readonly name: string;
  readonly resolvedValue: string;
}

/** A source revision recorded by a source action of the execution. */
export interface SourceRevisionRecord {
  readonly actionName: string;
  readonly revisionId?: string;
  readonly revisionSummary?: string;
  readonly revisionUrl?: string;
}

/** A source revision an execution was asked to use (the model's SourceRevisionOverride). */
export interface RequestedRevision {
  readonly actionName: string;
  readonly revisionType: string;
  readonly revisionValue: string;
}

/** One pipeline execution as stored. */
export interface ExecutionRow {
  readonly id: string;
  readonly pipelineName: string;
  readonly pipelineVersion: number;
  readonly seq: number;
  readonly status: ExecutionStatus;
  readonly statusSummary: string | null;
  readonly executionMode: string;
  readonly executionType: string;
  readonly triggerType: string;
  readonly triggerDetail: string | null;
  readonly variables: ResolvedVariable[];
  readonly sourceRevisions: SourceRevisionRecord[];
  readonly requestedRevisions: RequestedRevision[];
  readonly clientRequestToken: string | null;
  /** Index of the stage the execution runs in or waits to enter; the stage count when all are done. */
  readonly nextStageIndex: number;
  /** When the execution began to wait before `nextStageIndex` (null while it runs in that stage). */
  readonly waitingSince: number | null;
  readonly stopMode: 'abandon' | 'wait' | null;
  readonly stopReason: string | null;
  readonly rollbackStage: string | null;
  readonly rollbackTargetId: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One attempt of a stage within an execution. */
export interface StageRunRow {
  readonly executionId: string;
  readonly stageName: string;
  readonly stageIndex: number;
  readonly attempt: number;
  readonly retryMode: 'FAILED_ACTIONS' | 'ALL_ACTIONS' | null;
  /** Who retried the stage into this attempt (none for a first attempt). */
  readonly retryTrigger?: 'AutomatedStageRetry' | 'ManualStageRetry' | null;
  readonly status: StageStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
}

const TERMINAL = new Set<ExecutionStatus>(['Cancelled', 'Stopped', 'Succeeded', 'Superseded', 'Failed']);

/** True for statuses an execution never leaves (except Failed/Stopped through a retry). */
export function isTerminalExecutionStatus(status: string): boolean {
  return TERMINAL.has(status as ExecutionStatus);
}

function toExecution(r: Record<string, any>): ExecutionRow {
  return {
    id: r.id,
    pipelineName: r.pipeline_name,
    pipelineVersion: r.pipeline_version,
    seq: r.seq,
    status: r.status,
    statusSummary: r.status_summary,
    executionMode: r.execution_mode,
    executionType: r.execution_type,
    triggerType: r.trigger_type,
    triggerDetail: r.trigger_detail,
    variables: JSON.parse(r.variables),
    sourceRevisions: JSON.parse(r.source_revisions),
    requestedRevisions: JSON.parse(r.requested_revisions ?? '[]'),
    clientRequestToken: r.client_request_token,
    nextStageIndex: r.next_stage_index,
    waitingSince: r.waiting_since,
    stopMode: r.stop_mode,
    stopReason: r.stop_reason,
    rollbackStage: r.rollback_stage,
    rollbackTargetId: r.rollback_target_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toStageRun(r: Record<string, any>): StageRunRow {
  return {
    executionId: r.execution_id,
    stageName: r.stage_name,
    stageIndex: r.stage_index,
    attempt: r.attempt,
    retryMode: r.retry_mode,
    retryTrigger: r.retry_trigger ?? null,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Input of {@link insertExecution}. */
export interface NewExecution {
  readonly id: string;
  readonly pipelineName: string;
  readonly pipelineVersion: number;
  readonly executionMode: string;
  readonly executionType?: string;
  readonly triggerType: string;
  readonly triggerDetail?: string;
  readonly variables: ResolvedVariable[];
  readonly clientRequestToken?: string;
  /** Source revisions to use instead of the newest (StartPipelineExecution sourceRevisions). */
  readonly requestedRevisions?: readonly RequestedRevision[];
  readonly nextStageIndex?: number;
  readonly rollbackStage?: string;
  readonly rollbackTargetId?: string;
  readonly now: number;
}

/** Inserts a new InProgress execution waiting before its first stage. */
export function insertExecution(db: Db, e: NewExecution): ExecutionRow {
  const seq = (
    stmt(db, 'SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM executions WHERE pipeline_name = ?').get(
      e.pipelineName,
    ) as { n: number }
  ).n;
  stmt(
    db,
    `INSERT INTO executions (id, pipeline_name, pipeline_version, seq, status, execution_mode, execution_type,
      trigger_type, trigger_detail, variables, client_request_token, next_stage_index, waiting_since,
      rollback_stage, rollback_target_id, created_at, updated_at, requested_revisions)
     VALUES (?, ?, ?, ?, 'InProgress', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.id,
    e.pipelineName,
    e.pipelineVersion,
    seq,
    e.executionMode,
    e.executionType ?? 'STANDARD',
    e.triggerType,
    e.triggerDetail ?? null,
    JSON.stringify(e.variables),
    e.clientRequestToken ?? null,
    e.nextStageIndex ?? 0,
    e.now,
    e.rollbackStage ?? null,
    e.rollbackTargetId ?? null,
    e.now,
    e.now,
    JSON.stringify(e.requestedRevisions ?? []),
  );
  return getExecution(db, e.id)!;
}

/** One execution by id. */
export function getExecution(db: Db, id: string): ExecutionRow | undefined {
  const r = stmt(db, 'SELECT * FROM executions WHERE id = ?').get(id);
  return r ? toExecution(r as Record<string, any>) : undefined;
}

/** The execution a StartPipelineExecution with this client request token created, if any. */
export function findExecutionByToken(db: Db, pipelineName: string, token: string): ExecutionRow | undefined {
  const r = stmt(db, 'SELECT * FROM executions WHERE pipeline_name = ? AND client_request_token = ?').get(
    pipelineName,
    token,
  );
  return r ? toExecution(r as Record<string, any>) : undefined;
}

/** Executions of a pipeline, newest first. */
export function listExecutions(db: Db, pipelineName: string, limit = -1, offset = 0): ExecutionRow[] {
  return (
    stmt(db, 'SELECT * FROM executions WHERE pipeline_name = ? ORDER BY seq DESC LIMIT ? OFFSET ?').all(
      pipelineName,
      limit,
      offset,
    ) as Record<string, any>[]
  ).map(toExecution);
}

/**
 * Executions that have not ended (InProgress or Stopping), oldest first. `+seq` keeps SQLite on the status
 * indexes (a few rows, then sorted) instead of walking a pipeline's whole history in seq order.
 */
export function listActiveExecutions(db: Db, pipelineName?: string): ExecutionRow[] {
  const rows = pipelineName
    ? stmt(
        db,
        "SELECT * FROM executions WHERE status IN ('InProgress','Stopping') AND pipeline_name = ? ORDER BY +seq",
      ).all(pipelineName)
    : stmt(db, "SELECT * FROM executions WHERE status IN ('InProgress','Stopping') ORDER BY +seq").all();
  return (rows as Record<string, any>[]).map(toExecution);
}

/** Fields of an execution the engine changes. */
export interface ExecutionPatch {
  status?: ExecutionStatus;
  statusSummary?: string | null;
  nextStageIndex?: number;
  waitingSince?: number | null;
  stopMode?: 'abandon' | 'wait' | null;
  stopReason?: string | null;
  sourceRevisions?: SourceRevisionRecord[];
}

const EXECUTION_COLUMNS: Record<keyof ExecutionPatch, string> = {
  status: 'status',
  statusSummary: 'status_summary',
  nextStageIndex: 'next_stage_index',
  waitingSince: 'waiting_since',
  stopMode: 'stop_mode',
  stopReason: 'stop_reason',
  sourceRevisions: 'source_revisions',
};

/** Updates an execution. */
export function updateExecution(db: Db, id: string, patch: ExecutionPatch, now: number): void {
  const sets: string[] = ['updated_at = ?'];
  const values: unknown[] = [now];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    sets.push(`${EXECUTION_COLUMNS[k as keyof ExecutionPatch]} = ?`);
    values.push(k === 'sourceRevisions' ? JSON.stringify(v) : v);
  }
  db.prepare(`UPDATE executions SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
}

/** How many attempts of an execution's stage each kind of retry started (RetryStageMetadata). */
export function countStageRetries(
  db: Db,
  executionId: string,
  stageName: string,
): { automated: number; manual: number } {
  const r = stmt(
    db,
    `SELECT SUM(retry_trigger = 'AutomatedStageRetry') AS automated, SUM(retry_trigger = 'ManualStageRetry') AS manual
     FROM stage_runs WHERE execution_id = ? AND stage_name = ?`,
  ).get(executionId, stageName) as { automated: number | null; manual: number | null };
  return { automated: r.automated ?? 0, manual: r.manual ?? 0 };
}

/** Inserts a stage attempt. */
export function insertStageRun(
  db: Db,
  run: Omit<StageRunRow, 'createdAt' | 'updatedAt'>,
  now: number,
): StageRunRow {
  stmt(
    db,
    `INSERT INTO stage_runs (execution_id, stage_name, stage_index, attempt, retry_mode, status, created_at, updated_at,
       pipeline_name, retry_trigger)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT pipeline_name FROM executions WHERE id = ?), ?)`,
  ).run(
    run.executionId,
    run.stageName,
    run.stageIndex,
    run.attempt,
    run.retryMode,
    run.status,
    now,
    now,
    run.executionId,
    run.retryTrigger ?? null,
  );
  return { ...run, createdAt: now, updatedAt: now };
}

/** The latest attempt of a stage in an execution. */
export function getLatestStageRun(db: Db, executionId: string, stageName: string): StageRunRow | undefined {
  const r = stmt(
    db,
    'SELECT * FROM stage_runs WHERE execution_id = ? AND stage_name = ? ORDER BY attempt DESC LIMIT 1',
  ).get(executionId, stageName);
  return r ? toStageRun(r as Record<string, any>) : undefined;
}

/** Latest attempt of every stage the execution entered. */
export function listLatestStageRuns(db: Db, executionId: string): StageRunRow[] {
  return (
    stmt(
      db,
      `SELECT s.* FROM stage_runs s WHERE s.execution_id = ? AND s.attempt =
           (SELECT MAX(attempt) FROM stage_runs t WHERE t.execution_id = s.execution_id AND t.stage_name = s.stage_name)
         ORDER BY s.stage_index`,
    ).all(executionId) as Record<string, any>[]
  ).map(toStageRun);
}

/** Updates the status of a stage attempt. */
export function updateStageRunStatus(
  db: Db,
  executionId: string,
  stageName: string,
  attempt: number,
  status: StageStatus,
  now: number,
): void {
  stmt(
    db,
    'UPDATE stage_runs SET status = ?, updated_at = ? WHERE execution_id = ? AND stage_name = ? AND attempt = ?',
  ).run(status, now, executionId, stageName, attempt);
}

/**
 * The newest stage attempt of a pipeline's stage across executions (for GetPipelineState's
 * `latestExecution`), or undefined when no execution has entered it.
 */
export function getNewestStageRunOfPipeline(
  db: Db,
  pipelineName: string,
  stageName: string,
): StageRunRow | undefined {
  // The newest created_at comes from the (pipeline_name, stage_name, created_at) index; only its ties are sorted.
  const r = stmt(
    db,
    `SELECT s.* FROM stage_runs s JOIN executions e ON e.id = s.execution_id
       WHERE s.pipeline_name = ? AND s.stage_name = ? AND s.created_at =
         (SELECT MAX(created_at) FROM stage_runs WHERE pipeline_name = ? AND stage_name = ?)
       ORDER BY e.seq DESC, s.attempt DESC LIMIT 1`,
  ).get(pipelineName, stageName, pipelineName, stageName);
  return r ? toStageRun(r as Record<string, any>) : undefined;
}

/** Stage attempts currently InProgress or Stopping in a pipeline's stage (the stage's occupants). */
export function listOccupyingStageRuns(db: Db, pipelineName: string, stageName: string): StageRunRow[] {
  return (
    stmt(
      db,
      `SELECT s.* FROM stage_runs s JOIN executions e ON e.id = s.execution_id
         WHERE e.pipeline_name = ? AND s.stage_name = ? AND s.status IN ('InProgress','Stopping')`,
    ).all(pipelineName, stageName) as Record<string, any>[]
  ).map(toStageRun);
}

/** Deletes every execution of a pipeline (after DeletePipeline). */
export function deleteExecutionsOfPipeline(db: Db, pipelineName: string): void {
  stmt(db, 'DELETE FROM executions WHERE pipeline_name = ?').run(pipelineName);
  stmt(db, 'DELETE FROM stage_transitions WHERE pipeline_name = ?').run(pipelineName);
  stmt(db, 'DELETE FROM action_revisions WHERE pipeline_name = ?').run(pipelineName);
}
