import type { WebhookDefinition } from '@aws-sdk/client-codepipeline';
import type { Db } from './database.js';
import { stmt } from './statements.js';

/** A stored webhook. */
export interface StoredWebhook {
  readonly definition: WebhookDefinition;
  readonly arn: string;
  readonly url: string;
  readonly registered: boolean;
  readonly lastTriggered?: Date;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

interface WebhookRow {
  name: string;
  arn: string;
  definition: string;
  url: string;
  registered: number;
  last_triggered: number | null;
  error_code: string | null;
  error_message: string | null;
}

function fromRow(r: WebhookRow): StoredWebhook {
  return {
    definition: JSON.parse(r.definition) as WebhookDefinition,
    arn: r.arn,
    url: r.url,
    registered: r.registered === 1,
    ...(r.last_triggered !== null ? { lastTriggered: new Date(r.last_triggered) } : {}),
    ...(r.error_code !== null ? { errorCode: r.error_code } : {}),
    ...(r.error_message !== null ? { errorMessage: r.error_message } : {}),
  };
}

/**
 * One webhook by name.
 * @example
 * getWebhook(db, 'my-webhook')?.definition.targetPipeline;
 */
export function getWebhook(db: Db, name: string): StoredWebhook | undefined {
  const r = stmt(db, 'SELECT * FROM webhooks WHERE name = ?').get(name) as WebhookRow | undefined;
  return r ? fromRow(r) : undefined;
}

/** One page of webhooks with names after `afterName`, sorted by name. */
export function listWebhooks(db: Db, afterName: string | undefined, limit: number): StoredWebhook[] {
  return (
    stmt(db, 'SELECT * FROM webhooks WHERE name > ? ORDER BY name LIMIT ?').all(
      afterName ?? '',
      limit,
    ) as WebhookRow[]
  ).map(fromRow);
}

/** Webhooks that target a pipeline. */
export function listWebhooksForPipeline(db: Db, pipelineName: string): StoredWebhook[] {
  return (
    stmt(
      db,
      "SELECT * FROM webhooks WHERE json_extract(definition, '$.targetPipeline') = ? ORDER BY name",
    ).all(pipelineName) as WebhookRow[]
  ).map(fromRow);
}

/** Number of webhooks (for the quota of 300). */
export function countWebhooks(db: Db): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM webhooks').get() as { n: number }).n;
}

/** Creates or replaces a webhook (PutWebhook), with `extra` (tags) in the same transaction. */
export function saveWebhook(
  db: Db,
  w: { definition: WebhookDefinition; arn: string; url: string },
  now: Date,
  extra?: () => void,
): void {
  db.transaction(() => {
    stmt(
      db,
      `INSERT INTO webhooks (name, arn, definition, url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, url = excluded.url,
         updated_at = excluded.updated_at`,
    ).run(w.definition.name, w.arn, JSON.stringify(w.definition), w.url, now.getTime(), now.getTime());
    extra?.();
  })();
}

/** Deletes a webhook with `extra` (its tags) in the same transaction; false when absent. */
export function deleteWebhook(db: Db, name: string, extra?: () => void): boolean {
  return db.transaction(() => {
    const r = stmt(db, 'DELETE FROM webhooks WHERE name = ?').run(name);
    if (r.changes > 0) extra?.();
    return r.changes > 0;
  })();
}

/** Sets whether the webhook is registered with the third party; false when absent. */
export function setWebhookRegistered(db: Db, name: string, registered: boolean): boolean {
  return (
    stmt(db, 'UPDATE webhooks SET registered = ? WHERE name = ?').run(registered ? 1 : 0, name).changes > 0
  );
}

/** Records a delivery that started (or was meant to start) the pipeline. */
export function recordWebhookTriggered(db: Db, name: string, at: Date): void {
  stmt(
    db,
    'UPDATE webhooks SET last_triggered = ?, error_code = NULL, error_message = NULL WHERE name = ?',
  ).run(at.getTime(), name);
}
