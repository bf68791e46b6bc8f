import type { S3Db } from './index-db.js';
import { objectFromRow, type ObjectRecord, type ObjectRow } from './records.js';

/** One listing request, already decoded from the query. `after` is an exclusive cursor (a key). */
export interface ListRequest {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly after?: string;
  readonly maxKeys: number;
}

/** A listing page: entries, common prefixes, and where the next page starts. */
export interface ListPage<T> {
  readonly entries: T[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  /** Cursor for the next page (exclusive); set when truncated. */
  readonly next?: string;
  /** The last key or common prefix returned (S3's NextMarker / NextKeyMarker). */
  readonly lastItem?: string;
  /** NextVersionIdMarker of a versions page. */
  readonly nextVersionId?: string;
}

/** A string greater than every key that starts with `prefix` (UTF-8 binary order, as SQLite compares). */
export function pastPrefix(prefix: string): string {
  return prefix + '\u{10FFFF}';
}

const BATCH = 1000;

/**
 * Lists the current (non-deleted) versions in key order from `after`, grouping keys that contain
 * `delimiter` after `prefix` into common prefixes; entries and prefixes together count toward maxKeys.
 */
export function listLatest(db: S3Db, bucket: string, request: ListRequest): ListPage<ObjectRecord> {
  const prefix = request.prefix ?? '';
  const stmt = db.prepare(
    `SELECT * FROM objects WHERE bucket = ? AND is_latest = 1 AND is_delete_marker = 0 AND key > ? AND key >= ?
     ORDER BY key LIMIT ${BATCH}`,
  );
  const entries: ObjectRecord[] = [];
  const commonPrefixes: string[] = [];
  let cursor = startCursor(request);
  let lastItem: string | undefined;
  let next: string | undefined;
  for (;;) {
    const rows = stmt.all(bucket, cursor, prefix) as ObjectRow[];
    if (rows.length === 0) break;
    let restart = false;
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) return page(false);
      const group = groupOf(row.key, prefix, request.delimiter);
      if (entries.length + commonPrefixes.length >= request.maxKeys) return page(true);
      if (group !== undefined) {
        commonPrefixes.push(group);
        lastItem = group;
        cursor = next = pastPrefix(group);
        restart = true;
        break;
      }
      entries.push(objectFromRow(row));
      lastItem = cursor = next = row.key;
    }
    if (!restart && rows.length < BATCH) break;
  }
  return page(false);

  function page(isTruncated: boolean): ListPage<ObjectRecord> {
    return { entries, commonPrefixes, isTruncated, next: isTruncated ? next : undefined, lastItem };
  }
}

/**
 * Lists every version and delete marker, key order then newest first, from (`after`, `versionIdMarker`),
 * grouping by `delimiter` like {@link listLatest}.
 */
export function listVersions(
  db: S3Db,
  bucket: string,
  request: ListRequest & { versionIdMarker?: string },
): ListPage<ObjectRecord> {
  const prefix = request.prefix ?? '';
  const entries: ObjectRecord[] = [];
  const commonPrefixes: string[] = [];
  let startSeq = 0;
  let cursor = startCursor(request);
  if (request.after !== undefined && cursor === request.after && request.versionIdMarker) {
    const seq = db
      .prepare('SELECT seq FROM objects WHERE bucket = ? AND key = ? AND version_id = ?')
      .pluck()
      .get(bucket, request.after, request.versionIdMarker) as number | undefined;
    if (seq !== undefined) startSeq = seq;
  }
  const stmt = db.prepare(
    `SELECT * FROM objects WHERE bucket = ? AND key >= ? AND (key > ? OR (key = ? AND seq < ?))
     ORDER BY key, seq DESC LIMIT ${BATCH}`,
  );
  let lastKey: string | undefined;
  let lastVersion: string | undefined;
  let lastItem: string | undefined;
  for (;;) {
    const rows = stmt.all(bucket, prefix, cursor, cursor, startSeq) as ObjectRow[];
    if (rows.length === 0) break;
    let restart = false;
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) return page(false);
      if (entries.length + commonPrefixes.length >= request.maxKeys) return page(true);
      const group = groupOf(row.key, prefix, request.delimiter);
      if (group !== undefined) {
        commonPrefixes.push(group);
        lastItem = lastKey = group;
        lastVersion = undefined;
        cursor = pastPrefix(group);
        startSeq = 0;
        restart = true;
        break;
      }
      entries.push(objectFromRow(row));
      lastItem = lastKey = cursor = row.key;
      lastVersion = row.version_id;
      startSeq = row.seq;
    }
    if (!restart && rows.length < BATCH) break;
  }
  return page(false);

  function page(isTruncated: boolean): ListPage<ObjectRecord> {
    return {
      entries,
      commonPrefixes,
      isTruncated,
      next: isTruncated ? lastKey : undefined,
      nextVersionId: isTruncated ? lastVersion : undefined,
      lastItem,
    };
  }
}

/** A marker that is itself a common prefix continues after everything under it. */
function startCursor(request: ListRequest): string {
  const after = request.after ?? '';
  const { delimiter } = request;
  const prefix = request.prefix ?? '';
  if (delimiter && after.startsWith(prefix) && after.endsWith(delimiter) && after.length > prefix.length)
    return groupOf(after, prefix, delimiter) === after ? pastPrefix(after) : after;
  return after;
}

function groupOf(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at === -1 ? undefined : key.slice(0, at + delimiter.length);
}
