import { serviceError } from '../errors.js';
import { listActionRunsOfExecution, updateActionRun, type ActionRunRow } from '../store/action-run-repo.js';
import {
  getExecution,
  getLatestStageRun,
  getNewestStageRunOfPipeline,
  insertExecution,
  insertStageRun,
  updateExecution,
  type ExecutionRow,
} from '../store/execution-repo.js';
import { closeOpenJobsOfActionRun } from '../store/job-repo.js';
import { actionEvent, pipelineEvent, stageEvent, type AdvanceContext, type Effect } from './stage-run.js';

function requirePipeline(ctx: AdvanceContext, pipelineName: string) {
  const stored = ctx.loadPipeline(pipelineName);
  if (!stored) {
    throw serviceError(
      'PipelineNotFoundException',
      `Account does not have a pipeline with name '${pipelineName}'`,
    );
  }
  return stored.declaration;
}

/**
 * StopPipelineExecution's rules: `abandon=false` moves the execution to Stopping and lets in-progress actions
 * finish; `abandon=true` abandons them at once (and may follow a stop-and-wait). Repeating a mode ->
 * DuplicatedStopRequestException; a finished execution -> PipelineExecutionNotStoppableException.
 */
export function stopExecution(
  ctx: AdvanceContext,
  pipelineName: string,
  executionId: string,
  abandon: boolean,
  reason: string | undefined,
): { effects: Effect[]; abandoned: ActionRunRow[] } {
  requirePipeline(ctx, pipelineName);
  const exec = getExecution(ctx.db, executionId);
  if (!exec || exec.pipelineName !== pipelineName) {
    throw serviceError(
      'PipelineExecutionNotStoppableException',
      `Pipeline execution ${executionId} of pipeline ${pipelineName} was not found and cannot be stopped`,
    );
  }
  if (exec.status !== 'InProgress' && exec.status !== 'Stopping') {
    throw serviceError(
      'PipelineExecutionNotStoppableException',
      `Unable to stop pipeline execution ${executionId}: its status is ${exec.status}`,
    );
  }
  if (exec.status === 'Stopping' && (exec.stopMode === 'abandon' || !abandon)) {
    throw serviceError(
      'DuplicatedStopRequestException',
      `Pipeline execution ${executionId} is already stopping (${exec.stopMode === 'abandon' ? 'stop and abandon' : 'stop and wait'})`,
    );
  }
  const effects: Effect[] = [];
  const wasStopping = exec.status === 'Stopping';
  updateExecution(
    ctx.db,
    exec.id,
    {
      status: 'Stopping',
      stopMode: abandon ? 'abandon' : 'wait',
      stopReason: reason ?? exec.stopReason ?? null,
    },
    ctx.now,
  );
  if (!wasStopping) effects.push(pipelineEvent(exec, 'STOPPING'));
  const abandoned: ActionRunRow[] = [];
  if (abandon) {
    for (const run of listActionRunsOfExecution(ctx.db, exec.id)) {
      if (run.status !== 'InProgress') continue;
      updateActionRun(
        ctx.db,
        run.id,
        { status: 'Abandoned', summary: 'Abandoned by StopPipelineExecution (abandon=true)' },
        ctx.now,
      );
      closeOpenJobsOfActionRun(ctx.db, run.id, 'Abandoned', ctx.now);
      abandoned.push(run);
      effects.push(actionEvent({ ...run, status: 'Abandoned' }, ctx.region));
    }
  }
  return { effects, abandoned };
}

/**
 * RetryStageExecution's rules: only the latest execution of a Failed (or Stopped) stage can be retried;
 * FAILED_ACTIONS reruns the failed actions (earlier successes count), ALL_ACTIONS reruns every action.
 */
export function retryStage(
  ctx: AdvanceContext,
  pipelineName: string,
  stageName: string,
  executionId: string,
  mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS',
): Effect[] {
  const decl = requirePipeline(ctx, pipelineName);
  const index = decl.stages!.findIndex((s) => s.name === stageName);
  if (index < 0)
    throw serviceError(
      'StageNotFoundException',
      `Stage ${stageName} was not found in pipeline ${pipelineName}`,
    );
  const exec = getExecution(ctx.db, executionId);
  if (!exec || exec.pipelineName !== pipelineName) {
    throw serviceError(
      'StageNotRetryableException',
      `Pipeline execution ${executionId} was not found in pipeline ${pipelineName}`,
    );
  }
  const stageRun = getLatestStageRun(ctx.db, exec.id, stageName);
  if (!stageRun || (stageRun.status !== 'Failed' && stageRun.status !== 'Stopped')) {
    throw serviceError(
      'StageNotRetryableException',
      `Stage ${stageName} of execution ${executionId} cannot be retried: ${stageRun ? `its status is ${stageRun.status}` : 'the execution never entered it'}`,
    );
  }
  if (exec.status !== 'Failed' && exec.status !== 'Stopped') {
    throw serviceError(
      'StageNotRetryableException',
      `Execution ${executionId} is ${exec.status}; only a failed or stopped execution can be retried`,
    );
  }
  if (exec.pipelineVersion !== (decl.version ?? 1)) {
    throw serviceError(
      'StageNotRetryableException',
      `The pipeline was updated (version ${decl.version}) after execution ${executionId} ran (version ${exec.pipelineVersion})`,
    );
  }
  const newest = getNewestStageRunOfPipeline(ctx.db, pipelineName, stageName);
  if (newest && newest.executionId !== exec.id) {
    throw serviceError(
      'NotLatestPipelineExecutionException',
      `Execution ${newest.executionId} ran in stage ${stageName} after ${executionId}; only the latest execution of a stage can be retried`,
    );
  }
  insertStageRun(
    ctx.db,
    {
      executionId: exec.id,
      stageName,
      stageIndex: index,
      attempt: stageRun.attempt + 1,
      retryMode: mode,
      retryTrigger: 'ManualStageRetry',
      status: 'InProgress',
    },
    ctx.now,
  );
  updateExecution(
    ctx.db,
    exec.id,
    {
      status: 'InProgress',
      statusSummary: null,
      stopMode: null,
      stopReason: null,
      nextStageIndex: index,
      waitingSince: null,
    },
    ctx.now,
  );
  return [pipelineEvent(exec, 'RESUMED'), stageEvent(exec, stageName, 'RESUMED', stageRun.attempt + 1)];
}

/**
 * RollbackStage (V2 pipelines): a new execution of type ROLLBACK that runs only `stageName`, with the artifacts
 * and variables of a target execution that succeeded in that stage.
 */
export function rollbackStage(
  ctx: AdvanceContext,
  pipelineName: string,
  stageName: string,
  targetExecutionId: string,
  newExecutionId: string,
  triggerType: 'ManualRollback' | 'AutomatedRollback' = 'ManualRollback',
): Effect[] {
  const decl = requirePipeline(ctx, pipelineName);
  const index = decl.stages!.findIndex((s) => s.name === stageName);
  if (index < 0)
    throw serviceError(
      'StageNotFoundException',
      `Stage ${stageName} was not found in pipeline ${pipelineName}`,
    );
  if (decl.pipelineType !== 'V2') {
    throw serviceError(
      'UnableToRollbackStageException',
      'Stage rollback is only available for pipelines of type V2',
    );
  }
  if (index === 0)
    throw serviceError('UnableToRollbackStageException', 'The first (source) stage cannot be rolled back');
  const target = getExecution(ctx.db, targetExecutionId);
  if (!target || target.pipelineName !== pipelineName) {
    throw serviceError(
      'PipelineExecutionNotFoundException',
      `Pipeline execution ${targetExecutionId} was not found in pipeline ${pipelineName}`,
    );
  }
  const targetRun = getLatestStageRun(ctx.db, target.id, stageName);
  if (targetRun?.status !== 'Succeeded') {
    throw serviceError(
      'UnableToRollbackStageException',
      `Execution ${targetExecutionId} did not succeed in stage ${stageName}; only a successful execution can be a rollback target`,
    );
  }
  const current = getNewestStageRunOfPipeline(ctx.db, pipelineName, stageName);
  if (current && (current.status === 'InProgress' || current.status === 'Stopping')) {
    throw serviceError(
      'ConflictException',
      `Stage ${stageName} has an execution in progress (${current.executionId})`,
    );
  }
  if (current?.executionId === target.id) {
    throw serviceError(
      'PipelineExecutionOutdatedException',
      `Execution ${targetExecutionId} is already the latest execution of stage ${stageName}`,
    );
  }
  const exec: ExecutionRow = insertExecution(ctx.db, {
    id: newExecutionId,
    pipelineName,
    pipelineVersion: decl.version ?? 1,
    executionMode: decl.executionMode ?? 'SUPERSEDED',
    executionType: 'ROLLBACK',
    triggerType,
    triggerDetail: targetExecutionId,
    variables: target.variables,
    nextStageIndex: index,
    rollbackStage: stageName,
    rollbackTargetId: target.id,
    now: ctx.now,
  });
  updateExecution(ctx.db, exec.id, { sourceRevisions: target.sourceRevisions }, ctx.now);
  return [pipelineEvent(exec, 'STARTED')];
}
