import type { Db } from './database.js';
import { stmt } from './statements.js';

/** The condition kinds of a stage (the model's ConditionType plus ON_FAILURE). */
export type ConditionKind = 'BEFORE_ENTRY' | 'ON_SUCCESS' | 'ON_FAILURE';

/** The model's ConditionExecutionStatus. */
export type ConditionStatus =
  'InProgress' | 'Failed' | 'Errored' | 'Succeeded' | 'Cancelled' | 'Abandoned' | 'Overridden';

/** The model's RuleExecutionStatus. */
export type RuleStatus = 'InProgress' | 'Abandoned' | 'Succeeded' | 'Failed';

/** One evaluation of a stage condition. */
export interface ConditionRunRow {
  readonly id: string;
  readonly executionId: string;
  readonly pipelineName: string;
  readonly stageName: string;
  readonly conditionType: ConditionKind;
  readonly stageAttempt: number;
  readonly result: string | null;
  readonly status: ConditionStatus;
  readonly summary: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One run of a rule of a condition. */
export interface RuleRunRow {
  readonly id: string;
  readonly conditionRunId: string;
  readonly executionId: string;
  readonly pipelineName: string;
  readonly pipelineVersion: number;
  readonly stageName: string;
  readonly ruleName: string;
  readonly ruleType: { category: string; owner: string; provider: string; version: string };
  readonly configuration: Record<string, string>;
  readonly resolvedConfiguration: Record<string, string>;
  readonly region: string | null;
  readonly roleArn: string | null;
  readonly status: RuleStatus;
  readonly summary: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly startedAt: number;
  readonly updatedAt: number;
}

function toCondition(r: Record<string, any>): ConditionRunRow {
  return {
    id: r.id,
    executionId: r.execution_id,
    pipelineName: r.pipeline_name,
    stageName: r.stage_name,
    conditionType: r.condition_type,
    stageAttempt: r.stage_attempt,
    result: r.result,
    status: r.status,
    summary: r.summary,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRule(r: Record<string, any>): RuleRunRow {
  return {
    id: r.id,
    conditionRunId: r.condition_run_id,
    executionId: r.execution_id,
    pipelineName: r.pipeline_name,
    pipelineVersion: r.pipeline_version,
    stageName: r.stage_name,
    ruleName: r.rule_name,
    ruleType: JSON.parse(r.rule_type),
    configuration: JSON.parse(r.configuration),
    resolvedConfiguration: JSON.parse(r.resolved_configuration),
    region: r.region,
    roleArn: r.role_arn,
    status: r.status,
    summary: r.summary,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  };
}

/** Inserts an InProgress condition run. */
export function insertConditionRun(
  db: Db,
  c: Pick<
    ConditionRunRow,
    'id' | 'executionId' | 'pipelineName' | 'stageName' | 'conditionType' | 'stageAttempt' | 'result'
  >,
  now: number,
): ConditionRunRow {
  stmt(
    db,
    `INSERT INTO condition_runs (id, execution_id, pipeline_name, stage_name, condition_type, stage_attempt, result,
       status, summary, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'InProgress', NULL, ?, ?)`,
  ).run(
    c.id,
    c.executionId,
    c.pipelineName,
    c.stageName,
    c.conditionType,
    c.stageAttempt,
    c.result,
    now,
    now,
  );
  return getConditionRun(db, c.id)!;
}

/** A condition run by id. */
export function getConditionRun(db: Db, id: string): ConditionRunRow | undefined {
  const r = stmt(db, 'SELECT * FROM condition_runs WHERE id = ?').get(id) as Record<string, any> | undefined;
  return r ? toCondition(r) : undefined;
}

/** The condition run of an execution's stage attempt, if it was evaluated. */
export function findConditionRun(
  db: Db,
  executionId: string,
  stageName: string,
  kind: ConditionKind,
  stageAttempt: number,
): ConditionRunRow | undefined {
  const r = stmt(
    db,
    `SELECT * FROM condition_runs WHERE execution_id = ? AND stage_name = ? AND condition_type = ? AND stage_attempt = ?`,
  ).get(executionId, stageName, kind, stageAttempt) as Record<string, any> | undefined;
  return r ? toCondition(r) : undefined;
}

/** The newest condition run of an execution's stage for a kind (any attempt). */
export function latestConditionRunOfExecution(
  db: Db,
  executionId: string,
  stageName: string,
  kind: ConditionKind,
): ConditionRunRow | undefined {
  const r = stmt(
    db,
    `SELECT * FROM condition_runs WHERE execution_id = ? AND stage_name = ? AND condition_type = ?
     ORDER BY stage_attempt DESC LIMIT 1`,
  ).get(executionId, stageName, kind) as Record<string, any> | undefined;
  return r ? toCondition(r) : undefined;
}

/** The newest condition run of a pipeline's stage for a kind (GetPipelineState). */
export function latestConditionRunOfStage(
  db: Db,
  pipelineName: string,
  stageName: string,
  kind: ConditionKind,
): ConditionRunRow | undefined {
  const r = stmt(
    db,
    `SELECT * FROM condition_runs WHERE pipeline_name = ? AND stage_name = ? AND condition_type = ?
     ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  ).get(pipelineName, stageName, kind) as Record<string, any> | undefined;
  return r ? toCondition(r) : undefined;
}

/** Ends (or re-labels) a condition run. */
export function updateConditionRun(
  db: Db,
  id: string,
  status: ConditionStatus,
  summary: string | null,
  now: number,
): void {
  stmt(db, 'UPDATE condition_runs SET status = ?, summary = ?, updated_at = ? WHERE id = ?').run(
    status,
    summary,
    now,
    id,
  );
}

/** Inserts a rule run (status as given). */
export function insertRuleRun(db: Db, r: Omit<RuleRunRow, 'updatedAt'>): void {
  const seq = (
    stmt(db, 'SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM rule_runs WHERE pipeline_name = ?').get(
      r.pipelineName,
    ) as { n: number }
  ).n;
  stmt(
    db,
    `INSERT INTO rule_runs (id, condition_run_id, execution_id, pipeline_name, pipeline_version, stage_name, rule_name,
       rule_type, configuration, resolved_configuration, region, role_arn, status, summary, error_code, error_message,
       seq, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.conditionRunId,
    r.executionId,
    r.pipelineName,
    r.pipelineVersion,
    r.stageName,
    r.ruleName,
    JSON.stringify(r.ruleType),
    JSON.stringify(r.configuration),
    JSON.stringify(r.resolvedConfiguration),
    r.region,
    r.roleArn,
    r.status,
    r.summary,
    r.errorCode,
    r.errorMessage,
    seq,
    r.startedAt,
    r.startedAt,
  );
}

/** Changes a rule run's status and details. */
export function updateRuleRun(
  db: Db,
  id: string,
  change: Pick<RuleRunRow, 'status' | 'summary' | 'errorCode' | 'errorMessage'>,
  now: number,
): void {
  stmt(
    db,
    'UPDATE rule_runs SET status = ?, summary = ?, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?',
  ).run(change.status, change.summary, change.errorCode, change.errorMessage, now, id);
}

/** The rule runs of a condition run, in declaration order. */
export function listRuleRunsOfCondition(db: Db, conditionRunId: string): RuleRunRow[] {
  return (
    stmt(db, 'SELECT * FROM rule_runs WHERE condition_run_id = ? ORDER BY seq').all(conditionRunId) as Record<
      string,
      any
    >[]
  ).map(toRule);
}

/** A page of a pipeline's rule runs, newest first, optionally of one execution. */
export function listRuleRunsOfPipeline(
  db: Db,
  pipelineName: string,
  executionId: string | undefined,
  limit: number,
  offset: number,
): RuleRunRow[] {
  const rows = executionId
    ? stmt(
        db,
        'SELECT * FROM rule_runs WHERE pipeline_name = ? AND execution_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?',
      ).all(pipelineName, executionId, limit, offset)
    : stmt(db, 'SELECT * FROM rule_runs WHERE pipeline_name = ? ORDER BY seq DESC LIMIT ? OFFSET ?').all(
        pipelineName,
        limit,
        offset,
      );
  return (rows as Record<string, any>[]).map(toRule);
}

/** The InProgress condition runs of an execution (to cancel them when it ends). */
export function listOpenConditionRuns(db: Db, executionId: string): ConditionRunRow[] {
  return (
    stmt(db, "SELECT * FROM condition_runs WHERE execution_id = ? AND status = 'InProgress'").all(
      executionId,
    ) as Record<string, any>[]
  ).map(toCondition);
}
