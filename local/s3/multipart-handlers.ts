import { createHash } from 'node:crypto';
import {
  checksumAlgorithmOf,
  checksumHeaderName,
  CHECKSUM_ALGORITHMS,
  type ChecksumAlgorithm,
} from './checksums.js';
import { copySourceRange, resolveCopySource } from './copy-source.js';
import { S3Error } from './errors.js';
import { verifyContentMd5 } from './etag.js';
import { header, isoDate, readSmallBody, sendEmpty, sendXml } from './http-io.js';
import { countParam } from './list-handlers.js';
import { MULTIPART_LIMITS, type RequestedPart } from './multipart-store.js';
import { attributesFromRequest, setSseHeaders, setVersionHeader } from './object-headers.js';
import { OWNER, type S3Call } from './s3-call.js';
import { receiveBody } from './upload-body.js';
import { parseXml } from './xml.js';

/** CreateMultipartUpload (POST ?uploads). */
export async function createMultipartUpload(call: S3Call): Promise<void> {
  call.authorize('write', call.bucket, call.key);
  const attributes = attributesFromRequest(call.req, call.store.defaultKmsKeyId);
  const algorithmHeader = header(call.req, 'x-amz-checksum-algorithm');
  const algorithm = algorithmHeader === undefined ? undefined : checksumAlgorithmOf(algorithmHeader);
  if (algorithmHeader !== undefined && !algorithm)
    throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
  const typeHeader = header(call.req, 'x-amz-checksum-type')?.toUpperCase();
  if (typeHeader !== undefined && typeHeader !== 'FULL_OBJECT' && typeHeader !== 'COMPOSITE')
    throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
  const type = (typeHeader ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE')) as
    'FULL_OBJECT' | 'COMPOSITE';
  if (algorithm && type === 'FULL_OBJECT' && (algorithm === 'SHA1' || algorithm === 'SHA256'))
    throw new S3Error(
      'InvalidRequest',
      `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
    );
  const upload = call.uploads.create(call.bucket, call.key, attributes, algorithm && { algorithm, type });
  setSseHeaders(call.res, attributes.sse);
  if (algorithm) {
    call.res.setHeader('x-amz-checksum-algorithm', algorithm);
    call.res.setHeader('x-amz-checksum-type', type);
  }
  sendXml(call.res, 'InitiateMultipartUploadResult', {
    Bucket: call.bucket,
    Key: call.key,
    UploadId: upload.uploadId,
  });
}

function partNumberOf(call: S3Call): number {
  const raw = call.target.query.get('partNumber') ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MULTIPART_LIMITS.maxPartNumber)
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: raw,
    });
  return n;
}

/** UploadPart (PUT ?partNumber&uploadId): plain or aws-chunked body, checksums verified and stored. */
export async function uploadPart(call: S3Call): Promise<void> {
  call.authorize('write', call.bucket, call.key);
  if (header(call.req, 'x-amz-copy-source') !== undefined) return uploadPartCopy(call);
  const partNumber = partNumberOf(call);
  const upload = call.uploads.require(call.bucket, call.key, call.target.query.get('uploadId') as string);
  const { temp, checksum } = await receiveBody(call.req, call.store, upload.checksumAlgorithm);
  const part = await call.uploads.putPart(upload, partNumber, temp, checksum);
  call.res.setHeader('ETag', part.etag);
  setSseHeaders(call.res, upload.attributes.sse);
  if (part.checksum) call.res.setHeader(checksumHeaderName(part.checksum.algorithm), part.checksum.value);
  sendEmpty(call.res);
}

/** UploadPartCopy (PUT ?partNumber&uploadId with `x-amz-copy-source`, optional `x-amz-copy-source-range`). */
async function uploadPartCopy(call: S3Call): Promise<void> {
  const partNumber = partNumberOf(call);
  const upload = call.uploads.require(call.bucket, call.key, call.target.query.get('uploadId') as string);
  const { record, versionId } = resolveCopySource(call);
  const range = copySourceRange(header(call.req, 'x-amz-copy-source-range'), record.size);
  const algorithms = upload.checksumAlgorithm ? [upload.checksumAlgorithm] : [];
  const temp = await call.store.receive(call.store.openObject(record, range), algorithms);
  const checksum = upload.checksumAlgorithm && {
    algorithm: upload.checksumAlgorithm,
    value: temp.checksums[upload.checksumAlgorithm] as string,
    type: 'FULL_OBJECT' as const,
  };
  const part = await call.uploads.putPart(upload, partNumber, temp, checksum);
  setSseHeaders(call.res, upload.attributes.sse);
  if (record.versionId !== 'null' || versionId !== undefined)
    call.res.setHeader('x-amz-copy-source-version-id', record.versionId);
  sendXml(call.res, 'CopyPartResult', {
    ETag: part.etag,
    LastModified: isoDate(part.lastModified),
    ...(part.checksum ? { [`Checksum${part.checksum.algorithm}`]: part.checksum.value } : {}),
  });
}

/** CompleteMultipartUpload (POST ?uploadId). */
export async function completeMultipartUpload(call: S3Call): Promise<void> {
  call.authorize('write', call.bucket, call.key);
  const bucket = call.store.requireBucket(call.bucket);
  const upload = call.uploads.require(call.bucket, call.key, call.target.query.get('uploadId') as string);
  const body = await readSmallBody(call.req);
  verifyContentMd5(header(call.req, 'content-md5'), createHash('md5').update(body).digest('hex'));
  const doc = parseXml(body.toString('utf8')).CompleteMultipartUpload as
    { Part?: Record<string, string>[] } | undefined;
  if (!doc)
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  const parts: RequestedPart[] = (doc.Part ?? []).map((p) => {
    const partNumber = Number(p.PartNumber);
    if (!Number.isInteger(partNumber) || typeof p.ETag !== 'string')
      throw new S3Error(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
      );
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const algorithm of CHECKSUM_ALGORITHMS)
      if (p[`Checksum${algorithm}`]) checksums[algorithm] = p[`Checksum${algorithm}`];
    return { partNumber, etag: p.ETag, checksums };
  });
  const fullHeader = CHECKSUM_ALGORITHMS.find((a) => header(call.req, checksumHeaderName(a)) !== undefined);
  const expected =
    fullHeader && !(header(call.req, checksumHeaderName(fullHeader)) as string).includes('-')
      ? { algorithm: fullHeader, value: header(call.req, checksumHeaderName(fullHeader)) as string }
      : undefined;
  const record = await call.uploads.complete(upload, parts, expected);
  setSseHeaders(call.res, record.sse);
  setVersionHeader(call.res, record, bucket.versioning !== '');
  const host = header(call.req, 'host') ?? '127.0.0.1';
  sendXml(call.res, 'CompleteMultipartUploadResult', {
    Location: `http://${host}/${call.bucket}/${encodeURI(call.key)}`,
    Bucket: call.bucket,
    Key: call.key,
    ETag: record.etag,
    ...(record.checksum
      ? {
          [`Checksum${record.checksum.algorithm}`]: record.checksum.value,
          ChecksumType: record.checksum.type,
        }
      : {}),
  });
}

/** AbortMultipartUpload (DELETE ?uploadId). */
export async function abortMultipartUpload(call: S3Call): Promise<void> {
  call.authorize('write', call.bucket, call.key);
  const upload = call.uploads.require(call.bucket, call.key, call.target.query.get('uploadId') as string);
  await call.uploads.abort(upload);
  sendEmpty(call.res, 204);
}

/** ListParts (GET ?uploadId): part-number-marker / max-parts pagination. */
export async function listParts(call: S3Call): Promise<void> {
  call.authorize('write', call.bucket, call.key);
  const q = call.target.query;
  const upload = call.uploads.require(call.bucket, call.key, q.get('uploadId') as string);
  const maxParts = countParam(q, 'max-parts');
  const marker = countParam(q, 'part-number-marker', MULTIPART_LIMITS.maxPartNumber);
  const after = q.get('part-number-marker') === null ? 0 : marker;
  const remaining = call.uploads.listParts(upload).filter((p) => p.partNumber > after);
  const parts = remaining.slice(0, maxParts);
  const truncated = remaining.length > parts.length;
  sendXml(call.res, 'ListPartsResult', {
    Bucket: call.bucket,
    Key: call.key,
    UploadId: upload.uploadId,
    PartNumberMarker: after,
    NextPartNumberMarker: parts.at(-1)?.partNumber ?? after,
    MaxParts: maxParts,
    IsTruncated: truncated,
    Part: parts.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: isoDate(p.lastModified),
      ETag: p.etag,
      Size: p.size,
      ...(p.checksum ? { [`Checksum${p.checksum.algorithm}`]: p.checksum.value } : {}),
    })),
    Initiator: { ...OWNER },
    Owner: { ...OWNER },
    StorageClass: 'STANDARD',
    ChecksumAlgorithm: upload.checksumAlgorithm,
    ChecksumType: upload.checksumType,
  });
}
