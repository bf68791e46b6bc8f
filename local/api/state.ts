import type {
  GetPipelineStateInput,
  GetPipelineStateOutput,
  StageDeclaration,
  StageState,
} from '@aws-sdk/client-codepipeline';
import { getNewestActionRun } from '../store/action-run-repo.js';
import {
  countStageRetries,
  getNewestStageRunOfPipeline,
  listActiveExecutions,
} from '../store/execution-repo.js';
import type { StoredPipeline } from '../store/pipeline-repo.js';
import { transactionOf } from '../store/statements.js';
import { getActionRevision, getTransition } from '../store/transition-repo.js';
import { actionExecutionView } from './execution-views.js';
import { requirePipeline } from './executions.js';
import { stageConditionState } from './conditions.js';
import type { ApiContext, OperationTable } from './operation.js';

/**
 * GetPipelineState: per stage the inbound transition state, the executions waiting to enter it, the latest
 * stage execution and each action's latest execution (status, summary, token for approvals, external id,
 * percent complete, error details) and current revision.
 */
export function getPipelineState(input: GetPipelineStateInput, ctx: ApiContext): GetPipelineStateOutput {
  // The pipeline first, outside a transaction (its read cache is only filled outside one); then the ~20
  // state queries in one read transaction: one snapshot, and one WAL read lock instead of one per query
  // (about half of their cost in the profile under load).
  const stored = requirePipeline(ctx, input.name!);
  return transactionOf(ctx.db, readPipelineState)(input, ctx, stored);
}

function readPipelineState(
  input: GetPipelineStateInput,
  ctx: ApiContext,
  stored: StoredPipeline,
): GetPipelineStateOutput {
  const decl = stored.declaration;
  const active = listActiveExecutions(ctx.db, input.name!);
  const stageStates: StageState[] = (decl.stages ?? []).map((stage, index) => {
    const transition = getTransition(ctx.db, input.name!, stage.name!);
    const latest = getNewestStageRunOfPipeline(ctx.db, input.name!, stage.name!);
    const waiting = active
      .filter((e) => e.nextStageIndex === index && e.waitingSince !== null)
      .map((e) => ({
        pipelineExecutionId: e.id,
        status: 'InProgress' as const,
        type: e.executionType as never,
      }));
    const latestExec = latest ? active.find((e) => e.id === latest.executionId) : undefined;
    return {
      stageName: stage.name,
      ...(waiting.length ? { inboundExecution: waiting[0], inboundExecutions: waiting } : {}),
      inboundTransitionState: transition
        ? {
            enabled: transition.enabled,
            lastChangedBy: transition.changedBy ?? undefined,
            lastChangedAt: new Date(transition.changedAt),
            ...(transition.enabled ? {} : { disabledReason: transition.reason ?? undefined }),
          }
        : { enabled: true },
      actionStates: (stage.actions ?? []).map((action) => {
        const run = getNewestActionRun(ctx.db, input.name!, stage.name!, action.name!);
        const revision = getActionRevision(ctx.db, input.name!, stage.name!, action.name!);
        const sourceRevision =
          run?.category === 'Source' && run.status === 'Succeeded'
            ? run.outputArtifacts[0]?.revision
            : undefined;
        return {
          actionName: action.name,
          ...(sourceRevision
            ? {
                currentRevision: {
                  revisionId: sourceRevision,
                  revisionChangeId: sourceRevision,
                  created: new Date(run!.updatedAt),
                },
              }
            : revision
              ? {
                  currentRevision: {
                    revisionId: revision.revisionId,
                    revisionChangeId: revision.revisionChangeId,
                    created: new Date(revision.createdAt),
                  },
                }
              : {}),
          ...(run ? { latestExecution: actionExecutionView(run) } : {}),
        };
      }),
      ...(latest
        ? {
            latestExecution: {
              pipelineExecutionId: latest.executionId,
              status: latest.status,
              ...(latestExec?.executionType === 'ROLLBACK' ? { type: 'ROLLBACK' as const } : {}),
            },
          }
        : {}),
      ...conditionStates(ctx, input.name!, stage),
      ...(latest ? retryMetadata(ctx, latest.executionId, latest.retryTrigger ?? null, stage.name!) : {}),
    };
  });
  return {
    pipelineName: decl.name,
    pipelineVersion: decl.version,
    stageStates,
    created: stored.metadata.created,
    updated: stored.metadata.updated,
  };
}

function retryMetadata(
  ctx: ApiContext,
  executionId: string,
  latestTrigger: string | null,
  stageName: string,
) {
  const { automated, manual } = countStageRetries(ctx.db, executionId, stageName);
  if (!automated && !manual) return {};
  return {
    retryStageMetadata: {
      autoStageRetryAttempt: automated,
      manualStageRetryAttempt: manual,
      ...(latestTrigger ? { latestRetryTrigger: latestTrigger as never } : {}),
    },
  };
}

function conditionStates(ctx: ApiContext, pipelineName: string, stage: StageDeclaration) {
  const beforeEntry = stageConditionState(ctx.db, pipelineName, stage, 'BEFORE_ENTRY');
  const onSuccess = stageConditionState(ctx.db, pipelineName, stage, 'ON_SUCCESS');
  const onFailure = stageConditionState(ctx.db, pipelineName, stage, 'ON_FAILURE');
  return {
    ...(beforeEntry ? { beforeEntryConditionState: beforeEntry } : {}),
    ...(onSuccess ? { onSuccessConditionState: onSuccess } : {}),
    ...(onFailure ? { onFailureConditionState: onFailure } : {}),
  };
}

/** The state operations. */
export const stateOperations: OperationTable = {
  GetPipelineState: getPipelineState,
};
