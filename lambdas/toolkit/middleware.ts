import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { UserParametersOf, UserParametersSpec } from './job-event.js';
import { JobRun, type JobHandlerResult, type JobRunOptions } from './job-run.js';

export type { JobRunOptions } from './job-run.js';

/**
 * The Lambda context inside a handler wrapped with {@link codePipelineJob}: it carries the run.
 * @example
 * ```ts
 * middy(async (_event: unknown, context: JobRunContext) => context.jobRun.succeed()).use(codePipelineJob());
 * ```
 */
export type JobRunContext<TParams = string | undefined, TState = unknown> = Context & {
  readonly jobRun: JobRun<TParams, TState>;
};

/**
 * Middy middleware for a CodePipeline Invoke action, over the same core as `withJob`: `before` parses the
 * job (bad UserParameters are reported as `ConfigurationError` and the handler is skipped) and arms the
 * timeout guard; `after` reports success with the handler's response unless the handler reported;
 * `onError` reports the error as a failure with a safe message and ends the invocation without an error
 * (`rethrow: true` to rethrow). The run is at `context.jobRun`.
 *
 * Import it from `codepipeline-kit/middy` (@middy/core is an optional peer dependency). Middy's own
 * `timeoutEarlyInMillis` ends the handler early; keep it below the guard's margin.
 *
 * @example
 * ```ts
 * import middy from '@middy/core';
 * import { codePipelineJob, type JobRunContext } from 'codepipeline-kit/middy';
 * export const handler = middy(async (_event: unknown, context: JobRunContext) => {
 *   context.jobRun.logger.info('working');
 *   return { summary: 'done' };
 * }).use(codePipelineJob());
 * ```
 */
export function codePipelineJob<TSpec extends UserParametersSpec = 'raw', TState = unknown>(
  options: JobRunOptions<TSpec, TState> = {},
): MiddlewareObj<unknown, unknown, Error, JobRunContext<UserParametersOf<TSpec>, TState>> {
  const runs = new WeakMap<object, JobRun<UserParametersOf<TSpec>, TState>>();
  return {
    name: 'codePipelineJob',
    before: async (request) => {
      const run = JobRun.fromEvent(request.event, request.context, options);
      runs.set(request, run);
      Object.defineProperty(request.context, 'jobRun', { value: run, configurable: true, enumerable: false });
      if (!(await run.begin())) return run.outcome; // early response: the handler does not run
      return undefined;
    },
    after: async (request) => {
      const run = runs.get(request);
      if (run) request.response = await run.finish(request.response as JobHandlerResult);
    },
    onError: async (request) => {
      const run = runs.get(request);
      if (!run) return; // not a job event: leave the error to Lambda
      request.response = await run.handleError(request.error);
    },
  };
}
