import type { PipelineDeclaration, PipelineSummary } from '@aws-sdk/client-codepipeline';
import type { Db } from './database.js';
import { cachedRead, stmt } from './statements.js';

/** Metadata kept beside each pipeline (GetPipeline `metadata`). */
export interface PipelineMetadataRecord {
  readonly pipelineArn: string;
  readonly created: Date;
  readonly updated: Date;
  readonly pollingDisabledAt?: Date;
}

/** One stored pipeline version: its full declaration (with `version`) and the pipeline's metadata. */
export interface StoredPipeline {
  readonly declaration: PipelineDeclaration;
  readonly metadata: PipelineMetadataRecord;
}

interface PipelineRow {
  name: string;
  arn: string;
  current_version: number;
  pipeline_type: string;
  execution_mode: string;
  created_at: number;
  updated_at: number;
  polling_disabled_at: number | null;
}

function metadataOf(row: PipelineRow): PipelineMetadataRecord {
  return {
    pipelineArn: row.arn,
    created: new Date(row.created_at),
    updated: new Date(row.updated_at),
    ...(row.polling_disabled_at !== null ? { pollingDisabledAt: new Date(row.polling_disabled_at) } : {}),
  };
}

/**
 * A pipeline's declaration (the current version, or `version`) with its metadata; undefined when
 * the pipeline or that version does not exist. Secret configuration values are returned as stored.
 * @example
 * const p = getPipeline(db, 'my-pipeline');
 * if (p) console.log(p.declaration.version, p.metadata.pipelineArn);
 */
export function getPipeline(db: Db, name: string, version?: number): StoredPipeline | undefined {
  // Cached rows (the two point queries cost more than the parse); each caller gets fresh objects.
  const found = cachedRead(db, `getPipeline\0${name}\0${version ?? ''}`, () => {
    const row = stmt(db, 'SELECT * FROM pipelines WHERE name = ?').get(name) as PipelineRow | undefined;
    if (!row) return undefined;
    const stored = stmt(
      db,
      'SELECT declaration FROM pipeline_versions WHERE pipeline_name = ? AND version = ?',
    ).get(name, version ?? row.current_version) as { declaration: string } | undefined;
    return stored ? { row, declaration: stored.declaration } : undefined;
  });
  if (!found) return undefined;
  return {
    declaration: JSON.parse(found.declaration) as PipelineDeclaration,
    metadata: metadataOf(found.row),
  };
}

/**
 * True when `bucket` is the artifact store of a pipeline's current version (`artifactStore` or one of
 * `artifactStores`).
 * @example
 * if (isArtifactBucket(db, 'codepipeline-us-east-1-artifacts')) console.log('an artifact bucket');
 */
export function isArtifactBucket(db: Db, bucket: string): boolean {
  const row = stmt(
    db,
    `SELECT 1 FROM pipelines p
       JOIN pipeline_versions v ON v.pipeline_name = p.name AND v.version = p.current_version
      WHERE json_extract(v.declaration, '$.artifactStore.location') = @bucket
         OR EXISTS (SELECT 1 FROM json_each(v.declaration, '$.artifactStores') s
                     WHERE json_extract(s.value, '$.location') = @bucket)
      LIMIT 1`,
  ).get({ bucket });
  return row !== undefined;
}

/** True when a pipeline with this name exists. */
export function pipelineExists(db: Db, name: string): boolean {
  return stmt(db, 'SELECT 1 FROM pipelines WHERE name = ?').get(name) !== undefined;
}

/**
 * Names of all pipelines, sorted.
 * @example
 * for (const name of listPipelineNames(db)) console.log(name);
 */
export function listPipelineNames(db: Db): string[] {
  return (stmt(db, 'SELECT name FROM pipelines ORDER BY name').all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/** Number of pipelines (for the 1,000-pipeline quota). */
export function countPipelines(db: Db): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM pipelines').get() as { n: number }).n;
}

/** One page of pipeline summaries with names after `afterName`, sorted by name. */
export function listPipelineSummaries(
  db: Db,
  afterName: string | undefined,
  limit: number,
): PipelineSummary[] {
  // Cached rows: reading and materializing a page of rows is most of ListPipelines' time.
  const rows = cachedRead(
    db,
    `listPipelineSummaries\0${afterName ?? ''}\0${limit}`,
    () =>
      stmt(db, 'SELECT * FROM pipelines WHERE name > ? ORDER BY name LIMIT ?').all(
        afterName ?? '',
        limit,
      ) as PipelineRow[],
  );
  return rows.map((r) => ({
    name: r.name,
    version: r.current_version,
    pipelineType: r.pipeline_type as PipelineSummary['pipelineType'],
    executionMode: r.execution_mode as PipelineSummary['executionMode'],
    created: new Date(r.created_at),
    updated: new Date(r.updated_at),
  }));
}

/** Fields written when a pipeline is created. */
export interface NewPipeline {
  readonly declaration: PipelineDeclaration;
  readonly arn: string;
  readonly now: Date;
}

/**
 * Inserts a pipeline with version 1 in one transaction (with `extra`, e.g. its tags, in the same
 * transaction). Returns false when the name is taken.
 */
export function insertPipeline(db: Db, p: NewPipeline, extra?: () => void): boolean {
  const at = p.now.getTime();
  return db.transaction(() => {
    if (pipelineExists(db, p.declaration.name!)) return false;
    stmt(
      db,
      `INSERT INTO pipelines (name, arn, current_version, pipeline_type, execution_mode, created_at, updated_at)
       VALUES (?, ?, 1, ?, ?, ?, ?)`,
    ).run(p.declaration.name, p.arn, p.declaration.pipelineType, p.declaration.executionMode, at, at);
    stmt(
      db,
      'INSERT INTO pipeline_versions (pipeline_name, version, declaration, created_at) VALUES (?, 1, ?, ?)',
    ).run(p.declaration.name, JSON.stringify({ ...p.declaration, version: 1 }), at);
    extra?.();
    return true;
  })();
}

/**
 * Stores `declaration` as the next version if the current version still is `expectedVersion`
 * (one transaction). Returns the new version, 'missing' or 'conflict'.
 */
export function insertPipelineVersion(
  db: Db,
  declaration: PipelineDeclaration,
  expectedVersion: number,
  now: Date,
): number | 'missing' | 'conflict' {
  return db.transaction(() => {
    const row = stmt(db, 'SELECT current_version FROM pipelines WHERE name = ?').get(declaration.name) as
      { current_version: number } | undefined;
    if (!row) return 'missing' as const;
    if (row.current_version !== expectedVersion) return 'conflict' as const;
    const next = row.current_version + 1;
    stmt(
      db,
      `UPDATE pipelines SET current_version = ?, pipeline_type = ?, execution_mode = ?, updated_at = ?
       WHERE name = ?`,
    ).run(next, declaration.pipelineType, declaration.executionMode, now.getTime(), declaration.name);
    stmt(
      db,
      'INSERT INTO pipeline_versions (pipeline_name, version, declaration, created_at) VALUES (?, ?, ?, ?)',
    ).run(declaration.name, next, JSON.stringify({ ...declaration, version: next }), now.getTime());
    return next;
  })();
}

/** Deletes a pipeline, all its versions and (via `extra`) its tags in one transaction; false if absent. */
export function deletePipeline(db: Db, name: string, extra?: () => void): boolean {
  return db.transaction(() => {
    const r = stmt(db, 'DELETE FROM pipelines WHERE name = ?').run(name);
    if (r.changes === 0) return false;
    stmt(db, 'DELETE FROM pipeline_versions WHERE pipeline_name = ?').run(name);
    extra?.();
    return true;
  })();
}

/** Records when polling for source changes was disabled (GetPipeline `metadata.pollingDisabledAt`). */
export function setPollingDisabledAt(db: Db, name: string, at: Date | undefined): void {
  stmt(db, 'UPDATE pipelines SET polling_disabled_at = ? WHERE name = ?').run(at?.getTime() ?? null, name);
}
