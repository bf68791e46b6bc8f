import type { StageDeclaration } from '@aws-sdk/client-codepipeline';
import { updateStageRunStatus, type ExecutionRow, type StageRunRow } from '../store/execution-repo.js';
import { finishExecution, type AdvanceContext } from './stage-run.js';
import { stageEvent, type Effect } from './state-events.js';

/**
 * What an UpdatePipeline does to executions in flight, per the model's status documentation ("Cancelled: the
 * pipeline's definition was updated before the pipeline execution could be completed"; a stage is Cancelled
 * when the definition was updated before the stage execution could be completed): an execution of an older
 * structure version lets its in-progress actions finish, starts nothing new, and ends Cancelled, with its
 * unfinished stage Cancelled. Executions waiting before a stage are Cancelled at once.
 */

/** The current structure version when it is newer than the execution's, else undefined. */
export function newerPipelineVersion(ctx: AdvanceContext, exec: ExecutionRow): number | undefined {
  const current = ctx.loadPipeline(exec.pipelineName)?.declaration.version ?? exec.pipelineVersion;
  return current > exec.pipelineVersion ? current : undefined;
}

/** Ends an outdated execution as Cancelled (and its unfinished stage attempt, when it is in one). */
export function cancelOutdatedExecution(
  ctx: AdvanceContext,
  exec: ExecutionRow,
  version: number,
  effects: Effect[],
  inStage?: { stage: StageDeclaration; run: StageRunRow },
): void {
  if (inStage) {
    updateStageRunStatus(ctx.db, exec.id, inStage.stage.name!, inStage.run.attempt, 'Cancelled', ctx.now);
    effects.push(stageEvent(exec, inStage.stage.name!, 'CANCELED', inStage.run.attempt));
  }
  finishExecution(
    ctx,
    exec,
    'Cancelled',
    `The pipeline was updated to version ${version} before this execution (version ${exec.pipelineVersion}) completed`,
    effects,
  );
}
