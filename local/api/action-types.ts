import type {
  ActionType,
  ActionTypeDeclaration,
  CreateCustomActionTypeInput,
  CreateCustomActionTypeOutput,
  DeleteCustomActionTypeInput,
  GetActionTypeInput,
  GetActionTypeOutput,
  ListActionTypesInput,
  ListActionTypesOutput,
  ListRuleTypesInput,
  ListRuleTypesOutput,
  UpdateActionTypeInput,
} from '@aws-sdk/client-codepipeline';
import {
  listBuiltinRuleTypes,
  type ActionTypeDefinition,
  type ActionTypeKey,
} from '../action-types/builtin.js';
import { actionTypeArn } from '../domain/arns.js';
import { pageByKey } from '../domain/page-token.js';
import { checkNewTags } from '../domain/tag-rules.js';
import { ServiceError } from '../errors.js';
import {
  countCustomActionTypes,
  findActionType,
  findStoredActionType,
  listActionTypes as listAllActionTypes,
  markActionTypeDeleted,
  saveActionType,
} from '../store/action-type-repo.js';
import { listTags, putTags, removeAllTags } from '../store/tag-repo.js';
import type { ApiContext, OperationTable } from './operation.js';

/** Custom action types per region (CodePipeline quotas). */
export const MAX_CUSTOM_ACTION_TYPES = 50;
const PAGE = 100;

const describe = (id: ActionTypeKey) =>
  `(Category: '${id.category}', Provider: '${id.provider}', Owner: '${id.owner}', Version: '${id.version}')`;

/** The ListActionTypes / CreateCustomActionType view of a definition. */
function toActionType(t: ActionTypeDefinition): ActionType {
  return {
    id: { ...t.id } as ActionType['id'],
    ...(t.settings ? { settings: t.settings } : {}),
    actionConfigurationProperties: t.configurationProperties,
    inputArtifactDetails: t.inputArtifactDetails,
    outputArtifactDetails: t.outputArtifactDetails,
  };
}

/** The GetActionType view (ActionTypeDeclaration of the integration model). */
function toDeclaration(t: ActionTypeDefinition): ActionTypeDeclaration {
  return {
    ...(t.description ? { description: t.description } : {}),
    executor: { type: 'JobWorker', configuration: { jobWorkerExecutorConfiguration: {} } },
    id: { ...t.id } as ActionTypeDeclaration['id'],
    inputArtifactDetails: t.inputArtifactDetails as ActionTypeDeclaration['inputArtifactDetails'],
    outputArtifactDetails: t.outputArtifactDetails as ActionTypeDeclaration['outputArtifactDetails'],
    properties: t.configurationProperties.map((p) => ({
      name: p.name,
      optional: !p.required,
      key: p.key,
      noEcho: p.secret,
      ...(p.queryable !== undefined ? { queryable: p.queryable } : {}),
      ...(p.description ? { description: p.description } : {}),
    })),
    ...(t.settings
      ? {
          urls: {
            configurationUrl: t.settings.thirdPartyConfigurationUrl,
            entityUrlTemplate: t.settings.entityUrlTemplate,
            executionUrlTemplate: t.settings.executionUrlTemplate,
            revisionUrlTemplate: t.settings.revisionUrlTemplate,
          },
        }
      : {}),
  };
}

function checkProperties(props: ActionTypeDefinition['configurationProperties']): void {
  const names = new Set<string>();
  for (const p of props) {
    if (names.has(p.name!))
      throw new ServiceError('ValidationException', `Duplicate configuration property '${p.name}'`);
    names.add(p.name!);
  }
  const queryable = props.filter((p) => p.queryable);
  if (queryable.length > 1)
    throw new ServiceError(
      'ValidationException',
      'An action type can have at most one queryable configuration property',
    );
  if (queryable.some((p) => !p.required || p.secret))
    throw new ServiceError(
      'ValidationException',
      'A queryable configuration property must be required and not secret',
    );
}

function checkBounds(kind: string, d: { minimumCount?: number; maximumCount?: number }): void {
  if ((d.minimumCount ?? 0) > (d.maximumCount ?? 0))
    throw new ServiceError('ValidationException', `${kind} minimumCount cannot be greater than maximumCount`);
}

/** JSON with object members sorted: two definitions that differ only in member order compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** CreateCustomActionType: owner Custom; recreating an identical (even deleted) type restores it. */
export function createCustomActionType(
  input: CreateCustomActionTypeInput,
  ctx: ApiContext,
): CreateCustomActionTypeOutput {
  const id: ActionTypeKey = {
    category: input.category!,
    owner: 'Custom',
    provider: input.provider!,
    version: input.version!,
  };
  const props = input.configurationProperties ?? [];
  checkProperties(props);
  checkBounds('inputArtifactDetails', input.inputArtifactDetails!);
  checkBounds('outputArtifactDetails', input.outputArtifactDetails!);
  const definition: ActionTypeDefinition = {
    id,
    configurationProperties: props,
    inputArtifactDetails: input.inputArtifactDetails!,
    outputArtifactDetails: input.outputArtifactDetails!,
    ...(input.settings ? { settings: input.settings } : {}),
    builtin: false,
  };
  const arn = actionTypeArn(ctx, id);
  const existing = findStoredActionType(ctx.db, id);
  const same =
    existing &&
    canonicalJson([
      existing.configurationProperties,
      existing.inputArtifactDetails,
      existing.outputArtifactDetails,
      existing.settings,
    ]) ===
      canonicalJson([
        definition.configurationProperties,
        definition.inputArtifactDetails,
        definition.outputArtifactDetails,
        definition.settings,
      ]);
  if (existing && !same)
    throw new ServiceError(
      'ValidationException',
      `Custom action type ${describe(id)} ${existing.deleted ? 'was deleted; to create a different action type use a version string that was never used, or send the identical definition to restore it' : 'already exists with a different definition'}`,
    );
  checkNewTags(
    arn,
    input.tags,
    listTags(ctx.db, arn).map((t) => t.key!),
  );
  if ((!existing || existing.deleted) && countCustomActionTypes(ctx.db) >= MAX_CUSTOM_ACTION_TYPES)
    throw new ServiceError(
      'LimitExceededException',
      `The maximum number of custom action types (${MAX_CUSTOM_ACTION_TYPES}) has been reached`,
    );
  saveActionType(ctx.db, definition, arn, ctx.now(), () => putTags(ctx.db, arn, input.tags ?? []));
  const tags = listTags(ctx.db, arn);
  return { actionType: toActionType(definition), ...(tags.length ? { tags } : {}) };
}

/** DeleteCustomActionType: the type is kept for running jobs and can no longer be used; absent = success. */
export function deleteCustomActionType(
  input: DeleteCustomActionTypeInput,
  ctx: ApiContext,
): Record<string, never> {
  const id: ActionTypeKey = {
    category: input.category!,
    owner: 'Custom',
    provider: input.provider!,
    version: input.version!,
  };
  markActionTypeDeleted(ctx.db, id, ctx.now(), () => removeAllTags(ctx.db, actionTypeArn(ctx, id)));
  return {};
}

/** ListActionTypes: built-in and custom types, filtered by owner and region, paginated. */
export function listActionTypes(input: ListActionTypesInput, ctx: ApiContext): ListActionTypesOutput {
  if (input.regionFilter !== undefined && input.regionFilter !== ctx.region) return { actionTypes: [] };
  const all = listAllActionTypes(ctx.db).filter(
    (t) => !input.actionOwnerFilter || t.id.owner === input.actionOwnerFilter,
  );
  const key = (t: ActionTypeDefinition) => `${t.id.owner}/${t.id.category}/${t.id.provider}/${t.id.version}`;
  all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const { page, nextToken } = pageByKey(all, key, 'action-types', input.nextToken, PAGE);
  return { actionTypes: page.map(toActionType), ...(nextToken ? { nextToken } : {}) };
}

/** GetActionType: the action type as an ActionTypeDeclaration. */
export function getActionType(input: GetActionTypeInput, ctx: ApiContext): GetActionTypeOutput {
  const id = input as ActionTypeKey;
  const t = findActionType(ctx.db, id);
  if (!t) throw new ServiceError('ActionTypeNotFoundException', `Action type ${describe(id)} was not found`);
  return { actionType: toDeclaration(t) };
}

/** UpdateActionType: replaces a third-party action type's definition; AWS-owned types cannot be changed. */
export function updateActionType(input: UpdateActionTypeInput, ctx: ApiContext): Record<string, never> {
  const decl = input.actionType!;
  const id = decl.id as ActionTypeKey;
  const existing = findActionType(ctx.db, id);
  if (!existing)
    throw new ServiceError('ActionTypeNotFoundException', `Action type ${describe(id)} was not found`);
  if (id.owner === 'AWS')
    throw new ServiceError(
      'RequestFailedException',
      `Action type ${describe(id)} is owned by AWS and cannot be updated`,
    );
  const props = (decl.properties ?? []).map((p) => ({
    name: p.name,
    required: !p.optional,
    key: p.key,
    secret: p.noEcho,
    ...(p.queryable !== undefined ? { queryable: p.queryable } : {}),
    ...(p.description ? { description: p.description } : {}),
  }));
  checkProperties(props);
  const definition: ActionTypeDefinition = {
    ...existing,
    configurationProperties: props,
    inputArtifactDetails: decl.inputArtifactDetails!,
    outputArtifactDetails: decl.outputArtifactDetails!,
    ...(decl.description ? { description: decl.description } : {}),
    settings: {
      thirdPartyConfigurationUrl: decl.urls?.configurationUrl,
      entityUrlTemplate: decl.urls?.entityUrlTemplate,
      executionUrlTemplate: decl.urls?.executionUrlTemplate,
      revisionUrlTemplate: decl.urls?.revisionUrlTemplate,
    },
    builtin: false,
  };
  saveActionType(ctx.db, definition, actionTypeArn(ctx, id), ctx.now());
  return {};
}

/** ListRuleTypes: the built-in rule types, filtered by owner and region. */
export function listRuleTypes(input: ListRuleTypesInput, ctx: ApiContext): ListRuleTypesOutput {
  if (input.regionFilter !== undefined && input.regionFilter !== ctx.region) return { ruleTypes: [] };
  return {
    ruleTypes: listBuiltinRuleTypes()
      .filter((r) => !input.ruleOwnerFilter || r.id.owner === input.ruleOwnerFilter)
      .map((r) => ({
        id: { ...r.id },
        ruleConfigurationProperties: r.ruleConfigurationProperties,
        inputArtifactDetails: r.inputArtifactDetails,
      })),
  };
}

/** Action type operations of the local CodePipeline. */
export const actionTypeOperations: OperationTable = {
  ListActionTypes: listActionTypes,
  CreateCustomActionType: createCustomActionType,
  DeleteCustomActionType: deleteCustomActionType,
  GetActionType: getActionType,
  UpdateActionType: updateActionType,
  ListRuleTypes: listRuleTypes,
};
