import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Job } from './types.js';

/**
 * The part of a parsed job that the artifact helpers read: a `Job` from `parseJobEvent()`, whatever its
 * user parameters.
 */
export type ArtifactJob = Pick<
  Job<unknown>,
  'inputArtifacts' | 'outputArtifacts' | 'artifactCredentials' | 'encryptionKey'
>;

/** Options shared by the artifact helpers for reaching S3. */
export interface ArtifactClientOptions {
  /**
   * The S3 client to use instead of one built from the job's artifact credentials. Meant for tests
   * and special set-ups; on AWS the job's credentials are the ones that may read the artifact bucket.
   * @default - a client built from `job.artifactCredentials`
   */
  readonly s3Client?: S3Client;
  /**
   * Region of the artifact bucket.
   * @default - `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`
   */
  readonly region?: string;
}

/**
 * The S3 endpoint set in the environment (`AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`), or undefined
 * for AWS itself.
 * @internal
 */
export function s3EndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return endpoint ? endpoint : undefined;
}

/**
 * Builds an S3 client that acts with the job's artifact credentials, the way CodePipeline expects a
 * handler to reach its artifacts (the function's own role usually has no access to the bucket).
 * When the endpoint is overridden (`AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`), the client uses
 * path-style addressing and computes checksums only when an operation requires them, as S3-compatible
 * stores expect.
 *
 * @example
 * const s3 = createArtifactS3Client(job);
 * await s3.send(new HeadObjectCommand({ Bucket: bucketName, Key: objectKey }));
 */
export function createArtifactS3Client(
  job: Pick<ArtifactJob, 'artifactCredentials'>,
  options: Pick<ArtifactClientOptions, 'region'> = {},
): S3Client {
  const credentials = job.artifactCredentials;
  if (!credentials?.accessKeyId || !credentials.secretAccessKey) {
    throw new TypeError(
      'The job carries no artifactCredentials (accessKeyId and secretAccessKey); CodePipeline sends them with every job that has artifacts',
    );
  }
  const endpoint = s3EndpointFromEnv();
  const config: S3ClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration:
        typeof credentials.expirationTime === 'number' ? new Date(credentials.expirationTime) : undefined,
    },
  };
  if (endpoint) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  return new S3Client(config);
}
