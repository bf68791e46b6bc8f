import type {
  AcknowledgeJobInput,
  AcknowledgeJobOutput,
  GetJobDetailsInput,
  GetJobDetailsOutput,
  PollForJobsInput,
  PollForJobsOutput,
} from '@aws-sdk/client-codepipeline';
import { serviceError } from '../errors.js';
import { getJob } from '../store/job-repo.js';
import { engineOf } from './executions.js';
import type { ApiContext, OperationTable } from './operation.js';

/** PollForJobs: queued jobs of a custom action type, each handed to exactly this caller with a nonce. */
export function pollForJobs(input: PollForJobsInput, ctx: ApiContext): PollForJobsOutput {
  const jobs = engineOf(ctx).customJobs.poll('custom', {
    actionTypeId: input.actionTypeId!,
    maxBatchSize: input.maxBatchSize,
    queryParam: input.queryParam,
  });
  return { jobs: jobs.map(({ id, nonce, accountId, data }) => ({ id, nonce, accountId, data })) };
}

/** AcknowledgeJob: the holder of the nonce takes the job (InProgress); a wrong nonce is InvalidNonceException. */
export function acknowledgeJob(input: AcknowledgeJobInput, ctx: ApiContext): AcknowledgeJobOutput {
  const status = engineOf(ctx).customJobs.acknowledge('custom', input.jobId!, input.nonce!);
  return { status: status as AcknowledgeJobOutput['status'] };
}

/** GetJobDetails: a custom (or Lambda) job's data with `actionTypeId` and `pipelineContext`. */
export function getJobDetails(input: GetJobDetailsInput, ctx: ApiContext): GetJobDetailsOutput {
  const job = getJob(ctx.db, input.jobId!);
  const jobs = engineOf(ctx).customJobs;
  if (job?.kind === 'lambda') {
    return { jobDetails: jobs.lambdaJobDetails(job.id) as GetJobDetailsOutput['jobDetails'] };
  }
  if (job?.kind !== 'custom') throw serviceError('JobNotFoundException', `Job ${input.jobId} was not found`);
  return { jobDetails: jobs.details('custom', input.jobId!) as GetJobDetailsOutput['jobDetails'] };
}

/** The custom-job operations (their PutJob*Result go through local/api/jobs.ts's result handlers). */
export const customJobOperations: OperationTable = {
  PollForJobs: pollForJobs,
  AcknowledgeJob: acknowledgeJob,
  GetJobDetails: getJobDetails,
};
