import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bareEtag,
  etagListMatches,
  multipartEtag,
  singlePartEtag,
  verifyContentMd5,
} from '../../../../local/s3/etag.js';

const md5 = (b: Buffer | string): Buffer => createHash('md5').update(b).digest();

describe('Function: multipartEtag', () => {
  it('is the md5 of the concatenated binary part md5s, then -N, quoted', () => {
    // Prepare
    const parts = [Buffer.alloc(5 * 1024 * 1024, 1), Buffer.from('tail')];
    const digests = parts.map((p) => md5(p));

    // Act
    const etag = multipartEtag(digests.map((d) => d.toString('hex')));

    // Assess
    expect(etag).toBe(`"${md5(Buffer.concat(digests)).toString('hex')}-2"`);
    expect(etag).not.toBe(`"${md5(Buffer.concat(parts)).toString('hex')}"`);
  });

  it('gives the empty object its well-known ETag', () => {
    expect(singlePartEtag(md5('').toString('hex'))).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  });
});

describe('Function: etagListMatches', () => {
  it('matches quoted, unquoted, weak, listed and * values', () => {
    const etag = '"abc"';
    expect(etagListMatches('"abc"', etag)).toBe(true);
    expect(etagListMatches('abc', etag)).toBe(true);
    expect(etagListMatches('W/"abc"', etag)).toBe(true);
    expect(etagListMatches('"x", "abc"', etag)).toBe(true);
    expect(etagListMatches('*', etag)).toBe(true);
    expect(etagListMatches('"abd"', etag)).toBe(false);
    expect(bareEtag('"a-2"')).toBe('a-2');
  });
});

describe('Function: verifyContentMd5', () => {
  it('accepts the right digest, rejects a wrong one (BadDigest) and garbage (InvalidDigest)', () => {
    const hex = md5('hello').toString('hex');
    expect(() => verifyContentMd5(md5('hello').toString('base64'), hex)).not.toThrow();
    expect(() => verifyContentMd5(md5('other').toString('base64'), hex)).toThrow(
      expect.objectContaining({ code: 'BadDigest' }),
    );
    expect(() => verifyContentMd5('not-md5', hex)).toThrow(
      expect.objectContaining({ code: 'InvalidDigest' }),
    );
    expect(() => verifyContentMd5(undefined, hex)).not.toThrow();
  });
});
