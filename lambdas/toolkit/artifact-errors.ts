import { CodePipelineKitError } from './errors.js';
import type { FailureType } from './types.js';

/**
 * The job has no input (or output) artifact of that name: the pipeline wires the action differently
 * from what the handler expects. Fails the job with `ConfigurationError`.
 *
 * @example
 * ```ts
 * await expect(openInputArtifact(job, 'Nope')).rejects.toThrow(ArtifactNotFoundError);
 * ```
 */
export class ArtifactNotFoundError extends CodePipelineKitError {
  public constructor(
    public readonly artifactName: string,
    kind: 'input' | 'output',
    available: readonly string[],
  ) {
    super(
      `The job has no ${kind} artifact "${artifactName}" (${kind} artifacts: ${
        available.length ? available.map((n) => `"${n}"`).join(', ') : 'none'
      })`,
      { failureType: 'ConfigurationError' },
    );
    this.name = 'ArtifactNotFoundError';
  }
}

/**
 * An entry of an input artifact breaks a zip-safety rule (path outside the target directory, symlink,
 * too many entries, too many bytes, compression ratio of a zip bomb). Nothing of it was written.
 * Fails the job with `JobFailed`; the message names the artifact and the entry.
 *
 * @example
 * ```ts
 * try { await extractInputArtifact(job, 'Source', dir); } catch (err) {
 *   if (err instanceof UnsafeArtifactEntryError) console.log(err.entryName, err.rule);
 * }
 * ```
 */
export class UnsafeArtifactEntryError extends CodePipelineKitError {
  public constructor(
    public readonly artifactName: string,
    public readonly entryName: string,
    public readonly rule: 'path' | 'symlink' | 'entries' | 'size' | 'ratio' | 'encrypted',
    detail: string,
  ) {
    super(`Artifact "${artifactName}" entry "${printable(entryName)}" rejected: ${detail}`, {
      failureType: 'JobFailed',
    });
    this.name = 'UnsafeArtifactEntryError';
  }
}

/**
 * The artifact object is not a readable zip (truncated, corrupt, unsupported compression). Fails the
 * job with `JobFailed`; `cause` holds the zip reader's error.
 *
 * @example
 * ```ts
 * if (err instanceof InvalidArtifactError) console.log(err.artifactName, err.cause);
 * ```
 */
export class InvalidArtifactError extends CodePipelineKitError {
  public constructor(
    public readonly artifactName: string,
    detail: string,
    options: { cause?: unknown } = {},
  ) {
    super(`Artifact "${artifactName}" is not a valid zip: ${detail}`, {
      ...options,
      failureType: 'JobFailed',
    });
    this.name = 'InvalidArtifactError';
  }
}

/**
 * S3 refused or failed a request for an artifact. `AccessDenied` (HTTP 403) fails the job with
 * `PermissionError`, a server error with `SystemUnavailable`, anything else with `JobFailed`.
 * `cause` holds the SDK error; `code` its S3 error code.
 *
 * @example
 * ```ts
 * if (err instanceof ArtifactStoreError && err.failureType === 'PermissionError') console.log(err.code);
 * ```
 */
export class ArtifactStoreError extends CodePipelineKitError {
  public constructor(
    public readonly artifactName: string,
    public readonly operation: string,
    public readonly code: string,
    status: number | undefined,
    location: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      `${operation} of artifact "${artifactName}" (${location}) failed: ${code}${status ? ` (HTTP ${status})` : ''}`,
      { ...options, failureType: failureTypeOfStatus(code, status) },
    );
    this.name = 'ArtifactStoreError';
  }
}

function failureTypeOfStatus(code: string, status: number | undefined): FailureType {
  if (status === 403 || code === 'AccessDenied' || code === 'InvalidAccessKeyId' || code === 'ExpiredToken') {
    return 'PermissionError';
  }
  if (status !== undefined && status >= 500) return 'SystemUnavailable';
  return 'JobFailed';
}

const STATUS_CODES: Readonly<Record<number, string>> = {
  403: 'AccessDenied',
  404: 'NoSuchKey',
  412: 'PreconditionFailed',
};

/** Entry names come from untrusted archives: show control characters escaped, cut long names. */
function printable(name: string): string {
  const escaped = name.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return escaped.length > 300 ? `${escaped.slice(0, 300)}...` : escaped;
}

/**
 * Wraps an error of the S3 client into an {@link ArtifactStoreError} (toolkit errors pass unchanged).
 * @internal
 */
export function toArtifactStoreError(
  err: unknown,
  artifactName: string,
  operation: string,
  location: { bucketName: string; objectKey: string },
): Error {
  if (err instanceof CodePipelineKitError) return err;
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  const named = e?.Code ?? e?.name;
  // A HEAD response has no body, so the SDK only knows the status: name it as S3 would.
  const code =
    named && named !== 'Unknown' && named !== 'NotFound' && !/^\d+$/.test(named)
      ? named
      : (STATUS_CODES[status ?? 0] ?? named ?? 'UnknownError');
  return new ArtifactStoreError(
    artifactName,
    operation,
    code,
    status,
    `s3://${location.bucketName}/${location.objectKey}`,
    { cause: err },
  );
}

/**
 * The requested path is not a file entry of the artifact. Fails the job with `JobFailed`.
 *
 * @example
 * ```ts
 * await expect(source.readText('missing.json')).rejects.toThrow(ArtifactEntryMissingError);
 * ```
 */
export class ArtifactEntryMissingError extends CodePipelineKitError {
  public constructor(
    public readonly artifactName: string,
    public readonly entryPath: string,
    reason = 'no such entry',
  ) {
    super(`Artifact "${artifactName}" entry "${entryPath}": ${reason}`, { failureType: 'JobFailed' });
    this.name = 'ArtifactEntryMissingError';
  }
}
