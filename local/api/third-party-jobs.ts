import type {
  AcknowledgeThirdPartyJobInput,
  AcknowledgeThirdPartyJobOutput,
  GetThirdPartyJobDetailsInput,
  GetThirdPartyJobDetailsOutput,
  PollForThirdPartyJobsInput,
  PollForThirdPartyJobsOutput,
  PutThirdPartyJobFailureResultInput,
  PutThirdPartyJobSuccessResultInput,
} from '@aws-sdk/client-codepipeline';
import { serviceError } from '../errors.js';
import { engineOf } from './executions.js';
import type { ApiContext, OperationTable } from './operation.js';

/**
 * Third-party jobs. Locally there is no partner registration, so a job is bound to the first client token
 * presented for it (GetThirdPartyJobDetails, AcknowledgeThirdPartyJob or a result); any other token is then
 * InvalidClientTokenException.
 */

/** PollForThirdPartyJobs: `{ clientId, jobId }` of queued jobs of a ThirdParty action type. */
export function pollForThirdPartyJobs(
  input: PollForThirdPartyJobsInput,
  ctx: ApiContext,
): PollForThirdPartyJobsOutput {
  const jobs = engineOf(ctx).customJobs.poll('third-party', {
    actionTypeId: input.actionTypeId!,
    maxBatchSize: input.maxBatchSize,
  });
  return { jobs: jobs.map((j) => ({ clientId: j.clientId ?? undefined, jobId: j.id })) };
}

/** GetThirdPartyJobDetails: the job's data and nonce, for the holder of its client token. */
export function getThirdPartyJobDetails(
  input: GetThirdPartyJobDetailsInput,
  ctx: ApiContext,
): GetThirdPartyJobDetailsOutput {
  const details = engineOf(ctx).customJobs.details('third-party', input.jobId!, input.clientToken);
  const { id, data, nonce } = details;
  return { jobDetails: { id, data, nonce } as GetThirdPartyJobDetailsOutput['jobDetails'] };
}

/** AcknowledgeThirdPartyJob. */
export function acknowledgeThirdPartyJob(
  input: AcknowledgeThirdPartyJobInput,
  ctx: ApiContext,
): AcknowledgeThirdPartyJobOutput {
  const status = engineOf(ctx).customJobs.acknowledge(
    'third-party',
    input.jobId!,
    input.nonce!,
    input.clientToken,
  );
  return { status: status as AcknowledgeThirdPartyJobOutput['status'] };
}

/** PutThirdPartyJobSuccessResult. */
export function putThirdPartyJobSuccessResult(
  input: PutThirdPartyJobSuccessResultInput,
  ctx: ApiContext,
): Record<string, never> {
  if (!engineOf(ctx).customJobs.putSuccess('third-party', input)) throw notFound(input.jobId!);
  return {};
}

/** PutThirdPartyJobFailureResult. */
export function putThirdPartyJobFailureResult(
  input: PutThirdPartyJobFailureResultInput,
  ctx: ApiContext,
): Record<string, never> {
  if (!engineOf(ctx).customJobs.putFailure('third-party', input)) throw notFound(input.jobId!);
  return {};
}

function notFound(jobId: string): Error {
  return serviceError('JobNotFoundException', `Job ${jobId} was not found`);
}

/** The five third-party job operations. */
export const thirdPartyJobOperations: OperationTable = {
  PollForThirdPartyJobs: pollForThirdPartyJobs,
  GetThirdPartyJobDetails: getThirdPartyJobDetails,
  AcknowledgeThirdPartyJob: acknowledgeThirdPartyJob,
  PutThirdPartyJobSuccessResult: putThirdPartyJobSuccessResult,
  PutThirdPartyJobFailureResult: putThirdPartyJobFailureResult,
};
