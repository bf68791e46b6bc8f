import { S3Error } from './errors.js';

const FORBIDDEN_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const FORBIDDEN_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * Why `name` is not a valid general purpose bucket name, or undefined when it is. The rules are S3's;
 * they also keep every bucket name out of the engine's own `/_cpkit/` path space (no `_` anywhere).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 *
 * @example
 * bucketNameProblem('my-artifacts'); // undefined
 * bucketNameProblem('_cpkit'); // 'Bucket names can consist only of lowercase letters, numbers, dots and hyphens'
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket names must be between 3 and 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name))
    return 'Bucket names can consist only of lowercase letters, numbers, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return 'Bucket names must begin and end with a letter or number';
  if (name.includes('..')) return 'Bucket names must not contain two adjacent periods';
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name))
    return 'Bucket names must not be formatted as an IP address';
  const prefix = FORBIDDEN_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `Bucket names must not start with the prefix ${prefix}`;
  const suffix = FORBIDDEN_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `Bucket names must not end with the suffix ${suffix}`;
  return undefined;
}

/** Throws S3's `InvalidBucketName` when `name` breaks a naming rule. */
export function assertValidBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem)
    throw new S3Error('InvalidBucketName', `The specified bucket is not valid. ${problem}`, {
      BucketName: name,
    });
}
