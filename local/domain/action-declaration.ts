import type { ActionDeclaration, PipelineType } from '@aws-sdk/client-codepipeline';
import type { ActionTypeDefinition, ActionTypeKey } from '../action-types/builtin.js';
import { ServiceError } from '../errors.js';

/** Region name as AWS writes it in action-type messages (`us-east-1` -> `US_EAST_1`). */
function regionLabel(region: string): string {
  return region.toUpperCase().replace(/-/g, '_');
}

function invalidAction(message: string): ServiceError {
  return new ServiceError('InvalidActionDeclarationException', message);
}

/** Value allowed for a queryable property (ActionConfigurationProperty.queryable in the service model). */
const QUERYABLE_VALUE = /^[A-Za-z0-9_-]{1,20}$/;

/**
 * Checks one action against its action type: the type exists (and is available for the pipeline
 * type), artifact counts are within the type's bounds, every required configuration property is
 * present, no unknown configuration key, queryable values, `commands` / `outputVariables` /
 * output `files` only on compute actions, `timeoutInMinutes` only on manual approvals.
 * Throws InvalidActionDeclarationException naming the action and the offending value.
 */
export function validateActionAgainstType(
  action: ActionDeclaration,
  lookup: (id: ActionTypeKey) => ActionTypeDefinition | undefined,
  pipelineType: PipelineType,
  region: string,
): ActionTypeDefinition {
  const id = action.actionTypeId! as ActionTypeKey;
  const name = action.name!;
  const type = lookup(id);
  if (!type || (type.pipelineTypes && !type.pipelineTypes.includes(pipelineType))) {
    const where = type
      ? `pipelines of type ${pipelineType}`
      : `region '${regionLabel(action.region ?? region)}'`;
    throw invalidAction(
      `ActionType (Category: '${id.category}', Provider: '${id.provider}', Owner: '${id.owner}', Version: '${id.version}') in action '${name}' is not available in ${where}`,
    );
  }
  checkCount(name, 'input', action.inputArtifacts?.length ?? 0, type.inputArtifactDetails);
  checkCount(name, 'output', action.outputArtifacts?.length ?? 0, type.outputArtifactDetails);

  const config = action.configuration ?? {};
  const known = new Map(type.configurationProperties.map((p) => [p.name!, p]));
  for (const p of type.configurationProperties) {
    if (p.required && (config[p.name!] === undefined || config[p.name!] === ''))
      throw invalidAction(
        `Action configuration for action '${name}' is missing required configuration '${p.name}'`,
      );
  }
  for (const [key, value] of Object.entries(config)) {
    const p = known.get(key);
    if (!p)
      throw invalidAction(
        `Action configuration for action '${name}' contains unknown configuration '${key}'`,
      );
    if (p.queryable && !QUERYABLE_VALUE.test(value) && !value.includes('#{'))
      throw invalidAction(
        `Action configuration for action '${name}' has an invalid value for queryable configuration '${key}': it must be 1 to 20 characters of letters, digits, underscores and hyphens`,
      );
  }

  const compute = type.commands === 'required';
  if (compute && !(action.commands && action.commands.length > 0))
    throw invalidAction(`Action ${name} must have a non-empty commands field`);
  if (!compute && action.commands)
    throw invalidAction(
      `The following action cannot contain a commands field: ${name}. To use the commands field, use a compute action.`,
    );
  if (!compute && action.outputVariables)
    throw invalidAction(
      `The following action cannot contain an outputVariables field: ${name}. To use the outputVariables field, use a compute action.`,
    );
  if (!compute && action.outputArtifacts?.some((a) => a.files))
    throw invalidAction(
      `The following action cannot contain output artifact files: ${name}. To select files of an output artifact, use a compute action.`,
    );
  if (action.timeoutInMinutes !== undefined && !(id.category === 'Approval' && id.provider === 'Manual'))
    throw invalidAction(
      `Action '${name}' cannot declare timeoutInMinutes: it is available only to the manual approval action type`,
    );
  return type;
}

function checkCount(
  action: string,
  kind: 'input' | 'output',
  count: number,
  bounds: { minimumCount?: number; maximumCount?: number },
): void {
  const min = bounds.minimumCount ?? 0;
  const max = bounds.maximumCount ?? 0;
  if (count < min)
    throw invalidAction(
      `Action ${action} declares ${count} ${kind} artifacts which is less than the minimum count (${min})`,
    );
  if (count > max)
    throw invalidAction(
      `Action ${action} declares ${count} ${kind} artifacts which is more than the maximum count (${max})`,
    );
}
