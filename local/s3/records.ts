import type { ChecksumAlgorithm } from './checksums.js';

/** Versioning state of a bucket: '' (never enabled), 'Enabled' or 'Suspended'. */
export type VersioningStatus = '' | 'Enabled' | 'Suspended';

/** A bucket as stored. */
export interface BucketRecord {
  readonly name: string;
  readonly region: string;
  readonly createdAt: Date;
  readonly versioning: VersioningStatus;
}

/** Server-side encryption settings stored with an object and echoed in responses, as S3 does. */
export interface SseSettings {
  readonly algorithm: 'aws:kms' | 'aws:kms:dsse' | 'AES256';
  readonly keyId?: string;
  readonly bucketKeyEnabled?: boolean;
}

/** An object's stored checksum (`x-amz-checksum-<algorithm>`). */
export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly value: string;
  readonly type: 'FULL_OBJECT' | 'COMPOSITE';
}

/** What is stored with an object besides its bytes. */
export interface ObjectAttributes {
  readonly contentType?: string;
  /** Standard headers kept verbatim: content-encoding, content-disposition, cache-control, content-language, expires. */
  readonly headers?: Readonly<Record<string, string>>;
  /** User metadata (`x-amz-meta-*`), names in lower case without the prefix. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly sse?: SseSettings;
  readonly checksum?: StoredChecksum;
  /** Object tags (`x-amz-tagging`, PutObjectTagging). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** One version of an object (or a delete marker). `versionId` is 'null' when versioning was not enabled. */
export interface ObjectRecord extends ObjectAttributes {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly seq: number;
  readonly isLatest: boolean;
  readonly isDeleteMarker: boolean;
  readonly blob: string | null;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date;
  readonly headers: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Sizes of the parts of a multipart object, in order. */
  readonly partSizes?: readonly number[];
}

/** A row of the `objects` table. */
export interface ObjectRow {
  seq: number;
  bucket: string;
  key: string;
  version_id: string;
  is_latest: number;
  is_delete_marker: number;
  blob: string | null;
  size: number;
  etag: string;
  last_modified: number;
  content_type: string | null;
  headers: string;
  metadata: string;
  sse: string | null;
  checksum: string | null;
  part_sizes: string | null;
  tags: string;
}

/** Maps an `objects` row to its record. */
export function objectFromRow(row: ObjectRow): ObjectRecord {
  return {
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    seq: row.seq,
    isLatest: row.is_latest === 1,
    isDeleteMarker: row.is_delete_marker === 1,
    blob: row.blob,
    size: row.size,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    contentType: row.content_type ?? undefined,
    headers: JSON.parse(row.headers) as Record<string, string>,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    sse: row.sse ? (JSON.parse(row.sse) as SseSettings) : undefined,
    checksum: row.checksum ? (JSON.parse(row.checksum) as StoredChecksum) : undefined,
    partSizes: row.part_sizes ? (JSON.parse(row.part_sizes) as number[]) : undefined,
    tags: JSON.parse(row.tags) as Record<string, string>,
  };
}
