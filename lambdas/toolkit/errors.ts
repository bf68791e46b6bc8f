import type { FailureType, Job } from './types.js';

/**
 * The base of every error the job toolkit throws.
 *
 * @example
 * ```ts
 * try { parseJobEvent(event); } catch (err) {
 *   if (err instanceof CodePipelineKitError) console.log(err.name, err.failureType);
 * }
 * ```
 */
export class CodePipelineKitError extends Error {
  /** The failure type a job gets when this error ends a handler. */
  public readonly failureType: FailureType;

  public constructor(message: string, options: { cause?: unknown; failureType?: FailureType } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodePipelineKitError';
    this.failureType = options.failureType ?? 'JobFailed';
  }
}

/**
 * The Lambda event is not a CodePipeline job (the message lists what is missing). No job id is known, so
 * nothing can be reported.
 *
 * @example
 * ```ts
 * expect(() => parseJobEvent({ Records: [] })).toThrow(JobEventError);
 * ```
 */
export class JobEventError extends CodePipelineKitError {
  public constructor(message: string) {
    super(message, { failureType: 'ConfigurationError' });
    this.name = 'JobEventError';
  }
}

/**
 * `UserParameters` is missing, is not JSON, or does not match the handler's schema. Carries the job
 * (with the raw parameters) so the failure can still be reported as `ConfigurationError`.
 *
 * @example
 * ```ts
 * try { parseJobEvent(event, { userParameters: schema }); } catch (err) {
 *   if (err instanceof UserParametersError) console.log(err.job.id, err.message);
 * }
 * ```
 */
export class UserParametersError extends CodePipelineKitError {
  public constructor(
    message: string,
    public readonly job: Job<string | undefined>,
    options: { cause?: unknown } = {},
  ) {
    super(message, { ...options, failureType: 'ConfigurationError' });
    this.name = 'UserParametersError';
  }
}

/**
 * A report's arguments break an AWS limit that cannot be fixed by truncation (output variable keys or
 * size, percentComplete, an oversized continuation state). Thrown before any call to the service.
 *
 * @example
 * ```ts
 * await expect(run.succeed({ outputVariables: { 'bad key': 'x' } })).rejects.toThrow(JobReportValidationError);
 * ```
 */
export class JobReportValidationError extends CodePipelineKitError {
  public constructor(message: string) {
    super(message, { failureType: 'JobFailed' });
    this.name = 'JobReportValidationError';
  }
}

/**
 * The service refused a report or could not be reached after the SDK's retries (not
 * InvalidJobStateException, which is an outcome). `cause` holds the SDK error.
 *
 * @example
 * ```ts
 * try { await run.succeed(); } catch (err) { if (err instanceof JobReportError) console.log(err.cause); }
 * ```
 */
export class JobReportError extends CodePipelineKitError {
  public constructor(message: string, cause: unknown) {
    super(message, { cause, failureType: 'SystemUnavailable' });
    this.name = 'JobReportError';
  }
}

/**
 * Thrown by a handler to fail the job with a chosen failure type and message.
 *
 * @example
 * ```ts
 * throw new JobFailureError('RevisionUnavailable', 'artifact SourceArtifact is gone');
 * ```
 */
export class JobFailureError extends CodePipelineKitError {
  public constructor(failureType: FailureType, message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, failureType });
    this.name = 'JobFailureError';
  }
}

/**
 * The continuation state given back by CodePipeline does not match the handler's state schema.
 *
 * @example
 * ```ts
 * if (err instanceof ContinuationStateError) console.log('state from an older handler version');
 * ```
 */
export class ContinuationStateError extends CodePipelineKitError {
  public constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, failureType: 'JobFailed' });
    this.name = 'ContinuationStateError';
  }
}
