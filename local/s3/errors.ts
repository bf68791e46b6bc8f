import { ServiceError } from '../errors.js';

/**
 * HTTP status of each S3 error code, as S3 answers it. One table decides; unknown codes get 400.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
export const S3_ERROR_STATUS: Readonly<Record<string, number>> = {
  AccessDenied: 403,
  BadDigest: 400,
  BadRequest: 400,
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IllegalLocationConstraintException: 400,
  IllegalVersioningConfigurationException: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidLocationConstraint: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidPartNumber: 416,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidTag: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedXML: 400,
  MaxMessageLengthExceeded: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NoSuchVersion: 404,
  NotImplemented: 501,
  NotModified: 304,
  PreconditionFailed: 412,
  XAmzContentSHA256Mismatch: 400,
};

/** Extra elements of the XML error body (`BucketName`, `Key`, `Range`, ...), in order. */
export type S3ErrorDetails = Record<string, string | number | undefined>;

/**
 * An S3 error, named exactly after S3's error code (`NoSuchKey`, `InvalidRange`, ...). The HTTP layer
 * writes it as S3's XML error body with the status from {@link S3_ERROR_STATUS}; `headers` are added
 * to the response (e.g. `x-amz-delete-marker`).
 *
 * @example
 * throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: 'b' });
 */
export class S3Error extends ServiceError {
  readonly status: number;

  constructor(
    readonly code: string,
    message: string,
    readonly details: S3ErrorDetails = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message);
    this.status = S3_ERROR_STATUS[code] ?? 400;
  }
}

/** `NoSuchBucket` for `bucket`. */
export function noSuchBucket(bucket: string): S3Error {
  return new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
}

/** `NoSuchKey` for `key`. */
export function noSuchKey(key: string, headers: Record<string, string> = {}): S3Error {
  return new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key }, headers);
}
