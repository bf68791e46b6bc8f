import type { Tag } from '@aws-sdk/client-codepipeline';
import type { Db } from './database.js';
import { stmt } from './statements.js';

/**
 * Tags of one resource (pipeline, webhook or custom action type), sorted by key.
 * @example
 * listTags(db, 'arn:aws:codepipeline:us-east-1:000000000000:my-pipeline');
 */
export function listTags(db: Db, arn: string): Tag[] {
  return stmt(db, 'SELECT key, value FROM resource_tags WHERE resource_arn = ? ORDER BY key').all(
    arn,
  ) as Tag[];
}

/** Number of tags a resource has. */
export function countTags(db: Db, arn: string): number {
  return (
    stmt(db, 'SELECT COUNT(*) AS n FROM resource_tags WHERE resource_arn = ?').get(arn) as { n: number }
  ).n;
}

/** Adds or overwrites tags. Call inside the caller's transaction, or alone (one statement per tag, one transaction). */
export function putTags(db: Db, arn: string, tags: readonly Tag[]): void {
  db.transaction(() => {
    for (const t of tags)
      stmt(
        db,
        'INSERT INTO resource_tags (resource_arn, key, value) VALUES (?, ?, ?) ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value',
      ).run(arn, t.key, t.value);
  })();
}

/** Removes the given tag keys (absent keys are ignored). */
export function removeTags(db: Db, arn: string, keys: readonly string[]): void {
  db.transaction(() => {
    for (const k of keys)
      stmt(db, 'DELETE FROM resource_tags WHERE resource_arn = ? AND key = ?').run(arn, k);
  })();
}

/** Removes every tag of a resource (when the resource is deleted). */
export function removeAllTags(db: Db, arn: string): void {
  stmt(db, 'DELETE FROM resource_tags WHERE resource_arn = ?').run(arn);
}
