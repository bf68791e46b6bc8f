import type { Db } from './database.js';
import { stmt } from './statements.js';

/** Action statuses of the service model (`ActionExecutionStatus`). */
export type ActionStatus = 'InProgress' | 'Abandoned' | 'Succeeded' | 'Failed';

/** An artifact an action consumed or produced, with its place in the artifact store. */
export interface ArtifactRecord {
  readonly name: string;
  readonly bucket: string;
  readonly key: string;
  /** Revision (for source outputs: the source's revision; else the S3 version id when known). */
  readonly revision?: string | null;
}

/** One action execution (one attempt of one action in one stage attempt). */
export interface ActionRunRow {
  readonly id: string;
  readonly executionId: string;
  readonly pipelineName: string;
  readonly pipelineVersion: number;
  readonly stageName: string;
  readonly stageAttempt: number;
  readonly actionName: string;
  readonly runOrder: number;
  readonly category: string;
  readonly owner: string;
  readonly provider: string;
  readonly typeVersion: string;
  readonly namespace: string | null;
  readonly region: string | null;
  readonly status: ActionStatus;
  readonly summary: string | null;
  readonly externalExecutionId: string | null;
  readonly externalExecutionUrl: string | null;
  readonly percentComplete: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly token: string | null;
  readonly resolvedConfiguration: Record<string, string> | null;
  readonly inputArtifacts: ArtifactRecord[];
  readonly outputArtifacts: ArtifactRecord[];
  readonly outputVariables: Record<string, string> | null;
  readonly simulated: boolean;
  readonly deadline: number | null;
  readonly startedAt: number;
  readonly updatedAt: number;
}

function toRow(r: Record<string, any>): ActionRunRow {
  return {
    id: r.id,
    executionId: r.execution_id,
    pipelineName: r.pipeline_name,
    pipelineVersion: r.pipeline_version,
    stageName: r.stage_name,
    stageAttempt: r.stage_attempt,
    actionName: r.action_name,
    runOrder: r.run_order,
    category: r.category,
    owner: r.owner,
    provider: r.provider,
    typeVersion: r.type_version,
    namespace: r.namespace,
    region: r.region,
    status: r.status,
    summary: r.summary,
    externalExecutionId: r.external_execution_id,
    externalExecutionUrl: r.external_execution_url,
    percentComplete: r.percent_complete,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    token: r.token,
    resolvedConfiguration: r.resolved_configuration ? JSON.parse(r.resolved_configuration) : null,
    inputArtifacts: JSON.parse(r.input_artifacts),
    outputArtifacts: JSON.parse(r.output_artifacts),
    outputVariables: r.output_variables ? JSON.parse(r.output_variables) : null,
    simulated: r.simulated === 1,
    deadline: r.deadline,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  };
}

/** Input of {@link insertActionRun}. */
export type NewActionRun = Omit<
  ActionRunRow,
  | 'status'
  | 'summary'
  | 'externalExecutionId'
  | 'externalExecutionUrl'
  | 'percentComplete'
  | 'errorCode'
  | 'errorMessage'
  | 'token'
  | 'resolvedConfiguration'
  | 'inputArtifacts'
  | 'outputArtifacts'
  | 'outputVariables'
  | 'simulated'
  | 'deadline'
  | 'updatedAt'
>;

/** Inserts an InProgress action run. */
export function insertActionRun(db: Db, a: NewActionRun): ActionRunRow {
  stmt(
    db,
    `INSERT INTO action_runs (id, execution_id, pipeline_name, pipeline_version, stage_name, stage_attempt,
      action_name, run_order, category, owner, provider, type_version, namespace, region, status, started_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'InProgress', ?, ?)`,
  ).run(
    a.id,
    a.executionId,
    a.pipelineName,
    a.pipelineVersion,
    a.stageName,
    a.stageAttempt,
    a.actionName,
    a.runOrder,
    a.category,
    a.owner,
    a.provider,
    a.typeVersion,
    a.namespace,
    a.region,
    a.startedAt,
    a.startedAt,
  );
  return getActionRun(db, a.id)!;
}

/** One action run by id. */
export function getActionRun(db: Db, id: string): ActionRunRow | undefined {
  const r = stmt(db, 'SELECT * FROM action_runs WHERE id = ?').get(id);
  return r ? toRow(r as Record<string, any>) : undefined;
}

/** Every action run of an execution, oldest first. */
export function listActionRunsOfExecution(db: Db, executionId: string): ActionRunRow[] {
  return (
    stmt(db, 'SELECT * FROM action_runs WHERE execution_id = ? ORDER BY started_at, rowid').all(
      executionId,
    ) as Record<string, any>[]
  ).map(toRow);
}

/** Action runs of a pipeline, newest first, optionally of one execution. */
export function listActionRunsOfPipeline(
  db: Db,
  pipelineName: string,
  executionId: string | undefined,
  limit: number,
  offset: number,
): ActionRunRow[] {
  const rows = executionId
    ? stmt(
        db,
        'SELECT * FROM action_runs WHERE pipeline_name = ? AND execution_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ? OFFSET ?',
      ).all(pipelineName, executionId, limit, offset)
    : stmt(
        db,
        'SELECT * FROM action_runs WHERE pipeline_name = ? ORDER BY started_at DESC, rowid DESC LIMIT ? OFFSET ?',
      ).all(pipelineName, limit, offset);
  return (rows as Record<string, any>[]).map(toRow);
}

/** The newest run of an action across a pipeline's executions (GetPipelineState). */
export function getNewestActionRun(
  db: Db,
  pipelineName: string,
  stageName: string,
  actionName: string,
): ActionRunRow | undefined {
  const r = stmt(
    db,
    `SELECT * FROM action_runs WHERE pipeline_name = ? AND stage_name = ? AND action_name = ?
       ORDER BY started_at DESC, rowid DESC LIMIT 1`,
  ).get(pipelineName, stageName, actionName);
  return r ? toRow(r as Record<string, any>) : undefined;
}

/** Every InProgress action run (for resuming after a restart). */
export function listInProgressActionRuns(db: Db): ActionRunRow[] {
  return (
    stmt(db, "SELECT * FROM action_runs WHERE status = 'InProgress' ORDER BY started_at").all() as Record<
      string,
      any
    >[]
  ).map(toRow);
}

/** Fields of an action run the engine and runners change. */
export interface ActionRunPatch {
  status?: ActionStatus;
  summary?: string | null;
  externalExecutionId?: string | null;
  externalExecutionUrl?: string | null;
  percentComplete?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  token?: string | null;
  resolvedConfiguration?: Record<string, string>;
  inputArtifacts?: ArtifactRecord[];
  outputArtifacts?: ArtifactRecord[];
  outputVariables?: Record<string, string>;
  simulated?: boolean;
  deadline?: number | null;
}

const COLUMNS: Record<keyof ActionRunPatch, string> = {
  status: 'status',
  summary: 'summary',
  externalExecutionId: 'external_execution_id',
  externalExecutionUrl: 'external_execution_url',
  percentComplete: 'percent_complete',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  token: 'token',
  resolvedConfiguration: 'resolved_configuration',
  inputArtifacts: 'input_artifacts',
  outputArtifacts: 'output_artifacts',
  outputVariables: 'output_variables',
  simulated: 'simulated',
  deadline: 'deadline',
};
const JSON_FIELDS = new Set([
  'resolvedConfiguration',
  'inputArtifacts',
  'outputArtifacts',
  'outputVariables',
]);

/** Updates an action run. */
export function updateActionRun(db: Db, id: string, patch: ActionRunPatch, now: number): void {
  const sets: string[] = ['updated_at = ?'];
  const values: unknown[] = [now];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    sets.push(`${COLUMNS[k as keyof ActionRunPatch]} = ?`);
    if (JSON_FIELDS.has(k)) values.push(JSON.stringify(v));
    else if (typeof v === 'boolean') values.push(v ? 1 : 0);
    else values.push(v);
  }
  db.prepare(`UPDATE action_runs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
}
