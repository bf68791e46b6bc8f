import type { PutJobFailureResultInput, PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline';
import { JobReportValidationError } from './errors.js';
import {
  CONTINUATION_TOKEN_MAX_CHARS,
  EXTERNAL_EXECUTION_ID_MAX_CHARS,
  FAILURE_MESSAGE_MAX_CHARS,
  OUTPUT_VARIABLE_KEY_PATTERN,
  OUTPUT_VARIABLES_MAX_BYTES,
  PERCENT_COMPLETE_MAX,
  PERCENT_COMPLETE_MIN,
  REVISION_CHANGE_IDENTIFIER_MAX_CHARS,
  REVISION_MAX_CHARS,
  REVISION_SUMMARY_MAX_CHARS,
  SUMMARY_MAX_CHARS,
  TRUNCATION_MARKER,
} from './limits.js';
import { FAILURE_TYPES, type ContinueOptions, type FailureType, type SucceedOptions } from './types.js';

/**
 * Cuts `text` to at most `max` chars, ending with {@link TRUNCATION_MARKER} when it was cut, never
 * splitting a surrogate pair.
 *
 * @example
 * ```ts
 * truncateWithMarker('x'.repeat(3000), 2048).length; // 2048, ends with '... [truncated]'
 * ```
 */
export function truncateWithMarker(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - TRUNCATION_MARKER.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + TRUNCATION_MARKER;
}

/**
 * The PutJobSuccessResult input for a finished job, with every AWS limit checked or applied.
 * @internal
 */
export function buildSuccessInput(jobId: string, options: SucceedOptions = {}): PutJobSuccessResultInput {
  const input: PutJobSuccessResultInput = { jobId, executionDetails: executionDetails(options) };
  if (options.outputVariables !== undefined)
    input.outputVariables = checkOutputVariables(options.outputVariables);
  if (options.currentRevision !== undefined) {
    const r = options.currentRevision;
    checkLength('currentRevision.revision', r.revision, 1, REVISION_MAX_CHARS);
    checkLength(
      'currentRevision.changeIdentifier',
      r.changeIdentifier,
      1,
      REVISION_CHANGE_IDENTIFIER_MAX_CHARS,
    );
    input.currentRevision = {
      revision: r.revision,
      changeIdentifier: r.changeIdentifier,
      created: r.created,
      revisionSummary: r.revisionSummary
        ? truncateWithMarker(r.revisionSummary, REVISION_SUMMARY_MAX_CHARS)
        : undefined,
    };
  }
  if (input.executionDetails === undefined) delete input.executionDetails;
  return input;
}

/**
 * The PutJobSuccessResult input that keeps the action in progress with a continuation token
 * (no output variables: AWS rejects them together with a token).
 * @internal
 */
export function buildContinuationInput(
  jobId: string,
  continuationToken: string,
  options: ContinueOptions & { outputVariables?: unknown } = {},
): PutJobSuccessResultInput {
  if (options.outputVariables !== undefined) {
    throw new JobReportValidationError(
      'outputVariables cannot be sent together with a continuation token; report them with succeed() when the work is done',
    );
  }
  const details = executionDetails(options);
  return details ? { jobId, continuationToken, executionDetails: details } : { jobId, continuationToken };
}

/**
 * The PutJobFailureResult input; the message is cut to 5000 chars with a visible marker.
 * @internal
 */
export function buildFailureInput(
  jobId: string,
  type: FailureType,
  message: string,
  externalExecutionId?: string,
): PutJobFailureResultInput {
  if (!(FAILURE_TYPES as readonly string[]).includes(type)) {
    throw new JobReportValidationError(
      `failure type ${JSON.stringify(type)} is not one of ${FAILURE_TYPES.join(', ')}`,
    );
  }
  if (externalExecutionId !== undefined) {
    checkLength('externalExecutionId', externalExecutionId, 1, EXTERNAL_EXECUTION_ID_MAX_CHARS);
  }
  const text = typeof message === 'string' && message.length > 0 ? message : '(no message)';
  return {
    jobId,
    failureDetails: {
      type,
      message: truncateWithMarker(text, FAILURE_MESSAGE_MAX_CHARS),
      externalExecutionId,
    },
  };
}

/**
 * Serializes continuation state as JSON; it must fit the 2048-char continuation token.
 * @internal
 */
export function encodeContinuationState(state: unknown): string {
  let token: string | undefined;
  try {
    token = JSON.stringify(state === undefined ? null : state);
  } catch (err) {
    throw new JobReportValidationError(
      `continuation state is not JSON-serializable: ${(err as Error).message}`,
    );
  }
  if (token === undefined) throw new JobReportValidationError('continuation state is not JSON-serializable');
  if (token.length > CONTINUATION_TOKEN_MAX_CHARS) {
    throw new JobReportValidationError(
      `continuation state serializes to ${token.length} chars, more than the ${CONTINUATION_TOKEN_MAX_CHARS} a continuation token holds; keep large state in S3 and put its key in the state`,
    );
  }
  return token;
}

/**
 * Reads the state back from a continuation token: its JSON, or the raw token when it is not JSON
 * (a token written by something other than this toolkit).
 * @internal
 */
export function decodeContinuationState(token: string): unknown {
  try {
    return JSON.parse(token) as unknown;
  } catch {
    return token;
  }
}

function executionDetails(options: ContinueOptions): PutJobSuccessResultInput['executionDetails'] {
  const { summary, externalExecutionId, percentComplete } = options;
  if (percentComplete !== undefined) {
    if (
      !Number.isInteger(percentComplete) ||
      percentComplete < PERCENT_COMPLETE_MIN ||
      percentComplete > PERCENT_COMPLETE_MAX
    ) {
      throw new JobReportValidationError(
        `percentComplete must be an integer from ${PERCENT_COMPLETE_MIN} to ${PERCENT_COMPLETE_MAX}, got ${String(percentComplete)}`,
      );
    }
  }
  if (externalExecutionId !== undefined) {
    checkLength('externalExecutionId', externalExecutionId, 1, EXTERNAL_EXECUTION_ID_MAX_CHARS);
  }
  const details = {
    summary: summary ? truncateWithMarker(summary, SUMMARY_MAX_CHARS) : undefined,
    externalExecutionId,
    percentComplete,
  };
  return Object.values(details).some((v) => v !== undefined) ? details : undefined;
}

function checkOutputVariables(variables: Readonly<Record<string, string>>): Record<string, string> {
  let bytes = 0;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    if (!OUTPUT_VARIABLE_KEY_PATTERN.test(key)) {
      throw new JobReportValidationError(
        `output variable key ${JSON.stringify(key)} must match [A-Za-z0-9@\\-_]+ (letters, digits, @, - and _)`,
      );
    }
    if (typeof value !== 'string') {
      throw new JobReportValidationError(
        `output variable ${JSON.stringify(key)} must be a string, got ${value === null ? 'null' : typeof value}`,
      );
    }
    bytes += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
    // A key such as `__proto__` matches AWS's pattern; plain assignment would set the prototype and drop it.
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (bytes > OUTPUT_VARIABLES_MAX_BYTES) {
    throw new JobReportValidationError(
      `output variables take ${bytes} bytes (keys and values, UTF-8), more than the ${OUTPUT_VARIABLES_MAX_BYTES} bytes an action may publish`,
    );
  }
  return out;
}

function checkLength(name: string, value: string, min: number, max: number): void {
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw new JobReportValidationError(
      `${name} must be a string of ${min} to ${max} chars, got ${typeof value === 'string' ? `${value.length} chars` : typeof value}`,
    );
  }
}
