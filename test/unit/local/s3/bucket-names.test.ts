import { describe, expect, it } from 'vitest';
import { assertValidBucketName, bucketNameProblem } from '../../../../local/s3/bucket-names.js';

describe('Function: bucketNameProblem', () => {
  it.each(['abc', 'my-artifacts', 'a.b.c', 'codepipeline-us-east-1-123456789012', '1bucket', 'a'.repeat(63)])(
    'accepts %s',
    (name) => {
      expect(bucketNameProblem(name)).toBeUndefined();
    },
  );

  it.each([
    ['ab', 'between 3 and 63'],
    ['a'.repeat(64), 'between 3 and 63'],
    ['_cpkit', 'only of lowercase'],
    ['My-Bucket', 'only of lowercase'],
    ['under_score', 'only of lowercase'],
    ['-abc', 'begin and end'],
    ['abc.', 'begin and end'],
    ['a..b', 'two adjacent periods'],
    ['192.168.5.4', 'IP address'],
    ['xn--abc', 'prefix xn--'],
    ['sthree-abc', 'prefix sthree-'],
    ['abc-s3alias', 'suffix -s3alias'],
    ['abc--ol-s3', 'suffix --ol-s3'],
  ])('rejects %s (%s)', (name, reason) => {
    expect(bucketNameProblem(name)).toContain(reason);
    expect(() => assertValidBucketName(name)).toThrow(
      expect.objectContaining({ code: 'InvalidBucketName', status: 400 }),
    );
  });
});
