import type { IncomingMessage, ServerResponse } from 'node:http';
import { storedContentEncoding } from './aws-chunked.js';
import { checksumHeaderName } from './checksums.js';
import { S3Error } from './errors.js';
import { header, httpDate } from './http-io.js';
import type { ObjectAttributes, ObjectRecord, SseSettings } from './records.js';
import { tagsFromHeader } from './tagging.js';

/** Standard headers S3 stores with an object and returns on GET/HEAD. */
export const STORED_HEADERS = [
  'content-encoding',
  'content-disposition',
  'cache-control',
  'content-language',
  'expires',
] as const;

/** The `response-*` query parameters that override GET headers, and the header each sets. */
const RESPONSE_OVERRIDES: Readonly<Record<string, string>> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};

/**
 * Reads what PutObject/CreateMultipartUpload/CopyObject (REPLACE) store besides the bytes: Content-Type
 * (S3's default `binary/octet-stream`), standard headers, `x-amz-meta-*`, SSE settings and `x-amz-tagging`.
 */
export function attributesFromRequest(req: IncomingMessage, defaultKmsKeyId: string): ObjectAttributes {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = name === 'content-encoding' ? storedContentEncoding(header(req, name)) : header(req, name);
    if (value !== undefined) headers[name] = value;
  }
  return {
    contentType: header(req, 'content-type') ?? 'binary/octet-stream',
    headers,
    metadata: metadataFromRequest(req),
    sse: sseFromRequest(req, defaultKmsKeyId),
    tags: tagsFromHeader(header(req, 'x-amz-tagging')),
  };
}

/** `x-amz-meta-*` headers, names lower case without the prefix. */
export function metadataFromRequest(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    metadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  const size = Object.entries(metadata).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
  if (size > 2048)
    throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', {
      Size: size,
      MaxSizeAllowed: 2048,
    });
  return metadata;
}

/**
 * SSE request headers, as S3 applies them: `aws:kms` without a key id means the AWS managed key
 * (`defaultKmsKeyId`); no header means SSE-S3 (`AES256`), S3's default encryption for every object.
 */
export function sseFromRequest(req: IncomingMessage, defaultKmsKeyId: string): SseSettings {
  const algorithm = header(req, 'x-amz-server-side-encryption');
  const keyId = header(req, 'x-amz-server-side-encryption-aws-kms-key-id');
  const bucketKey = header(req, 'x-amz-server-side-encryption-bucket-key-enabled');
  if (algorithm === undefined) {
    if (keyId !== undefined)
      throw new S3Error(
        'InvalidArgument',
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
        { ArgumentName: 'x-amz-server-side-encryption-aws-kms-key-id', ArgumentValue: keyId },
      );
    return { algorithm: 'AES256' };
  }
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse')
    throw new S3Error('InvalidArgument', 'The encryption method specified is not supported', {
      ArgumentName: 'x-amz-server-side-encryption',
      ArgumentValue: algorithm,
    });
  if (algorithm === 'AES256') {
    if (keyId !== undefined)
      throw new S3Error(
        'InvalidArgument',
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
        {
          ArgumentName: 'x-amz-server-side-encryption',
          ArgumentValue: algorithm,
        },
      );
    return { algorithm };
  }
  return {
    algorithm,
    keyId: keyId ?? defaultKmsKeyId,
    ...(bucketKey !== undefined ? { bucketKeyEnabled: bucketKey.toLowerCase() === 'true' } : {}),
  };
}

/** Sets the SSE response headers of a stored object or upload. */
export function setSseHeaders(res: ServerResponse, sse: SseSettings | undefined): void {
  if (!sse) return;
  res.setHeader('x-amz-server-side-encryption', sse.algorithm);
  if (sse.keyId) res.setHeader('x-amz-server-side-encryption-aws-kms-key-id', sse.keyId);
  if (sse.bucketKeyEnabled) res.setHeader('x-amz-server-side-encryption-bucket-key-enabled', 'true');
}

/** Sets `x-amz-version-id` when the bucket has (had) versioning or the version is not 'null'. */
export function setVersionHeader(res: ServerResponse, record: ObjectRecord, bucketVersioned: boolean): void {
  if (bucketVersioned || record.versionId !== 'null') res.setHeader('x-amz-version-id', record.versionId);
}

/**
 * Sets GET/HEAD headers of an object: ETag, Last-Modified, Content-Type, stored headers, user metadata,
 * SSE, version id, and the stored checksum when `x-amz-checksum-mode: ENABLED` asks for it and the whole
 * object is served. `response-*` query parameters override as on S3.
 */
export function setObjectHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  record: ObjectRecord,
  options: { bucketVersioned: boolean; query: URLSearchParams; wholeObject: boolean },
): void {
  res.setHeader('ETag', record.etag);
  res.setHeader('Last-Modified', httpDate(record.lastModified));
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', record.contentType ?? 'binary/octet-stream');
  for (const [name, value] of Object.entries(record.headers)) res.setHeader(name, value);
  for (const [name, value] of Object.entries(record.metadata)) res.setHeader(`x-amz-meta-${name}`, value);
  setSseHeaders(res, record.sse);
  setVersionHeader(res, record, options.bucketVersioned);
  if (record.partSizes) res.setHeader('x-amz-mp-parts-count', String(record.partSizes.length));
  const tagCount = Object.keys(record.tags).length;
  if (tagCount > 0) res.setHeader('x-amz-tagging-count', String(tagCount));
  const checksumMode = header(req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
  if (checksumMode && options.wholeObject && record.checksum) {
    res.setHeader(checksumHeaderName(record.checksum.algorithm), record.checksum.value);
    res.setHeader('x-amz-checksum-type', record.checksum.type);
  }
  for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = options.query.get(param);
    if (value !== null) res.setHeader(name, value);
  }
}
