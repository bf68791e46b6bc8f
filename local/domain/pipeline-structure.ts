import type {
  ActionDeclaration,
  PipelineDeclaration,
  PipelineType,
  StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import type { ActionTypeDefinition, ActionTypeKey } from '../action-types/builtin.js';
import { ServiceError } from '../errors.js';
import { validateActionAgainstType } from './action-declaration.js';
import { checkStageConditions } from './stage-condition-rules.js';

/** What the structure rules need besides the declaration. */
export interface StructureContext {
  /** The pipeline's region (the key artifactStores must contain). */
  readonly region: string;
  /** Finds an action type (built-in or custom) by id. */
  readonly lookupActionType: (id: ActionTypeKey) => ActionTypeDefinition | undefined;
}

/** Limits of the pipeline structure (CodePipeline quotas and structure reference). */
export const STRUCTURE_LIMITS = { minStages: 2, maxStages: 50, maxActionsPerStage: 50 } as const;

const structure = (m: string) => new ServiceError('InvalidStructureException', m);
const stageError = (m: string) => new ServiceError('InvalidStageDeclarationException', m);
const actionError = (m: string) => new ServiceError('InvalidActionDeclarationException', m);
const blockerError = (m: string) => new ServiceError('InvalidBlockerDeclarationException', m);

/** Variable references in configuration values: `#{Namespace.name}`. */
const VARIABLE_REFERENCE = /#\{([A-Za-z0-9@\-_]+)\.([A-Za-z0-9@\-_.]+)\}/g;

/**
 * Checks a pipeline declaration against CodePipeline's structure rules (pipeline structure
 * reference and codepipeline-api.md), in this order: pipeline type features, artifact stores,
 * stage count, stage names, each stage (actions, blockers, conditions), source placement, each
 * action against its type, artifact flow, namespaces and variable references, pipeline variables,
 * triggers. Throws the specific ServiceError (InvalidStructureException,
 * InvalidStageDeclarationException, InvalidActionDeclarationException,
 * InvalidBlockerDeclarationException) for the first rule broken.
 * @example
 * validatePipelineStructure(pipeline, { region: 'us-east-1', lookupActionType: (id) => findActionType(db, id) });
 */
export function validatePipelineStructure(p: PipelineDeclaration, ctx: StructureContext): void {
  const type: PipelineType = p.pipelineType ?? 'V1';
  checkPipelineTypeFeatures(p, type);
  checkArtifactStores(p, ctx.region);
  const stages = p.stages ?? [];
  if (stages.length < STRUCTURE_LIMITS.minStages)
    throw structure(
      `Pipeline has only ${stages.length} stage(s). There should be a minimum of ${STRUCTURE_LIMITS.minStages} stages in a pipeline`,
    );
  if (stages.length > STRUCTURE_LIMITS.maxStages)
    throw structure(
      `Pipeline has ${stages.length} stages. There should be a maximum of ${STRUCTURE_LIMITS.maxStages} stages in a pipeline`,
    );
  const stageNames = new Set<string>();
  for (const s of stages) {
    if (stageNames.has(s.name!))
      throw structure(`Pipeline contains more than one stage with the name '${s.name}'`);
    stageNames.add(s.name!);
  }
  stages.forEach((s, i) => checkStage(s, i, type));
  checkSourcePlacement(stages);
  for (const s of stages)
    for (const a of s.actions!) {
      validateActionAgainstType(a, ctx.lookupActionType, type, ctx.region);
      checkActionRegion(a, p, ctx.region);
    }
  checkArtifactFlow(stages);
  checkVariables(p, stages);
  checkTriggers(p, stages);
}

function checkPipelineTypeFeatures(p: PipelineDeclaration, type: PipelineType): void {
  if (type === 'V2') return;
  if (p.executionMode && p.executionMode !== 'SUPERSEDED')
    throw structure(`Execution mode ${p.executionMode} is only supported for pipelines of type V2`);
  if (p.variables?.length)
    throw structure('Pipeline-level variables are only supported for pipelines of type V2');
  if (p.triggers?.length) throw structure('Triggers are only supported for pipelines of type V2');
}

function checkArtifactStores(p: PipelineDeclaration, region: string): void {
  if (p.artifactStore && p.artifactStores)
    throw structure(
      'Pipeline cannot contain both artifactStore and artifactStores; specify only one of them',
    );
  if (!p.artifactStore && !p.artifactStores)
    throw structure('Pipeline must contain either artifactStore or artifactStores');
  if (p.artifactStores) {
    if (!p.artifactStores[region])
      throw structure(`artifactStores must contain an artifact store for the pipeline's region '${region}'`);
    for (const [r, store] of Object.entries(p.artifactStores))
      if (store.type !== 'S3') throw structure(`Artifact store for region '${r}' must be of type S3`);
  }
}

function checkStage(s: StageDeclaration, index: number, type: PipelineType): void {
  const actions = s.actions ?? [];
  if (actions.length === 0) throw stageError(`Stage '${s.name}' must contain at least one action`);
  if (actions.length > STRUCTURE_LIMITS.maxActionsPerStage)
    throw stageError(
      `Stage '${s.name}' has ${actions.length} actions. There should be a maximum of ${STRUCTURE_LIMITS.maxActionsPerStage} actions in a stage`,
    );
  const names = new Set<string>();
  for (const a of actions) {
    if (names.has(a.name!))
      throw stageError(`Stage '${s.name}' contains more than one action with the name '${a.name}'`);
    names.add(a.name!);
  }
  const blockers = new Set<string>();
  for (const b of s.blockers ?? []) {
    if (blockers.has(b.name!))
      throw blockerError(`Stage '${s.name}' contains more than one blocker with the name '${b.name}'`);
    blockers.add(b.name!);
  }
  const conditions =
    s.beforeEntry || s.onSuccess || s.onFailure?.conditions || s.onFailure?.retryConfiguration;
  if (type === 'V1' && (conditions || (s.onFailure?.result && s.onFailure.result !== 'FAIL')))
    throw stageError(
      `Stage '${s.name}' declares stage conditions or a failure result that only pipelines of type V2 support`,
    );
  if (index === 0 && (s.onFailure?.result === 'ROLLBACK' || s.beforeEntry))
    throw stageError(`Stage '${s.name}' is the first stage: it cannot roll back or declare entry conditions`);
  if (type === 'V2') checkStageConditions(s);
}

function checkSourcePlacement(stages: StageDeclaration[]): void {
  const [first, ...rest] = stages;
  const nonSource = first.actions!.find((a) => a.actionTypeId!.category !== 'Source');
  if (nonSource)
    throw structure(
      `Stage '${first.name}' is the first stage and can only contain Source actions, but action '${nonSource.name}' is of category ${nonSource.actionTypeId!.category}`,
    );
  for (const s of rest) {
    const source = s.actions!.find((a) => a.actionTypeId!.category === 'Source');
    if (source)
      throw structure(
        `Source action '${source.name}' is in stage '${s.name}': Source actions can only be in the first stage of a pipeline`,
      );
  }
}

function checkActionRegion(a: ActionDeclaration, p: PipelineDeclaration, region: string): void {
  if (!a.region || a.region === region) return;
  if (!p.artifactStores)
    throw actionError(
      `Action '${a.name}' runs in region '${a.region}': a pipeline with cross-region actions must use artifactStores instead of artifactStore`,
    );
  if (!p.artifactStores[a.region])
    throw actionError(
      `Action '${a.name}' runs in region '${a.region}', which has no artifact store in artifactStores`,
    );
}

/** Actions of a stage grouped by runOrder, ascending. */
function runOrderGroups(s: StageDeclaration): ActionDeclaration[][] {
  const groups = new Map<number, ActionDeclaration[]>();
  for (const a of s.actions!) {
    const o = a.runOrder ?? 1;
    groups.set(o, [...(groups.get(o) ?? []), a]);
  }
  return [...groups.entries()].sort((x, y) => x[0] - y[0]).map(([, g]) => g);
}

function checkArtifactFlow(stages: StageDeclaration[]): void {
  const produced = new Set<string>();
  const outputs = new Set<string>();
  for (const s of stages)
    for (const group of runOrderGroups(s)) {
      for (const a of group) {
        const seen = new Set<string>();
        for (const i of a.inputArtifacts ?? []) {
          if (seen.has(i.name!))
            throw actionError(`Action '${a.name}' declares input artifact '${i.name}' more than once`);
          seen.add(i.name!);
          if (!produced.has(i.name!))
            throw structure(
              `Input artifact '${i.name}' of action '${a.name}' in stage '${s.name}' is not an output artifact of any action that runs before it (an earlier stage, or a lower runOrder in the same stage)`,
            );
        }
      }
      for (const a of group)
        for (const o of a.outputArtifacts ?? []) {
          if (outputs.has(o.name!))
            throw structure(
              `Output artifact name '${o.name}' is not unique: every output artifact in a pipeline needs its own name`,
            );
          outputs.add(o.name!);
        }
      for (const a of group) for (const o of a.outputArtifacts ?? []) produced.add(o.name!);
    }
}

function checkVariables(p: PipelineDeclaration, stages: StageDeclaration[]): void {
  const declared = new Set<string>();
  for (const v of p.variables ?? []) {
    if (declared.has(v.name!)) throw structure(`Pipeline variable '${v.name}' is declared more than once`);
    declared.add(v.name!);
  }
  const namespaces = new Set<string>();
  const available = new Set<string>();
  for (const s of stages)
    for (const group of runOrderGroups(s)) {
      for (const a of group) {
        if (a.namespace) {
          if (namespaces.has(a.namespace))
            throw actionError(
              `Namespace '${a.namespace}' of action '${a.name}' is already used by another action in the pipeline`,
            );
          namespaces.add(a.namespace);
        }
        for (const value of Object.values(a.configuration ?? {}))
          for (const [, ns, key] of value.matchAll(VARIABLE_REFERENCE)) {
            if (ns === 'codepipeline') continue;
            if (ns === 'variables') {
              if (!declared.has(key))
                throw actionError(
                  `Action '${a.name}' references pipeline variable '${key}', which is not declared in the pipeline`,
                );
              continue;
            }
            if (!available.has(ns))
              throw actionError(
                `Action '${a.name}' references namespace '${ns}', which no action that runs before it declares`,
              );
          }
      }
      for (const a of group) if (a.namespace) available.add(a.namespace);
    }
}

function checkTriggers(p: PipelineDeclaration, stages: StageDeclaration[]): void {
  const sources = new Map(stages[0].actions!.map((a) => [a.name!, a]));
  const used = new Set<string>();
  for (const t of p.triggers ?? []) {
    const name = t.gitConfiguration!.sourceActionName!;
    const action = sources.get(name);
    if (!action)
      throw structure(`Trigger refers to source action '${name}', which is not an action of the first stage`);
    if (action.actionTypeId!.provider !== t.providerType)
      throw structure(`Trigger for source action '${name}' requires an action of provider ${t.providerType}`);
    if (used.has(name)) throw structure(`Source action '${name}' has more than one trigger configuration`);
    used.add(name);
  }
}
