/**
 * V2 stage conditions: one condition run per evaluation of a stage's beforeEntry / onSuccess / onFailure
 * condition (per stage attempt), and one rule run per rule of it (ListRuleExecutions, GetPipelineState).
 */
export const migration022StageConditions = `
CREATE TABLE condition_runs (
  id TEXT PRIMARY KEY,
  execution_id TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
  pipeline_name TEXT NOT NULL,
  stage_name TEXT NOT NULL,
  condition_type TEXT NOT NULL,
  stage_attempt INTEGER NOT NULL,
  result TEXT,
  status TEXT NOT NULL,
  summary TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (execution_id, stage_name, condition_type, stage_attempt)
);
CREATE INDEX condition_runs_by_stage ON condition_runs (pipeline_name, stage_name, condition_type, created_at);

CREATE TABLE rule_runs (
  id TEXT PRIMARY KEY,
  condition_run_id TEXT NOT NULL REFERENCES condition_runs(id) ON DELETE CASCADE,
  execution_id TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
  pipeline_name TEXT NOT NULL,
  pipeline_version INTEGER NOT NULL,
  stage_name TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  rule_type TEXT NOT NULL,
  configuration TEXT NOT NULL,
  resolved_configuration TEXT NOT NULL,
  region TEXT,
  role_arn TEXT,
  status TEXT NOT NULL,
  summary TEXT,
  error_code TEXT,
  error_message TEXT,
  seq INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX rule_runs_by_pipeline ON rule_runs (pipeline_name, seq);
CREATE INDEX rule_runs_by_condition ON rule_runs (condition_run_id);
`;
