import { randomBytes } from 'node:crypto';
import type { TempBlob } from './blob-files.js';
import { checksumOf, type ChecksumAlgorithm } from './checksums.js';
import { S3Error } from './errors.js';
import { bareEtag, multipartEtag, singlePartEtag } from './etag.js';
import type { ObjectStore } from './object-store.js';
import type { ObjectAttributes, ObjectRecord, SseSettings, StoredChecksum } from './records.js';

/** S3's limits for multipart uploads. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
export const MULTIPART_LIMITS = { minPartSize: 5 * 1024 * 1024, maxPartNumber: 10_000 } as const;

/** An upload in progress. */
export interface UploadRecord {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: Date;
  readonly attributes: ObjectAttributes;
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  readonly checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
}

/** A stored part. */
export interface PartRecord {
  readonly partNumber: number;
  readonly size: number;
  readonly etag: string;
  readonly md5: string;
  readonly checksum?: StoredChecksum;
  readonly lastModified: Date;
  readonly blob: string;
}

/** A part as CompleteMultipartUpload names it. */
export interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly checksums?: Partial<Record<ChecksumAlgorithm, string>>;
}

interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: number;
  content_type: string | null;
  headers: string;
  metadata: string;
  sse: string | null;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  tags: string;
}

interface PartRow {
  part_number: number;
  blob: string;
  size: number;
  etag: string;
  md5: string;
  checksum: string | null;
  last_modified: number;
}

/**
 * Multipart uploads of the embedded store: parts are blobs like objects; completion streams them into
 * one new blob (checking order, ETags and the 5 MiB minimum of non-last parts) and commits it as one
 * object version whose ETag is S3's md5-of-md5s `-N`.
 *
 * @example
 * const uploads = new MultipartStore(store);
 * const { uploadId } = uploads.create('b', 'big.bin', {});
 */
export class MultipartStore {
  constructor(private readonly store: ObjectStore) {}

  create(
    bucket: string,
    key: string,
    attributes: ObjectAttributes,
    checksum?: { algorithm: ChecksumAlgorithm; type: 'FULL_OBJECT' | 'COMPOSITE' },
  ): UploadRecord {
    this.store.requireBucket(bucket);
    const uploadId = randomBytes(32).toString('base64url');
    this.store.db
      .prepare(
        `INSERT INTO uploads (upload_id, bucket, key, initiated, content_type, headers, metadata, sse,
           checksum_algorithm, checksum_type, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        uploadId,
        bucket,
        key,
        Date.now(),
        attributes.contentType ?? null,
        JSON.stringify(attributes.headers ?? {}),
        JSON.stringify(attributes.metadata ?? {}),
        attributes.sse ? JSON.stringify(attributes.sse) : null,
        checksum?.algorithm ?? null,
        checksum?.type ?? null,
        JSON.stringify(attributes.tags ?? {}),
      );
    return this.require(bucket, key, uploadId);
  }

  /** The upload, or `NoSuchUpload` when it does not exist for this bucket and key. */
  require(bucket: string, key: string, uploadId: string): UploadRecord {
    this.store.requireBucket(bucket);
    const row = this.store.db.prepare('SELECT * FROM uploads WHERE upload_id = ?').get(uploadId) as
      UploadRow | undefined;
    if (!row || row.bucket !== bucket || row.key !== key)
      throw new S3Error(
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        { UploadId: uploadId },
      );
    return {
      uploadId: row.upload_id,
      bucket: row.bucket,
      key: row.key,
      initiated: new Date(row.initiated),
      attributes: {
        contentType: row.content_type ?? undefined,
        headers: JSON.parse(row.headers) as Record<string, string>,
        metadata: JSON.parse(row.metadata) as Record<string, string>,
        sse: row.sse ? (JSON.parse(row.sse) as SseSettings) : undefined,
        tags: JSON.parse(row.tags) as Record<string, string>,
      },
      checksumAlgorithm: (row.checksum_algorithm as ChecksumAlgorithm | null) ?? undefined,
      checksumType: (row.checksum_type as 'FULL_OBJECT' | 'COMPOSITE' | null) ?? undefined,
    };
  }

  /** Stores (or replaces) one part from a received temp file. */
  async putPart(
    upload: UploadRecord,
    partNumber: number,
    temp: TempBlob,
    checksum?: StoredChecksum,
  ): Promise<PartRecord> {
    const blob = await this.store.blobs.commit(temp);
    const etag = singlePartEtag(temp.md5Hex);
    const db = this.store.db;
    let replaced: string | undefined;
    try {
      db.transaction(() => {
        if (!db.prepare('SELECT 1 FROM uploads WHERE upload_id = ?').get(upload.uploadId))
          throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', {
            UploadId: upload.uploadId,
          });
        replaced = db
          .prepare('SELECT blob FROM parts WHERE upload_id = ? AND part_number = ?')
          .pluck()
          .get(upload.uploadId, partNumber) as string | undefined;
        db.prepare(
          `INSERT OR REPLACE INTO parts (upload_id, part_number, blob, size, etag, md5, checksum, last_modified)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          upload.uploadId,
          partNumber,
          blob,
          temp.size,
          etag,
          temp.md5Hex,
          checksum ? JSON.stringify(checksum) : null,
          Date.now(),
        );
      })();
    } catch (error) {
      await this.store.blobs.remove(blob);
      throw error;
    }
    await this.store.blobs.remove(replaced);
    return this.listParts(upload).find((p) => p.partNumber === partNumber) as PartRecord;
  }

  listParts(upload: UploadRecord): PartRecord[] {
    const rows = this.store.db
      .prepare('SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number')
      .all(upload.uploadId) as PartRow[];
    return rows.map((r) => ({
      partNumber: r.part_number,
      size: r.size,
      etag: r.etag,
      md5: r.md5,
      checksum: r.checksum ? (JSON.parse(r.checksum) as StoredChecksum) : undefined,
      lastModified: new Date(r.last_modified),
      blob: r.blob,
    }));
  }

  /** Uploads in progress in a bucket, by key then initiation. */
  listUploads(bucket: string, prefix = ''): UploadRecord[] {
    this.store.requireBucket(bucket);
    const rows = this.store.db
      .prepare('SELECT upload_id, key FROM uploads WHERE bucket = ? ORDER BY key, initiated')
      .all(bucket) as { upload_id: string; key: string }[];
    return rows.filter((r) => r.key.startsWith(prefix)).map((r) => this.require(bucket, r.key, r.upload_id));
  }

  async abort(upload: UploadRecord): Promise<void> {
    const blobs = this.store.db.transaction(() => {
      const found = this.store.db
        .prepare('SELECT blob FROM parts WHERE upload_id = ?')
        .pluck()
        .all(upload.uploadId);
      this.store.db.prepare('DELETE FROM uploads WHERE upload_id = ?').run(upload.uploadId);
      return found as string[];
    })();
    for (const blob of blobs) await this.store.blobs.remove(blob);
  }

  /**
   * Completes an upload from the listed parts (ascending, each with its ETag). Throws `InvalidPartOrder`,
   * `InvalidPart`, `EntityTooSmall` like S3; a full-object checksum given on completion is verified.
   */
  async complete(
    upload: UploadRecord,
    requested: readonly RequestedPart[],
    expectedFullChecksum?: { algorithm: ChecksumAlgorithm; value: string },
  ): Promise<ObjectRecord> {
    if (requested.length === 0)
      throw new S3Error(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
      );
    const stored = new Map(this.listParts(upload).map((p) => [p.partNumber, p]));
    const chosen: PartRecord[] = [];
    requested.forEach((req, i) => {
      if (i > 0 && req.partNumber <= requested[i - 1].partNumber)
        throw new S3Error(
          'InvalidPartOrder',
          'The list of parts was not in ascending order. Parts must be ordered by part number.',
          {
            UploadId: upload.uploadId,
          },
        );
      const part = stored.get(req.partNumber);
      const checksumMismatch =
        part?.checksum &&
        req.checksums?.[part.checksum.algorithm] !== undefined &&
        req.checksums[part.checksum.algorithm] !== part.checksum.value;
      if (!part || bareEtag(req.etag) !== bareEtag(part.etag) || checksumMismatch)
        throw new S3Error(
          'InvalidPart',
          "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
          { UploadId: upload.uploadId, PartNumber: req.partNumber, ETag: req.etag },
        );
      chosen.push(part);
    });
    chosen.slice(0, -1).forEach((part) => {
      if (part.size < MULTIPART_LIMITS.minPartSize)
        throw new S3Error(
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed object size.',
          {
            ProposedSize: part.size,
            MinSizeAllowed: MULTIPART_LIMITS.minPartSize,
            PartNumber: part.partNumber,
            ETag: part.etag,
          },
        );
    });
    const fullAlgorithm =
      expectedFullChecksum?.algorithm ??
      (upload.checksumType === 'FULL_OBJECT' ? upload.checksumAlgorithm : undefined);
    const temp = await this.store.blobs.concatTemp(
      chosen.map((p) => p.blob),
      fullAlgorithm ? [fullAlgorithm] : [],
    );
    const checksum = fullAlgorithm
      ? {
          algorithm: fullAlgorithm,
          value: temp.checksums[fullAlgorithm] as string,
          type: 'FULL_OBJECT' as const,
        }
      : compositeChecksum(upload.checksumAlgorithm, chosen);
    if (expectedFullChecksum && expectedFullChecksum.value !== checksum?.value) {
      await this.store.blobs.discard(temp);
      throw new S3Error(
        'BadDigest',
        `The ${expectedFullChecksum.algorithm} you specified did not match the calculated checksum.`,
      );
    }
    const record = await this.store.commitObject(upload.bucket, upload.key, temp, {
      ...upload.attributes,
      size: temp.size,
      etag: multipartEtag(chosen.map((p) => p.md5)),
      partSizes: chosen.map((p) => p.size),
      checksum,
    });
    await this.abort(upload);
    return record;
  }
}

/** S3's composite checksum: the checksum of the parts' binary checksums, then `-N`. */
function compositeChecksum(
  algorithm: ChecksumAlgorithm | undefined,
  parts: readonly PartRecord[],
): StoredChecksum | undefined {
  if (!algorithm || parts.some((p) => p.checksum?.algorithm !== algorithm)) return undefined;
  const joined = Buffer.concat(parts.map((p) => Buffer.from(p.checksum?.value ?? '', 'base64')));
  return { algorithm, value: `${checksumOf(algorithm, joined)}-${parts.length}`, type: 'COMPOSITE' };
}
