import type {
  ActionCategory,
  ActionConfigurationProperty,
  ActionOwner,
  ActionTypeSettings,
  ArtifactDetails,
  PipelineType,
  RuleConfigurationProperty,
} from '@aws-sdk/client-codepipeline';
import data from './aws-action-types.json' with { type: 'json' };

/** Identity of an action type: the four fields of an `ActionTypeId`. */
export interface ActionTypeKey {
  readonly category: ActionCategory | string;
  readonly owner: ActionOwner | string;
  readonly provider: string;
  readonly version: string;
}

/**
 * Everything the local CodePipeline knows about one action type, built-in or custom: what
 * pipeline validation checks an action against, and what the engine needs to run it.
 */
export interface ActionTypeDefinition {
  readonly id: ActionTypeKey;
  /** Configuration properties (name, required, key, secret, queryable, type, description). */
  readonly configurationProperties: ActionConfigurationProperty[];
  readonly inputArtifactDetails: ArtifactDetails;
  readonly outputArtifactDetails: ArtifactDetails;
  readonly settings?: ActionTypeSettings;
  /** Pipeline types the action is available in; absent = V1 and V2. */
  readonly pipelineTypes?: PipelineType[];
  /** 'required' when the action takes the `commands` field (Compute / Commands). */
  readonly commands?: 'required';
  /** The AWS documentation page the definition is transcribed from (built-in types). */
  readonly reference?: string;
  /** True for the AWS-owned and third-party types CodePipeline ships with. */
  readonly builtin: boolean;
  /** Custom types: the action type ARN. */
  readonly arn?: string;
  /** Custom types: set once DeleteCustomActionType ran (running jobs keep the type). */
  readonly deleted?: boolean;
  /** Description shown for UpdateActionType / GetActionType declarations. */
  readonly description?: string;
}

/** A built-in rule type (stage conditions), as ListRuleTypes returns it. */
export interface RuleTypeDefinition {
  readonly id: { category: 'Rule'; owner: 'AWS'; provider: string; version: string };
  readonly ruleConfigurationProperties: RuleConfigurationProperty[];
  readonly inputArtifactDetails: ArtifactDetails;
  readonly reference: string;
}

interface RawType {
  category: string;
  owner: string;
  provider: string;
  version: string;
  reference: string;
  inputArtifacts: ArtifactDetails;
  outputArtifacts?: ArtifactDetails;
  pipelineTypes?: string[];
  commands?: string;
  configurationProperties: ActionConfigurationProperty[];
}

const builtinActionTypes: readonly ActionTypeDefinition[] = (data.actionTypes as RawType[]).map((t) => ({
  id: { category: t.category, owner: t.owner, provider: t.provider, version: t.version },
  configurationProperties: t.configurationProperties,
  inputArtifactDetails: t.inputArtifacts,
  outputArtifactDetails: t.outputArtifacts ?? { minimumCount: 0, maximumCount: 0 },
  ...(t.pipelineTypes ? { pipelineTypes: t.pipelineTypes as PipelineType[] } : {}),
  ...(t.commands === 'required' ? { commands: 'required' as const } : {}),
  reference: t.reference,
  builtin: true,
}));

const builtinRuleTypes: readonly RuleTypeDefinition[] = (data.ruleTypes as RawType[]).map((t) => ({
  id: { category: 'Rule', owner: 'AWS', provider: t.provider, version: t.version },
  ruleConfigurationProperties: t.configurationProperties,
  inputArtifactDetails: t.inputArtifacts,
  reference: t.reference,
}));

/** `Category/Owner/Provider/Version`, the lookup key of an action type. */
export function actionTypeKeyString(id: ActionTypeKey): string {
  return `${id.category}/${id.owner}/${id.provider}/${id.version}`;
}

const byKey = new Map(builtinActionTypes.map((t) => [actionTypeKeyString(t.id), t]));

/**
 * The built-in (AWS-owned and third-party) action types, from aws-action-types.json.
 * @example
 * const s3Source = listBuiltinActionTypes().find((t) => t.id.category === 'Source' && t.id.provider === 'S3');
 */
export function listBuiltinActionTypes(): readonly ActionTypeDefinition[] {
  return builtinActionTypes;
}

/**
 * One built-in action type, or undefined.
 * @example
 * findBuiltinActionType({ category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' });
 */
export function findBuiltinActionType(id: ActionTypeKey): ActionTypeDefinition | undefined {
  return byKey.get(actionTypeKeyString(id));
}

/**
 * The built-in rule types (DeploymentWindow, LambdaInvoke, CloudWatchAlarm, VariableCheck, Commands).
 * @example
 * listBuiltinRuleTypes().map((r) => r.id.provider);
 */
export function listBuiltinRuleTypes(): readonly RuleTypeDefinition[] {
  return builtinRuleTypes;
}
