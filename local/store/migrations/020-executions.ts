/**
 * Execution engine schema: executions, stage runs, action runs, jobs and stage transitions.
 * Every status change of these rows is written in one transaction by the engine's repos.
 */
export const migration020Executions = `
CREATE TABLE executions (
  id TEXT PRIMARY KEY,
  pipeline_name TEXT NOT NULL,
  pipeline_version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_summary TEXT,
  execution_mode TEXT NOT NULL,
  execution_type TEXT NOT NULL DEFAULT 'STANDARD',
  trigger_type TEXT NOT NULL,
  trigger_detail TEXT,
  variables TEXT NOT NULL DEFAULT '[]',
  source_revisions TEXT NOT NULL DEFAULT '[]',
  client_request_token TEXT,
  next_stage_index INTEGER NOT NULL DEFAULT 0,
  waiting_since INTEGER,
  stop_mode TEXT,
  stop_reason TEXT,
  rollback_stage TEXT,
  rollback_target_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX executions_by_pipeline ON executions (pipeline_name, seq);
CREATE INDEX executions_by_status ON executions (status);
CREATE UNIQUE INDEX executions_by_token ON executions (pipeline_name, client_request_token)
  WHERE client_request_token IS NOT NULL;

CREATE TABLE stage_runs (
  execution_id TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
  stage_name TEXT NOT NULL,
  stage_index INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  retry_mode TEXT,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (execution_id, stage_name, attempt)
);

CREATE TABLE action_runs (
  id TEXT PRIMARY KEY,
  execution_id TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
  pipeline_name TEXT NOT NULL,
  pipeline_version INTEGER NOT NULL,
  stage_name TEXT NOT NULL,
  stage_attempt INTEGER NOT NULL,
  action_name TEXT NOT NULL,
  run_order INTEGER NOT NULL,
  category TEXT NOT NULL,
  owner TEXT NOT NULL,
  provider TEXT NOT NULL,
  type_version TEXT NOT NULL,
  namespace TEXT,
  region TEXT,
  status TEXT NOT NULL,
  summary TEXT,
  external_execution_id TEXT,
  external_execution_url TEXT,
  percent_complete INTEGER,
  error_code TEXT,
  error_message TEXT,
  token TEXT,
  resolved_configuration TEXT,
  input_artifacts TEXT NOT NULL DEFAULT '[]',
  output_artifacts TEXT NOT NULL DEFAULT '[]',
  output_variables TEXT,
  simulated INTEGER NOT NULL DEFAULT 0,
  deadline INTEGER,
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX action_runs_by_execution ON action_runs (execution_id, stage_name, action_name, stage_attempt);
CREATE INDEX action_runs_by_pipeline ON action_runs (pipeline_name, started_at);
CREATE INDEX action_runs_by_status ON action_runs (status);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  action_run_id TEXT NOT NULL REFERENCES action_runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  continuation_token TEXT,
  access_key_id TEXT NOT NULL,
  secret_access_key TEXT NOT NULL,
  session_token TEXT NOT NULL,
  credentials_expire_at INTEGER NOT NULL,
  reply_deadline INTEGER,
  action_deadline INTEGER,
  result TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_by_action_run ON jobs (action_run_id);
CREATE INDEX jobs_by_status ON jobs (status);
CREATE UNIQUE INDEX jobs_by_access_key ON jobs (access_key_id);

CREATE TABLE stage_transitions (
  pipeline_name TEXT NOT NULL,
  stage_name TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  reason TEXT,
  changed_by TEXT,
  changed_at INTEGER NOT NULL,
  PRIMARY KEY (pipeline_name, stage_name)
);

CREATE TABLE action_revisions (
  pipeline_name TEXT NOT NULL,
  stage_name TEXT NOT NULL,
  action_name TEXT NOT NULL,
  revision_id TEXT NOT NULL,
  revision_change_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (pipeline_name, stage_name, action_name)
);
`;
