import type {
  ListTagsForResourceInput,
  ListTagsForResourceOutput,
  TagResourceInput,
  UntagResourceInput,
} from '@aws-sdk/client-codepipeline';
import { parseResourceArn, type ArnResource } from '../domain/arns.js';
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

/** Resolves a taggable resource: InvalidArnException for a malformed ARN, ResourceNotFoundException for a missing resource. */
function resolve(ctx: ApiContext, arn: string): void {
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
}

/** TagResource: adds or overwrites tags (50 per resource, no `aws:` keys). */
export function tagResource(input: TagResourceInput, ctx: ApiContext): Record<string, never> {
  const arn = input.resourceArn!;
  resolve(ctx, arn);
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
  const arn = input.resourceArn!;
  resolve(ctx, arn);
  checkRemovedTagKeys(input.tagKeys ?? []);
  removeTags(ctx.db, arn, input.tagKeys ?? []);
  return {};
}

/** ListTagsForResource: the resource's tags sorted by key, `maxResults` per page. */
export function listTagsForResource(
  input: ListTagsForResourceInput,
  ctx: ApiContext,
): ListTagsForResourceOutput {
  const arn = input.resourceArn!;
  resolve(ctx, arn);
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
