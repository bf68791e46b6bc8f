/**
 * Custom-action and third-party jobs: the queue fields of a job whose row lives in `jobs`
 * (kind `custom` or `third-party`). `jobs.status` stays the truth of open/closed: Created = queued or
 * handed out (nonce set), InProgress = acknowledged; anything else is closed.
 */
export const migration040CustomJobs = `
CREATE TABLE custom_jobs (
  job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
  category TEXT NOT NULL,
  owner TEXT NOT NULL,
  provider TEXT NOT NULL,
  version TEXT NOT NULL,
  query_key TEXT,
  query_value TEXT,
  nonce TEXT,
  dispatched_at INTEGER,
  dispatch_count INTEGER NOT NULL DEFAULT 0,
  client_id TEXT,
  client_token TEXT,
  seq INTEGER NOT NULL
);
CREATE INDEX custom_jobs_queue ON custom_jobs (category, owner, provider, version, seq);
`;
