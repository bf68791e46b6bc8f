/**
 * Every number the job toolkit enforces, with the AWS source it comes from.
 * Nothing else in `lambdas/` hard-codes a limit.
 */

/**
 * Longest `executionDetails.summary` of PutJobSuccessResult (`ExecutionSummary`, 1..2048 chars).
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ExecutionDetails.html
 * @example
 * ```ts
 * truncateWithMarker(summary, SUMMARY_MAX_CHARS);
 * ```
 */
export const SUMMARY_MAX_CHARS = 2048;

/**
 * Longest `failureDetails.message` of PutJobFailureResult (`Message`, 1..5000 chars).
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_FailureDetails.html
 * @example
 * ```ts
 * truncateWithMarker(message, FAILURE_MESSAGE_MAX_CHARS);
 * ```
 */
export const FAILURE_MESSAGE_MAX_CHARS = 5000;

/**
 * Longest `continuationToken` of PutJobSuccessResult (`ContinuationToken`, 1..2048 chars).
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PutJobSuccessResult.html
 * @example
 * ```ts
 * JSON.stringify(state).length <= CONTINUATION_TOKEN_MAX_CHARS;
 * ```
 */
export const CONTINUATION_TOKEN_MAX_CHARS = 2048;

/**
 * Longest `externalExecutionId` (`ExecutionId`, 1..1500 chars).
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ExecutionDetails.html
 * @example
 * ```ts
 * deploymentId.length <= EXTERNAL_EXECUTION_ID_MAX_CHARS;
 * ```
 */
export const EXTERNAL_EXECUTION_ID_MAX_CHARS = 1500;

/**
 * `percentComplete` range (`Percentage`, integer 0..100).
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ExecutionDetails.html
 * @example
 * ```ts
 * Math.max(PERCENT_COMPLETE_MIN, Math.min(PERCENT_COMPLETE_MAX, pct));
 * ```
 */
export const PERCENT_COMPLETE_MIN = 0;
/**
 * @see {@link PERCENT_COMPLETE_MIN}
 * @example
 * ```ts
 * Math.max(PERCENT_COMPLETE_MIN, Math.min(PERCENT_COMPLETE_MAX, pct));
 * ```
 */
export const PERCENT_COMPLETE_MAX = 100;

/**
 * `currentRevision.revision` (`Revision`, 1..1500 chars), `changeIdentifier` (1..100 chars) and
 * `revisionSummary` (1..2048 chars).
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_CurrentRevision.html
 * @example
 * ```ts
 * commitId.length <= REVISION_MAX_CHARS;
 * ```
 */
export const REVISION_MAX_CHARS = 1500;
/**
 * @see {@link REVISION_MAX_CHARS}
 * @example
 * ```ts
 * changeId.length <= REVISION_CHANGE_IDENTIFIER_MAX_CHARS;
 * ```
 */
export const REVISION_CHANGE_IDENTIFIER_MAX_CHARS = 100;
/**
 * @see {@link REVISION_MAX_CHARS}
 * @example
 * ```ts
 * truncateWithMarker(commitMessage, REVISION_SUMMARY_MAX_CHARS);
 * ```
 */
export const REVISION_SUMMARY_MAX_CHARS = 2048;

/**
 * Pattern of an output variable key (`OutputVariablesKey`: `[A-Za-z0-9@\-_]+`).
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PutJobSuccessResult.html
 * @example
 * ```ts
 * OUTPUT_VARIABLE_KEY_PATTERN.test('image-tag'); // true
 * ```
 */
export const OUTPUT_VARIABLE_KEY_PATTERN = /^[A-Za-z0-9@\-_]+$/;

/**
 * Total size of an action's output variables (keys and values, UTF-8), 122,880 bytes.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html
 * @example
 * ```ts
 * Buffer.byteLength(key + value) <= OUTPUT_VARIABLES_MAX_BYTES;
 * ```
 */
export const OUTPUT_VARIABLES_MAX_BYTES = 122_880;

/**
 * Upper bound of the timeout guard's default margin: report at the latest 3 s before Lambda's timeout.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
 * @example
 * ```ts
 * Math.min(TIMEOUT_MARGIN_MAX_MS, functionTimeoutMs * TIMEOUT_MARGIN_FRACTION);
 * ```
 */
export const TIMEOUT_MARGIN_MAX_MS = 3_000;

/**
 * Share of the function's timeout used as the guard's margin when that is smaller than 3 s (20%).
 * @example
 * ```ts
 * Math.min(TIMEOUT_MARGIN_MAX_MS, functionTimeoutMs * TIMEOUT_MARGIN_FRACTION);
 * ```
 */
export const TIMEOUT_MARGIN_FRACTION = 0.2;

/**
 * A Lambda Invoke action fails when its job gets no result within 20 minutes; each continuation restarts
 * that timer, and after 24 hours in all the action fails.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html
 * @example
 * ```ts
 * const replyBy = Date.now() + INVOKE_REPLY_TIMEOUT_MS;
 * ```
 */
export const INVOKE_REPLY_TIMEOUT_MS = 20 * 60_000;
/**
 * @see {@link INVOKE_REPLY_TIMEOUT_MS}
 * @example
 * ```ts
 * const maxMinutes = INVOKE_ACTION_MAX_DURATION_MS / 60_000; // 1440
 * ```
 */
export const INVOKE_ACTION_MAX_DURATION_MS = 24 * 60 * 60_000;

/**
 * Longest action configuration value (`UserParameters` included), 1000 chars.
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html
 * @example
 * ```ts
 * JSON.stringify(userParameters).length <= CONFIGURATION_VALUE_MAX_CHARS;
 * ```
 */
export const CONFIGURATION_VALUE_MAX_CHARS = 1000;

/**
 * Input and output artifacts of a Lambda Invoke action: 0..5 each.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-Lambda.html
 * @example
 * ```ts
 * job.inputArtifacts.length <= INVOKE_MAX_ARTIFACTS;
 * ```
 */
export const INVOKE_MAX_ARTIFACTS = 5;

/**
 * Marker appended to a summary or failure message that had to be cut to fit its limit.
 * @example
 * ```ts
 * summary.endsWith(TRUNCATION_MARKER); // it was cut
 * ```
 */
export const TRUNCATION_MARKER = '... [truncated]';
