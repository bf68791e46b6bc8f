import type { Condition, StageDeclaration } from '@aws-sdk/client-codepipeline';
import { randomUUID } from 'node:crypto';
import { listActionRunsOfExecution } from '../store/action-run-repo.js';
import {
  findConditionRun,
  insertConditionRun,
  insertRuleRun,
  listRuleRunsOfCondition,
  updateConditionRun,
  updateRuleRun,
  type ConditionKind,
  type ConditionRunRow,
} from '../store/condition-run-repo.js';
import type { ExecutionRow } from '../store/execution-repo.js';
import type { SimulatedOutcome } from './action-runners/simulated.js';
import { evaluateRule } from './rules/evaluate-rule.js';
import type { Effect } from './state-events.js';
import { resolveConfiguration } from './variables.js';
import type { Db } from '../store/database.js';

/** What condition evaluation needs from the engine (a subset of the advance context). */
export interface ConditionContext {
  readonly db: Db;
  readonly now: number;
  readonly region: string;
  readonly simulate?: Readonly<Record<string, SimulatedOutcome>>;
}

/** How a stage condition stands for an execution's stage attempt. */
export type ConditionOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'met'; readonly overridden: boolean }
  | { readonly kind: 'failed'; readonly result: string | undefined; readonly summary: string };

/** The declared condition of a kind (the model allows exactly one per kind). */
export function declaredCondition(stage: StageDeclaration, kind: ConditionKind): Condition | undefined {
  const list =
    kind === 'BEFORE_ENTRY'
      ? stage.beforeEntry?.conditions
      : kind === 'ON_SUCCESS'
        ? stage.onSuccess?.conditions
        : stage.onFailure?.conditions;
  return list?.[0];
}

/** The outcome of a condition run that has ended. */
function ended(run: ConditionRunRow): ConditionOutcome {
  if (run.status === 'Succeeded' || run.status === 'Overridden')
    return { kind: 'met', overridden: run.status === 'Overridden' };
  return { kind: 'failed', result: run.result ?? undefined, summary: run.summary ?? 'The condition failed' };
}

/** Variables a rule's configuration may reference: pipeline variables and namespaces of succeeded actions. */
function scopeOf(db: Db, exec: ExecutionRow) {
  const namespaces: Record<string, Record<string, string>> = {};
  for (const r of listActionRunsOfExecution(db, exec.id))
    if (r.status === 'Succeeded' && r.namespace) namespaces[r.namespace] = r.outputVariables ?? {};
  return {
    pipelineExecutionId: exec.id,
    pipelineVariables: Object.fromEntries(exec.variables.map((v) => [v.name, v.resolvedValue])),
    namespaces,
  };
}

/**
 * Evaluates (or evaluates again) the `kind` condition of `stage` for an execution's stage attempt: records a
 * condition run and one rule run per rule on first evaluation, re-evaluates rules still InProgress, and ends
 * the condition when a rule fails (the others are abandoned) or all succeed. A waiting rule asks for a
 * `recheck` effect. Call inside the transaction that moves the execution.
 *
 * @example
 * const outcome = evaluateStageCondition(ctx, exec, stage, 'BEFORE_ENTRY', 1, effects);
 */
export function evaluateStageCondition(
  ctx: ConditionContext,
  exec: ExecutionRow,
  stage: StageDeclaration,
  kind: ConditionKind,
  attempt: number,
  effects: Effect[],
): ConditionOutcome {
  const condition = declaredCondition(stage, kind);
  if (!condition?.rules?.length) return { kind: 'none' };
  const result = condition.result ?? (kind === 'ON_FAILURE' ? stage.onFailure?.result : undefined);
  let run = findConditionRun(ctx.db, exec.id, stage.name!, kind, attempt);
  if (run && run.status !== 'InProgress') return ended(run);
  if (!run) {
    run = insertConditionRun(
      ctx.db,
      {
        id: randomUUID(),
        executionId: exec.id,
        pipelineName: exec.pipelineName,
        stageName: stage.name!,
        conditionType: kind,
        stageAttempt: attempt,
        result: result ?? null,
      },
      ctx.now,
    );
    const scope = scopeOf(ctx.db, exec);
    for (const rule of condition.rules) {
      const resolution = resolveConfiguration(rule.configuration, scope);
      insertRuleRun(ctx.db, {
        id: randomUUID(),
        conditionRunId: run.id,
        executionId: exec.id,
        pipelineName: exec.pipelineName,
        pipelineVersion: exec.pipelineVersion,
        stageName: stage.name!,
        ruleName: rule.name!,
        ruleType: {
          category: rule.ruleTypeId?.category ?? 'Rule',
          owner: rule.ruleTypeId?.owner ?? 'AWS',
          provider: rule.ruleTypeId?.provider ?? '',
          version: rule.ruleTypeId?.version ?? '1',
        },
        configuration: rule.configuration ?? {},
        resolvedConfiguration: resolution.ok ? resolution.configuration : (rule.configuration ?? {}),
        region: rule.region ?? ctx.region,
        roleArn: rule.roleArn ?? null,
        status: resolution.ok ? 'InProgress' : 'Failed',
        summary: resolution.ok ? null : resolution.message,
        errorCode: resolution.ok ? null : 'ConfigurationError',
        errorMessage: resolution.ok ? null : resolution.message,
        startedAt: ctx.now,
      });
    }
  }
  let recheckAt: number | undefined;
  let failure: string | undefined;
  const rules = listRuleRunsOfCondition(ctx.db, run.id);
  for (const ruleRun of rules) {
    if (ruleRun.status === 'Failed') failure ??= `Rule ${ruleRun.ruleName} failed: ${ruleRun.summary}`;
    if (ruleRun.status !== 'InProgress' || failure) continue;
    const declared = condition.rules.find((r) => r.name === ruleRun.ruleName)!;
    const verdict = evaluateRule(declared, ruleRun.resolvedConfiguration, ctx.now, ctx.simulate ?? {});
    const failed = verdict.status === 'Failed';
    const unchanged = verdict.status === 'InProgress' && ruleRun.summary === verdict.summary;
    if (!unchanged)
      updateRuleRun(
        ctx.db,
        ruleRun.id,
        {
          status: verdict.status,
          summary: verdict.summary,
          errorCode: failed ? (verdict.errorCode ?? 'JobFailed') : null,
          errorMessage: failed ? verdict.summary : null,
        },
        ctx.now,
      );
    if (failed) failure = `Rule ${ruleRun.ruleName} failed: ${verdict.summary}`;
    if (verdict.recheckAt !== undefined) recheckAt = Math.min(recheckAt ?? Infinity, verdict.recheckAt);
  }
  if (failure) {
    abandonRules(ctx, run.id);
    updateConditionRun(ctx.db, run.id, 'Failed', failure, ctx.now);
    return ended(findConditionRun(ctx.db, exec.id, stage.name!, kind, attempt)!);
  }
  if (listRuleRunsOfCondition(ctx.db, run.id).every((r) => r.status === 'Succeeded')) {
    updateConditionRun(ctx.db, run.id, 'Succeeded', 'All rules succeeded', ctx.now);
    return { kind: 'met', overridden: false };
  }
  if (recheckAt !== undefined) effects.push({ kind: 'recheck', executionId: exec.id, at: recheckAt });
  return { kind: 'pending' };
}

function abandonRules(ctx: ConditionContext, conditionRunId: string): void {
  for (const r of listRuleRunsOfCondition(ctx.db, conditionRunId))
    if (r.status === 'InProgress')
      updateRuleRun(
        ctx.db,
        r.id,
        { status: 'Abandoned', summary: r.summary, errorCode: null, errorMessage: null },
        ctx.now,
      );
}

/**
 * Ends an InProgress condition run as `status` (Overridden by OverrideStageCondition, Cancelled when its
 * execution stops), abandoning its waiting rules.
 */
export function endConditionRun(
  ctx: ConditionContext,
  run: ConditionRunRow,
  status: 'Overridden' | 'Cancelled',
  summary: string,
): void {
  abandonRules(ctx, run.id);
  updateConditionRun(ctx.db, run.id, status, summary, ctx.now);
}
