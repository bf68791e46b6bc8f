import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { ActionTypeDefinition, ActionTypeKey } from '../action-types/builtin.js';

/** What CodePipeline shows in place of a secret configuration value. */
export const SECRET_MASK = '****';

/**
 * The declaration as CodePipeline stores and returns it: pipelineType V1 and executionMode
 * SUPERSEDED when absent, every action with runOrder (1), inputArtifacts and outputArtifacts ([]);
 * everything else (variables, triggers, timeoutInMinutes, ...) exactly as given.
 * @example
 * normalizePipeline({ name: 'p', roleArn, stages }).pipelineType; // 'V1'
 */
export function normalizePipeline(p: PipelineDeclaration): PipelineDeclaration {
  const { version: _v, ...rest } = p;
  return {
    ...rest,
    pipelineType: p.pipelineType ?? 'V1',
    executionMode: p.executionMode ?? 'SUPERSEDED',
    stages: p.stages!.map((s) => ({
      ...s,
      actions: s.actions!.map((a) => ({
        ...a,
        runOrder: a.runOrder ?? 1,
        inputArtifacts: a.inputArtifacts ?? [],
        outputArtifacts: a.outputArtifacts ?? [],
      })),
    })),
  };
}

type Lookup = (id: ActionTypeKey) => ActionTypeDefinition | undefined;

function secretKeys(lookup: Lookup, id: ActionTypeKey): Set<string> {
  return new Set((lookup(id)?.configurationProperties ?? []).filter((p) => p.secret).map((p) => p.name!));
}

/** The declaration with secret configuration values replaced by `****` (GetPipeline, CreatePipeline output). */
export function maskSecrets(p: PipelineDeclaration, lookup: Lookup): PipelineDeclaration {
  return {
    ...p,
    stages: p.stages!.map((s) => ({
      ...s,
      actions: s.actions!.map((a) => {
        const secrets = secretKeys(lookup, a.actionTypeId as ActionTypeKey);
        if (!a.configuration || secrets.size === 0) return a;
        const configuration = Object.fromEntries(
          Object.entries(a.configuration).map(([k, v]) => [k, secrets.has(k) ? SECRET_MASK : v]),
        );
        return { ...a, configuration };
      }),
    })),
  };
}

/**
 * UpdatePipeline: a secret value sent back as `****` keeps the value the same action (same stage,
 * same action name, same key) had in `previous`.
 */
export function restoreMaskedSecrets(
  next: PipelineDeclaration,
  previous: PipelineDeclaration,
  lookup: Lookup,
): PipelineDeclaration {
  const old = new Map<string, Record<string, string>>();
  for (const s of previous.stages ?? [])
    for (const a of s.actions ?? []) old.set(`${s.name}/${a.name}`, a.configuration ?? {});
  return {
    ...next,
    stages: next.stages!.map((s) => ({
      ...s,
      actions: s.actions!.map((a) => {
        const before = old.get(`${s.name}/${a.name}`);
        const secrets = secretKeys(lookup, a.actionTypeId as ActionTypeKey);
        if (!a.configuration || !before || secrets.size === 0) return a;
        const configuration = Object.fromEntries(
          Object.entries(a.configuration).map(([k, v]) => [
            k,
            secrets.has(k) && v === SECRET_MASK && before[k] !== undefined ? before[k] : v,
          ]),
        );
        return { ...a, configuration };
      }),
    })),
  };
}
