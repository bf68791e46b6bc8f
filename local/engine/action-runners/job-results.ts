import type { PutJobSuccessResultInput } from '@aws-sdk/client-codepipeline';
import { serviceError } from '../../errors.js';
import { updateActionRun, type ActionRunRow } from '../../store/action-run-repo.js';
import { updateJob, type JobRow } from '../../store/job-repo.js';
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
