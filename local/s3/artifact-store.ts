import type { Readable } from 'node:stream';

/** Options of {@link ArtifactStore.putObject}. */
export interface ArtifactPutOptions {
  readonly contentType?: string;
  /** SSE-KMS as a job's `encryptionKey` asks for; without `keyId` S3 uses the AWS managed key `alias/aws/s3`. */
  readonly sse?: { readonly algorithm: 'aws:kms'; readonly keyId?: string };
}

/** What {@link ArtifactStore.headObject} and {@link ArtifactStore.getObject} tell about an object. */
export interface ArtifactObjectInfo {
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string;
  readonly lastModified: Date;
}

/**
 * The S3 operations the execution engine needs for pipeline artifacts. Implemented by the embedded
 * {@link ObjectStore} and by the `@aws-sdk/client-s3` adapter used with `--s3-endpoint`.
 * Errors are `S3Error`s named after S3's codes (`NoSuchBucket`, `NoSuchKey`, ...).
 *
 * @example
 * await artifacts.ensureBucket('codepipeline-us-east-1-artifacts');
 * const { etag } = await artifacts.putObject('codepipeline-us-east-1-artifacts', 'p/Source/abc.zip', zipBuffer);
 */
export interface ArtifactStore {
  /** Creates the bucket unless it exists. */
  ensureBucket(bucket: string): Promise<void>;
  putObject(
    bucket: string,
    key: string,
    body: Readable | Buffer | string,
    opts?: ArtifactPutOptions,
  ): Promise<{ etag: string; versionId?: string }>;
  /** Throws `S3Error` `NoSuchBucket` / `NoSuchKey`. */
  getObject(
    bucket: string,
    key: string,
    opts?: { versionId?: string },
  ): Promise<ArtifactObjectInfo & { body: Readable }>;
  /** Undefined when the bucket or the object does not exist. */
  headObject(
    bucket: string,
    key: string,
    opts?: { versionId?: string },
  ): Promise<ArtifactObjectInfo | undefined>;
  deleteObject(bucket: string, key: string): Promise<void>;
}
