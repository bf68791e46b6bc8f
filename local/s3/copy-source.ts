import { S3Error, noSuchKey } from './errors.js';
import { etagListMatches } from './etag.js';
import { header } from './http-io.js';
import type { ByteRange } from './range.js';
import type { ObjectRecord } from './records.js';
import type { S3Call } from './s3-call.js';

/** Parses `x-amz-copy-source`: `[/]bucket/key[?versionId=id]`, URL-encoded. */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const invalid = (): S3Error =>
    new S3Error('InvalidArgument', 'Invalid copy source object key', {
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: value,
    });
  const q = value.indexOf('?');
  const path = (q === -1 ? value : value.slice(0, q)).replace(/^\//, '');
  const versionId =
    q === -1 ? undefined : (new URLSearchParams(value.slice(q + 1)).get('versionId') ?? undefined);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw invalid();
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw invalid();
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/**
 * The source version of CopyObject / UploadPartCopy: authorized for `read`, existing, not a delete
 * marker, and passing the `x-amz-copy-source-if-*` conditions (PreconditionFailed otherwise).
 */
export function resolveCopySource(call: S3Call): { record: ObjectRecord; versionId?: string } {
  const source = parseCopySource(header(call.req, 'x-amz-copy-source') as string);
  call.authorize('read', source.bucket, source.key);
  const record = call.store.findObject(source.bucket, source.key, source.versionId);
  if (!record || (record.isDeleteMarker && source.versionId === undefined)) throw noSuchKey(source.key);
  if (record.isDeleteMarker)
    throw new S3Error(
      'InvalidRequest',
      'The source of a copy request may not specifically refer to a delete marker by version id.',
    );
  checkCopyConditions(call, record);
  return { record, versionId: source.versionId };
}

function checkCopyConditions(call: S3Call, record: ObjectRecord): void {
  const get = (name: string): string | undefined => header(call.req, `x-amz-copy-source-${name}`);
  const modified = Math.floor(record.lastModified.getTime() / 1000);
  const seconds = (value: string): number => Math.floor(Date.parse(value) / 1000);
  const failed = (name: string): S3Error =>
    new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
      Condition: `x-amz-copy-source-${name}`,
    });
  const ifMatch = get('if-match');
  const ifNoneMatch = get('if-none-match');
  const ifUnmodifiedSince = get('if-unmodified-since');
  const ifModifiedSince = get('if-modified-since');
  if (ifMatch !== undefined && !etagListMatches(ifMatch, record.etag)) throw failed('If-Match');
  if (ifMatch === undefined && ifUnmodifiedSince !== undefined && modified > seconds(ifUnmodifiedSince))
    throw failed('If-Unmodified-Since');
  if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, record.etag)) throw failed('If-None-Match');
  if (ifNoneMatch === undefined && ifModifiedSince !== undefined && modified <= seconds(ifModifiedSince))
    throw failed('If-Modified-Since');
}

/** `x-amz-copy-source-range: bytes=first-last` of UploadPartCopy, checked against the source size. */
export function copySourceRange(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const match = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!match)
    throw new S3Error(
      'InvalidArgument',
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value },
    );
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start || end >= size)
    throw new S3Error('InvalidArgument', `Range specified is not valid for source object of size: ${size}`, {
      ArgumentName: 'x-amz-copy-source-range',
      ArgumentValue: value,
    });
  return { start, end };
}
