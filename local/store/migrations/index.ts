import { migration001Pipelines } from './001-pipelines.js';
import { migration020Executions } from './020-executions.js';
import { migration021ReadIndexes } from './021-read-indexes.js';
import { migration022StageConditions } from './022-stage-conditions.js';
import { migration023RequestedRevisions } from './023-requested-revisions.js';
import { migration024StageRetryTrigger } from './024-stage-retry-trigger.js';
import { migration040CustomJobs } from './040-custom-jobs.js';
/**
 * Versioned schema migrations, applied in key order, each once, each in one transaction.
 * Never edit a migration that has shipped: add a new one.
 * Numbering: 001-019 pipelines, action types, webhooks, tags (API surface);
 * 020-039 executions, stage/action runs, jobs (execution engine); 040-059 custom and third-party jobs;
 * 060-079 approvals.
 */
export const migrations: Record<string, string> = {
  '001-pipelines': migration001Pipelines,
  '020-executions': migration020Executions,
  '021-read-indexes': migration021ReadIndexes,
  '022-stage-conditions': migration022StageConditions,
  '023-requested-revisions': migration023RequestedRevisions,
  '024-stage-retry-trigger': migration024StageRetryTrigger,
  '040-custom-jobs': migration040CustomJobs,
};
