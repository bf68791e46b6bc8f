import { createHash } from 'node:crypto';
import { S3Error } from './errors.js';

/**
 * The ETag S3 gives a single-part object: the hex MD5 of its bytes, in double quotes.
 *
 * @example
 * singlePartEtag('d41d8cd98f00b204e9800998ecf8427e'); // '"d41d8cd98f00b204e9800998ecf8427e"'
 */
export function singlePartEtag(md5Hex: string): string {
  return `"${md5Hex}"`;
}

/**
 * The ETag S3 gives a completed multipart upload: the hex MD5 of the concatenated binary MD5s of the
 * parts, then `-` and the number of parts, in double quotes.
 *
 * @example
 * multipartEtag(['<part 1 md5 hex>', '<part 2 md5 hex>']); // '"<md5 of both digests>-2"'
 */
export function multipartEtag(partMd5Hexes: readonly string[]): string {
  const hash = createHash('md5');
  for (const hex of partMd5Hexes) hash.update(Buffer.from(hex, 'hex'));
  return `"${hash.digest('hex')}-${partMd5Hexes.length}"`;
}

/** The bare value of an ETag for comparisons: no quotes, no weak prefix. */
export function bareEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

/** Whether an `If-Match`/`If-None-Match` list (`"a", "b"` or `*`) matches `etag`. */
export function etagListMatches(list: string, etag: string): boolean {
  const wanted = bareEtag(etag);
  return list.split(',').some((item) => item.trim() === '*' || bareEtag(item) === wanted);
}

/**
 * Checks a `Content-MD5` header (base64 of the 16-byte digest) against the MD5 of what was received:
 * a value that is not a base64 MD5 is `InvalidDigest`, a mismatch is `BadDigest`.
 */
export function verifyContentMd5(header: string | undefined, md5Hex: string): void {
  if (header === undefined) return;
  const expected = Buffer.from(header.trim(), 'base64');
  if (expected.length !== 16 || expected.toString('base64') !== header.trim())
    throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', {
      'Content-MD5': header,
    });
  if (expected.toString('hex') !== md5Hex)
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', {
      ExpectedDigest: header,
      CalculatedDigest: Buffer.from(md5Hex, 'hex').toString('base64'),
    });
}
