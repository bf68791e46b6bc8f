/** What a configuration value may reference while an action starts. */
export interface VariableScope {
  /** `#{codepipeline.PipelineExecutionId}`. */
  readonly pipelineExecutionId: string;
  /** `#{variables.name}`: the execution's resolved pipeline variables (V2). */
  readonly pipelineVariables: Readonly<Record<string, string>>;
  /** `#{Namespace.key}`: output variables of earlier actions, by their namespace. */
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Result of {@link resolveConfiguration}. */
export type ResolutionResult =
  | { readonly ok: true; readonly configuration: Record<string, string> }
  | { readonly ok: false; readonly message: string };

const REFERENCE = /#\{([^}]*)\}/g;

/**
 * Resolves `#{Namespace.Variable}`, `#{codepipeline.PipelineExecutionId}` and `#{variables.name}` in every
 * configuration value, as CodePipeline does when an action starts. The first reference that cannot be
 * resolved makes the whole resolution fail with a message naming the reference and the configuration key.
 *
 * @example
 * resolveConfiguration({ UserParameters: 'build #{Build.BuildId}' }, {
 *   pipelineExecutionId: 'e1', pipelineVariables: {}, namespaces: { Build: { BuildId: '42' } },
 * }); // { ok: true, configuration: { UserParameters: 'build 42' } }
 */
export function resolveConfiguration(
  configuration: Readonly<Record<string, string>> | undefined,
  scope: VariableScope,
): ResolutionResult {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(configuration ?? {})) {
    let failure: string | undefined;
    const resolved = value.replace(REFERENCE, (whole: string, inner: string) => {
      if (failure) return whole;
      const result = resolveReference(inner, scope);
      if (typeof result === 'string') return result;
      failure = `Unable to resolve ${whole} in configuration "${key}": ${result.reason}`;
      return whole;
    });
    if (failure) return { ok: false, message: failure };
    out[key] = resolved;
  }
  return { ok: true, configuration: out };
}

function resolveReference(inner: string, scope: VariableScope): string | { reason: string } {
  const dot = inner.indexOf('.');
  if (dot <= 0 || dot === inner.length - 1) {
    return { reason: 'a variable reference must have the form #{Namespace.VariableName}' };
  }
  const namespace = inner.slice(0, dot);
  const name = inner.slice(dot + 1);
  if (namespace === 'codepipeline') {
    if (name === 'PipelineExecutionId') return scope.pipelineExecutionId;
    return { reason: `the codepipeline namespace has only PipelineExecutionId, not "${name}"` };
  }
  if (namespace === 'variables') {
    const v = scope.pipelineVariables[name];
    if (v !== undefined) return v;
    const known = Object.keys(scope.pipelineVariables);
    return {
      reason: `the pipeline declares no variable "${name}"${known.length ? ` (declared: ${known.join(', ')})` : ''}`,
    };
  }
  const ns = scope.namespaces[namespace];
  if (!ns) {
    return {
      reason: `no action that succeeded earlier in this execution publishes the namespace "${namespace}"`,
    };
  }
  const v = ns[name];
  if (v !== undefined) return v;
  const known = Object.keys(ns);
  return {
    reason: `namespace "${namespace}" has no variable "${name}"${known.length ? ` (it has: ${known.join(', ')})` : ''}`,
  };
}
