/**
 * API-surface schema: pipelines with every version of their declaration, custom action types,
 * webhooks and tags. Timestamps are epoch milliseconds.
 */
export const migration001Pipelines = `
CREATE TABLE pipelines (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  pipeline_type TEXT NOT NULL,
  execution_mode TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  polling_disabled_at INTEGER
);
CREATE TABLE pipeline_versions (
  pipeline_name TEXT NOT NULL REFERENCES pipelines (name) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  declaration TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (pipeline_name, version)
);
CREATE TABLE custom_action_types (
  category TEXT NOT NULL,
  owner TEXT NOT NULL,
  provider TEXT NOT NULL,
  version TEXT NOT NULL,
  arn TEXT NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  PRIMARY KEY (category, owner, provider, version)
);
CREATE TABLE webhooks (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL,
  definition TEXT NOT NULL,
  url TEXT NOT NULL,
  registered INTEGER NOT NULL DEFAULT 0,
  last_triggered INTEGER,
  error_code TEXT,
  error_message TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhooks_by_pipeline ON webhooks (json_extract(definition, '$.targetPipeline'));
CREATE TABLE resource_tags (
  resource_arn TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (resource_arn, key)
);
`;
