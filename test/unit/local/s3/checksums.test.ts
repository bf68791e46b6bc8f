import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checksumAlgorithmOf, checksumOf, createChecksummer } from '../../../../local/s3/checksums.js';

const CHECK_INPUT = Buffer.from('123456789');
const hex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');

describe('Function: createChecksummer', () => {
  it.each([
    ['CRC32', 'cbf43926'],
    ['CRC32C', 'e3069283'],
    ['CRC64NVME', 'ae8b14860a799888'],
    ['SHA1', createHash('sha1').update(CHECK_INPUT).digest('hex')],
    ['SHA256', createHash('sha256').update(CHECK_INPUT).digest('hex')],
  ] as const)('computes the standard check value of %s', (algorithm, expected) => {
    // Act
    const value = checksumOf(algorithm, CHECK_INPUT);

    // Assess
    expect(hex(value)).toBe(expected);
  });

  it.each(['CRC32', 'CRC32C', 'CRC64NVME'] as const)(
    'gives the same %s incrementally as in one shot',
    (algorithm) => {
      // Prepare
      const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) % 256));
      const incremental = createChecksummer(algorithm);

      // Act
      incremental.update(Buffer.alloc(0));
      incremental.update(data.subarray(0, 1));
      incremental.update(data.subarray(1, 17));
      incremental.update(data.subarray(17));

      // Assess
      expect(incremental.digest()).toBe(checksumOf(algorithm, data));
      expect(checksumOf(algorithm, data)).not.toBe(checksumOf(algorithm, data.subarray(1)));
    },
  );

  it('gives the empty-input values S3 reports for an empty object', () => {
    expect(checksumOf('CRC32', Buffer.alloc(0))).toBe('AAAAAA==');
    expect(checksumOf('CRC64NVME', Buffer.alloc(0))).toBe('AAAAAAAAAAA=');
  });
});

describe('Function: checksumAlgorithmOf', () => {
  it('maps header names and algorithm names, and rejects others', () => {
    expect(checksumAlgorithmOf('x-amz-checksum-crc32c')).toBe('CRC32C');
    expect(checksumAlgorithmOf('CRC64NVME')).toBe('CRC64NVME');
    expect(checksumAlgorithmOf('sha256')).toBe('SHA256');
    expect(checksumAlgorithmOf('md5')).toBeUndefined();
    expect(checksumAlgorithmOf('x-amz-checksum-type')).toBeUndefined();
  });
});
