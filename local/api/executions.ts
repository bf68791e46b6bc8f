import type {
  GetPipelineExecutionInput,
  GetPipelineExecutionOutput,
  ListActionExecutionsInput,
  ListActionExecutionsOutput,
  ListDeployActionExecutionTargetsInput,
  ListDeployActionExecutionTargetsOutput,
  ListPipelineExecutionsInput,
  ListPipelineExecutionsOutput,
  PutActionRevisionInput,
  PutActionRevisionOutput,
  RetryStageExecutionInput,
  RetryStageExecutionOutput,
  RollbackStageInput,
  RollbackStageOutput,
  StartPipelineExecutionInput,
  StartPipelineExecutionOutput,
  StopPipelineExecutionInput,
  StopPipelineExecutionOutput,
} from '@aws-sdk/client-codepipeline';
import type { ExecutionEngine } from '../engine/execution-engine.js';
import { serviceError } from '../errors.js';
import { decodeNextToken, encodeNextToken } from '../protocol/paginate.js';
import {
  getActionRun,
  listActionRunsOfExecution,
  listActionRunsOfPipeline,
} from '../store/action-run-repo.js';
import {
  getExecution,
  getLatestStageRun,
  listExecutions,
  type ExecutionRow,
} from '../store/execution-repo.js';
import { getPipeline } from '../store/pipeline-repo.js';
import { getActionRevision, setActionRevision } from '../store/transition-repo.js';
import { actionExecutionDetailView, executionSummaryView, pipelineExecutionView } from './execution-views.js';
import type { ApiContext, OperationTable } from './operation.js';
import { listRuleExecutions, overrideStageCondition } from './conditions.js';

/** The execution engine registered by the composition root. */
export function engineOf(ctx: ApiContext): ExecutionEngine {
  const engine = ctx.services.engine as ExecutionEngine | undefined;
  if (!engine) throw serviceError('ValidationException', 'The execution engine is not running');
  return engine;
}

/** The stored pipeline or PipelineNotFoundException in AWS's words. */
export function requirePipeline(ctx: ApiContext, name: string) {
  const stored = getPipeline(ctx.db, name);
  if (!stored) {
    throw serviceError(
      'PipelineNotFoundException',
      `Account '${ctx.accountId}' does not have a pipeline with name '${name}'`,
    );
  }
  return stored;
}

function requireExecution(ctx: ApiContext, pipelineName: string, id: string) {
  const exec = getExecution(ctx.db, id);
  if (!exec || exec.pipelineName !== pipelineName) {
    throw serviceError(
      'PipelineExecutionNotFoundException',
      `Pipeline Execution ${id} does not exist in pipeline with name '${pipelineName}'`,
    );
  }
  return exec;
}

function callerArn(ctx: ApiContext): string {
  return `arn:aws:iam::${ctx.accountId}:user/${ctx.callerAccessKeyId ?? 'local'}`;
}

/** StartPipelineExecution: V2 variables, `clientRequestToken` idempotency. */
export function startPipelineExecution(
  input: StartPipelineExecutionInput,
  ctx: ApiContext,
): StartPipelineExecutionOutput {
  requirePipeline(ctx, input.name!);
  const id = engineOf(ctx).startExecution({
    pipelineName: input.name!,
    variables: input.variables?.map((v) => ({ name: v.name!, value: v.value! })),
    clientRequestToken: input.clientRequestToken,
    sourceRevisions: input.sourceRevisions?.map((r) => ({
      actionName: r.actionName!,
      revisionType: r.revisionType!,
      revisionValue: r.revisionValue!,
    })),
    triggerType: 'StartPipelineExecution',
    triggerDetail: callerArn(ctx),
  });
  return { pipelineExecutionId: id };
}

/** StopPipelineExecution (`abandon` true/false). */
export function stopPipelineExecution(
  input: StopPipelineExecutionInput,
  ctx: ApiContext,
): StopPipelineExecutionOutput {
  requirePipeline(ctx, input.pipelineName!);
  engineOf(ctx).stopExecution(
    input.pipelineName!,
    input.pipelineExecutionId!,
    input.abandon ?? false,
    input.reason,
  );
  return { pipelineExecutionId: input.pipelineExecutionId };
}

/** GetPipelineExecution. */
export function getPipelineExecution(
  input: GetPipelineExecutionInput,
  ctx: ApiContext,
): GetPipelineExecutionOutput {
  requirePipeline(ctx, input.pipelineName!);
  const exec = requireExecution(ctx, input.pipelineName!, input.pipelineExecutionId!);
  return { pipelineExecution: pipelineExecutionView(exec, listActionRunsOfExecution(ctx.db, exec.id)) };
}

function page(operation: string, input: { maxResults?: number; nextToken?: string }, pipeline: string) {
  const offset = input.nextToken
    ? decodeNextToken<{ p: string; o: number }>(operation, input.nextToken)
    : { p: pipeline, o: 0 };
  if (offset.p !== pipeline || !Number.isInteger(offset.o) || offset.o < 0) {
    throw serviceError('InvalidNextTokenException', 'The next token is not valid for this request');
  }
  return { offset: offset.o, limit: input.maxResults ?? 100 };
}

/** ListPipelineExecutions: newest first, paginated, optional succeededInStage filter. */
export function listPipelineExecutions(
  input: ListPipelineExecutionsInput,
  ctx: ApiContext,
): ListPipelineExecutionsOutput {
  requirePipeline(ctx, input.pipelineName!);
  const { offset, limit } = page('ListPipelineExecutions', input, input.pipelineName!);
  const stage = input.filter?.succeededInStage?.stageName;
  let slice: ExecutionRow[];
  let more: boolean;
  if (stage) {
    const all = listExecutions(ctx.db, input.pipelineName!).filter(
      (e) => getLatestStageRun(ctx.db, e.id, stage)?.status === 'Succeeded',
    );
    slice = all.slice(offset, offset + limit);
    more = offset + limit < all.length;
  } else {
    // Only the page (and one more row to tell whether a next page exists): cost stays flat with history.
    const rows = listExecutions(ctx.db, input.pipelineName!, limit + 1, offset);
    slice = rows.slice(0, limit);
    more = rows.length > limit;
  }
  return {
    pipelineExecutionSummaries: slice.map(executionSummaryView),
    ...(more
      ? { nextToken: encodeNextToken('ListPipelineExecutions', { p: input.pipelineName, o: offset + limit }) }
      : {}),
  };
}

/** ListActionExecutions: newest first, with artifacts, resolved configuration and output variables. */
export function listActionExecutions(
  input: ListActionExecutionsInput,
  ctx: ApiContext,
): ListActionExecutionsOutput {
  const stored = requirePipeline(ctx, input.pipelineName!);
  const { offset, limit } = page('ListActionExecutions', input, input.pipelineName!);
  const latest = input.filter?.latestInPipelineExecution;
  const executionId = input.filter?.pipelineExecutionId ?? latest?.pipelineExecutionId;
  if (executionId) requireExecution(ctx, input.pipelineName!, executionId);
  let runs = listActionRunsOfPipeline(ctx.db, input.pipelineName!, executionId, -1, 0);
  if (latest && latest.startTimeRange !== 'All') {
    const seen = new Set<string>();
    runs = runs.filter((r) => {
      const key = `${r.stageName}/${r.actionName}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const slice = runs.slice(offset, offset + limit);
  const decls = new Map<number, ReturnType<typeof getPipeline>>();
  return {
    actionExecutionDetails: slice.map((r) => {
      if (!decls.has(r.pipelineVersion))
        decls.set(r.pipelineVersion, getPipeline(ctx.db, r.pipelineName, r.pipelineVersion));
      return actionExecutionDetailView(r, (decls.get(r.pipelineVersion) ?? stored).declaration);
    }),
    ...(offset + limit < runs.length
      ? { nextToken: encodeNextToken('ListActionExecutions', { p: input.pipelineName, o: offset + limit }) }
      : {}),
  };
}

/** RetryStageExecution (FAILED_ACTIONS / ALL_ACTIONS). */
export function retryStageExecution(
  input: RetryStageExecutionInput,
  ctx: ApiContext,
): RetryStageExecutionOutput {
  requirePipeline(ctx, input.pipelineName!);
  engineOf(ctx).retryStageExecution(
    input.pipelineName!,
    input.stageName!,
    input.pipelineExecutionId!,
    input.retryMode as never,
  );
  return { pipelineExecutionId: input.pipelineExecutionId };
}

/** RollbackStage (V2). */
export function rollbackStage(input: RollbackStageInput, ctx: ApiContext): RollbackStageOutput {
  requirePipeline(ctx, input.pipelineName!);
  const id = engineOf(ctx).rollbackStage(
    input.pipelineName!,
    input.stageName!,
    input.targetPipelineExecutionId!,
  );
  return { pipelineExecutionId: id };
}

/** The revision type a PutActionRevision's revisionId is for, by source provider (else COMMIT_ID). */
const REVISION_TYPE: Record<string, string> = { S3: 'S3_OBJECT_VERSION_ID', ECR: 'IMAGE_DIGEST' };

/** PutActionRevision: a new revision of a source action starts an execution (trigger PutActionRevision). */
export function putActionRevision(input: PutActionRevisionInput, ctx: ApiContext): PutActionRevisionOutput {
  const stored = requirePipeline(ctx, input.pipelineName!);
  const stage = stored.declaration.stages?.find((s) => s.name === input.stageName);
  if (!stage)
    throw serviceError(
      'StageNotFoundException',
      `Stage ${input.stageName} was not found in pipeline ${input.pipelineName}`,
    );
  const action = stage.actions?.find((a) => a.name === input.actionName);
  if (!action) {
    throw serviceError(
      'ActionNotFoundException',
      `Action ${input.actionName} was not found in stage ${input.stageName}`,
    );
  }
  const revision = input.actionRevision!;
  const previous = getActionRevision(ctx.db, input.pipelineName!, input.stageName!, input.actionName!);
  if (previous?.revisionId === revision.revisionId) {
    const last = listExecutions(ctx.db, input.pipelineName!, 1)[0];
    return { newRevision: false, pipelineExecutionId: last?.id };
  }
  setActionRevision(
    ctx.db,
    {
      pipelineName: input.pipelineName!,
      stageName: input.stageName!,
      actionName: input.actionName!,
      revisionId: revision.revisionId!,
      revisionChangeId: revision.revisionChangeId!,
    },
    ctx.now().getTime(),
  );
  const id = engineOf(ctx).startExecution({
    pipelineName: input.pipelineName!,
    triggerType: 'PutActionRevision',
    triggerDetail: `${input.actionName}:${revision.revisionId}`,
    // the new revision is what this execution's source action reads (for S3: the object version id)
    ...(action.actionTypeId?.category === 'Source'
      ? {
          sourceRevisions: [
            {
              actionName: action.name!,
              revisionType: REVISION_TYPE[action.actionTypeId.provider!] ?? 'COMMIT_ID',
              revisionValue: revision.revisionId!,
            },
          ],
        }
      : {}),
  });
  return { newRevision: true, pipelineExecutionId: id };
}

/** ListDeployActionExecutionTargets: locally no action has deployment targets. */
export function listDeployActionExecutionTargets(
  input: ListDeployActionExecutionTargetsInput,
  ctx: ApiContext,
): ListDeployActionExecutionTargetsOutput {
  if (input.pipelineName) requirePipeline(ctx, input.pipelineName);
  if (input.nextToken) decodeNextToken('ListDeployActionExecutionTargets', input.nextToken);
  const run = getActionRun(ctx.db, input.actionExecutionId!);
  if (!run || (input.pipelineName && run.pipelineName !== input.pipelineName)) {
    throw serviceError(
      'ActionExecutionNotFoundException',
      `Action execution ${input.actionExecutionId} was not found`,
    );
  }
  return { targets: [] };
}

/** The execution operations. */
export const executionOperations: OperationTable = {
  StartPipelineExecution: startPipelineExecution,
  StopPipelineExecution: stopPipelineExecution,
  GetPipelineExecution: getPipelineExecution,
  ListPipelineExecutions: listPipelineExecutions,
  ListActionExecutions: listActionExecutions,
  RetryStageExecution: retryStageExecution,
  RollbackStage: rollbackStage,
  PutActionRevision: putActionRevision,
  OverrideStageCondition: overrideStageCondition,
  ListRuleExecutions: listRuleExecutions,
  ListDeployActionExecutionTargets: listDeployActionExecutionTargets,
};
