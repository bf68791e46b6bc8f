import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { serviceError } from '../errors.js';
import type { ResolvedVariable } from '../store/execution-repo.js';

/**
 * The resolved pipeline variables of a new execution: declared defaults overridden by the request's values.
 * Unknown names and missing values of variables without default are ValidationException, as on AWS.
 *
 * @example
 * resolvePipelineVariables(decl, [{ name: 'env', value: 'prod' }]); // [{ name: 'env', resolvedValue: 'prod' }]
 */
export function resolvePipelineVariables(
  decl: PipelineDeclaration,
  overrides: readonly { name: string; value: string }[] | undefined,
): ResolvedVariable[] {
  const declared = decl.variables ?? [];
  if (overrides?.length && decl.pipelineType !== 'V2') {
    throw serviceError(
      'ValidationException',
      'Pipeline variables are only supported by pipelines of type V2',
    );
  }
  const given = new Map<string, string>();
  for (const o of overrides ?? []) {
    if (given.has(o.name))
      throw serviceError('ValidationException', `Pipeline variable "${o.name}" is given more than once`);
    if (!declared.some((d) => d.name === o.name)) {
      throw serviceError(
        'ValidationException',
        `Pipeline variable "${o.name}" is not declared in pipeline ${decl.name}${declared.length ? ` (declared: ${declared.map((d) => d.name).join(', ')})` : ''}`,
      );
    }
    given.set(o.name, o.value);
  }
  return declared.map((d) => {
    const value = given.get(d.name!) ?? d.defaultValue;
    if (value === undefined) {
      throw serviceError(
        'ValidationException',
        `Pipeline variable "${d.name}" has no default value and needs a value`,
      );
    }
    return { name: d.name!, resolvedValue: value };
  });
}
