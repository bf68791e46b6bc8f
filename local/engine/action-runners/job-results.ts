import type { PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline';
import { serviceError } from '../../errors.js';
import { updateActionRun, type ActionRunRow } from '../../store/action-run-repo.js';
import { updateJob, type JobRow } from '../../store/job-repo.js';
import { encryptionKeyOf } from '../ports.js';
import type { RunnerContext } from './runner.js';

/** Most an action may publish as output variables (keys and values, JSON). */
export const MAX_OUTPUT_VARIABLES_BYTES = 122_880;

/** `OutputVariablesSizeExceededException` when a job's output variables are too large. */
export function checkOutputVariablesSize(
  jobId: string,
  outputVariables: PutJobSuccessResultInput['outputVariables'],
) {
  if (!outputVariables) return;
  const size = Buffer.byteLength(JSON.stringify(outputVariables));
  if (size > MAX_OUTPUT_VARIABLES_BYTES) {
    throw serviceError(
      'OutputVariablesSizeExceededException',
      `The output variables of job ${jobId} take ${size} bytes; at most ${MAX_OUTPUT_VARIABLES_BYTES} are allowed`,
    );
  }
}

/** `InvalidJobStateException`: the job already has a result, or its action ended. */
export function invalidJobState(jobId: string, status?: string): Error {
  return serviceError(
    'InvalidJobStateException',
    `Job ${jobId} is not in progress${status ? ` (status ${status})` : ''}: a result was already reported, or its action ended`,
  );
}

/**
 * Applies a PutJobSuccessResult (Lambda and custom jobs alike), inside the caller's transaction: with a
 * continuation token the job ends, the action keeps running with the new details and `createJob` queues the
 * next job (returned); otherwise the action succeeds with the output variables and revision.
 */
export function applyJobSuccess(
  ctx: RunnerContext,
  run: ActionRunRow,
  jobId: string,
  input: PutJobSuccessResultInput,
  createJob: (run: ActionRunRow, continuationToken: string) => JobRow,
): JobRow | undefined {
  const details = input.executionDetails;
  const now = ctx.clock.now();
  if (input.continuationToken !== undefined) {
    updateJob(ctx.db, jobId, { status: 'Succeeded', result: { continued: true } }, now);
    updateActionRun(
      ctx.db,
      run.id,
      {
        summary: details?.summary,
        externalExecutionId: details?.externalExecutionId,
        percentComplete: details?.percentComplete,
      },
      now,
    );
    return createJob(run, input.continuationToken);
  }
  const revision = input.currentRevision?.revision;
  const ended = ctx.complete(
    run.id,
    {
      status: 'Succeeded',
      summary: details?.summary,
      externalExecutionId: details?.externalExecutionId,
      percentComplete: details?.percentComplete ?? 100,
      outputVariables: input.outputVariables ?? {},
      outputArtifactRevisions: revision
        ? Object.fromEntries(run.outputArtifacts.map((a) => [a.name, revision]))
        : undefined,
    },
    () => updateJob(ctx.db, jobId, { status: 'Succeeded', result: { succeeded: true } }, now),
  );
  if (!ended) throw invalidJobState(jobId);
  return undefined;
}

/**
 * The part of a job's data that Lambda events, PollForJobs and GetJobDetails share: input and output artifacts
 * with their S3 locations, the job's artifact credentials, its continuation token and the pipeline's encryption
 * key. Lambda events also carry `expirationTime` in the credentials (`withExpiration`).
 */
export function jobArtifactData(
  ctx: RunnerContext,
  run: ActionRunRow,
  job: JobRow,
  options: { withExpiration: boolean },
): Record<string, unknown> {
  const pipeline = ctx.pipelineOf(run);
  const location = (a: { bucket: string; key: string }) => ({
    type: 'S3',
    s3Location: { bucketName: a.bucket, objectKey: a.key },
  });
  const data: Record<string, unknown> = {
    inputArtifacts: run.inputArtifacts.map((a) => ({
      name: a.name,
      revision: a.revision ?? null,
      location: location(a),
    })),
    outputArtifacts: run.outputArtifacts.map((a) => ({
      name: a.name,
      revision: null,
      location: location(a),
    })),
    artifactCredentials: {
      accessKeyId: job.accessKeyId,
      secretAccessKey: job.secretAccessKey,
      sessionToken: job.sessionToken,
      ...(options.withExpiration ? { expirationTime: job.credentialsExpireAt } : {}),
    },
  };
  if (job.continuationToken !== null) data.continuationToken = job.continuationToken;
  const key = pipeline ? encryptionKeyOf(pipeline, run.region ?? ctx.region) : undefined;
  if (key) data.encryptionKey = key;
  return data;
}
