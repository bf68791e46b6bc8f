import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from '@aws-sdk/client-codepipeline';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../store/database.js';
import {
  getExecution,
  getLatestStageRun,
  insertStageRun,
  listActiveExecutions,
  listOccupyingStageRuns,
  updateExecution,
  updateStageRunStatus,
  type ExecutionRow,
  type ExecutionStatus,
  type StageRunRow,
} from '../store/execution-repo.js';
import {
  insertActionRun,
  listActionRunsOfExecution,
  updateActionRun,
  type ActionRunRow,
  type ArtifactRecord,
} from '../store/action-run-repo.js';
import { getTransition } from '../store/transition-repo.js';
import { artifactBucketOf, type PipelineLoader } from './ports.js';
import { resolveConfiguration } from './variables.js';
import type { SimulatedOutcome } from './action-runners/simulated.js';
import { cancelOutdatedExecution, newerPipelineVersion } from './pipeline-update.js';
import { cancelOpenConditions, failStage, gateStageEntry, gateStageSuccess } from './condition-gates.js';
import { eventState, pipelineEvent, stageEvent, actionEvent, type Effect } from './state-events.js';

export { actionEvent, eventState, pipelineEvent, stageEvent, type Effect } from './state-events.js';

/** What {@link advanceExecution} needs. */
export interface AdvanceContext {
  readonly db: Db;
  readonly now: number;
  readonly region: string;
  readonly loadPipeline: PipelineLoader;
  /** `--simulate` outcomes, also for condition rules that cannot run locally. */
  readonly simulate?: Readonly<Record<string, SimulatedOutcome>>;
}

/** Per-action effective status inside a stage attempt. */
type EffectiveStatus = ActionRunRow['status'] | 'NotStarted';

/** Ends an execution (one status change) and says so. @internal */
export function finishExecution(
  ctx: AdvanceContext,
  exec: ExecutionRow,
  status: ExecutionStatus,
  summary: string | null,
  effects: Effect[],
): void {
  updateExecution(ctx.db, exec.id, { status, statusSummary: summary, waitingSince: null }, ctx.now);
  cancelOpenConditions(ctx, exec.id);
  effects.push(pipelineEvent(exec, eventState(status)));
  effects.push({ kind: 'wake', pipelineName: exec.pipelineName, exceptExecutionId: exec.id });
}

/** Stages an execution runs through: all of them, or only the rolled-back stage. @internal */
export function lastStageIndex(exec: ExecutionRow, decl: PipelineDeclaration): number {
  if (exec.rollbackStage) return decl.stages!.findIndex((s) => s.name === exec.rollbackStage) + 1;
  return decl.stages!.length;
}

type EntryVerdict = 'enter' | 'wait' | 'superseded';

function entryVerdict(ctx: AdvanceContext, exec: ExecutionRow, stage: StageDeclaration): EntryVerdict {
  const others = listActiveExecutions(ctx.db, exec.pipelineName).filter(
    (o) =>
      o.id !== exec.id &&
      o.waitingSince !== null &&
      o.nextStageIndex === exec.nextStageIndex &&
      o.status === 'InProgress',
  );
  const mode = exec.executionMode;
  if (mode === 'SUPERSEDED' && others.some((o) => o.seq > exec.seq && o.executionMode === 'SUPERSEDED'))
    return 'superseded';
  const transition = getTransition(ctx.db, exec.pipelineName, stage.name!);
  if (transition && !transition.enabled) return 'wait';
  if (mode === 'PARALLEL') return 'enter';
  const occupied = listOccupyingStageRuns(ctx.db, exec.pipelineName, stage.name!).some(
    (s) => s.executionId !== exec.id,
  );
  if (occupied) return 'wait';
  if (mode === 'QUEUED' && others.some((o) => o.seq < exec.seq)) return 'wait';
  return 'enter';
}

/** SUPERSEDED mode: older executions waiting before the same stage are replaced by `exec`. */
function supersedeOlderWaiters(ctx: AdvanceContext, exec: ExecutionRow, effects: Effect[]): void {
  for (const other of listActiveExecutions(ctx.db, exec.pipelineName)) {
    if (
      other.id !== exec.id &&
      other.seq < exec.seq &&
      other.status === 'InProgress' &&
      other.executionMode === 'SUPERSEDED' &&
      other.waitingSince !== null &&
      other.nextStageIndex === exec.nextStageIndex
    ) {
      finishExecution(ctx, other, 'Superseded', `Superseded by execution ${exec.id}`, effects);
    }
  }
}

/** The status an action has in a stage attempt (FAILED_ACTIONS retries keep earlier successes). @internal */
export function effectiveStatus(
  runs: readonly ActionRunRow[],
  stageRun: StageRunRow,
  actionName: string,
): EffectiveStatus {
  const mine = runs.filter((r) => r.stageName === stageRun.stageName && r.actionName === actionName);
  const current = mine.filter((r) => r.stageAttempt === stageRun.attempt).at(-1);
  if (current) return current.status;
  if (stageRun.retryMode === 'FAILED_ACTIONS') {
    const earlier = mine.filter((r) => r.stageAttempt < stageRun.attempt).at(-1);
    if (earlier?.status === 'Succeeded') return 'Succeeded';
  }
  return 'NotStarted';
}

/** Output artifacts and namespaces available to actions starting now in an execution. */
function producedSoFar(runs: readonly ActionRunRow[]): {
  artifacts: Map<string, ArtifactRecord>;
  namespaces: Record<string, Record<string, string>>;
} {
  const artifacts = new Map<string, ArtifactRecord>();
  const namespaces: Record<string, Record<string, string>> = {};
  for (const r of runs) {
    if (r.status !== 'Succeeded') continue;
    for (const a of r.outputArtifacts) artifacts.set(a.name, a);
    if (r.namespace) namespaces[r.namespace] = r.outputVariables ?? {};
  }
  return { artifacts, namespaces };
}

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Object key of a new output artifact, as CodePipeline names them: `<pipeline:20>/<artifact:10>/<random>`. */
export function newArtifactKey(pipelineName: string, artifactName: string): string {
  const bytes = randomBytes(7);
  let suffix = '';
  for (const b of bytes) suffix += KEY_CHARS[b % KEY_CHARS.length];
  return `${pipelineName.slice(0, 20)}/${artifactName.slice(0, 10)}/${suffix}`;
}

function startAction(
  ctx: AdvanceContext,
  exec: ExecutionRow,
  decl: PipelineDeclaration,
  stageRun: StageRunRow,
  action: ActionDeclaration,
  runs: readonly ActionRunRow[],
  effects: Effect[],
): void {
  const type = action.actionTypeId!;
  const region = action.region ?? ctx.region;
  const run = insertActionRun(ctx.db, {
    id: randomUUID(),
    executionId: exec.id,
    pipelineName: exec.pipelineName,
    pipelineVersion: exec.pipelineVersion,
    stageName: stageRun.stageName,
    stageAttempt: stageRun.attempt,
    actionName: action.name!,
    runOrder: action.runOrder ?? 1,
    category: type.category!,
    owner: type.owner!,
    provider: type.provider!,
    typeVersion: type.version!,
    namespace: action.namespace ?? null,
    region,
    startedAt: ctx.now,
  });
  const { artifacts, namespaces } = producedSoFar(runs);
  const pipelineVariables = Object.fromEntries(exec.variables.map((v) => [v.name, v.resolvedValue]));
  const resolution = resolveConfiguration(action.configuration, {
    pipelineExecutionId: exec.id,
    pipelineVariables,
    namespaces,
  });
  const bucket = artifactBucketOf(decl, region) ?? '';
  const inputs: ArtifactRecord[] = [];
  let failure = resolution.ok ? undefined : resolution.message;
  for (const input of action.inputArtifacts ?? []) {
    const found = artifacts.get(input.name!);
    if (found) inputs.push(found);
    else
      failure ??= `Input artifact "${input.name}" was not produced by any action that succeeded earlier in this execution`;
  }
  const outputs: ArtifactRecord[] = (action.outputArtifacts ?? []).map((o) => ({
    name: o.name!,
    bucket,
    key: newArtifactKey(exec.pipelineName, o.name!),
    revision: null,
  }));
  updateActionRun(
    ctx.db,
    run.id,
    {
      resolvedConfiguration: resolution.ok ? resolution.configuration : (action.configuration ?? {}),
      inputArtifacts: inputs,
      outputArtifacts: outputs,
    },
    ctx.now,
  );
  effects.push(actionEvent({ ...run, inputArtifacts: inputs, outputArtifacts: outputs }, ctx.region));
  if (failure) {
    updateActionRun(
      ctx.db,
      run.id,
      { status: 'Failed', errorCode: 'ConfigurationError', errorMessage: failure, summary: failure },
      ctx.now,
    );
    effects.push(
      actionEvent(
        {
          ...run,
          status: 'Failed',
          errorCode: 'ConfigurationError',
          errorMessage: failure,
          inputArtifacts: inputs,
          outputArtifacts: [],
        },
        ctx.region,
      ),
    );
  } else {
    effects.push({ kind: 'launch', actionRunId: run.id });
  }
}

/**
 * Moves one execution forward as far as it can go right now (enter the next stage, start the next runOrder
 * group, end the stage or the execution), writing each change; call it inside a transaction after every
 * change that could unblock the execution. Returns what to do after the commit.
 */
export function advanceExecution(ctx: AdvanceContext, executionId: string): Effect[] {
  const effects: Effect[] = [];
  for (let guard = 0; guard < 500; guard++) {
    const exec = getExecution(ctx.db, executionId);
    if (!exec || (exec.status !== 'InProgress' && exec.status !== 'Stopping')) break;
    const decl = ctx.loadPipeline(exec.pipelineName, exec.pipelineVersion)?.declaration;
    if (!decl?.stages?.length) {
      finishExecution(
        ctx,
        exec,
        'Failed',
        `Pipeline ${exec.pipelineName} version ${exec.pipelineVersion} no longer exists`,
        effects,
      );
      break;
    }
    const idx = exec.nextStageIndex;
    if (idx >= lastStageIndex(exec, decl)) {
      finishExecution(
        ctx,
        exec,
        exec.status === 'Stopping' ? 'Stopped' : 'Succeeded',
        exec.status === 'Stopping' ? exec.stopReason : null,
        effects,
      );
      break;
    }
    const stage = decl.stages[idx];
    const newerVersion = newerPipelineVersion(ctx, exec);
    if (exec.waitingSince !== null) {
      if (exec.status === 'Stopping') {
        finishExecution(ctx, exec, 'Stopped', exec.stopReason, effects);
        break;
      }
      if (newerVersion !== undefined) {
        cancelOutdatedExecution(ctx, exec, newerVersion, effects);
        break;
      }
      const verdict = entryVerdict(ctx, exec, stage);
      if (verdict === 'superseded') {
        finishExecution(
          ctx,
          exec,
          'Superseded',
          'Superseded by a newer execution waiting to enter the same stage',
          effects,
        );
        break;
      }
      if (exec.executionMode === 'SUPERSEDED') supersedeOlderWaiters(ctx, exec, effects);
      if (verdict === 'wait') break;
      const previous = getLatestStageRun(ctx.db, exec.id, stage.name!);
      const attempt = (previous?.attempt ?? 0) + 1;
      const gate = gateStageEntry(ctx, exec, stage, idx, attempt, effects);
      if (gate === 'skipped') continue;
      if (gate !== 'enter') break;
      insertStageRun(
        ctx.db,
        {
          executionId: exec.id,
          stageName: stage.name!,
          stageIndex: idx,
          attempt,
          retryMode: null,
          status: 'InProgress',
        },
        ctx.now,
      );
      updateExecution(ctx.db, exec.id, { waitingSince: null }, ctx.now);
      effects.push(stageEvent(exec, stage.name!, 'STARTED', attempt));
      continue;
    }
    const stageRun = getLatestStageRun(ctx.db, exec.id, stage.name!);
    if (!stageRun) {
      updateExecution(ctx.db, exec.id, { waitingSince: ctx.now }, ctx.now);
      continue;
    }
    const runs = listActionRunsOfExecution(ctx.db, exec.id);
    const inStage = runs.filter((r) => r.stageName === stage.name && r.stageAttempt === stageRun.attempt);
    const anyInProgress = inStage.some((r) => r.status === 'InProgress');
    const actions = stage.actions ?? [];
    const orders = [...new Set(actions.map((a) => a.runOrder ?? 1))].sort((a, b) => a - b);
    let failed = false;
    let complete = true;
    let toStart: ActionDeclaration[] = [];
    for (const order of orders) {
      const group = actions.filter((a) => (a.runOrder ?? 1) === order);
      const statuses = group.map((a) => effectiveStatus(runs, stageRun, a.name!));
      if (statuses.some((s) => s === 'Failed' || s === 'Abandoned')) {
        failed = true;
        complete = false;
        break;
      }
      if (statuses.some((s) => s === 'InProgress')) {
        complete = false;
        break;
      }
      const notStarted = group.filter((_, i) => statuses[i] === 'NotStarted');
      if (notStarted.length) {
        complete = false;
        toStart = notStarted;
        break;
      }
    }
    if (newerVersion !== undefined && !complete && !failed) {
      if (!anyInProgress) cancelOutdatedExecution(ctx, exec, newerVersion, effects, { stage, run: stageRun });
      break;
    }
    if (exec.status === 'Stopping' && !complete) {
      if (anyInProgress) break;
      updateStageRunStatus(ctx.db, exec.id, stage.name!, stageRun.attempt, 'Stopped', ctx.now);
      effects.push(stageEvent(exec, stage.name!, 'STOPPED', stageRun.attempt));
      finishExecution(ctx, exec, 'Stopped', exec.stopReason, effects);
      break;
    }
    if (failed) {
      if (anyInProgress) break;
      const failing = inStage.find((r) => r.status === 'Failed' || r.status === 'Abandoned');
      const message = failing
        ? `Action ${stage.name}/${failing.actionName} failed: ${failing.errorMessage ?? failing.summary ?? 'no details'}`
        : `Stage ${stage.name} failed`;
      if (failStage(ctx, exec, stage, stageRun, message, effects) === 'retry') continue;
      break;
    }
    if (toStart.length) {
      const seed = exec.rollbackTargetId
        ? listActionRunsOfExecution(ctx.db, exec.rollbackTargetId).filter((r) => r.stageName !== stage.name)
        : [];
      for (const action of toStart)
        startAction(ctx, exec, decl, stageRun, action, [...seed, ...runs], effects);
      continue;
    }
    if (!complete || gateStageSuccess(ctx, exec, stage, stageRun, effects) !== 'succeed') break;
    updateStageRunStatus(ctx.db, exec.id, stage.name!, stageRun.attempt, 'Succeeded', ctx.now);
    effects.push(stageEvent(exec, stage.name!, 'SUCCEEDED', stageRun.attempt));
    updateExecution(ctx.db, exec.id, { nextStageIndex: idx + 1, waitingSince: ctx.now }, ctx.now);
    effects.push({ kind: 'wake', pipelineName: exec.pipelineName, exceptExecutionId: exec.id });
  }
  return effects;
}
