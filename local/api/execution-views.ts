import type {
  ActionExecution,
  ActionExecutionDetail,
  ArtifactRevision,
  PipelineDeclaration,
  PipelineExecution,
  PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline';
import type { ActionRunRow } from '../store/action-run-repo.js';
import type { ExecutionRow } from '../store/execution-repo.js';

/** Output shapes of executions and action runs, shared by the execution and state operations. */

/** `PipelineExecution` of GetPipelineExecution. */
export function pipelineExecutionView(exec: ExecutionRow, runs: readonly ActionRunRow[]): PipelineExecution {
  const artifactRevisions: ArtifactRevision[] = [];
  for (const run of runs) {
    if (run.category !== 'Source' || run.status !== 'Succeeded') continue;
    for (const a of run.outputArtifacts) {
      artifactRevisions.push({
        name: a.name,
        revisionId: a.revision ?? undefined,
        revisionSummary: exec.sourceRevisions.find((s) => s.actionName === run.actionName)?.revisionSummary,
        created: new Date(run.updatedAt),
      });
    }
  }
  return {
    pipelineName: exec.pipelineName,
    pipelineVersion: exec.pipelineVersion,
    pipelineExecutionId: exec.id,
    status: exec.status,
    statusSummary: exec.statusSummary ?? undefined,
    artifactRevisions,
    variables: exec.variables,
    trigger: { triggerType: exec.triggerType as never, triggerDetail: exec.triggerDetail ?? undefined },
    executionMode: exec.executionMode as never,
    executionType: exec.executionType as never,
    ...(exec.rollbackTargetId
      ? { rollbackMetadata: { rollbackTargetPipelineExecutionId: exec.rollbackTargetId } }
      : {}),
  };
}

/** `PipelineExecutionSummary` of ListPipelineExecutions. */
export function executionSummaryView(exec: ExecutionRow): PipelineExecutionSummary {
  return {
    pipelineExecutionId: exec.id,
    status: exec.status,
    statusSummary: exec.statusSummary ?? undefined,
    startTime: new Date(exec.createdAt),
    lastUpdateTime: new Date(exec.updatedAt),
    sourceRevisions: exec.sourceRevisions,
    trigger: { triggerType: exec.triggerType as never, triggerDetail: exec.triggerDetail ?? undefined },
    ...(exec.stopMode ? { stopTrigger: { reason: exec.stopReason ?? undefined } } : {}),
    executionMode: exec.executionMode as never,
    executionType: exec.executionType as never,
    ...(exec.rollbackTargetId
      ? { rollbackMetadata: { rollbackTargetPipelineExecutionId: exec.rollbackTargetId } }
      : {}),
  };
}

/** `ActionExecution` of GetPipelineState's action states. */
export function actionExecutionView(run: ActionRunRow): ActionExecution {
  return {
    actionExecutionId: run.id,
    status: run.status,
    summary: run.summary ?? undefined,
    lastStatusChange: new Date(run.updatedAt),
    token: run.status === 'InProgress' ? (run.token ?? undefined) : undefined,
    externalExecutionId: run.externalExecutionId ?? undefined,
    externalExecutionUrl: run.externalExecutionUrl ?? undefined,
    percentComplete: run.percentComplete ?? undefined,
    ...(run.errorCode || run.errorMessage
      ? { errorDetails: { code: run.errorCode ?? 'JobFailed', message: run.errorMessage ?? '' } }
      : {}),
  };
}

/** `ActionExecutionDetail` of ListActionExecutions. */
export function actionExecutionDetailView(
  run: ActionRunRow,
  decl: PipelineDeclaration | undefined,
): ActionExecutionDetail {
  const declared = decl?.stages
    ?.find((s) => s.name === run.stageName)
    ?.actions?.find((a) => a.name === run.actionName);
  const artifact = (a: { name: string; bucket: string; key: string }) => ({
    name: a.name,
    s3location: { bucket: a.bucket, key: a.key },
  });
  const ended = run.status !== 'InProgress';
  return {
    pipelineExecutionId: run.executionId,
    actionExecutionId: run.id,
    pipelineVersion: run.pipelineVersion,
    stageName: run.stageName,
    actionName: run.actionName,
    startTime: new Date(run.startedAt),
    lastUpdateTime: new Date(run.updatedAt),
    status: run.status,
    input: {
      actionTypeId: {
        category: run.category as never,
        owner: run.owner as never,
        provider: run.provider,
        version: run.typeVersion,
      },
      configuration: declared?.configuration ?? {},
      resolvedConfiguration: run.resolvedConfiguration ?? {},
      ...(declared?.roleArn ? { roleArn: declared.roleArn } : {}),
      region: run.region ?? undefined,
      inputArtifacts: run.inputArtifacts.map(artifact),
      ...(run.namespace ? { namespace: run.namespace } : {}),
    },
    output: {
      outputArtifacts: run.status === 'Succeeded' ? run.outputArtifacts.map(artifact) : [],
      // A waiting approval shows its token as externalExecutionId: AWS documents it as the token to use in
      // PARALLEL mode, where GetPipelineState cannot show every waiting run's token.
      executionResult:
        ended || (run.category === 'Approval' && run.externalExecutionId)
          ? {
              externalExecutionId: run.externalExecutionId ?? undefined,
              externalExecutionSummary: run.summary ?? run.errorMessage ?? undefined,
              externalExecutionUrl: run.externalExecutionUrl ?? undefined,
              ...(run.errorCode || run.errorMessage
                ? { errorDetails: { code: run.errorCode ?? 'JobFailed', message: run.errorMessage ?? '' } }
                : {}),
            }
          : undefined,
      outputVariables: run.outputVariables ?? {},
    },
  };
}
