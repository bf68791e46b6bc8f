import type {
  ListRuleExecutionsInput,
  ListRuleExecutionsOutput,
  OverrideStageConditionInput,
  RuleExecutionDetail,
  StageConditionState,
  StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { declaredCondition } from '../engine/stage-conditions.js';
import { serviceError } from '../errors.js';
import { decodeNextToken, encodeNextToken } from '../protocol/paginate.js';
import {
  latestConditionRunOfStage,
  listRuleRunsOfCondition,
  listRuleRunsOfPipeline,
  type ConditionKind,
  type RuleRunRow,
} from '../store/condition-run-repo.js';
import type { Db } from '../store/database.js';
import { getExecution } from '../store/execution-repo.js';
import { engineOf, requirePipeline } from './executions.js';
import type { ApiContext } from './operation.js';

/** OverrideStageCondition: lets an execution past an InProgress BEFORE_ENTRY or ON_SUCCESS condition. */
export function overrideStageCondition(
  input: OverrideStageConditionInput,
  ctx: ApiContext,
): Record<string, never> {
  const stored = requirePipeline(ctx, input.pipelineName!);
  if (!stored.declaration.stages?.some((s) => s.name === input.stageName))
    throw serviceError(
      'StageNotFoundException',
      `Stage ${input.stageName} was not found in pipeline ${input.pipelineName}`,
    );
  engineOf(ctx).overrideStageCondition(
    input.pipelineName!,
    input.stageName!,
    input.pipelineExecutionId!,
    input.conditionType as ConditionKind,
  );
  return {};
}

function ruleDetailView(r: RuleRunRow): RuleExecutionDetail {
  const ended = r.status !== 'InProgress';
  return {
    pipelineExecutionId: r.executionId,
    ruleExecutionId: r.id,
    pipelineVersion: r.pipelineVersion,
    stageName: r.stageName,
    ruleName: r.ruleName,
    startTime: new Date(r.startedAt),
    lastUpdateTime: new Date(r.updatedAt),
    status: r.status,
    input: {
      ruleTypeId: { ...r.ruleType, category: 'Rule', owner: 'AWS' },
      configuration: r.configuration,
      resolvedConfiguration: r.resolvedConfiguration,
      ...(r.roleArn ? { roleArn: r.roleArn } : {}),
      region: r.region ?? undefined,
      inputArtifacts: [],
    },
    output: {
      executionResult: ended
        ? {
            externalExecutionId: r.id,
            externalExecutionSummary: r.summary ?? undefined,
            ...(r.errorCode ? { errorDetails: { code: r.errorCode, message: r.errorMessage ?? '' } } : {}),
          }
        : undefined,
    },
  };
}

/** ListRuleExecutions: the rule runs of a pipeline's stage conditions, newest first, paginated. */
export function listRuleExecutions(
  input: ListRuleExecutionsInput,
  ctx: ApiContext,
): ListRuleExecutionsOutput {
  requirePipeline(ctx, input.pipelineName!);
  const token = input.nextToken
    ? decodeNextToken<{ p: string; o: number }>('ListRuleExecutions', input.nextToken)
    : { p: input.pipelineName!, o: 0 };
  if (token.p !== input.pipelineName || !Number.isInteger(token.o) || token.o < 0)
    throw serviceError('InvalidNextTokenException', 'The next token is not valid for this request');
  const executionId =
    input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId;
  if (executionId) {
    const exec = getExecution(ctx.db, executionId);
    if (!exec || exec.pipelineName !== input.pipelineName)
      throw serviceError(
        'PipelineExecutionNotFoundException',
        `Pipeline Execution ${executionId} does not exist in pipeline with name '${input.pipelineName}'`,
      );
  }
  const limit = input.maxResults ?? 100;
  const rows = listRuleRunsOfPipeline(ctx.db, input.pipelineName!, executionId, limit + 1, token.o);
  return {
    ruleExecutionDetails: rows.slice(0, limit).map(ruleDetailView),
    ...(rows.length > limit
      ? { nextToken: encodeNextToken('ListRuleExecutions', { p: input.pipelineName, o: token.o + limit }) }
      : {}),
  };
}

/**
 * GetPipelineState's `StageConditionState` of a stage's `kind` condition: the newest evaluation (any
 * execution) with each rule's latest run; undefined when the stage declares no such condition.
 */
export function stageConditionState(
  db: Db,
  pipelineName: string,
  stage: StageDeclaration,
  kind: ConditionKind,
): StageConditionState | undefined {
  const condition = declaredCondition(stage, kind);
  if (!condition?.rules?.length) return undefined;
  const run = latestConditionRunOfStage(db, pipelineName, stage.name!, kind);
  if (!run) return { conditionStates: [{ ruleStates: condition.rules.map((r) => ({ ruleName: r.name })) }] };
  const rules = listRuleRunsOfCondition(db, run.id);
  return {
    latestExecution: { status: run.status, summary: run.summary ?? undefined },
    conditionStates: [
      {
        latestExecution: {
          status: run.status,
          summary: run.summary ?? undefined,
          lastStatusChange: new Date(run.updatedAt),
        },
        ruleStates: condition.rules.map((declared) => {
          const r = rules.find((x) => x.ruleName === declared.name);
          return {
            ruleName: declared.name,
            ...(r
              ? {
                  latestExecution: {
                    ruleExecutionId: r.id,
                    status: r.status,
                    summary: r.summary ?? undefined,
                    lastStatusChange: new Date(r.updatedAt),
                    externalExecutionId: r.id,
                    ...(r.errorCode
                      ? { errorDetails: { code: r.errorCode, message: r.errorMessage ?? '' } }
                      : {}),
                  },
                }
              : {}),
          };
        }),
      },
    ],
  };
}
