import type { Db } from './database.js';
import { stmt } from './statements.js';

/** Queue fields of a custom-action or third-party job (its `jobs` row holds status, credentials, deadlines). */
export interface CustomJobRow {
  readonly jobId: string;
  readonly category: string;
  readonly owner: string;
  readonly provider: string;
  readonly version: string;
  readonly queryKey: string | null;
  readonly queryValue: string | null;
  readonly nonce: string | null;
  readonly dispatchedAt: number | null;
  readonly dispatchCount: number;
  readonly clientId: string | null;
  readonly clientToken: string | null;
}

function toRow(r: Record<string, any>): CustomJobRow {
  return {
    jobId: r.job_id,
    category: r.category,
    owner: r.owner,
    provider: r.provider,
    version: r.version,
    queryKey: r.query_key,
    queryValue: r.query_value,
    nonce: r.nonce,
    dispatchedAt: r.dispatched_at,
    dispatchCount: r.dispatch_count,
    clientId: r.client_id,
    clientToken: r.client_token,
  };
}

/** Input of {@link insertCustomJob}. */
export interface NewCustomJob {
  readonly jobId: string;
  readonly actionTypeId: { category: string; owner: string; provider: string; version: string };
  readonly queryKey?: string;
  readonly queryValue?: string;
  readonly clientId?: string;
}

/** Queues a job (its `jobs` row must exist, status Created). FIFO by insertion. */
export function insertCustomJob(db: Db, j: NewCustomJob): void {
  const t = j.actionTypeId;
  stmt(
    db,
    `INSERT INTO custom_jobs (job_id, category, owner, provider, version, query_key, query_value, client_id, seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM custom_jobs))`,
  ).run(
    j.jobId,
    t.category,
    t.owner,
    t.provider,
    t.version,
    j.queryKey ?? null,
    j.queryValue ?? null,
    j.clientId ?? null,
  );
}

/** The queue fields of a job, if it is a custom or third-party job. */
export function getCustomJob(db: Db, jobId: string): CustomJobRow | undefined {
  const r = stmt(db, 'SELECT * FROM custom_jobs WHERE job_id = ?').get(jobId);
  return r ? toRow(r as Record<string, any>) : undefined;
}

/** What {@link takeQueuedJobs} selects. */
export interface QueueSelector {
  readonly actionTypeId: { category: string; owner: string; provider: string; version: string };
  /** Only jobs whose queryable property has this value. */
  readonly query?: { key: string; value: string };
  readonly max: number;
  /** Jobs handed out before this time and not acknowledged are handed out again. */
  readonly redispatchBefore: number;
}

/**
 * Hands out up to `max` queued jobs: each gets a fresh nonce (`newNonce()`) and is marked dispatched, in the
 * caller's transaction, so one job goes to exactly one poller. Only jobs whose action run is InProgress.
 */
export function takeQueuedJobs(
  db: Db,
  s: QueueSelector,
  now: number,
  newNonce: () => string,
): CustomJobRow[] {
  const t = s.actionTypeId;
  const rows = stmt(
    db,
    `SELECT c.* FROM custom_jobs c
       JOIN jobs j ON j.id = c.job_id
       JOIN action_runs r ON r.id = j.action_run_id
      WHERE c.category = ? AND c.owner = ? AND c.provider = ? AND c.version = ?
        AND j.status = 'Created' AND r.status = 'InProgress'
        AND (c.nonce IS NULL OR c.dispatched_at < ?)
        AND (? IS NULL OR (c.query_key = ? AND c.query_value = ?))
      ORDER BY c.seq LIMIT ?`,
  ).all(
    t.category,
    t.owner,
    t.provider,
    t.version,
    s.redispatchBefore,
    s.query?.key ?? null,
    s.query?.key ?? null,
    s.query?.value ?? null,
    s.max,
  ) as Record<string, any>[];
  const update = stmt(
    db,
    'UPDATE custom_jobs SET nonce = ?, dispatched_at = ?, dispatch_count = dispatch_count + 1 WHERE job_id = ?',
  );
  return rows.map((r) => {
    const nonce = newNonce();
    update.run(nonce, now, r.job_id);
    return { ...toRow(r), nonce, dispatchedAt: now, dispatchCount: r.dispatch_count + 1 };
  });
}

/** Binds a third-party job to the first client token presented for it. */
export function setClientToken(db: Db, jobId: string, clientToken: string): void {
  stmt(db, 'UPDATE custom_jobs SET client_token = ? WHERE job_id = ? AND client_token IS NULL').run(
    clientToken,
    jobId,
  );
}

/** Open custom/third-party jobs (Created or InProgress) with their deadlines, for re-arming timers. */
export function listOpenCustomJobs(db: Db): { jobId: string; replyDeadline: number | null }[] {
  return (
    stmt(
      db,
      `SELECT j.id AS job_id, j.reply_deadline FROM custom_jobs c JOIN jobs j ON j.id = c.job_id
        WHERE j.status IN ('Created', 'InProgress')`,
    ).all() as { job_id: string; reply_deadline: number | null }[]
  ).map((r) => ({ jobId: r.job_id, replyDeadline: r.reply_deadline }));
}
