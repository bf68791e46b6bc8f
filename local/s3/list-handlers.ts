import { S3Error } from './errors.js';
import { isoDate, sendXml } from './http-io.js';
import type { ObjectRecord } from './records.js';
import { OWNER, type S3Call } from './s3-call.js';
import type { XmlValue } from './xml.js';

const MAX_KEYS = 1000;

/** Reads `max-keys` (or another count parameter): default and cap 1000, InvalidArgument when not a count. */
export function countParam(query: URLSearchParams, name: string, cap = MAX_KEYS): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return cap;
  if (!/^\d+$/.test(raw))
    throw new S3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`, {
      ArgumentName: name,
      ArgumentValue: raw,
    });
  return Math.min(Number(raw), cap);
}

function encoder(query: URLSearchParams): (value: string | undefined) => string | undefined {
  const type = query.get('encoding-type');
  if (type !== null && type !== 'url')
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: type,
    });
  if (type === null) return (v) => v;
  return (v) => (v === undefined ? undefined : encodeURIComponent(v).replace(/%2F/g, '/'));
}

function contentEntry(
  record: ObjectRecord,
  encode: (v: string) => string | undefined,
  withOwner: boolean,
): XmlValue {
  return {
    Key: encode(record.key),
    LastModified: isoDate(record.lastModified),
    ETag: record.etag,
    ChecksumAlgorithm: record.checksum?.algorithm,
    ChecksumType: record.checksum?.type,
    Size: record.size,
    Owner: withOwner ? { ...OWNER } : undefined,
    StorageClass: 'STANDARD',
  };
}

const TOKEN_PREFIX = 'cpkit1:';

function encodeToken(cursor: string): string {
  return Buffer.from(TOKEN_PREFIX + cursor, 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith(TOKEN_PREFIX))
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', {
      ArgumentName: 'continuation-token',
    });
  return text.slice(TOKEN_PREFIX.length);
}

/** The query parameters every object listing reads, checked in S3's order (after the `list` permission). */
interface ListRequest {
  readonly query: URLSearchParams;
  readonly encode: (value: string | undefined) => string | undefined;
  readonly maxKeys: number;
  readonly prefix: string;
  readonly delimiter: string | undefined;
}

function listRequest(call: S3Call): ListRequest {
  call.authorize('list', call.bucket);
  const query = call.target.query;
  const encode = encoder(query);
  const maxKeys = countParam(query, 'max-keys');
  return {
    query,
    encode,
    maxKeys,
    prefix: query.get('prefix') ?? '',
    delimiter: query.get('delimiter') || undefined,
  };
}

/** ListObjectsV2: prefix, delimiter, max-keys, continuation-token, start-after, encoding-type, fetch-owner. */
export async function listObjectsV2(call: S3Call): Promise<void> {
  const { query: q, encode, maxKeys, prefix, delimiter } = listRequest(call);
  const token = q.get('continuation-token') ?? undefined;
  const startAfter = q.get('start-after') ?? undefined;
  const page = call.store.listObjects(call.bucket, {
    prefix,
    delimiter,
    maxKeys,
    after: token !== undefined ? decodeToken(token) : startAfter,
  });
  sendXml(call.res, 'ListBucketResult', {
    Name: call.bucket,
    Prefix: encode(prefix),
    Delimiter: encode(delimiter),
    MaxKeys: maxKeys,
    EncodingType: q.get('encoding-type') ?? undefined,
    KeyCount: page.entries.length + page.commonPrefixes.length,
    IsTruncated: page.isTruncated,
    ContinuationToken: token,
    NextContinuationToken: page.next !== undefined ? encodeToken(page.next) : undefined,
    StartAfter: encode(startAfter),
    Contents: page.entries.map((r) => contentEntry(r, encode, q.get('fetch-owner') === 'true')),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  });
}

/** ListObjects (v1): prefix, delimiter, marker, max-keys, encoding-type. */
export async function listObjectsV1(call: S3Call): Promise<void> {
  const { query: q, encode, maxKeys, prefix, delimiter } = listRequest(call);
  const marker = q.get('marker') ?? '';
  const page = call.store.listObjects(call.bucket, {
    prefix,
    delimiter,
    maxKeys,
    after: marker || undefined,
  });
  sendXml(call.res, 'ListBucketResult', {
    Name: call.bucket,
    Prefix: encode(prefix),
    Marker: encode(marker),
    NextMarker: page.isTruncated && delimiter ? encode(page.lastItem) : undefined,
    MaxKeys: maxKeys,
    Delimiter: encode(delimiter),
    EncodingType: q.get('encoding-type') ?? undefined,
    IsTruncated: page.isTruncated,
    Contents: page.entries.map((r) => contentEntry(r, encode, true)),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  });
}

/** The members a Version and a DeleteMarker entry both start with, in the wire order. */
function versionHead(record: ObjectRecord, encode: (v: string) => string | undefined) {
  return {
    Key: encode(record.key),
    VersionId: record.versionId,
    IsLatest: record.isLatest,
    LastModified: isoDate(record.lastModified),
  };
}

/** ListObjectVersions: versions and delete markers, key-marker/version-id-marker pagination. */
export async function listObjectVersions(call: S3Call): Promise<void> {
  const { query: q, encode, maxKeys, prefix, delimiter } = listRequest(call);
  const keyMarker = q.get('key-marker') ?? '';
  const versionIdMarker = q.get('version-id-marker') ?? '';
  const page = call.store.listObjectVersions(call.bucket, {
    prefix,
    delimiter,
    maxKeys,
    after: keyMarker || undefined,
    versionIdMarker: versionIdMarker || undefined,
  });
  const versions = page.entries.filter((r) => !r.isDeleteMarker);
  const markers = page.entries.filter((r) => r.isDeleteMarker);
  sendXml(call.res, 'ListVersionsResult', {
    Name: call.bucket,
    Prefix: encode(prefix),
    KeyMarker: encode(keyMarker),
    VersionIdMarker: versionIdMarker,
    NextKeyMarker: encode(page.next),
    NextVersionIdMarker: page.nextVersionId,
    MaxKeys: maxKeys,
    Delimiter: encode(delimiter),
    EncodingType: q.get('encoding-type') ?? undefined,
    IsTruncated: page.isTruncated,
    Version: versions.map((r) => ({
      ...versionHead(r, encode),
      ETag: r.etag,
      ChecksumAlgorithm: r.checksum?.algorithm,
      Size: r.size,
      StorageClass: 'STANDARD',
      Owner: { ...OWNER },
    })),
    DeleteMarker: markers.map((r) => ({
      ...versionHead(r, encode),
      Owner: { ...OWNER },
    })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  });
}

/** ListMultipartUploads: the uploads in progress (prefix filter; one page of up to max-uploads). */
export async function listMultipartUploads(call: S3Call): Promise<void> {
  call.authorize('list', call.bucket);
  const q = call.target.query;
  const maxUploads = countParam(q, 'max-uploads');
  const prefix = q.get('prefix') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = q.get('upload-id-marker') ?? '';
  const listed = call.uploads.listUploads(call.bucket, prefix);
  const markerAt = listed.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker);
  const all =
    markerAt !== -1
      ? listed.slice(markerAt + 1)
      : listed.filter((u) => keyMarker === '' || u.key > keyMarker);
  const uploads = all.slice(0, maxUploads);
  const last = uploads.at(-1);
  const truncated = all.length > uploads.length;
  sendXml(call.res, 'ListMultipartUploadsResult', {
    Bucket: call.bucket,
    KeyMarker: keyMarker,
    UploadIdMarker: uploadIdMarker,
    NextKeyMarker: truncated ? last?.key : undefined,
    NextUploadIdMarker: truncated ? last?.uploadId : undefined,
    Prefix: prefix,
    MaxUploads: maxUploads,
    IsTruncated: truncated,
    Upload: uploads.map((u) => ({
      Key: u.key,
      UploadId: u.uploadId,
      Initiator: { ID: OWNER.ID, DisplayName: OWNER.DisplayName },
      Owner: { ...OWNER },
      StorageClass: 'STANDARD',
      Initiated: isoDate(u.initiated),
      ChecksumAlgorithm: u.checksumAlgorithm,
    })),
  });
}
