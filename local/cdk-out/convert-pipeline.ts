import type { PipelineDeclaration, Tag } from '@aws-sdk/client-codepipeline';

/** A pipeline as CreatePipeline takes it, plus what CloudFormation sets outside the declaration. */
export interface ConvertedPipeline {
  readonly declaration: PipelineDeclaration;
  readonly tags: Tag[];
  /** `DisableInboundStageTransitions`: applied with DisableStageTransition after creation. */
  readonly disabledTransitions: { stageName: string; reason: string }[];
  /** Properties with no local meaning (reported, not silently dropped). */
  readonly ignored: string[];
}

/** CloudFormation property names that differ from the API's beyond the first letter. */
const RENAMED: Record<string, string> = {};
/** Properties whose value keeps its keys as they are (action configuration). */
const VERBATIM = new Set(['Configuration']);
const NOT_IN_DECLARATION = new Set([
  'Name',
  'Tags',
  'DisableInboundStageTransitions',
  'RestartExecutionOnUpdate',
  'ArtifactStores',
]);

function camel(key: string): string {
  return RENAMED[key] ?? key.charAt(0).toLowerCase() + key.slice(1);
}

/** Converts CloudFormation's PascalCase shape to the API's camelCase one, recursively. */
function toApiShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toApiShape);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      camel(k),
      VERBATIM.has(k) ? configuration(v) : toApiShape(v),
    ]),
  );
}

/** Action configuration values are strings in the API (CloudFormation accepts `false`, `5`). */
function configuration(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/**
 * Turns the (intrinsic-free) properties of an `AWS::CodePipeline::Pipeline` into a CreatePipeline input.
 *
 * @example
 * const { declaration } = convertPipeline('cpkit-release', resolvedProperties);
 */
export function convertPipeline(name: string, props: Record<string, unknown>): ConvertedPipeline {
  const declaration: Record<string, unknown> = { name };
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (NOT_IN_DECLARATION.has(key)) continue;
    declaration[camel(key)] = toApiShape(value);
  }
  const stores = props.ArtifactStores as { Region: string; ArtifactStore: unknown }[] | undefined;
  if (stores?.length) {
    declaration.artifactStores = Object.fromEntries(
      stores.map((s) => [s.Region, toApiShape(s.ArtifactStore)]),
    );
  }
  if (props.RestartExecutionOnUpdate === true) {
    ignored.push('RestartExecutionOnUpdate (an update does not restart executions locally)');
  }
  const tags = ((props.Tags as { Key: string; Value: string }[] | undefined) ?? []).map((t) => ({
    key: t.Key,
    value: t.Value,
  }));
  const disabledTransitions = (
    (props.DisableInboundStageTransitions as { StageName: string; Reason: string }[] | undefined) ?? []
  ).map((t) => ({ stageName: t.StageName, reason: t.Reason }));
  return { declaration: declaration as unknown as PipelineDeclaration, tags, disabledTransitions, ignored };
}
