import type { DisableStageTransitionInput, EnableStageTransitionInput } from '@aws-sdk/client-codepipeline';
import { serviceError } from '../errors.js';
import { setTransition } from '../store/transition-repo.js';
import { engineOf, requirePipeline } from './executions.js';
import type { ApiContext, OperationTable } from './operation.js';

/** The stage whose inbound transition a request means (`Outbound` of a stage = `Inbound` of the next). */
function targetStage(
  ctx: ApiContext,
  input: DisableStageTransitionInput | EnableStageTransitionInput,
): string {
  const stages = requirePipeline(ctx, input.pipelineName!).declaration.stages ?? [];
  const index = stages.findIndex((s) => s.name === input.stageName);
  if (index < 0) {
    throw serviceError(
      'StageNotFoundException',
      `Stage ${input.stageName} was not found in pipeline ${input.pipelineName}`,
    );
  }
  if (input.transitionType === 'Outbound') {
    const next = stages[index + 1];
    if (!next)
      throw serviceError(
        'ValidationException',
        `Stage ${input.stageName} is the last stage and has no outbound transition`,
      );
    return next.name!;
  }
  return stages[index].name!;
}

/** Stores the state of the transition a request means, with the caller as `changedBy`. */
function recordTransition(
  ctx: ApiContext,
  input: DisableStageTransitionInput | EnableStageTransitionInput,
  change: { enabled: boolean; reason?: string },
): void {
  const stage = targetStage(ctx, input);
  setTransition(
    ctx.db,
    {
      pipelineName: input.pipelineName!,
      stageName: stage,
      ...change,
      changedBy: `arn:aws:iam::${ctx.accountId}:user/${ctx.callerAccessKeyId ?? 'local'}`,
    },
    ctx.now().getTime(),
  );
}

/** DisableStageTransition: executions are held before the stage (with the reason). */
export function disableStageTransition(
  input: DisableStageTransitionInput,
  ctx: ApiContext,
): Record<string, never> {
  recordTransition(ctx, input, { enabled: false, reason: input.reason });
  return {};
}

/** EnableStageTransition: releases the execution waiting before the stage. */
export function enableStageTransition(
  input: EnableStageTransitionInput,
  ctx: ApiContext,
): Record<string, never> {
  recordTransition(ctx, input, { enabled: true });
  engineOf(ctx).wakePipeline(input.pipelineName!);
  return {};
}

/** The transition operations. */
export const transitionOperations: OperationTable = {
  DisableStageTransition: disableStageTransition,
  EnableStageTransition: enableStageTransition,
};
