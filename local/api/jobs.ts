import type { PutJobFailureResultInput, PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline';
import { serviceError } from '../errors.js';
import { getJob } from '../store/job-repo.js';
import { engineOf } from './executions.js';
import type { ApiContext, OperationTable } from './operation.js';

/**
 * Result handlers for jobs this module does not own (custom-action jobs): `ctx.services.jobResultHandlers`,
 * tried in order; each returns true when it knew the job.
 */
export interface JobResultHandler {
  putJobSuccessResult(input: PutJobSuccessResultInput, ctx: ApiContext): boolean | Promise<boolean>;
  putJobFailureResult(input: PutJobFailureResultInput, ctx: ApiContext): boolean | Promise<boolean>;
}

function others(ctx: ApiContext): JobResultHandler[] {
  return (ctx.services.jobResultHandlers as JobResultHandler[] | undefined) ?? [];
}

function notFound(jobId: string): Error {
  return serviceError('JobNotFoundException', `Job ${jobId} was not found`);
}

/** PutJobSuccessResult: completes a job, continues it (continuationToken) or publishes output variables. */
export async function putJobSuccessResult(
  input: PutJobSuccessResultInput,
  ctx: ApiContext,
): Promise<Record<string, never>> {
  const job = getJob(ctx.db, input.jobId!);
  if (job?.kind === 'lambda') {
    engineOf(ctx).lambda.putJobSuccessResult(job, input);
    return {};
  }
  for (const h of others(ctx)) if (await h.putJobSuccessResult(input, ctx)) return {};
  throw notFound(input.jobId!);
}

/** PutJobFailureResult: fails a job and its action with the failure details. */
export async function putJobFailureResult(
  input: PutJobFailureResultInput,
  ctx: ApiContext,
): Promise<Record<string, never>> {
  const job = getJob(ctx.db, input.jobId!);
  if (job?.kind === 'lambda') {
    engineOf(ctx).lambda.putJobFailureResult(job, input);
    return {};
  }
  for (const h of others(ctx)) if (await h.putJobFailureResult(input, ctx)) return {};
  throw notFound(input.jobId!);
}

/** The job result operations (Lambda jobs here; custom-action jobs through `jobResultHandlers`). */
export const jobOperations: OperationTable = {
  PutJobSuccessResult: putJobSuccessResult,
  PutJobFailureResult: putJobFailureResult,
};
