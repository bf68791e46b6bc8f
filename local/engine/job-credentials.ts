import { randomBytes } from 'node:crypto';
import type { Db } from '../store/database.js';
import { getActionRun } from '../store/action-run-repo.js';
import { getJobByAccessKey } from '../store/job-repo.js';
import { isArtifactBucket } from '../store/pipeline-repo.js';

/**
 * Access key id of the execution role that the local Lambda runtime gives every function. Like a Lambda
 * role without a grant on the artifact bucket, it is denied on pipelines' artifact buckets: handlers must
 * use the job's `artifactCredentials` (aws/aws-cdk#3274).
 */
export const FUNCTION_ROLE_ACCESS_KEY_ID = 'AKIALOCALLAMBDA00000';

/** Dummy temporary credentials of one job (`artifactCredentials`); never logged. */
export interface JobCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** Lifetime of job credentials (an STS session of the action role: one hour). */
export const JOB_CREDENTIALS_TTL_MS = 60 * 60 * 1000;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * New job-scoped credentials: an `ASIA...` access key id (like STS), random secret and session token.
 *
 * @example
 * const creds = newJobCredentials(Date.now());
 */
export function newJobCredentials(now: number, ttlMs = JOB_CREDENTIALS_TTL_MS): JobCredentials {
  const bytes = randomBytes(16);
  let id = 'ASIA';
  for (const b of bytes) id += ALPHABET[b % 32];
  return {
    accessKeyId: id,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(96).toString('base64'),
    expiresAt: now + ttlMs,
  };
}

/** A request the S3 store asks about (same shape as the S3 module's `S3Authorizer`). */
export interface S3AuthorizationRequest {
  readonly accessKeyId?: string;
  readonly action: 'read' | 'write' | 'list' | 'admin';
  readonly bucket: string;
  readonly key?: string;
}

/** The decision. */
export type S3AuthorizationDecision = { allowed: true } | { allowed: false; message: string };

/**
 * Decides S3 requests made with job credentials, as the action role's policy does on AWS: a job's key may
 * read its input artifacts and write its output artifacts until it expires; anything else is AccessDenied.
 * The functions' own execution role ({@link FUNCTION_ROLE_ACCESS_KEY_ID}) is denied on artifact buckets.
 * Requests signed with any other key (the user's own tools) are allowed everything.
 *
 * @example
 * const authorizer = new JobCredentialsAuthorizer(db, () => Date.now());
 * authorizer.authorize({ accessKeyId, action: 'read', bucket, key });
 */
export class JobCredentialsAuthorizer {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  authorize(request: S3AuthorizationRequest): S3AuthorizationDecision {
    if (!request.accessKeyId) return { allowed: true };
    if (request.accessKeyId === FUNCTION_ROLE_ACCESS_KEY_ID) {
      if (!isArtifactBucket(this.db, request.bucket)) return { allowed: true };
      return {
        allowed: false,
        message:
          `Access Denied: the function's execution role has no access to the artifact bucket ${request.bucket}; ` +
          `read and write artifacts with the job's artifactCredentials`,
      };
    }
    const job = getJobByAccessKey(this.db, request.accessKeyId);
    if (!job) return { allowed: true };
    const target = `arn:aws:s3:::${request.bucket}${request.key !== undefined ? `/${request.key}` : ''}`;
    if (this.now() >= job.credentialsExpireAt) {
      return {
        allowed: false,
        message: `The job credentials of job ${job.id} expired; access to ${target} denied`,
      };
    }
    const run = getActionRun(this.db, job.actionRunId);
    const keys =
      request.action === 'read'
        ? run?.inputArtifacts
        : request.action === 'write'
          ? run?.outputArtifacts
          : undefined;
    if (keys?.some((a) => a.bucket === request.bucket && a.key === request.key)) return { allowed: true };
    const what =
      request.action === 'read'
        ? 'read only its input artifacts'
        : request.action === 'write'
          ? 'write only its output artifacts'
          : `not ${request.action} buckets`;
    return {
      allowed: false,
      message: `Access Denied: the artifact credentials of job ${job.id} (action ${run?.stageName}/${run?.actionName}) may ${what}; ${request.action} ${target} is not allowed`,
    };
  }
}
