import {
  actionTypeKeyString,
  findBuiltinActionType,
  listBuiltinActionTypes,
  type ActionTypeDefinition,
  type ActionTypeKey,
} from '../action-types/builtin.js';
import type { Db } from './database.js';
import { stmt } from './statements.js';

interface ActionTypeRow {
  category: string;
  owner: string;
  provider: string;
  version: string;
  arn: string;
  definition: string;
  deleted_at: number | null;
}

function fromRow(row: ActionTypeRow): ActionTypeDefinition {
  const stored = JSON.parse(row.definition) as Omit<ActionTypeDefinition, 'id' | 'builtin'>;
  return {
    ...stored,
    id: { category: row.category, owner: row.owner, provider: row.provider, version: row.version },
    builtin: false,
    arn: row.arn,
    ...(row.deleted_at !== null ? { deleted: true } : {}),
  };
}

function storedRow(db: Db, id: ActionTypeKey): ActionTypeRow | undefined {
  return stmt(
    db,
    'SELECT * FROM custom_action_types WHERE category = ? AND owner = ? AND provider = ? AND version = ?',
  ).get(id.category, id.owner, id.provider, id.version) as ActionTypeRow | undefined;
}

/**
 * The action type with this id: a stored one (custom, or a third-party type changed by
 * UpdateActionType) or a built-in one, with its configuration properties (incl. `secret`,
 * `queryable`) and artifact bounds. Deleted custom types are found only with `includeDeleted`
 * (running jobs of a deleted type keep working).
 * @example
 * const t = findActionType(db, { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' });
 * t?.configurationProperties.filter((p) => p.required).map((p) => p.name); // ['FunctionName']
 */
export function findActionType(
  db: Db,
  id: ActionTypeKey,
  options: { includeDeleted?: boolean } = {},
): ActionTypeDefinition | undefined {
  const row = storedRow(db, id);
  if (row && (row.deleted_at === null || options.includeDeleted)) return fromRow(row);
  if (row && row.owner === 'Custom') return undefined;
  return findBuiltinActionType(id);
}

/** Every usable action type: built-in ones (overridden by stored third-party updates) and live custom ones. */
export function listActionTypes(db: Db): ActionTypeDefinition[] {
  const rows = (
    stmt(db, 'SELECT * FROM custom_action_types WHERE deleted_at IS NULL').all() as ActionTypeRow[]
  ).map(fromRow);
  const stored = new Set(rows.map((t) => actionTypeKeyString(t.id)));
  const all = [...listBuiltinActionTypes().filter((t) => !stored.has(actionTypeKeyString(t.id))), ...rows];
  return all.sort((a, b) => actionTypeKeyString(a.id).localeCompare(actionTypeKeyString(b.id)));
}

/** Number of live custom action types (for the quota of 50). */
export function countCustomActionTypes(db: Db): number {
  return (
    stmt(
      db,
      "SELECT COUNT(*) AS n FROM custom_action_types WHERE owner = 'Custom' AND deleted_at IS NULL",
    ).get() as {
      n: number;
    }
  ).n;
}

/** A stored action type row including deleted ones, for create/restore decisions. */
export function findStoredActionType(db: Db, id: ActionTypeKey): ActionTypeDefinition | undefined {
  const row = storedRow(db, id);
  return row ? fromRow(row) : undefined;
}

/** Inserts or replaces (restoring a deleted one) a stored action type, with `extra` in the same transaction. */
export function saveActionType(
  db: Db,
  t: ActionTypeDefinition,
  arn: string,
  now: Date,
  extra?: () => void,
): void {
  const { id, builtin: _b, arn: _a, deleted: _d, ...rest } = t;
  db.transaction(() => {
    stmt(
      db,
      `INSERT INTO custom_action_types (category, owner, provider, version, arn, definition, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (category, owner, provider, version) DO UPDATE SET
         definition = excluded.definition, updated_at = excluded.updated_at, deleted_at = NULL`,
    ).run(
      id.category,
      id.owner,
      id.provider,
      id.version,
      arn,
      JSON.stringify(rest),
      now.getTime(),
      now.getTime(),
    );
    extra?.();
  })();
}

/** Marks a custom action type deleted (kept for running jobs and restore); false when no live one exists. */
export function markActionTypeDeleted(db: Db, id: ActionTypeKey, now: Date, extra?: () => void): boolean {
  return db.transaction(() => {
    const r = stmt(
      db,
      `UPDATE custom_action_types SET deleted_at = ?
       WHERE category = ? AND owner = ? AND provider = ? AND version = ? AND deleted_at IS NULL`,
    ).run(now.getTime(), id.category, id.owner, id.provider, id.version);
    if (r.changes > 0) extra?.();
    return r.changes > 0;
  })();
}
