import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import type { ArtifactObjectInfo, ArtifactPutOptions, ArtifactStore } from './artifact-store.js';
import { S3Error } from './errors.js';

/**
 * {@link ArtifactStore} over any S3-compatible endpoint (`cpkit serve --s3-endpoint URL`), with the
 * settings non-AWS endpoints need: path-style addressing and checksums only when required.
 * Credentials and region come from the usual AWS SDK chain unless given.
 *
 * @example
 * const artifacts = new SdkArtifactStore({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1' });
 * await artifacts.ensureBucket('artifacts');
 */
export class SdkArtifactStore implements ArtifactStore {
  readonly client: S3Client;

  constructor(options: {
    endpoint: string;
    region: string;
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  }) {
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async ensureBucket(bucket: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      return;
    } catch (error) {
      if (statusOf(error) !== 404) throw toS3Error(error, bucket);
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if (!(error instanceof S3ServiceException && error.name === 'BucketAlreadyOwnedByYou'))
        throw toS3Error(error, bucket);
    }
  }

  async putObject(
    bucket: string,
    key: string,
    body: Readable | Buffer | string,
    opts: ArtifactPutOptions = {},
  ): Promise<{ etag: string; versionId?: string }> {
    const params = {
      Bucket: bucket,
      Key: key,
      ContentType: opts.contentType,
      ServerSideEncryption: opts.sse ? ('aws:kms' as const) : undefined,
      SSEKMSKeyId: opts.sse?.keyId,
    };
    try {
      if (body instanceof Readable) {
        // A stream of unknown length: lib-storage sends it as one PUT or as a multipart upload, never whole in memory.
        const out = await new Upload({ client: this.client, params: { ...params, Body: body } }).done();
        return { etag: out.ETag ?? '', versionId: out.VersionId };
      }
      const out = await this.client.send(new PutObjectCommand({ ...params, Body: body }));
      return { etag: out.ETag ?? '', versionId: out.VersionId };
    } catch (error) {
      throw toS3Error(error, bucket, key);
    }
  }

  async getObject(
    bucket: string,
    key: string,
    opts: { versionId?: string } = {},
  ): Promise<ArtifactObjectInfo & { body: Readable }> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: opts.versionId }),
      );
      return {
        body: out.Body as Readable,
        size: out.ContentLength ?? 0,
        etag: out.ETag ?? '',
        versionId: out.VersionId,
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      throw toS3Error(error, bucket, key);
    }
  }

  async headObject(
    bucket: string,
    key: string,
    opts: { versionId?: string } = {},
  ): Promise<ArtifactObjectInfo | undefined> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: opts.versionId }),
      );
      return {
        size: out.ContentLength ?? 0,
        etag: out.ETag ?? '',
        versionId: out.VersionId,
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw toS3Error(error, bucket, key);
    }
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw toS3Error(error, bucket, key);
    }
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function toS3Error(error: unknown, bucket: string, key?: string): Error {
  if (!(error instanceof S3ServiceException)) return error as Error;
  const details = { BucketName: bucket, Key: key };
  const converted = new S3Error(error.name, error.message, details);
  return Object.assign(converted, { cause: error });
}
