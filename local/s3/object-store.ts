import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import type { ArtifactObjectInfo, ArtifactPutOptions, ArtifactStore } from './artifact-store.js';
import { BlobFiles, type TempBlob } from './blob-files.js';
import { assertValidBucketName } from './bucket-names.js';
import type { ChecksumAlgorithm } from './checksums.js';
import { S3Error, noSuchBucket, noSuchKey } from './errors.js';
import { singlePartEtag } from './etag.js';
import { openS3Database, type S3Db } from './index-db.js';
import { listLatest, listVersions, type ListPage, type ListRequest } from './listing.js';
import {
  objectFromRow,
  type BucketRecord,
  type ObjectAttributes,
  type ObjectRecord,
  type ObjectRow,
  type SseSettings,
  type VersioningStatus,
} from './records.js';

/** Fields of a new object version besides its attributes. */
export interface NewVersion extends ObjectAttributes {
  readonly size: number;
  readonly etag: string;
  readonly partSizes?: readonly number[];
}

/**
 * The embedded S3 store: buckets, object versions and their rules (versioning, delete markers) over
 * SQLite metadata (`<dataDir>/s3/index.sqlite`) and immutable blob files (`<dataDir>/s3/blobs`).
 * An object becomes visible only in the transaction that inserts its row, after its bytes were fsynced
 * and renamed into place; so a crash mid-upload leaves nothing visible, and orphans are cleaned at start.
 *
 * @example
 * const store = new ObjectStore({ dataDir: '.cpkit', region: 'us-east-1' });
 * await store.ensureBucket('artifacts');
 * await store.putObject('artifacts', 'a.txt', 'hello');
 */
export class ObjectStore implements ArtifactStore {
  readonly db: S3Db;
  readonly blobs: BlobFiles;
  readonly region: string;

  constructor(options: { dataDir: string; region: string }) {
    const root = join(options.dataDir, 's3');
    this.region = options.region;
    this.db = openS3Database(root);
    this.blobs = new BlobFiles(root);
    const referenced = this.db
      .prepare('SELECT blob FROM objects WHERE blob IS NOT NULL UNION SELECT blob FROM parts')
      .pluck()
      .all() as string[];
    this.blobs.cleanOrphans(new Set(referenced));
  }

  /** The key id S3 reports for SSE-KMS without an explicit key: the AWS managed key of the region. */
  get defaultKmsKeyId(): string {
    return `arn:aws:kms:${this.region}:000000000000:alias/aws/s3`;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // Buckets

  createBucket(name: string, region = this.region): BucketRecord {
    assertValidBucketName(name);
    if (this.getBucket(name))
      throw new S3Error(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        { BucketName: name },
      );
    this.db
      .prepare('INSERT INTO buckets (name, region, created_at) VALUES (?, ?, ?)')
      .run(name, region, Date.now());
    return this.requireBucket(name);
  }

  getBucket(name: string): BucketRecord | undefined {
    const row = this.db.prepare('SELECT * FROM buckets WHERE name = ?').get(name) as
      { name: string; region: string; created_at: number; versioning: VersioningStatus } | undefined;
    return (
      row && {
        name: row.name,
        region: row.region,
        createdAt: new Date(row.created_at),
        versioning: row.versioning,
      }
    );
  }

  requireBucket(name: string): BucketRecord {
    const bucket = this.getBucket(name);
    if (!bucket) throw noSuchBucket(name);
    return bucket;
  }

  listBuckets(): BucketRecord[] {
    const names = this.db.prepare('SELECT name FROM buckets ORDER BY name').pluck().all() as string[];
    return names.map((n) => this.requireBucket(n));
  }

  /** Deletes an empty bucket (no object versions, no delete markers); aborts its multipart uploads. */
  async deleteBucket(name: string): Promise<void> {
    this.requireBucket(name);
    const partBlobs = this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM objects WHERE bucket = ? LIMIT 1').get(name))
        throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', {
          BucketName: name,
        });
      const blobs = this.db
        .prepare('SELECT p.blob FROM parts p JOIN uploads u USING (upload_id) WHERE u.bucket = ?')
        .pluck()
        .all(name) as string[];
      this.db.prepare('DELETE FROM uploads WHERE bucket = ?').run(name);
      this.db.prepare('DELETE FROM buckets WHERE name = ?').run(name);
      return blobs;
    })();
    for (const blob of partBlobs) await this.blobs.remove(blob);
  }

  setVersioning(name: string, status: 'Enabled' | 'Suspended'): void {
    this.requireBucket(name);
    this.db.prepare('UPDATE buckets SET versioning = ? WHERE name = ?').run(status, name);
  }

  // Objects

  /** Streams a request body to a temp file with its MD5 and the given checksums (not visible yet). */
  receive(
    source: Readable,
    algorithms: readonly ChecksumAlgorithm[] = [],
    decoder?: Transform,
  ): Promise<TempBlob> {
    return this.blobs.writeTemp(source, algorithms, decoder);
  }

  /** Makes a received temp file the newest version of `bucket/key` (or discards it when the bucket is gone). */
  async commitObject(
    bucket: string,
    key: string,
    temp: TempBlob,
    version: NewVersion,
  ): Promise<ObjectRecord> {
    try {
      this.requireBucket(bucket);
    } catch (error) {
      await this.blobs.discard(temp);
      throw error;
    }
    const blob = await this.blobs.commit(temp);
    return this.insertVersion(bucket, key, blob, version);
  }

  /** Copies a stored version's bytes (hard link) to a new version of `bucket/key` with `attributes`. */
  async copyObject(
    source: ObjectRecord,
    bucket: string,
    key: string,
    version: NewVersion,
  ): Promise<ObjectRecord> {
    this.requireBucket(bucket);
    if (!source.blob) throw noSuchKey(source.key);
    const blob = await this.blobs.duplicate(source.blob);
    return this.insertVersion(bucket, key, blob, version);
  }

  /** One version (`versionId`) or the latest one, including delete markers; undefined when absent. */
  findObject(bucket: string, key: string, versionId?: string): ObjectRecord | undefined {
    this.requireBucket(bucket);
    const row = (
      versionId === undefined
        ? this.db.prepare('SELECT * FROM objects WHERE bucket = ? AND key = ? AND is_latest = 1')
        : this.db.prepare('SELECT * FROM objects WHERE bucket = ? AND key = ? AND version_id = ?')
    ).get(...(versionId === undefined ? [bucket, key] : [bucket, key, versionId])) as ObjectRow | undefined;
    return row && objectFromRow(row);
  }

  /**
   * Deletes like S3: without `versionId`, an unversioned bucket loses the object and a versioned one gets
   * a delete marker; with `versionId`, that version goes for good and the next newest becomes current.
   */
  async removeObject(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<{ versionId?: string; deleteMarker: boolean }> {
    const { versioning } = this.requireBucket(bucket);
    const now = Date.now();
    const outcome = this.db.transaction(() => {
      if (versionId !== undefined) {
        const row = this.db
          .prepare('SELECT * FROM objects WHERE bucket = ? AND key = ? AND version_id = ?')
          .get(bucket, key, versionId) as ObjectRow | undefined;
        if (!row) return { result: { versionId, deleteMarker: false }, obsolete: [] };
        this.db.prepare('DELETE FROM objects WHERE seq = ?').run(row.seq);
        if (row.is_latest === 1) this.promoteNewest(bucket, key);
        return { result: { versionId, deleteMarker: row.is_delete_marker === 1 }, obsolete: [row.blob] };
      }
      const obsolete = this.dropNullVersion(bucket, key);
      if (versioning === '') return { result: { deleteMarker: false }, obsolete };
      const markerId = versioning === 'Enabled' ? newVersionId() : 'null';
      this.db
        .prepare('UPDATE objects SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1')
        .run(bucket, key);
      this.db
        .prepare(
          `INSERT INTO objects (bucket, key, version_id, is_latest, is_delete_marker, last_modified)
           VALUES (?, ?, ?, 1, 1, ?)`,
        )
        .run(bucket, key, markerId, now);
      return { result: { versionId: markerId, deleteMarker: true }, obsolete };
    })();
    for (const blob of outcome.obsolete) await this.blobs.remove(blob);
    return outcome.result;
  }

  /** Replaces the tags of one version (the latest without `versionId`); NoSuchKey/NoSuchVersion when absent. */
  setTags(
    bucket: string,
    key: string,
    versionId: string | undefined,
    tags: Record<string, string>,
  ): ObjectRecord {
    const record = this.findObject(bucket, key, versionId);
    if (!record || record.isDeleteMarker) {
      if (versionId !== undefined && !record)
        throw new S3Error('NoSuchVersion', 'The specified version does not exist.', {
          Key: key,
          VersionId: versionId,
        });
      throw noSuchKey(key);
    }
    this.db.prepare('UPDATE objects SET tags = ? WHERE seq = ?').run(JSON.stringify(tags), record.seq);
    return { ...record, tags };
  }

  /** Reads a version's bytes, optionally an inclusive range. */
  openObject(record: ObjectRecord, range?: { start: number; end: number }): Readable {
    if (!record.blob || record.size === 0) return Readable.from([]);
    return this.blobs.open(record.blob, range);
  }

  /** ListObjects(V2): the current versions, grouped by `delimiter`, one page. */
  listObjects(bucket: string, request: ListRequest): ListPage<ObjectRecord> {
    this.requireBucket(bucket);
    return listLatest(this.db, bucket, request);
  }

  /** ListObjectVersions: all versions and delete markers, newest first per key, one page. */
  listObjectVersions(
    bucket: string,
    request: ListRequest & { versionIdMarker?: string },
  ): ListPage<ObjectRecord> {
    this.requireBucket(bucket);
    return listVersions(this.db, bucket, request);
  }

  // ArtifactStore

  async ensureBucket(bucket: string): Promise<void> {
    if (!this.getBucket(bucket)) this.createBucket(bucket);
  }

  async putObject(
    bucket: string,
    key: string,
    body: Readable | Buffer | string,
    opts: ArtifactPutOptions = {},
  ): Promise<{ etag: string; versionId?: string }> {
    this.requireBucket(bucket);
    const source =
      typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    const temp = await this.receive(source);
    const sse: SseSettings = opts.sse
      ? { algorithm: 'aws:kms', keyId: opts.sse.keyId ?? this.defaultKmsKeyId }
      : { algorithm: 'AES256' };
    const record = await this.commitObject(bucket, key, temp, {
      size: temp.size,
      etag: singlePartEtag(temp.md5Hex),
      contentType: opts.contentType ?? 'binary/octet-stream',
      sse,
    });
    return { etag: record.etag, versionId: visibleVersionId(record) };
  }

  async getObject(
    bucket: string,
    key: string,
    opts: { versionId?: string } = {},
  ): Promise<ArtifactObjectInfo & { body: Readable }> {
    const record = this.findObject(bucket, key, opts.versionId);
    if (!record || record.isDeleteMarker) throw noSuchKey(key);
    return { ...artifactInfo(record), body: this.openObject(record) };
  }

  async headObject(
    bucket: string,
    key: string,
    opts: { versionId?: string } = {},
  ): Promise<ArtifactObjectInfo | undefined> {
    if (!this.getBucket(bucket)) return undefined;
    const record = this.findObject(bucket, key, opts.versionId);
    return record && !record.isDeleteMarker ? artifactInfo(record) : undefined;
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.removeObject(bucket, key);
  }

  // Internals

  private async insertVersion(
    bucket: string,
    key: string,
    blob: string,
    version: NewVersion,
  ): Promise<ObjectRecord> {
    let obsolete: (string | null)[] = [];
    let seq: number;
    try {
      seq = this.db.transaction(() => {
        const row = this.db.prepare('SELECT versioning FROM buckets WHERE name = ?').get(bucket) as
          { versioning: VersioningStatus } | undefined;
        if (!row) throw noSuchBucket(bucket);
        const versionId = row.versioning === 'Enabled' ? newVersionId() : 'null';
        if (versionId === 'null') obsolete = this.dropNullVersion(bucket, key);
        this.db
          .prepare('UPDATE objects SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1')
          .run(bucket, key);
        const info = this.db
          .prepare(
            `INSERT INTO objects (bucket, key, version_id, is_latest, is_delete_marker, blob, size, etag, last_modified,
               content_type, headers, metadata, sse, checksum, part_sizes, tags)
             VALUES (?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            bucket,
            key,
            versionId,
            blob,
            version.size,
            version.etag,
            Date.now(),
            version.contentType ?? null,
            JSON.stringify(version.headers ?? {}),
            JSON.stringify(version.metadata ?? {}),
            version.sse ? JSON.stringify(version.sse) : null,
            version.checksum ? JSON.stringify(version.checksum) : null,
            version.partSizes ? JSON.stringify(version.partSizes) : null,
            JSON.stringify(version.tags ?? {}),
          );
        return Number(info.lastInsertRowid);
      })();
    } catch (error) {
      await this.blobs.remove(blob);
      throw error;
    }
    for (const old of obsolete) await this.blobs.remove(old);
    return objectFromRow(this.db.prepare('SELECT * FROM objects WHERE seq = ?').get(seq) as ObjectRow);
  }

  /** Deletes the 'null' version of a key (inside a transaction); returns its blob for removal. */
  private dropNullVersion(bucket: string, key: string): (string | null)[] {
    const row = this.db
      .prepare(
        "SELECT seq, blob, is_latest FROM objects WHERE bucket = ? AND key = ? AND version_id = 'null'",
      )
      .get(bucket, key) as { seq: number; blob: string | null; is_latest: number } | undefined;
    if (!row) return [];
    this.db.prepare('DELETE FROM objects WHERE seq = ?').run(row.seq);
    if (row.is_latest === 1) this.promoteNewest(bucket, key);
    return [row.blob];
  }

  private promoteNewest(bucket: string, key: string): void {
    this.db
      .prepare(
        `UPDATE objects SET is_latest = 1 WHERE seq =
           (SELECT MAX(seq) FROM objects WHERE bucket = ? AND key = ?)`,
      )
      .run(bucket, key);
  }
}

/** The version id S3 shows for a record: absent for objects written while versioning was never enabled. */
export function visibleVersionId(record: ObjectRecord): string | undefined {
  return record.versionId === 'null' ? undefined : record.versionId;
}

function artifactInfo(record: ObjectRecord): ArtifactObjectInfo {
  return {
    size: record.size,
    etag: record.etag,
    versionId: visibleVersionId(record),
    lastModified: record.lastModified,
  };
}

/** An opaque version id like S3's: 32 letters and digits (never a leading '-', which CLIs read as a flag). */
function newVersionId(): string {
  return randomBytes(32)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 32);
}
