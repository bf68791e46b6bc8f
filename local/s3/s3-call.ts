import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MultipartStore } from './multipart-store.js';
import type { ObjectStore } from './object-store.js';
import type { RequestTarget } from './request-target.js';

/** The kinds of access the authorizer is asked about. */
export type S3Action = 'read' | 'write' | 'list' | 'admin';

/**
 * Decides whether the signer of a request (its access key id) may do `action` on `bucket`/`key`.
 * The engine's job-scoped credentials are one implementation; the default allows everything.
 * Actions: `read` GetObject/HeadObject (and a CopyObject source); `write` PutObject, CopyObject target,
 * DeleteObject(s), multipart operations; `list` ListObjects(V2), ListObjectVersions, ListMultipartUploads,
 * HeadBucket, GetBucketLocation/Versioning, ListBuckets (with bucket ''); `admin` Create/DeleteBucket,
 * PutBucketVersioning.
 *
 * @example
 * const authorizer: S3Authorizer = {
 *   authorize: ({ accessKeyId, action }) =>
 *     accessKeyId === 'READONLY' && action !== 'read' ? { allowed: false, message: 'read only' } : { allowed: true },
 * };
 */
export interface S3Authorizer {
  authorize(req: {
    accessKeyId?: string;
    action: S3Action;
    bucket: string;
    key?: string;
  }): { allowed: true } | { allowed: false; message: string };
}

/** Everything one operation handler needs. */
export interface S3Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly target: RequestTarget;
  readonly bucket: string;
  readonly key: string;
  readonly store: ObjectStore;
  readonly uploads: MultipartStore;
  /** Throws `AccessDenied` unless the request's signer may do `action` on `bucket`/`key`. */
  authorize(action: S3Action, bucket: string, key?: string): void;
  /** Like `authorize` but returns the denial message instead of throwing. */
  denial(action: S3Action, bucket: string, key?: string): string | undefined;
}

/** The canonical owner the local store reports (one account). */
export const OWNER = {
  ID: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a',
  DisplayName: 'webfile',
} as const;
