import type { Db } from './database.js';
import { stmt } from './statements.js';

/** The inbound transition state of a stage (absent row = enabled). */
export interface TransitionRow {
  readonly pipelineName: string;
  readonly stageName: string;
  readonly enabled: boolean;
  readonly reason: string | null;
  readonly changedBy: string | null;
  readonly changedAt: number;
}

/** The stored inbound transition of a stage, when it was ever disabled or enabled. */
export function getTransition(db: Db, pipelineName: string, stageName: string): TransitionRow | undefined {
  const r = stmt(db, 'SELECT * FROM stage_transitions WHERE pipeline_name = ? AND stage_name = ?').get(
    pipelineName,
    stageName,
  ) as Record<string, any> | undefined;
  if (!r) return undefined;
  return {
    pipelineName: r.pipeline_name,
    stageName: r.stage_name,
    enabled: r.enabled === 1,
    reason: r.reason,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
  };
}

/** Stores the inbound transition state of a stage. */
export function setTransition(
  db: Db,
  t: { pipelineName: string; stageName: string; enabled: boolean; reason?: string; changedBy?: string },
  now: number,
): void {
  stmt(
    db,
    `INSERT INTO stage_transitions (pipeline_name, stage_name, enabled, reason, changed_by, changed_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (pipeline_name, stage_name) DO UPDATE SET enabled = excluded.enabled, reason = excluded.reason,
       changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
  ).run(t.pipelineName, t.stageName, t.enabled ? 1 : 0, t.reason ?? null, t.changedBy ?? null, now);
}

/** Last revision PutActionRevision recorded for a source action. */
export function getActionRevision(
  db: Db,
  pipelineName: string,
  stageName: string,
  actionName: string,
): { revisionId: string; revisionChangeId: string; createdAt: number } | undefined {
  const r = stmt(
    db,
    'SELECT revision_id, revision_change_id, created_at FROM action_revisions WHERE pipeline_name = ? AND stage_name = ? AND action_name = ?',
  ).get(pipelineName, stageName, actionName) as Record<string, any> | undefined;
  return r
    ? { revisionId: r.revision_id, revisionChangeId: r.revision_change_id, createdAt: r.created_at }
    : undefined;
}

/** Records the revision PutActionRevision reported for a source action. */
export function setActionRevision(
  db: Db,
  r: {
    pipelineName: string;
    stageName: string;
    actionName: string;
    revisionId: string;
    revisionChangeId: string;
  },
  now: number,
): void {
  stmt(
    db,
    `INSERT INTO action_revisions (pipeline_name, stage_name, action_name, revision_id, revision_change_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (pipeline_name, stage_name, action_name) DO UPDATE SET revision_id = excluded.revision_id,
       revision_change_id = excluded.revision_change_id, created_at = excluded.created_at`,
  ).run(r.pipelineName, r.stageName, r.actionName, r.revisionId, r.revisionChangeId, now);
}
