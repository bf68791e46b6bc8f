import type { ActionRunRow } from '../store/action-run-repo.js';
import type { ExecutionRow } from '../store/execution-repo.js';
import type { CodePipelineDetailType } from './events.js';

/** Something to do after the transaction that decided it has committed. */
export type Effect =
  | { readonly kind: 'launch'; readonly actionRunId: string }
  | {
      readonly kind: 'event';
      readonly pipelineName: string;
      readonly detailType: CodePipelineDetailType;
      readonly detail: Record<string, unknown>;
    }
  | { readonly kind: 'wake'; readonly pipelineName: string; readonly exceptExecutionId: string }
  /** Evaluate a waiting stage condition of the execution again at `at` (epoch ms). */
  | { readonly kind: 'recheck'; readonly executionId: string; readonly at: number };

/** Events: the state names CodePipeline uses for each execution / stage status. */
const EXECUTION_STATE: Record<string, string> = {
  InProgress: 'STARTED',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  Stopped: 'STOPPED',
  Stopping: 'STOPPING',
  Superseded: 'SUPERSEDED',
  Cancelled: 'CANCELED',
  Abandoned: 'ABANDONED',
};

/** The event `state` for a status. @internal */
export function eventState(status: string): string {
  return EXECUTION_STATE[status] ?? status.toUpperCase();
}

/** Builds a pipeline-level event effect. @internal */
export function pipelineEvent(exec: ExecutionRow, state: string): Effect {
  return {
    kind: 'event',
    pipelineName: exec.pipelineName,
    detailType: 'CodePipeline Pipeline Execution State Change',
    detail: {
      pipeline: exec.pipelineName,
      'execution-id': exec.id,
      'execution-trigger': { 'trigger-type': exec.triggerType, 'trigger-detail': exec.triggerDetail ?? '' },
      state,
      version: exec.pipelineVersion,
    },
  };
}

/** Builds a stage-level event effect. @internal */
export function stageEvent(exec: ExecutionRow, stageName: string, state: string, attempt: number): Effect {
  return {
    kind: 'event',
    pipelineName: exec.pipelineName,
    detailType: 'CodePipeline Stage Execution State Change',
    detail: {
      pipeline: exec.pipelineName,
      'execution-id': exec.id,
      stage: stageName,
      state,
      version: exec.pipelineVersion,
      'pipeline-execution-attempt': attempt,
    },
  };
}

/** Builds an action-level event effect. @internal */
export function actionEvent(run: ActionRunRow, region: string): Effect {
  const detail: Record<string, unknown> = {
    pipeline: run.pipelineName,
    'execution-id': run.executionId,
    stage: run.stageName,
    action: run.actionName,
    state: eventState(run.status),
    region: run.region ?? region,
    type: { owner: run.owner, category: run.category, provider: run.provider, version: run.typeVersion },
    version: run.pipelineVersion,
  };
  if (run.inputArtifacts.length) {
    detail['input-artifacts'] = run.inputArtifacts.map((a) => ({
      name: a.name,
      s3location: { bucket: a.bucket, key: a.key },
    }));
  }
  if (run.status !== 'InProgress') {
    if (run.outputArtifacts.length && run.status === 'Succeeded') {
      detail['output-artifacts'] = run.outputArtifacts.map((a) => ({
        name: a.name,
        s3location: { bucket: a.bucket, key: a.key },
      }));
    }
    const result: Record<string, unknown> = {};
    if (run.externalExecutionId) result['external-execution-id'] = run.externalExecutionId;
    if (run.summary ?? run.errorMessage)
      result['external-execution-summary'] = run.summary ?? run.errorMessage;
    if (run.externalExecutionUrl) result['external-execution-url'] = run.externalExecutionUrl;
    if (run.errorCode) result['error-code'] = run.errorCode;
    if (Object.keys(result).length) detail['execution-result'] = result;
  }
  return {
    kind: 'event',
    pipelineName: run.pipelineName,
    detailType: 'CodePipeline Action Execution State Change',
    detail,
  };
}
