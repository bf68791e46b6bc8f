import { describe, expect, it } from 'vitest';
import { accessKeyIdOf, parseTarget } from '../../../../local/s3/request-target.js';

describe('Function: parseTarget', () => {
  it.each([
    ['/', '127.0.0.1:4566', undefined, undefined],
    ['/bkt', '127.0.0.1:4566', 'bkt', undefined],
    ['/bkt/', 'localhost:4566', 'bkt', undefined],
    ['/bkt/a/b%20c+d.txt?x-id=GetObject', 'localhost', 'bkt', 'a/b c+d.txt'],
    ['/dir//x', '127.0.0.1', 'dir', '/x'],
    ['/a/b.txt', 'bkt.localhost:4566', 'bkt', 'a/b.txt'],
    ['/?list-type=2', 'bkt.localhost', 'bkt', undefined],
    ['/bkt/k', 's3.localhost:4566', 'bkt', 'k'],
  ])('resolves %s on host %s', (url, host, bucket, key) => {
    const target = parseTarget({ url, headers: { host } });
    expect(target.bucket).toBe(bucket);
    expect(target.key).toBe(key);
  });

  it('rejects bad escapes (InvalidURI) and keys over 1024 bytes (KeyTooLongError)', () => {
    expect(() => parseTarget({ url: '/b/%E0%A4%A', headers: {} })).toThrow(
      expect.objectContaining({ code: 'InvalidURI' }),
    );
    expect(() => parseTarget({ url: `/b/${'k'.repeat(1025)}`, headers: {} })).toThrow(
      expect.objectContaining({ code: 'KeyTooLongError' }),
    );
  });
});

describe('Function: accessKeyIdOf', () => {
  it('reads SigV4, SigV2 and presigned credentials', () => {
    const none = new URLSearchParams();
    expect(
      accessKeyIdOf(
        'AWS4-HMAC-SHA256 Credential=AKIAJOB123/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc',
        none,
      ),
    ).toBe('AKIAJOB123');
    expect(accessKeyIdOf('AWS AKIAV2:c2ln', none)).toBe('AKIAV2');
    expect(
      accessKeyIdOf(
        undefined,
        new URLSearchParams({ 'X-Amz-Credential': 'PRESIGNED/20260101/us-east-1/s3/aws4_request' }),
      ),
    ).toBe('PRESIGNED');
    expect(accessKeyIdOf(undefined, none)).toBeUndefined();
  });
});
