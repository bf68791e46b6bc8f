import type { $ZodIssue } from 'zod/v4/core';
import { CodePipelineKitError } from './errors.js';
import { FAILURE_MESSAGE_MAX_CHARS } from './limits.js';
import type { Redactor } from './logger.js';
import { truncateWithMarker } from './report.js';
import type { FailureType } from './types.js';
import { describeZodIssues } from './zod-issues.js';

const ACCESS_DENIED_NAMES = new Set(
  [
    'AccessDenied',
    'AccessDeniedException',
    'AllAccessDisabled',
    'AuthorizationError',
    'AuthorizationErrorException',
    'ExpiredToken',
    'ExpiredTokenException',
    'Forbidden',
    'InvalidAccessKeyId',
    'InvalidClientTokenId',
    'InvalidToken',
    'KMS.AccessDeniedException',
    'NotAuthorized',
    'SignatureDoesNotMatch',
    'UnauthorizedOperation',
    'UnrecognizedClientException',
  ].map((n) => n.toLowerCase()),
);

/**
 * How an error that ended a handler is reported: its failure type and a safe message (name and message
 * only, no stack, known secrets redacted, at most 5000 chars).
 *
 * - toolkit errors carry their own type (`JobFailureError` lets a handler choose one);
 * - zod errors and errors named like `ValidationError`/`ValidationException` -> `ConfigurationError`;
 * - access-denied errors (AWS codes such as AccessDenied, or HTTP 403) -> `PermissionError`;
 * - anything else -> `JobFailed`.
 *
 * @example
 * ```ts
 * failureFromError(Object.assign(new Error('no'), { name: 'AccessDenied' }), redactor);
 * // { type: 'PermissionError', message: 'AccessDenied: no' }
 * ```
 */
export function failureFromError(err: unknown, redactor: Redactor): { type: FailureType; message: string } {
  const type = failureTypeOf(err);
  return {
    type,
    message: truncateWithMarker(redactor.redactText(safeMessage(err)), FAILURE_MESSAGE_MAX_CHARS),
  };
}

function failureTypeOf(err: unknown): FailureType {
  if (err instanceof CodePipelineKitError) return err.failureType;
  if (isZodError(err)) return 'ConfigurationError';
  if (!(err instanceof Error)) return 'JobFailed';
  const code = (err as { Code?: unknown; code?: unknown }).Code ?? (err as { code?: unknown }).code;
  const names = [err.name, typeof code === 'string' ? code : ''].map((n) => n.toLowerCase());
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (names.some((n) => ACCESS_DENIED_NAMES.has(n)) || status === 403) return 'PermissionError';
  if (names.some((n) => /validation(error|exception)?$/.test(n))) return 'ConfigurationError';
  return 'JobFailed';
}

function safeMessage(err: unknown): string {
  if (isZodError(err)) return `invalid input: ${describeZodIssues(err.issues, undefined, '', false)}`;
  if (err instanceof CodePipelineKitError) return err.message;
  if (err instanceof Error) {
    const message = err.message || '(no message)';
    return err.name && err.name !== 'Error' ? `${err.name}: ${message}` : message;
  }
  if (typeof err === 'string') return err;
  return `the handler threw a non-Error value (${err === null ? 'null' : typeof err})`;
}

function isZodError(err: unknown): err is Error & { issues: $ZodIssue[] } {
  return (
    err instanceof Error &&
    (err.name === 'ZodError' || err.name === '$ZodError') &&
    Array.isArray((err as { issues?: unknown }).issues)
  );
}
