import type { StageDeclaration } from '@aws-sdk/client-codepipeline';
import { randomUUID } from 'node:crypto';
import { serviceError, ServiceError } from '../errors.js';
import {
  latestConditionRunOfExecution,
  listOpenConditionRuns,
  type ConditionKind,
} from '../store/condition-run-repo.js';
import {
  countStageRetries,
  getExecution,
  getLatestStageRun,
  insertStageRun,
  listExecutions,
  updateExecution,
  updateStageRunStatus,
  type ExecutionRow,
  type StageRunRow,
} from '../store/execution-repo.js';
import { rollbackStage } from './execution-control.js';
import { endConditionRun, evaluateStageCondition } from './stage-conditions.js';
import { finishExecution, type AdvanceContext } from './stage-run.js';
import { stageEvent, type Effect } from './state-events.js';

/**
 * Where V2 stage conditions change the flow of an execution (see "How do stage conditions work?"):
 * entry conditions (result FAIL or SKIP), success conditions (FAIL or ROLLBACK) and failure handling
 * (result ROLLBACK or RETRY with retryConfiguration, engaged when the failure conditions are met or none are
 * declared). Each function runs inside the transaction of {@link advanceExecution}.
 */

/** Before an execution enters a stage: 'enter', 'wait' (a rule is in progress), 'skipped' or 'failed'. */
export function gateStageEntry(
  ctx: AdvanceContext,
  exec: ExecutionRow,
  stage: StageDeclaration,
  index: number,
  attempt: number,
  effects: Effect[],
): 'enter' | 'wait' | 'skipped' | 'failed' {
  const outcome = evaluateStageCondition(ctx, exec, stage, 'BEFORE_ENTRY', attempt, effects);
  if (outcome.kind === 'none' || outcome.kind === 'met') return 'enter';
  if (outcome.kind === 'pending') return 'wait';
  const status = outcome.result === 'SKIP' ? 'Skipped' : 'Failed';
  insertStageRun(
    ctx.db,
    { executionId: exec.id, stageName: stage.name!, stageIndex: index, attempt, retryMode: null, status },
    ctx.now,
  );
  if (status === 'Skipped') {
    updateExecution(ctx.db, exec.id, { nextStageIndex: index + 1, waitingSince: ctx.now }, ctx.now);
    return 'skipped';
  }
  effects.push(stageEvent(exec, stage.name!, 'FAILED', attempt));
  finishExecution(
    ctx,
    exec,
    'Failed',
    `Entry condition of stage ${stage.name} failed: ${outcome.summary}`,
    effects,
  );
  return 'failed';
}

/** After every action of a stage succeeded: 'succeed', 'wait' (a rule is in progress) or 'failed'. */
export function gateStageSuccess(
  ctx: AdvanceContext,
  exec: ExecutionRow,
  stage: StageDeclaration,
  stageRun: StageRunRow,
  effects: Effect[],
): 'succeed' | 'wait' | 'failed' {
  const outcome = evaluateStageCondition(ctx, exec, stage, 'ON_SUCCESS', stageRun.attempt, effects);
  if (outcome.kind === 'none' || outcome.kind === 'met') return 'succeed';
  if (outcome.kind === 'pending' && exec.status !== 'Stopping') return 'wait';
  const stopped = outcome.kind === 'pending';
  updateStageRunStatus(
    ctx.db,
    exec.id,
    stage.name!,
    stageRun.attempt,
    stopped ? 'Stopped' : 'Failed',
    ctx.now,
  );
  effects.push(stageEvent(exec, stage.name!, stopped ? 'STOPPED' : 'FAILED', stageRun.attempt));
  if (outcome.kind === 'pending') {
    finishExecution(ctx, exec, 'Stopped', exec.stopReason, effects);
    return 'failed';
  }
  finishExecution(
    ctx,
    exec,
    'Failed',
    `Success condition of stage ${stage.name} failed: ${outcome.summary}`,
    effects,
  );
  if (outcome.result === 'ROLLBACK') startAutomatedRollback(ctx, exec, stage, effects);
  return 'failed';
}

/**
 * A stage attempt failed with `message`: evaluates the failure conditions and engages onFailure's result
 * (RETRY: a new attempt, once; ROLLBACK: an automated rollback execution), else fails the execution.
 * Returns 'retry' (loop on), 'wait' (a failure rule is in progress) or 'failed'.
 */
export function failStage(
  ctx: AdvanceContext,
  exec: ExecutionRow,
  stage: StageDeclaration,
  stageRun: StageRunRow,
  message: string,
  effects: Effect[],
): 'retry' | 'wait' | 'failed' {
  const onFailure = stage.onFailure;
  let engage: string | undefined;
  if (onFailure?.result && exec.status !== 'Stopping') {
    const outcome = evaluateStageCondition(ctx, exec, stage, 'ON_FAILURE', stageRun.attempt, effects);
    if (outcome.kind === 'pending') return 'wait';
    if (outcome.kind !== 'failed') engage = onFailure.result;
  }
  updateStageRunStatus(ctx.db, exec.id, stage.name!, stageRun.attempt, 'Failed', ctx.now);
  effects.push(stageEvent(exec, stage.name!, 'FAILED', stageRun.attempt));
  // one automatic retry per stage of an execution (RetryStageMetadata: "One attempt is allowed")
  if (engage === 'RETRY' && countStageRetries(ctx.db, exec.id, stage.name!).automated === 0) {
    const attempt = stageRun.attempt + 1;
    insertStageRun(
      ctx.db,
      {
        executionId: exec.id,
        stageName: stage.name!,
        stageIndex: stageRun.stageIndex,
        attempt,
        retryMode: onFailure?.retryConfiguration?.retryMode ?? 'FAILED_ACTIONS',
        retryTrigger: 'AutomatedStageRetry',
        status: 'InProgress',
      },
      ctx.now,
    );
    effects.push(stageEvent(exec, stage.name!, 'RESUMED', attempt));
    return 'retry';
  }
  finishExecution(ctx, exec, 'Failed', message, effects);
  if (engage === 'ROLLBACK') startAutomatedRollback(ctx, exec, stage, effects);
  return 'failed';
}

/** Rolls `stage` back to the newest earlier execution (not a rollback, same structure version) that succeeded in it. */
function startAutomatedRollback(
  ctx: AdvanceContext,
  exec: ExecutionRow,
  stage: StageDeclaration,
  effects: Effect[],
): void {
  const target = listExecutions(ctx.db, exec.pipelineName).find(
    (e) =>
      e.id !== exec.id &&
      e.executionType !== 'ROLLBACK' &&
      e.pipelineVersion === exec.pipelineVersion &&
      getLatestStageRun(ctx.db, e.id, stage.name!)?.status === 'Succeeded',
  );
  const note = (text: string) =>
    updateExecution(
      ctx.db,
      exec.id,
      { statusSummary: `${getExecution(ctx.db, exec.id)?.statusSummary ?? ''} (${text})` },
      ctx.now,
    );
  if (!target) return note('no earlier successful execution of the stage to roll back to');
  try {
    effects.push(
      ...rollbackStage(ctx, exec.pipelineName, stage.name!, target.id, randomUUID(), 'AutomatedRollback'),
    );
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    note(`automated rollback not started: ${err.message}`);
  }
}

/** Cancels the waiting conditions of an execution that ended. */
export function cancelOpenConditions(ctx: AdvanceContext, executionId: string): void {
  for (const run of listOpenConditionRuns(ctx.db, executionId))
    endConditionRun(
      ctx,
      run,
      'Cancelled',
      'The pipeline execution ended while the condition was in progress',
    );
}

/**
 * OverrideStageCondition: lets an execution past an InProgress entry or success condition (condition status
 * Overridden, waiting rules Abandoned). A condition with result SKIP cannot be overridden.
 */
export function overrideStageCondition(
  ctx: AdvanceContext,
  pipelineName: string,
  stageName: string,
  executionId: string,
  kind: ConditionKind,
): void {
  const exec = getExecution(ctx.db, executionId);
  const run =
    exec && exec.pipelineName === pipelineName
      ? latestConditionRunOfExecution(ctx.db, executionId, stageName, kind)
      : undefined;
  if (!exec || exec.pipelineName !== pipelineName)
    throw serviceError(
      'ConditionNotOverridableException',
      `Pipeline execution ${executionId} was not found in pipeline ${pipelineName}`,
    );
  if (!run || run.status !== 'InProgress')
    throw serviceError(
      'ConditionNotOverridableException',
      `No ${kind} condition of stage ${stageName} is in progress for execution ${executionId}${run ? ` (it is ${run.status})` : ''}`,
    );
  if (run.result === 'SKIP')
    throw serviceError(
      'ConditionNotOverridableException',
      `The ${kind} condition of stage ${stageName} has the result SKIP, which cannot be overridden`,
    );
  endConditionRun(ctx, run, 'Overridden', 'Overridden by OverrideStageCondition');
}
