import type { IncomingMessage } from 'node:http';
import { S3Error } from './errors.js';

/** Where an S3 request points: bucket and key (path-style or `<bucket>.localhost`), and its query. */
export interface RequestTarget {
  readonly bucket?: string;
  readonly key?: string;
  readonly query: URLSearchParams;
  /** The decoded path, for error `Resource` elements. */
  readonly resource: string;
}

/** S3's longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * Resolves the bucket and key of a request. `Host: <bucket>.localhost[:port]` is virtual-host style
 * (the whole path is the key); otherwise the first path segment is the bucket. Percent-escapes are
 * decoded once; `+` stays a plus (S3 paths are not form-encoded).
 *
 * @example
 * parseTarget({ url: '/b/a%20b.txt?versionId=1', headers: { host: '127.0.0.1:4566' } }); // bucket 'b', key 'a b.txt'
 */
export function parseTarget(req: Pick<IncomingMessage, 'url' | 'headers'>): RequestTarget {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const path = decodePath(rawPath);
  const hostBucket = virtualHostBucket(req.headers.host);
  let bucket: string | undefined;
  let key: string | undefined;
  if (hostBucket !== undefined) {
    bucket = hostBucket;
    key = path.replace(/^\//, '');
  } else {
    const rest = path.replace(/^\//, '');
    const slash = rest.indexOf('/');
    bucket = slash === -1 ? rest : rest.slice(0, slash);
    key = slash === -1 ? '' : rest.slice(slash + 1);
  }
  if (key !== '' && Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new S3Error('KeyTooLongError', 'Your key is too long', {
      MaxSizeAllowed: MAX_KEY_BYTES,
      Size: Buffer.byteLength(key),
    });
  return { bucket: bucket || undefined, key: key || undefined, query, resource: path };
}

function decodePath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.", { URI: rawPath });
  }
}

function virtualHostBucket(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  if (!name.endsWith('.localhost')) return undefined;
  const bucket = name.slice(0, -'.localhost'.length);
  return bucket === '' || bucket === 's3' ? undefined : bucket;
}

/**
 * The access key id a request was signed with: SigV4 `Credential=AKID/...` in the Authorization header,
 * SigV2 `AWS AKID:signature`, or a presigned URL's `X-Amz-Credential` / `AWSAccessKeyId`. Undefined for
 * anonymous requests. Signatures are not verified (the local store accepts any secret).
 *
 * @example
 * accessKeyIdOf('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/s3/aws4_request, ...', q); // 'AKIDEXAMPLE'
 */
export function accessKeyIdOf(authorization: string | undefined, query: URLSearchParams): string | undefined {
  if (authorization) {
    const v4 = /Credential=([^/,\s]+)\//.exec(authorization);
    if (v4) return v4[1];
    const v2 = /^AWS ([^:\s]+):/.exec(authorization.trim());
    if (v2) return v2[1];
  }
  const presigned = query.get('X-Amz-Credential');
  if (presigned) return presigned.split('/')[0] || undefined;
  return query.get('AWSAccessKeyId') ?? undefined;
}
