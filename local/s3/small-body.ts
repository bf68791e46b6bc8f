import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import { CHECKSUM_ALGORITHMS, checksumHeaderName, checksumOf } from './checksums.js';
import { S3Error } from './errors.js';
import { verifyContentMd5 } from './etag.js';
import { header } from './http-io.js';

/** Verifies `Content-MD5` and `x-amz-checksum-*` headers of a small (XML) request body. */
export function verifySmallBody(req: IncomingMessage, body: Buffer): void {
  verifyContentMd5(header(req, 'content-md5'), createHash('md5').update(body).digest('hex'));
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const expected = header(req, checksumHeaderName(algorithm));
    if (expected !== undefined && expected.trim() !== checksumOf(algorithm, body))
      throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
  }
}
