import { pipeline } from 'node:stream/promises';
import { checksumHeaderName } from './checksums.js';
import { resolveCopySource } from './copy-source.js';
import { S3Error, noSuchKey } from './errors.js';
import { etagListMatches, singlePartEtag } from './etag.js';
import { header, readSmallBody, sendEmpty, sendXml } from './http-io.js';
import {
  attributesFromRequest,
  setObjectHeaders,
  setSseHeaders,
  setVersionHeader,
} from './object-headers.js';
import { contentRange, parseRange, type ByteRange } from './range.js';
import type { ObjectRecord } from './records.js';
import type { S3Call } from './s3-call.js';
import { verifySmallBody } from './small-body.js';
import { receiveBody } from './upload-body.js';
import { parseXml } from './xml.js';

/** PutObject: streams the body to disk, verifies digests, commits a new version. */
export async function putObject(call: S3Call): Promise<void> {
  call.authorize('write', call.bucket, call.key);
  const bucket = call.store.requireBucket(call.bucket);
  const attributes = attributesFromRequest(call.req, call.store.defaultKmsKeyId);
  const { temp, checksum } = await receiveBody(call.req, call.store);
  const record = await call.store.commitObject(call.bucket, call.key, temp, {
    ...attributes,
    size: temp.size,
    etag: singlePartEtag(temp.md5Hex),
    checksum,
  });
  call.res.setHeader('ETag', record.etag);
  setSseHeaders(call.res, record.sse);
  setVersionHeader(call.res, record, bucket.versioning !== '');
  if (checksum) {
    call.res.setHeader(checksumHeaderName(checksum.algorithm), checksum.value);
    call.res.setHeader('x-amz-checksum-type', checksum.type);
  }
  sendEmpty(call.res);
}

/** The version a GET/HEAD reads: NoSuchKey/NoSuchVersion/MethodNotAllowed for absent or delete markers. */
function readableVersion(call: S3Call): ObjectRecord {
  const versionId = call.target.query.get('versionId') ?? undefined;
  const record = call.store.findObject(call.bucket, call.key, versionId);
  if (!record) {
    if (versionId !== undefined)
      throw new S3Error('NoSuchVersion', 'The specified version does not exist.', {
        Key: call.key,
        VersionId: versionId,
      });
    throw noSuchKey(call.key);
  }
  if (record.isDeleteMarker) {
    const headers = { 'x-amz-delete-marker': 'true', 'x-amz-version-id': record.versionId };
    if (versionId !== undefined)
      throw new S3Error(
        'MethodNotAllowed',
        'The specified method is not allowed against this resource.',
        { Method: call.req.method, ResourceType: 'DeleteMarker' },
        { ...headers, Allow: 'DELETE' },
      );
    throw noSuchKey(call.key, headers);
  }
  return record;
}

/** S3's conditional request checks, in S3's order. */
function checkConditions(call: S3Call, record: ObjectRecord): void {
  const ifMatch = header(call.req, 'if-match');
  const ifNoneMatch = header(call.req, 'if-none-match');
  const ifModifiedSince = header(call.req, 'if-modified-since');
  const ifUnmodifiedSince = header(call.req, 'if-unmodified-since');
  const modifiedSeconds = Math.floor(record.lastModified.getTime() / 1000);
  const seconds = (value: string): number => Math.floor(Date.parse(value) / 1000);
  const failed = (name: string): S3Error =>
    new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
      Condition: name,
    });
  if (ifMatch !== undefined && !etagListMatches(ifMatch, record.etag)) throw failed('If-Match');
  if (
    ifMatch === undefined &&
    ifUnmodifiedSince !== undefined &&
    modifiedSeconds > seconds(ifUnmodifiedSince)
  )
    throw failed('If-Unmodified-Since');
  const notModified = new S3Error('NotModified', 'Not Modified', {}, { ETag: record.etag });
  if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, record.etag)) throw notModified;
  if (
    ifNoneMatch === undefined &&
    ifModifiedSince !== undefined &&
    modifiedSeconds <= seconds(ifModifiedSince)
  )
    throw notModified;
}

/** The byte range to serve: from `partNumber` (multipart objects) or the Range header. */
function servedRange(call: S3Call, record: ObjectRecord): ByteRange | undefined {
  const partNumber = call.target.query.get('partNumber');
  if (partNumber === null) return parseRange(header(call.req, 'range'), record.size);
  const n = Number(partNumber);
  const sizes = record.partSizes ?? [record.size];
  if (!Number.isInteger(n) || n < 1 || n > sizes.length)
    throw new S3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable', {
      PartNumberRequested: partNumber,
    });
  if (!record.partSizes) return undefined;
  const start = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
  return sizes[n - 1] === 0 ? undefined : { start, end: start + sizes[n - 1] - 1 };
}

/** GetObject and HeadObject: ranges (206/416), versionId, conditional headers. */
export async function getObject(call: S3Call): Promise<void> {
  call.authorize('read', call.bucket, call.key);
  const bucket = call.store.requireBucket(call.bucket);
  const record = readableVersion(call);
  checkConditions(call, record);
  const range = servedRange(call, record);
  setObjectHeaders(call.req, call.res, record, {
    bucketVersioned: bucket.versioning !== '',
    query: call.target.query,
    wholeObject: range === undefined,
  });
  call.res.statusCode = range ? 206 : 200;
  if (range) call.res.setHeader('Content-Range', contentRange(range, record.size));
  call.res.setHeader('Content-Length', range ? range.end - range.start + 1 : record.size);
  if (call.req.method === 'HEAD') {
    call.res.end();
    return;
  }
  try {
    await pipeline(call.store.openObject(record, range), call.res);
  } catch {
    call.res.destroy();
  }
}

/** DeleteObject: delete markers when versioned, a specific version with `versionId`. */
export async function deleteObject(call: S3Call): Promise<void> {
  call.authorize('write', call.bucket, call.key);
  const versionId = call.target.query.get('versionId') ?? undefined;
  const result = await call.store.removeObject(call.bucket, call.key, versionId);
  if (result.deleteMarker) call.res.setHeader('x-amz-delete-marker', 'true');
  if (result.versionId !== undefined) call.res.setHeader('x-amz-version-id', result.versionId);
  sendEmpty(call.res, 204);
}

/** DeleteObjects (POST ?delete): up to 1000 keys; per-key errors (e.g. AccessDenied) in the result. */
export async function deleteObjects(call: S3Call): Promise<void> {
  call.store.requireBucket(call.bucket);
  const body = await readSmallBody(call.req);
  verifySmallBody(call.req, body);
  const doc = parseXml(body.toString('utf8')).Delete as
    { Quiet?: string; Object?: { Key?: string; VersionId?: string }[] } | undefined;
  const objects = doc?.Object ?? [];
  if (!doc || objects.length === 0 || objects.length > 1000 || objects.some((o) => typeof o.Key !== 'string'))
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  const quiet = doc.Quiet === 'true';
  const deleted: Record<string, string | boolean | undefined>[] = [];
  const errors: Record<string, string | undefined>[] = [];
  for (const object of objects) {
    const key = object.Key as string;
    const denied = call.denial('write', call.bucket, key);
    if (denied) {
      errors.push({ Key: key, VersionId: object.VersionId, Code: 'AccessDenied', Message: denied });
      continue;
    }
    const result = await call.store.removeObject(call.bucket, key, object.VersionId);
    if (quiet) continue;
    deleted.push({
      Key: key,
      VersionId: object.VersionId,
      DeleteMarker: result.deleteMarker ? true : undefined,
      DeleteMarkerVersionId: result.deleteMarker ? result.versionId : undefined,
    });
  }
  sendXml(call.res, 'DeleteResult', { Deleted: deleted, Error: errors });
}

/** CopyObject: `x-amz-copy-source` (with `?versionId=`), metadata directive COPY or REPLACE. */
export async function copyObject(call: S3Call): Promise<void> {
  const { record, versionId: sourceVersionId } = resolveCopySource(call);
  call.authorize('write', call.bucket, call.key);
  const bucket = call.store.requireBucket(call.bucket);
  const directive = (header(call.req, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE')
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.', {
      ArgumentName: 'x-amz-metadata-directive',
      ArgumentValue: directive,
    });
  const requested = attributesFromRequest(call.req, call.store.defaultKmsKeyId);
  const sameObject = record.bucket === call.bucket && record.key === call.key;
  if (sameObject && directive === 'COPY' && header(call.req, 'x-amz-server-side-encryption') === undefined)
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  const tagging = (header(call.req, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (tagging !== 'COPY' && tagging !== 'REPLACE')
    throw new S3Error('InvalidArgument', 'Unknown tagging directive.', {
      ArgumentName: 'x-amz-tagging-directive',
      ArgumentValue: tagging,
    });
  const tags = tagging === 'REPLACE' ? (requested.tags ?? {}) : record.tags;
  const attributes =
    directive === 'REPLACE'
      ? { ...requested, tags }
      : {
          contentType: record.contentType,
          headers: record.headers,
          metadata: record.metadata,
          sse: requested.sse,
          tags,
        };
  const etag =
    record.partSizes && record.blob ? singlePartEtag(await call.store.blobs.md5Of(record.blob)) : record.etag;
  const copy = await call.store.copyObject(record, call.bucket, call.key, {
    ...attributes,
    size: record.size,
    etag,
    checksum: record.checksum?.type === 'FULL_OBJECT' ? record.checksum : undefined,
  });
  setSseHeaders(call.res, copy.sse);
  setVersionHeader(call.res, copy, bucket.versioning !== '');
  if (record.versionId !== 'null' || sourceVersionId !== undefined)
    call.res.setHeader('x-amz-copy-source-version-id', record.versionId);
  const checksumElement = copy.checksum
    ? { [`Checksum${copy.checksum.algorithm}`]: copy.checksum.value }
    : {};
  sendXml(call.res, 'CopyObjectResult', {
    ETag: copy.etag,
    LastModified: copy.lastModified.toISOString(),
    ...checksumElement,
  });
}
