import type { UserParametersOf, UserParametersSpec } from './job-event.js';
import { JobRun, type JobContext, type JobHandlerResult, type JobRunOptions } from './job-run.js';
import type { ReportOutcome } from './types.js';

/**
 * A job handler for {@link withJob}: do the work; return success details, report yourself, or throw.
 * @example
 * ```ts
 * const fn: JobHandler<string | undefined, unknown, JobContext> = async (run) => ({ summary: run.job.id });
 * ```
 */
export type JobHandler<TParams, TState, TContext extends JobContext> = (
  run: JobRun<TParams, TState>,
  context: TContext,
) => Promise<JobHandlerResult> | JobHandlerResult;

/**
 * Wraps a job handler into a Lambda handler for a CodePipeline Invoke action.
 *
 * The job is reported exactly once: success with the handler's return value when it returns without
 * reporting; failure (`JobFailed`, `ConfigurationError` for validation errors, `PermissionError` for
 * access-denied errors, with a safe message) when it throws, and the invocation then ends without an
 * error so Lambda's async retry cannot report twice (`rethrow: true` to rethrow). Bad UserParameters fail
 * the job with `ConfigurationError` before the handler runs. Shortly before Lambda's timeout the guard
 * reports failure, or `continueLater` with the handler's last checkpoint.
 *
 * An event that is not a CodePipeline job throws a `JobEventError` (there is no job to report to).
 *
 * @example
 * ```ts
 * import * as z from 'zod';
 * export const handler = withJob(
 *   async (run) => {
 *     const res = await fetch(run.params.url, { signal: run.signal });
 *     return { summary: `HTTP ${res.status}`, outputVariables: { status: String(res.status) } };
 *   },
 *   { userParameters: z.object({ url: z.url() }) },
 * );
 * ```
 */
export function withJob<
  TSpec extends UserParametersSpec = 'raw',
  TState = unknown,
  TContext extends JobContext = JobContext,
>(
  fn: JobHandler<UserParametersOf<TSpec>, TState, TContext>,
  options: JobRunOptions<TSpec, TState> = {},
): (event: unknown, context: TContext) => Promise<ReportOutcome> {
  return async (event, context) => {
    const run = JobRun.fromEvent(event, context, options);
    return run.execute((r) => fn(r, context));
  };
}
