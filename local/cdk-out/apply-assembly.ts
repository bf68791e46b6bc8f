import type { ApiContext } from '../api/operation.js';
import { ServiceError } from '../errors.js';
import { resolveFunctionName, type LocalFunction } from '../functions-file.js';
import type { LoadedAssembly } from './load-assembly.js';
import { ENDPOINT_PLACEHOLDER } from './physical-names.js';

/** What `--cdk-out` loaded into the engine, and what it could not (printed by `cpkit serve`). */
export interface CdkOutReport {
  readonly pipelines: string[];
  readonly functions: string[];
  readonly customActionTypes: string[];
  readonly rules: string[];
  readonly subscriptions: string[];
  readonly buckets: string[];
  /** Each names the resource (stack/logicalId and type) and why it was not (fully) mapped. */
  readonly warnings: string[];
  readonly withoutLocalEffect: Record<string, number>;
}

type Invoke = (operation: string, input: unknown) => Promise<unknown>;

/**
 * The functions of the assembly with the server's endpoint filled in, merged with `--functions`
 * (which wins for the same name).
 */
export function mergeFunctions(
  explicit: readonly LocalFunction[],
  loaded: readonly LocalFunction[],
  endpoint: string,
): LocalFunction[] {
  const names = new Set(explicit.map((f) => f.name));
  const fromAssembly = loaded
    .filter((f) => !names.has(f.name))
    .map((f) => ({
      ...f,
      environment: Object.fromEntries(
        Object.entries(f.environment).map(([k, v]) => [k, v.split(ENDPOINT_PLACEHOLDER).join(endpoint)]),
      ),
    }));
  return [...explicit, ...fromAssembly];
}

/**
 * Creates the assembly's buckets (versioning as declared), custom action types and pipelines in a started
 * engine, through the same operations the API serves. An existing pipeline is updated; an existing custom
 * action type is kept. Whatever the engine refuses becomes a warning naming the resource.
 *
 * @example
 * const report = await applyCloudAssembly(loaded, { invoke, functions, bucketStore, endpoint });
 */
export async function applyCloudAssembly(
  loaded: LoadedAssembly,
  args: {
    invoke: Invoke;
    /** The final function list (after {@link mergeFunctions}). */
    functions: readonly LocalFunction[];
    /** The embedded S3 store, when buckets can be created. */
    bucketStore?: {
      ensureBucket(name: string): Promise<void>;
      setVersioning(name: string, status: 'Enabled' | 'Suspended'): void;
    };
    context: ApiContext;
  },
): Promise<CdkOutReport> {
  const warnings = [...loaded.warnings];
  const buckets: string[] = [];
  for (const bucket of loaded.buckets) {
    if (!args.bucketStore) {
      warnings.push(`bucket ${bucket.name}: no embedded S3 store to create it in`);
      continue;
    }
    try {
      await args.bucketStore.ensureBucket(bucket.name);
      if (bucket.versioned) args.bucketStore.setVersioning(bucket.name, 'Enabled');
      buckets.push(bucket.name);
    } catch (err) {
      warnings.push(`bucket ${bucket.name}: not created: ${(err as Error).message}`);
    }
  }
  const customActionTypes: string[] = [];
  for (const type of loaded.customActionTypes) {
    const id = `Custom/${type.category}/${type.provider}/${type.version}`;
    try {
      await args.invoke('CreateCustomActionType', type);
      customActionTypes.push(id);
    } catch (err) {
      warnings.push(`custom action type ${id}: not created: ${(err as Error).message}`);
    }
  }
  const pipelines: string[] = [];
  for (const p of loaded.pipelines) {
    const name = p.declaration.name!;
    try {
      try {
        await args.invoke('CreatePipeline', {
          pipeline: p.declaration,
          ...(p.tags.length ? { tags: p.tags } : {}),
        });
      } catch (err) {
        if (!(err instanceof ServiceError) || err.name !== 'PipelineNameInUseException') throw err;
        await args.invoke('UpdatePipeline', { pipeline: p.declaration });
      }
      for (const t of p.disabledTransitions) {
        await args.invoke('DisableStageTransition', {
          pipelineName: name,
          stageName: t.stageName,
          transitionType: 'Inbound',
          reason: t.reason,
        });
      }
      pipelines.push(name);
    } catch (err) {
      warnings.push(`pipeline ${name} (${p.source}): not created: ${(err as Error).message}`);
      continue;
    }
    for (const stage of p.declaration.stages ?? []) {
      for (const action of stage.actions ?? []) {
        const id = action.actionTypeId;
        if (id?.owner !== 'AWS' || id.provider !== 'Lambda') continue;
        const fn = action.configuration?.FunctionName ?? '';
        if (!resolveFunctionName(args.functions, fn)) {
          warnings.push(
            `pipeline ${name}: action ${stage.name}/${action.name} invokes ${fn}, which is not loaded`,
          );
        }
      }
    }
  }
  return {
    pipelines,
    functions: args.functions.map((f) => f.name),
    customActionTypes,
    rules: loaded.rules.map((r) => r.name),
    subscriptions: loaded.subscriptions.map((s) => `${s.topic} -> ${s.function}`),
    buckets,
    warnings,
    withoutLocalEffect: loaded.withoutLocalEffect,
  };
}

/** The report as the lines `cpkit serve` prints. */
export function formatCdkOutReport(report: CdkOutReport): string[] {
  const lines = [
    `cdk-out: ${report.pipelines.length} pipeline(s) [${report.pipelines.join(', ')}], ` +
      `${report.functions.length} function(s), ${report.customActionTypes.length} custom action type(s), ` +
      `${report.rules.length} rule(s), ${report.subscriptions.length} subscription(s), ${report.buckets.length} bucket(s)`,
  ];
  const none = Object.entries(report.withoutLocalEffect).map(([t, n]) => `${t} x${n}`);
  if (none.length) lines.push(`cdk-out: without local effect: ${none.join(', ')}`);
  for (const w of report.warnings) lines.push(`cdk-out warning: ${w}`);
  return lines;
}
