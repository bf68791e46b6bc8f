import { ServiceError } from '../errors.js';
import { declaredErrors, modeledErrorShapes } from './service-model.js';

/**
 * Errors every AWS JSON 1.1 service may answer besides the operation's declared ones
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/CommonErrors.html, plus the protocol's own
 * SerializationException / UnknownOperationException and the authentication errors of SigV4).
 */
export const COMMON_ERRORS: readonly string[] = [
  'AccessDeniedException',
  'IncompleteSignatureException',
  'InternalFailure',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'RequestEntityTooLargeException',
  'RequestTimeoutException',
  'SerializationException',
  'ServiceUnavailable',
  'ThrottlingException',
  'UnknownOperationException',
  'UnrecognizedClientException',
  'ValidationException',
];

/**
 * THE status table: the HTTP status of every error type the local API can answer. Anything not listed
 * is 400, which is what AWS CodePipeline answers for every modeled error.
 *
 * ConflictException: the JS SDK's model says 409, botocore's model declares no status, and the
 * CodePipeline API reference (e.g. OverrideStageCondition, "Errors") says "HTTP Status Code: 400".
 * The service is the authority, so 400 (the default). The SDK maps errors by `__type`, not status.
 *
 * 5xx is only for real faults inside the engine (logged, answered as InternalFailure without details).
 */
const STATUS: Readonly<Record<string, number>> = {
  InternalFailure: 500,
  ServiceUnavailable: 503,
  RequestEntityTooLargeException: 413,
  RequestTimeoutException: 408,
};

/** The HTTP status for an error type (default 400). */
export function statusOf(type: string): number {
  return STATUS[type] ?? 400;
}

/** True when `type` is an error shape of the model or one of the common errors. */
export function isKnownErrorType(type: string): boolean {
  return COMMON_ERRORS.includes(type) || modeledErrorShapes().includes(type);
}

/** Every `__type` the local API may emit: the model's error shapes and the common errors. */
export function emittableErrorTypes(): string[] {
  return [...new Set([...modeledErrorShapes(), ...COMMON_ERRORS])].sort();
}

/** Receives dev-check findings (an operation threw an error it does not declare). */
export type UndeclaredErrorReporter = (operation: string, type: string) => void;

const reported = new Set<string>();
let reporter: UndeclaredErrorReporter = (operation, type) => {
  const key = `${operation}:${type}`;
  if (reported.has(key)) return;
  reported.add(key);
  process.stderr.write(
    `[cpkit] dev check: ${operation} threw ${type}, which it does not declare in the service model\n`,
  );
};

/** Replaces the dev-check reporter (tests collect findings); returns the previous one. @internal */
export function setUndeclaredErrorReporter(next: UndeclaredErrorReporter): UndeclaredErrorReporter {
  const previous = reporter;
  reporter = next;
  return previous;
}

/**
 * Dev check: a `ServiceError` thrown by an operation must be one of its declared errors or a common
 * error. Anything else is a bug in the handler; it is reported (and still sent to the client).
 */
export function checkDeclaredError(operation: string, type: string): boolean {
  if (COMMON_ERRORS.includes(type) || declaredErrors(operation).includes(type)) return true;
  reporter(operation, type);
  return false;
}

/** A serialized error answer of the JSON protocol. */
export interface ErrorBody {
  readonly status: number;
  readonly body: { readonly __type: string; readonly message: string };
}

const INTERNAL_MESSAGE =
  'The request processing has failed because of an unknown error, exception or failure.';

/**
 * Serializes an error as `{"__type", "message"}` with its status. A thrown value that is not a
 * `ServiceError` is an internal fault: it is logged with the request id (never sent) and answered as
 * InternalFailure.
 *
 * @example
 * const { status, body } = serializeError(new ServiceError('PipelineNotFoundException', 'no such pipeline'), 'req-1');
 */
export function serializeError(err: unknown, requestId: string): ErrorBody {
  if (err instanceof ServiceError) {
    return { status: statusOf(err.type), body: { __type: err.type, message: err.message } };
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`[cpkit] internal failure (request ${requestId}): ${detail}\n`);
  return { status: 500, body: { __type: 'InternalFailure', message: INTERNAL_MESSAGE } };
}
