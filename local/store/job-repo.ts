import type { Db } from './database.js';

/**
 * Job statuses: `Created` (not yet handed to its executor), `InProgress` (invoked / dispatched, awaiting
 * a result), `Succeeded`, `Failed`, `TimedOut`, `Abandoned` (its action was abandoned or ended).
 */
export type JobStatus = 'Created' | 'InProgress' | 'Succeeded' | 'Failed' | 'TimedOut' | 'Abandoned';

/** A job of an action run (Lambda Invoke now; custom actions later). Credentials are never logged. */
export interface JobRow {
  readonly id: string;
  readonly actionRunId: string;
  readonly kind: string;
  readonly status: JobStatus;
  /** How many times the executor was invoked for this job (Lambda: invocation attempts). */
  readonly attempt: number;
  readonly continuationToken: string | null;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly credentialsExpireAt: number;
  readonly replyDeadline: number | null;
  readonly actionDeadline: number | null;
  readonly result: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

function toRow(r: Record<string, any>): JobRow {
  return {
    id: r.id,
    actionRunId: r.action_run_id,
    kind: r.kind,
    status: r.status,
    attempt: r.attempt,
    continuationToken: r.continuation_token,
    accessKeyId: r.access_key_id,
    secretAccessKey: r.secret_access_key,
    sessionToken: r.session_token,
    credentialsExpireAt: r.credentials_expire_at,
    replyDeadline: r.reply_deadline,
    actionDeadline: r.action_deadline,
    result: r.result ? JSON.parse(r.result) : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Input of {@link insertJob}. */
export type NewJob = Omit<JobRow, 'status' | 'attempt' | 'result' | 'updatedAt'>;

/** Inserts a Created job. */
export function insertJob(db: Db, j: NewJob): JobRow {
  db.prepare(
    `INSERT INTO jobs (id, action_run_id, kind, status, attempt, continuation_token, access_key_id, secret_access_key,
      session_token, credentials_expire_at, reply_deadline, action_deadline, created_at, updated_at)
     VALUES (?, ?, ?, 'Created', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    j.id,
    j.actionRunId,
    j.kind,
    j.continuationToken,
    j.accessKeyId,
    j.secretAccessKey,
    j.sessionToken,
    j.credentialsExpireAt,
    j.replyDeadline,
    j.actionDeadline,
    j.createdAt,
    j.createdAt,
  );
  return getJob(db, j.id)!;
}

/** One job by id. */
export function getJob(db: Db, id: string): JobRow | undefined {
  const r = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id);
  return r ? toRow(r as Record<string, any>) : undefined;
}

/** The job whose artifact credentials carry this access key id. */
export function getJobByAccessKey(db: Db, accessKeyId: string): JobRow | undefined {
  const r = db.prepare('SELECT * FROM jobs WHERE access_key_id = ?').get(accessKeyId);
  return r ? toRow(r as Record<string, any>) : undefined;
}

/** Jobs of an action run, oldest first. */
export function listJobsOfActionRun(db: Db, actionRunId: string): JobRow[] {
  return (
    db
      .prepare('SELECT * FROM jobs WHERE action_run_id = ? ORDER BY created_at, rowid')
      .all(actionRunId) as Record<string, any>[]
  ).map(toRow);
}

/** Jobs awaiting a result (Created or InProgress), oldest first. */
export function listOpenJobs(db: Db, kind?: string): JobRow[] {
  const rows = kind
    ? db
        .prepare(
          "SELECT * FROM jobs WHERE status IN ('Created','InProgress') AND kind = ? ORDER BY created_at",
        )
        .all(kind)
    : db.prepare("SELECT * FROM jobs WHERE status IN ('Created','InProgress') ORDER BY created_at").all();
  return (rows as Record<string, any>[]).map(toRow);
}

/** Fields of a job the engine changes. */
export interface JobPatch {
  status?: JobStatus;
  attempt?: number;
  replyDeadline?: number | null;
  result?: unknown;
}

/** Updates a job. */
export function updateJob(db: Db, id: string, patch: JobPatch, now: number): void {
  const sets: string[] = ['updated_at = ?'];
  const values: unknown[] = [now];
  const add = (column: string, value: unknown): void => {
    sets.push(`${column} = ?`);
    values.push(value);
  };
  if (patch.status !== undefined) add('status', patch.status);
  if (patch.attempt !== undefined) add('attempt', patch.attempt);
  if (patch.replyDeadline !== undefined) add('reply_deadline', patch.replyDeadline);
  if (patch.result !== undefined) add('result', JSON.stringify(patch.result));
  db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
}

/** Marks every open job of an action run as ended with `status` (when the action is abandoned or ends). */
export function closeOpenJobsOfActionRun(db: Db, actionRunId: string, status: JobStatus, now: number): void {
  db.prepare(
    "UPDATE jobs SET status = ?, updated_at = ? WHERE action_run_id = ? AND status IN ('Created','InProgress')",
  ).run(status, now, actionRunId);
}
