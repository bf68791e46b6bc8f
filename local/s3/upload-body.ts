import type { IncomingMessage } from 'node:http';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked.js';
import type { TempBlob } from './blob-files.js';
import {
  checksumAlgorithmOf,
  checksumHeaderName,
  CHECKSUM_ALGORITHMS,
  type ChecksumAlgorithm,
} from './checksums.js';
import { S3Error } from './errors.js';
import { verifyContentMd5 } from './etag.js';
import { header } from './http-io.js';
import type { ObjectStore } from './object-store.js';
import type { StoredChecksum } from './records.js';

/** S3's largest single PUT. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

/** A verified upload body, written to a temp file. */
export interface ReceivedBody {
  readonly temp: TempBlob;
  readonly checksum?: StoredChecksum;
}

/**
 * Receives a PutObject/UploadPart body: plain or `aws-chunked` (signed or unsigned, with trailing
 * checksums), streamed to a temp file. Checks `Content-MD5` (BadDigest), `x-amz-content-sha256`,
 * `x-amz-checksum-*` headers and trailers (BadDigest), and the declared lengths (IncompleteBody).
 * `storeAlgorithm` (a multipart upload's algorithm) is computed and stored even when the client sent none.
 * The temp file is removed when any check fails.
 */
export async function receiveBody(
  req: IncomingMessage,
  store: ObjectStore,
  storeAlgorithm?: ChecksumAlgorithm,
): Promise<ReceivedBody> {
  const contentLength = header(req, 'content-length');
  if (contentLength === undefined && header(req, 'transfer-encoding') === undefined)
    throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  if (contentLength !== undefined && Number(contentLength) > MAX_PUT_BYTES + 1024 * 1024)
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      ProposedSize: contentLength,
      MaxSizeAllowed: MAX_PUT_BYTES,
    });
  const contentSha256 = header(req, 'x-amz-content-sha256');
  const chunked = isAwsChunked(contentSha256, header(req, 'content-encoding'));
  const expected = expectedChecksums(req);
  const trailer = trailerAlgorithm(req);
  const sdkAlgorithm = checksumAlgorithmOf(header(req, 'x-amz-sdk-checksum-algorithm') ?? '');
  const sha256Hex =
    contentSha256 && /^[0-9a-f]{64}$/i.test(contentSha256) ? contentSha256.toLowerCase() : undefined;
  const algorithms = new Set<ChecksumAlgorithm>(Object.keys(expected) as ChecksumAlgorithm[]);
  if (trailer) algorithms.add(trailer);
  if (sdkAlgorithm) algorithms.add(sdkAlgorithm);
  if (storeAlgorithm) algorithms.add(storeAlgorithm);
  if (sha256Hex) algorithms.add('SHA256');

  const decoder = chunked ? new AwsChunkedDecoder() : undefined;
  let temp: TempBlob;
  try {
    temp = await store.receive(req, [...algorithms], decoder);
  } catch (error) {
    if (error instanceof S3Error) throw error;
    throw new S3Error('IncompleteBody', 'The request body terminated unexpectedly');
  }
  try {
    if (decoder) {
      const declared = header(req, 'x-amz-decoded-content-length');
      if (declared !== undefined && Number(declared) !== temp.size)
        throw new S3Error(
          'IncompleteBody',
          'You did not provide the number of bytes specified by the Content-Length HTTP header',
        );
    } else if (contentLength !== undefined && Number(contentLength) !== temp.size) {
      throw new S3Error(
        'IncompleteBody',
        'You did not provide the number of bytes specified by the Content-Length HTTP header',
      );
    }
    verifyContentMd5(header(req, 'content-md5'), temp.md5Hex);
    if (sha256Hex && Buffer.from(temp.checksums.SHA256 ?? '', 'base64').toString('hex') !== sha256Hex)
      throw new S3Error(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        {
          ClientComputedContentSHA256: sha256Hex,
          S3ComputedContentSHA256: Buffer.from(temp.checksums.SHA256 ?? '', 'base64').toString('hex'),
        },
      );
    if (trailer) {
      const value = decoder?.trailers[checksumHeaderName(trailer)];
      if (value === undefined)
        throw new S3Error(
          'InvalidRequest',
          `The trailing checksum ${checksumHeaderName(trailer)} announced in x-amz-trailer was not received.`,
        );
      expected[trailer] = value;
    }
    for (const [algorithm, value] of Object.entries(expected) as [ChecksumAlgorithm, string][]) {
      if (value !== temp.checksums[algorithm])
        throw new S3Error(
          'BadDigest',
          `The ${algorithm} you specified did not match the calculated checksum.`,
        );
    }
    const stored =
      storeAlgorithm ?? (Object.keys(expected)[0] as ChecksumAlgorithm | undefined) ?? sdkAlgorithm;
    const checksum: StoredChecksum | undefined = stored && {
      algorithm: stored,
      value: temp.checksums[stored] as string,
      type: 'FULL_OBJECT',
    };
    return { temp, checksum };
  } catch (error) {
    await store.blobs.discard(temp);
    throw error;
  }
}

function expectedChecksums(req: IncomingMessage): Partial<Record<ChecksumAlgorithm, string>> {
  const expected: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = header(req, checksumHeaderName(algorithm));
    if (value === undefined) continue;
    const bytes = Buffer.from(value, 'base64');
    const length =
      algorithm === 'SHA256' ? 32 : algorithm === 'SHA1' ? 20 : algorithm === 'CRC64NVME' ? 8 : 4;
    if (bytes.length !== length || bytes.toString('base64') !== value.trim())
      throw new S3Error('InvalidRequest', `Value for ${checksumHeaderName(algorithm)} header is invalid.`);
    expected[algorithm] = value.trim();
  }
  if (Object.keys(expected).length > 1)
    throw new S3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  return expected;
}

function trailerAlgorithm(req: IncomingMessage): ChecksumAlgorithm | undefined {
  const names = (header(req, 'x-amz-trailer') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    const algorithm = checksumAlgorithmOf(name);
    if (algorithm && name.toLowerCase().startsWith('x-amz-checksum-')) return algorithm;
    throw new S3Error(
      'InvalidRequest',
      `The value specified in the x-amz-trailer header is not supported: ${name}`,
    );
  }
  return undefined;
}
