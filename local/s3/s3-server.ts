import type { IncomingMessage, ServerResponse } from 'node:http';
import * as buckets from './bucket-handlers.js';
import { S3Error } from './errors.js';
import { header, newRequestIds, sendError, setCommonHeaders } from './http-io.js';
import * as lists from './list-handlers.js';
import * as multipart from './multipart-handlers.js';
import type { MultipartStore } from './multipart-store.js';
import * as objects from './object-handlers.js';
import * as tagging from './tagging.js';
import type { ObjectStore } from './object-store.js';
import { accessKeyIdOf, parseTarget } from './request-target.js';
import type { S3Action, S3Authorizer, S3Call } from './s3-call.js';
import { assertValidBucketName } from './bucket-names.js';

type Handler = (call: S3Call) => Promise<void>;

/** Query parameters that select no operation of their own (listing options, presigning, SDK hints). */
const PLAIN_PARAMS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'marker',
  'key-marker',
  'version-id-marker',
  'upload-id-marker',
  'max-uploads',
  'max-parts',
  'part-number-marker',
  'versionId',
  'uploadId',
  'partNumber',
  'x-id',
  'optional-object-attributes',
  'bucket-region',
  'response-content-type',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'X-Amz-Content-Sha256',
  'AWSAccessKeyId',
  'Signature',
  'Expires',
]);

/** Subresources with an implemented operation. */
const SUBRESOURCES = new Set(['versioning', 'location', 'versions', 'uploads', 'delete', 'tagging']);

function notImplemented(subresource: string): Handler {
  return async () => {
    throw new S3Error(
      'NotImplemented',
      `The ${subresource} subresource is not implemented by the local S3 store.`,
      {
        Subresource: subresource,
      },
    );
  };
}

/** Picks the operation for a request; undefined when the method makes no sense for the resource. */
function route(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  q: URLSearchParams,
): Handler | undefined {
  if (bucket === undefined) return method === 'GET' ? buckets.listBuckets : undefined;
  if (key === undefined) {
    if (q.has('tagging')) return notImplemented('tagging');
    if (q.has('versioning'))
      return { PUT: buckets.putBucketVersioning, GET: buckets.getBucketVersioning }[method];
    if (q.has('location')) return method === 'GET' ? buckets.getBucketLocation : undefined;
    if (q.has('versions')) return method === 'GET' ? lists.listObjectVersions : undefined;
    if (q.has('uploads')) return method === 'GET' ? lists.listMultipartUploads : undefined;
    if (q.has('delete')) return method === 'POST' ? objects.deleteObjects : undefined;
    if (method === 'GET') return q.get('list-type') === '2' ? lists.listObjectsV2 : lists.listObjectsV1;
    return { PUT: buckets.createBucket, HEAD: buckets.headBucket, DELETE: buckets.deleteBucket }[method];
  }
  if (q.has('tagging'))
    return {
      GET: tagging.getObjectTagging,
      PUT: tagging.putObjectTagging,
      DELETE: tagging.deleteObjectTagging,
    }[method];
  if (q.has('uploads')) return method === 'POST' ? multipart.createMultipartUpload : undefined;
  if (q.has('uploadId')) {
    if (method === 'PUT') return q.has('partNumber') ? multipart.uploadPart : undefined;
    return {
      POST: multipart.completeMultipartUpload,
      DELETE: multipart.abortMultipartUpload,
      GET: multipart.listParts,
    }[method];
  }
  if (method === 'PUT') return objects.putObject;
  return { GET: objects.getObject, HEAD: objects.getObject, DELETE: objects.deleteObject }[method];
}

/**
 * Creates the S3 request handler over a store: addressing, authorization, routing to one operation,
 * S3's XML errors and request id headers. Unsupported subresources answer 501 `NotImplemented`.
 */
export function createS3Handler(
  store: ObjectStore,
  uploads: MultipartStore,
  authorizer: S3Authorizer | undefined,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const ids = newRequestIds();
    setCommonHeaders(res, ids);
    let resource: string | undefined;
    try {
      const target = parseTarget(req);
      resource = target.resource;
      const unsupported = [...target.query.keys()].find((k) => !PLAIN_PARAMS.has(k) && !SUBRESOURCES.has(k));
      if (unsupported !== undefined)
        throw new S3Error(
          'NotImplemented',
          `The ${unsupported} subresource is not implemented by the local S3 store.`,
          {
            Subresource: unsupported,
          },
        );
      const method = (req.method ?? 'GET').toUpperCase();
      const handler = route(method, target.bucket, target.key, target.query);
      if (!handler)
        throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', {
          Method: method,
          ResourceType:
            target.key === undefined ? (target.bucket === undefined ? 'SERVICE' : 'BUCKET') : 'OBJECT',
        });
      if (target.bucket !== undefined && handler === buckets.createBucket)
        assertValidBucketName(target.bucket);
      if (
        target.key !== undefined &&
        method === 'PUT' &&
        header(req, 'x-amz-copy-source') !== undefined &&
        handler === objects.putObject
      ) {
        await run(objects.copyObject);
        return;
      }
      await run(handler);

      async function run(h: Handler): Promise<void> {
        const accessKeyId = accessKeyIdOf(header(req, 'authorization'), target.query);
        const denial = (action: S3Action, bucket: string, key?: string): string | undefined => {
          const verdict = authorizer?.authorize({ accessKeyId, action, bucket, key }) ?? { allowed: true };
          return verdict.allowed ? undefined : verdict.message;
        };
        await h({
          req,
          res,
          target,
          bucket: target.bucket ?? '',
          key: target.key ?? '',
          store,
          uploads,
          denial,
          authorize: (action, bucket, key) => {
            const message = denial(action, bucket, key);
            if (message !== undefined) throw new S3Error('AccessDenied', message);
          },
        });
      }
    } catch (error) {
      req.resume();
      sendError(req, res, error, ids, resource);
    }
  };
}
