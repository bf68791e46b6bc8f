import type {
  ListTagsForResourceInput,
  ListTagsForResourceOutput,
  TagResourceInput,
  UntagResourceInput,
} from '@aws-sdk/client-codepipeline';
import {
  actionTypeArn,
  parseResourceArn,
  pipelineArn,
  webhookArn,
  type ArnResource,
} from '../domain/arns.js';
import { pageByKey } from '../domain/page-token.js';
import { checkNewTags, checkRemovedTagKeys } from '../domain/tag-rules.js';
import { ServiceError } from '../errors.js';
import { findStoredActionType } from '../store/action-type-repo.js';
import { pipelineExists } from '../store/pipeline-repo.js';
import { listTags, putTags, removeTags } from '../store/tag-repo.js';
import { getWebhook } from '../store/webhook-repo.js';
import type { ApiContext, OperationTable } from './operation.js';

function exists(ctx: ApiContext, r: ArnResource): boolean {
  if (r.kind === 'pipeline') return pipelineExists(ctx.db, r.name);
  if (r.kind === 'webhook') return getWebhook(ctx.db, r.name) !== undefined;
  const t = findStoredActionType(ctx.db, r.id);
  return t !== undefined && !t.deleted && r.id.owner === 'Custom';
}

/**
 * Resolves a taggable resource: InvalidArnException for a malformed ARN, ResourceNotFoundException for a
 * missing resource. Returns the resource's canonical ARN, the key its tags are stored under (so every
 * spelling of one ARN, e.g. `ActionType:` for `actiontype:`, reads and writes the same tags, and deleting
 * the resource removes them).
 */
function resolve(ctx: ApiContext, arn: string): string {
  const parsed = parseResourceArn(arn, ctx);
  if (!parsed) throw new ServiceError('InvalidArnException', `The ARN '${arn}' is not valid.`);
  if (parsed.foreign || !exists(ctx, parsed.resource)) {
    const what =
      parsed.resource.kind === 'actiontype'
        ? `an action type '${arn.split(':').pop()}'`
        : `a ${parsed.resource.kind} with the name '${parsed.resource.name}'`;
    throw new ServiceError(
      'ResourceNotFoundException',
      `The account with id '${ctx.accountId}' does not include ${what}`,
    );
  }
  const r = parsed.resource;
  if (r.kind === 'pipeline') return pipelineArn(ctx, r.name);
  if (r.kind === 'webhook') return webhookArn(ctx, r.name);
  return actionTypeArn(ctx, r.id);
}

/** TagResource: adds or overwrites tags (50 per resource, no `aws:` keys). */
export function tagResource(input: TagResourceInput, ctx: ApiContext): Record<string, never> {
  const arn = resolve(ctx, input.resourceArn!);
  checkNewTags(
    arn,
    input.tags,
    listTags(ctx.db, arn).map((t) => t.key!),
  );
  putTags(ctx.db, arn, input.tags ?? []);
  return {};
}

/** UntagResource: removes the given keys; absent keys are ignored. */
export function untagResource(input: UntagResourceInput, ctx: ApiContext): Record<string, never> {
  const arn = resolve(ctx, input.resourceArn!);
  checkRemovedTagKeys(input.tagKeys ?? []);
  removeTags(ctx.db, arn, input.tagKeys ?? []);
  return {};
}

/** ListTagsForResource: the resource's tags sorted by key, `maxResults` per page. */
export function listTagsForResource(
  input: ListTagsForResourceInput,
  ctx: ApiContext,
): ListTagsForResourceOutput {
  const arn = resolve(ctx, input.resourceArn!);
  const { page, nextToken } = pageByKey(
    listTags(ctx.db, arn),
    (t) => t.key!,
    `tags:${arn}`,
    input.nextToken,
    input.maxResults ?? 50,
  );
  return { tags: page, ...(nextToken ? { nextToken } : {}) };
}

/** Tag operations of the local CodePipeline. */
export const tagOperations: OperationTable = {
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
