import type {
  DeleteWebhookInput,
  DeregisterWebhookWithThirdPartyInput,
  ListWebhookItem,
  ListWebhooksInput,
  ListWebhooksOutput,
  PutWebhookInput,
  PutWebhookOutput,
  RegisterWebhookWithThirdPartyInput,
} from '@aws-sdk/client-codepipeline';
import { webhookArn } from '../domain/arns.js';
import { decodePageToken, encodePageToken } from '../domain/page-token.js';
import { checkNewTags } from '../domain/tag-rules.js';
import { checkWebhookDefinition } from '../domain/webhook-rules.js';
import { ServiceError } from '../errors.js';
import { getPipeline } from '../store/pipeline-repo.js';
import { listTags, putTags, removeAllTags } from '../store/tag-repo.js';
import {
  countWebhooks,
  deleteWebhook as deleteWebhookRow,
  getWebhook,
  listWebhooks as listWebhookRows,
  saveWebhook,
  setWebhookRegistered,
  type StoredWebhook,
} from '../store/webhook-repo.js';
import type { ApiContext, OperationTable } from './operation.js';

/** Webhooks per region (CodePipeline quotas). */
export const MAX_WEBHOOKS = 300;

/** Local URL of a webhook: `<baseUrl>/_cpkit/webhooks/<name>`. */
export function webhookUrl(ctx: ApiContext, name: string): string {
  return `${ctx.baseUrl}/_cpkit/webhooks/${encodeURIComponent(name)}`;
}

/** The ListWebhookItem of a stored webhook; the secret token is redacted (left out). */
function toItem(ctx: ApiContext, w: StoredWebhook): ListWebhookItem {
  const { SecretToken: _secret, ...auth } = w.definition.authenticationConfiguration ?? {};
  const tags = listTags(ctx.db, w.arn);
  return {
    definition: { ...w.definition, authenticationConfiguration: auth },
    url: w.url,
    arn: w.arn,
    ...(w.lastTriggered ? { lastTriggered: w.lastTriggered } : {}),
    ...(w.errorCode ? { errorCode: w.errorCode } : {}),
    ...(w.errorMessage ? { errorMessage: w.errorMessage } : {}),
    ...(tags.length ? { tags } : {}),
  };
}

/** PutWebhook: creates or replaces a webhook for a source action of an existing pipeline. */
export function putWebhook(input: PutWebhookInput, ctx: ApiContext): PutWebhookOutput {
  const w = input.webhook!;
  const pipeline = getPipeline(ctx.db, w.targetPipeline!);
  if (!pipeline)
    throw new ServiceError(
      'PipelineNotFoundException',
      `Account '${ctx.accountId}' does not have a pipeline with name '${w.targetPipeline}'`,
    );
  const source = pipeline.declaration.stages![0].actions!.find((a) => a.name === w.targetAction);
  if (!source)
    throw new ServiceError(
      'ValidationException',
      `Webhook target action '${w.targetAction}' is not an action of the source (first) stage of pipeline '${w.targetPipeline}'`,
    );
  checkWebhookDefinition(w);
  const arn = webhookArn(ctx, w.name!);
  checkNewTags(
    arn,
    input.tags,
    listTags(ctx.db, arn).map((t) => t.key!),
  );
  const existing = getWebhook(ctx.db, w.name!);
  if (!existing && countWebhooks(ctx.db) >= MAX_WEBHOOKS)
    throw new ServiceError(
      'LimitExceededException',
      `The maximum number of webhooks (${MAX_WEBHOOKS}) has been reached`,
    );
  saveWebhook(ctx.db, { definition: w, arn, url: webhookUrl(ctx, w.name!) }, ctx.now(), () =>
    putTags(ctx.db, arn, input.tags ?? []),
  );
  return { webhook: toItem(ctx, getWebhook(ctx.db, w.name!)!) };
}

/** ListWebhooks: webhooks sorted by name; note the capitalized `MaxResults` / `NextToken` of this operation. */
export function listWebhooks(input: ListWebhooksInput, ctx: ApiContext): ListWebhooksOutput {
  const after = decodePageToken('webhooks', input.NextToken);
  const limit = input.MaxResults ?? 100;
  const rows = listWebhookRows(ctx.db, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    webhooks: page.map((w) => toItem(ctx, w)),
    ...(rows.length > limit
      ? { NextToken: encodePageToken('webhooks', page[page.length - 1].definition.name!) }
      : {}),
  };
}

/** DeleteWebhook: removes the webhook and its tags; an absent webhook is not an error. */
export function deleteWebhook(input: DeleteWebhookInput, ctx: ApiContext): Record<string, never> {
  deleteWebhookRow(ctx.db, input.name!, () => removeAllTags(ctx.db, webhookArn(ctx, input.name!)));
  return {};
}

function notFound(name: string | undefined): ServiceError {
  return new ServiceError('WebhookNotFoundException', `The webhook '${name ?? ''}' was not found`);
}

/** RegisterWebhookWithThirdParty: marks the webhook registered (locally there is no third party to call). */
export function registerWebhookWithThirdParty(
  input: RegisterWebhookWithThirdPartyInput,
  ctx: ApiContext,
): Record<string, never> {
  if (!input.webhookName || !setWebhookRegistered(ctx.db, input.webhookName, true))
    throw notFound(input.webhookName);
  return {};
}

/** DeregisterWebhookWithThirdParty: marks the webhook not registered. */
export function deregisterWebhookWithThirdParty(
  input: DeregisterWebhookWithThirdPartyInput,
  ctx: ApiContext,
): Record<string, never> {
  if (!input.webhookName || !setWebhookRegistered(ctx.db, input.webhookName, false))
    throw notFound(input.webhookName);
  return {};
}

/** Webhook operations of the local CodePipeline. */
export const webhookOperations: OperationTable = {
  PutWebhook: putWebhook,
  ListWebhooks: listWebhooks,
  DeleteWebhook: deleteWebhook,
  RegisterWebhookWithThirdParty: registerWebhookWithThirdParty,
  DeregisterWebhookWithThirdParty: deregisterWebhookWithThirdParty,
};
